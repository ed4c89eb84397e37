"""Language names, codes and offline detection (by script, then by stop words for Latin text)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.stopwords import stop_words

# code -> (sumy/nltk language name, script)
SUPPORTED: dict[str, tuple[str, str]] = {
    "en": ("english", "latin"),
    "ru": ("russian", "cyrillic"),
    "uk": ("ukrainian", "cyrillic"),
    "de": ("german", "latin"),
    "fr": ("french", "latin"),
    "es": ("spanish", "latin"),
    "it": ("italian", "latin"),
    "pt": ("portuguese", "latin"),
}
NEUTRAL = "und"
# Languages recognised by script but summarized language-neutrally (no stemmer or stop words).
CJK_LANGUAGES = ("zh", "ja", "ko")
_NAMES = {name: code for code, (name, _) in SUPPORTED.items()}
_ALIASES = {"eng": "en", "rus": "ru", "ukr": "uk", "deu": "de", "ger": "de", "fra": "fr",
            "fre": "fr", "spa": "es", "ita": "it", "por": "pt"}

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_HANGUL = re.compile(r"[\uAC00-\uD7AF]")
_KANA = re.compile(r"[\u3040-\u30FF]")
_UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_LETTER = re.compile(r"[^\W\d_]")
_CJK = re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF\uAC00-\uD7AF]")
_SAMPLE = 2_000


@dataclass(frozen=True, slots=True)
class Language:
    """A resolved language: ISO code, sumy name (None when language-neutral) and script."""

    code: str
    name: str | None
    script: str

    @property
    def neutral(self) -> bool:
        """Whether no stemmer or stop words exist for it."""
        return self.name is None


def resolve(language: str) -> Language | None:
    """Turn a user-given code or name ('en', 'english', 'RU') into a Language, or None."""
    key = language.strip().lower()
    code = _ALIASES.get(key) or _NAMES.get(key) or key
    if code in SUPPORTED:
        name, script = SUPPORTED[code]
        return Language(code, name, script)
    if code in CJK_LANGUAGES:
        return Language(code, None, "cjk")
    return None


def neutral(script: str = "other") -> Language:
    """The language-neutral fallback for text in a script or language we have no model for."""
    return Language(NEUTRAL, None, script)


def dominant_script(text: str) -> str:
    """The script most letters of the text are in: latin, cyrillic, cjk or other."""
    sample = text[:_SAMPLE]
    if sample.isascii():
        return "latin" if _LATIN.search(sample) else "none"
    letters = len(_LETTER.findall(sample))
    if not letters:
        return "none"
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    cjk = len(_CJK.findall(sample))
    best, count = max((("latin", latin), ("cyrillic", cyrillic), ("cjk", cjk)), key=lambda p: p[1])
    return best if count * 2 >= letters else "other"


def detect(text: str) -> Language:
    """Guess the language of a text offline; unknown scripts give the neutral language."""
    script = dominant_script(text)
    if script == "cyrillic":
        sample = text[:_SAMPLE]
        code = "uk" if len(_UKRAINIAN_ONLY.findall(sample)) > 3 else "ru"
        return resolve(code) or neutral(script)
    if script == "latin":
        return _detect_latin(text[: _SAMPLE // 2])
    if script == "cjk":
        return _detect_cjk(text[:_SAMPLE])
    return neutral(script)


def _detect_cjk(sample: str) -> Language:
    if _HANGUL.search(sample):
        return Language("ko", None, "cjk")
    if _KANA.search(sample):
        return Language("ja", None, "cjk")
    return Language("zh", None, "cjk")


def _detect_latin(sample: str) -> Language:
    words = sample.lower().split()
    english_words = stop_words("english")
    english = sum(map(english_words.__contains__, words))
    if english >= 0.2 * len(words):
        return resolve("en") or neutral("latin")
    best_code, best_hits = "en", english
    for code, (name, script) in SUPPORTED.items():
        if script != "latin":
            continue
        words_of_language = stop_words(name)
        hits = sum(map(words_of_language.__contains__, words))
        if hits > best_hits * 1.2:
            best_code, best_hits = code, hits
    return resolve(best_code) or neutral("latin")
