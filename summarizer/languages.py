"""Language names, codes and offline detection.

Detection uses py3langid (a maintained fork of langid.py whose model ships inside the package,
so nothing is downloaded): it told 48 of 48 one-paragraph news texts in 16 languages apart,
where the stop-word guess this module used before got 23 (summarizer/data/language_samples.tsv,
`newsbot bench languages`). Text too short to judge falls back to its script.
Languages with a Snowball stemmer get it; the rest (Bulgarian, Serbian ...) are summarized
language-neutrally under their own code, never with Russian's stemmer.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Any

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
    "nl": ("dutch", "latin"),
    "pl": ("polish", "latin"),
    "tr": ("turkish", "latin"),
    "sv": ("swedish", "latin"),
    "da": ("danish", "latin"),
    "no": ("norwegian", "latin"),
    "fi": ("finnish", "latin"),
    "cs": ("czech", "latin"),
    "ro": ("romanian", "latin"),
    "hu": ("hungarian", "latin"),
}
# Languages the detector may answer. Restricting py3langid to the languages of news we expect
# (and their close neighbours, so that they are not mistaken for them) makes it faster and
# surer than its full set of 97.
DETECTABLE = (
    "en", "ru", "uk", "bg", "be", "sr", "mk", "kk", "de", "fr", "es", "it", "pt", "nl", "pl", "tr",
    "sv", "da", "no", "fi", "cs", "sk", "hu", "ro", "el", "ca", "hr", "sl", "lt", "lv", "et", "id",
    "zh", "ja", "ko", "ar", "he", "fa", "hi", "az", "vi",
)
# Below this many letters a guess from the letters alone is no better than the script's default.
_MIN_LETTERS = 20
# py3langid's cost grows with the sample (its state machine reads every byte; a Russian letter
# is two). 200 characters (30-odd words) tell news languages apart as well as 600 and 300 did:
# 48 of 48 on the language set and every CNN/DM, BBC and RBC.ru development article, as do
# 150 and 120; at 100 two development articles go wrong (measured 2026-12-02).
_DETECT_CHARS = 200
NEUTRAL = "und"
# Languages recognised by script but summarized language-neutrally (no stemmer or stop words).
CJK_LANGUAGES = ("zh", "ja", "ko")
_NAMES = {name: code for code, (name, _) in SUPPORTED.items()}
_ALIASES = {
    "eng": "en",
    "rus": "ru",
    "ukr": "uk",
    "deu": "de",
    "ger": "de",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "nld": "nl",
    "dut": "nl",
    "pol": "pl",
    "tur": "tr",
    "swe": "sv",
    "ces": "cs",
    "cze": "cs",
    "ron": "ro",
    "rum": "ro",
    "hun": "hu",
    "fin": "fi",
    "dan": "da",
    "nor": "no",
}

_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_HANGUL = re.compile(r"[\uAC00-\uD7AF]")
_KANA = re.compile(r"[\u3040-\u30FF]")
_UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_LETTER = re.compile(r"[^\W\d_]")
_NOT_LETTER = re.compile(r"[\W\d_]")
_NOT_LATIN = re.compile(r"[^A-Za-z\u00C0-\u024F]")
_CYRILLIC_LEADS = (b"\xd0", b"\xd1", b"\xd2", b"\xd3")  # UTF-8 of U+0400-U+04FF
_CJK = re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF\uAC00-\uD7AF]")
_SAMPLE = 600  # enough letters to tell the script


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
    # Counted the cheap way round (a regex match costs more than a character it skips): the
    # letters as the sample less its few other characters; the Cyrillic letters, U+0400-U+04FF,
    # as the UTF-8 lead bytes D0-D3 that only they have; the Latin ones directly when the
    # sample is mostly Cyrillic, else as the sample less the rest.
    letters = len(sample) - len(_NOT_LETTER.findall(sample))
    if not letters:
        return "none"
    encoded = sample.encode("utf-8", "surrogatepass")
    cyrillic = sum(map(encoded.count, _CYRILLIC_LEADS))
    if cyrillic * 2 > len(sample):
        latin = len(_LATIN.findall(sample))
    else:
        latin = len(sample) - len(_NOT_LATIN.findall(sample))
    cjk = len(_CJK.findall(sample))
    best, count = max((("latin", latin), ("cyrillic", cyrillic), ("cjk", cjk)), key=lambda p: p[1])
    return best if count * 2 >= letters else "other"


def detect(text: str) -> Language:
    """Guess the language of a text offline; unknown languages keep their code, neutrally."""
    script = dominant_script(text)
    if script == "cjk":
        return _detect_cjk(text[:_SAMPLE])
    if script not in ("latin", "cyrillic", "other"):
        return neutral(script)
    sample = text[:_DETECT_CHARS]
    if len(text) > _DETECT_CHARS:
        sample = sample.rsplit(None, 1)[0]  # no half word at the end
    if next(islice(_LETTER.finditer(sample), _MIN_LETTERS - 1, None), None) is None:
        # fewer than _MIN_LETTERS letters (counting stops at that many)
        return _by_script(sample, script)
    code = _identifier().classify(sample)[0]
    if script == "other" and not _OTHER_SCRIPTS.get(code, _NOTHING).search(sample):
        # A script outside the detector's languages (Georgian, Armenian ...): say so, not a guess.
        return neutral(script)
    return resolve(code) or Language(code, None, script)


def _by_script(sample: str, script: str) -> Language:
    """The guess for a few words: English for Latin letters, Russian or Ukrainian for Cyrillic."""
    if script == "cyrillic":
        return resolve("uk" if _UKRAINIAN_ONLY.search(sample) else "ru") or neutral(script)
    if script == "latin":
        return resolve("en") or neutral(script)
    return neutral(script)


_NOTHING = re.compile(r"(?!)")
# The scripts of the detectable languages written in neither Latin nor Cyrillic letters.
_OTHER_SCRIPTS = {
    "ar": re.compile(r"[\u0600-\u06FF]"),
    "fa": re.compile(r"[\u0600-\u06FF]"),
    "he": re.compile(r"[\u0590-\u05FF]"),
    "el": re.compile(r"[\u0370-\u03FF]"),
    "hi": re.compile(r"[\u0900-\u097F]"),
}
_LOAD_LOCK = threading.Lock()


def load_detector() -> None:
    """Load the detection model now (a second or so) rather than on the first detection."""
    _identifier()


@cache
def _identifier() -> Any:
    """py3langid's model, loaded once (about a second) and restricted to DETECTABLE."""
    with _LOAD_LOCK:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        memo_class = _memo_identifier_class(LanguageIdentifier)
        identifier = (memo_class or LanguageIdentifier).from_model_file(MODEL_FILE)
        if memo_class is not None:
            identifier._walks = {}
        identifier.set_languages(DETECTABLE)
        return identifier


def clear_detection_cache() -> None:
    """Forget the memoized walks of the detector (the benchmark starts from a cold cache)."""
    if not _identifier.cache_info().currsize:
        return  # not loaded yet: nothing remembered (and no second spent loading it here)
    walks = getattr(_identifier(), "_walks", None)
    if walks is not None:
        walks.clear()


# py3langid counts the byte n-grams of a text by walking a state machine one byte at a time in
# Python, and that walk was most of the cost of detection. The walk is deterministic, so the
# stretch of it over one word (the state it starts in, the word's bytes) -> (the state it ends
# in, the n-grams it counts) can be remembered: news repeats its words, and a remembered word
# costs one dictionary look-up instead of a step per byte. The counts, in the same order, and
# so the scores and the language, are exactly py3langid's (a test compares the two).
_CHUNK = re.compile(rb"\S+\s*|\s+")
_WALKS_LIMIT = 50_000  # about 10 MB; the table starts again when full


def _memo_identifier_class(base: Any) -> Any:
    """py3langid's LanguageIdentifier with the memoized walk, or None when this version of
    py3langid does not score the way this relies on (then its own walk is used)."""
    methods = all(hasattr(base, name) for name in ("_raw_score", "_sparse_score", "_decide"))
    slots = set(getattr(base, "__slots__", ()))
    tables = {"_rowbase", "tk_nextmove", "tk_output", "nb_ptc"} <= slots
    if not (methods and tables):
        return None

    class MemoIdentifier(base):  # type: ignore[misc, valid-type]
        __slots__ = ("_walks",)

        def _raw_score(self, text: bytes) -> Any:
            nextmove, rowbase, output = self.tk_nextmove, self._rowbase, self.tk_output
            walks: dict[tuple[int, bytes], tuple[int, tuple[int, ...]]] = self._walks
            state = 0
            found: list[int] = []
            for chunk in _CHUNK.findall(text):
                key = (state, chunk)
                known = walks.get(key)
                if known is None:
                    counted = []
                    for byte in chunk:
                        state = nextmove[rowbase[state] + byte]
                        feature = output[state]
                        if feature >= 0:
                            counted.append(feature)
                    if len(walks) >= _WALKS_LIMIT:
                        walks.clear()
                    walks[key] = (state, tuple(counted))
                    found += counted
                else:
                    state = known[0]
                    found += known[1]
            if not found:
                return super()._raw_score(text)  # no n-gram at all: py3langid's floor scores
            return self._sparse_score(Counter(found), self.nb_ptc)

    return MemoIdentifier


def _detect_cjk(sample: str) -> Language:
    if _HANGUL.search(sample):
        return Language("ko", None, "cjk")
    if _KANA.search(sample):
        return Language("ja", None, "cjk")
    return Language("zh", None, "cjk")
