"""Offline sentence and word tokenizers with the interface sumy expects (to_sentences, to_words).

Sentences are split by nupunkt, a Punkt splitter that ships its model inside the package, so no
NLTK data is ever needed. Scripts nupunkt was not made for (CJK and others) use a punctuation
splitter; CJK words are character bigrams, which need no dictionary.
"""

from __future__ import annotations

import re
from functools import cache

from summarizer.languages import Language

_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’-][^\W\d_][^\W_]*)*")
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['-][A-Za-z][A-Za-z0-9]*)*")  # _WORD, faster
_CJK_RUN = re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF\uAC00-\uD7AF]+")
_PUNCT_SPLIT = re.compile(r"(?<=[.!?。！？…])[\"'”’»)\]]*\s+|(?<=[。！？])")
_SHORT_FRAGMENT_CHARS = 5
_TOKEN_AND_PERIOD = re.compile(r"^\S{1,3} \.$")  # PTB "by ." or "| ." before a byline
# Cyrillic abbreviations the English-trained Punkt model does not know; rarely sentence ends.
_CYRILLIC_ABBREVIATIONS = frozenset(
    ("ул", "просп", "пер", "пл", "им", "проф", "акад", "доц", "см", "рис", "стр", "обл", "св",
     "напр", "ген", "тов", "гос", "вул", "див")
)


# nupunkt's default model, trained on legal text, lists some 2,400 ordinary words of four or
# more letters as abbreviations ("bank", "coal", "century", "code", "stock") plus a few short
# ones ("so", "tax"), so "... the central bank. Economists said ..." stayed one sentence. Only
# these real abbreviations of that length stay.
_LONG_ABBREVIATIONS = frozenset(
    ("approx", "assn", "assoc", "asst", "atty", "blvd", "bldg", "bros", "calif", "capt", "cmdr",
     "colo", "conn", "corp", "dept", "dist", "figs", "govt", "inst", "intl", "mich", "minn",
     "natl", "okla", "prof", "repr", "sept", "supt", "tenn", "univ", "wisc", "ariz", "nebr",
     "oreg", "penna", "ibid", "resp", "cont", "admr", "lieut", "messrs", "msgr", "treas", "secy",
     "febr", "thur", "thurs", "tues", "incl", "misc", "mfrs", "mgmt", "jour", "vols")
)
_SHORT_WORDS_NOT_ABBREVIATIONS = frozenset(
    ("so", "tax", "day", "sun", "car", "fed", "low", "art", "pop", "row", "sum", "win")
)


@cache
def _punkt():  # type: ignore[no-untyped-def]
    import nupunkt

    model = nupunkt.load_default_model()
    for word in list(model.abbreviations):
        if word.isalpha() and (
            (len(word) >= 4 and word not in _LONG_ABBREVIATIONS)
            or word in _SHORT_WORDS_NOT_ABBREVIATIONS
        ):
            model.remove_abbreviation(word)
    return model


class OfflineTokenizer:
    """Splits paragraphs into sentences and sentences into words, offline, for one language."""

    def __init__(self, language: Language) -> None:
        self._language = language
        self._punkt_script = language.script in ("latin", "cyrillic")
        self._abbreviations = _CYRILLIC_ABBREVIATIONS if language.script == "cyrillic" else None

    @property
    def language(self) -> str:
        """The sumy language name (or the neutral code)."""
        return self._language.name or self._language.code

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """Split a paragraph into sentences."""
        paragraph = paragraph.strip()
        if not paragraph:
            return ()
        if self._punkt_script:
            pieces = _punkt().tokenize(paragraph)
        else:
            pieces = _PUNCT_SPLIT.split(paragraph)
        cleaned = [p.strip() for p in pieces if p and p.strip()]
        if self._abbreviations:
            cleaned = _merge_abbreviations(cleaned, self._abbreviations)
        return tuple(_merge_fragments(cleaned))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """Split a sentence into words (letters first; no punctuation or bare numbers)."""
        if sentence.isascii():
            return tuple(_ASCII_WORD.findall(sentence))
        if not _CJK_RUN.search(sentence):
            return tuple(_WORD.findall(sentence))
        words: list[str] = []
        for word in _WORD.findall(sentence):
            if _CJK_RUN.fullmatch(word):
                words.extend(_bigrams(word))
            else:
                words.append(word)
        return tuple(words)


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _merge_fragments(pieces: list[str]) -> list[str]:
    """Glue a one-token fragment ending in a period ("Т.е.", "No.") to the sentence after it."""
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        if _is_fragment(piece):
            carry = f"{carry} {piece}".strip()
            continue
        merged.append(f"{carry} {piece}".strip() if carry else piece)
        carry = ""
    if carry:
        merged.append(carry)
    return merged


def _is_fragment(piece: str) -> bool:
    if _TOKEN_AND_PERIOD.match(piece):
        return True
    if " " in piece or not piece.endswith(".") or not piece[-2:-1].isalpha():
        return False
    return "." in piece[:-1] or len(piece) <= _SHORT_FRAGMENT_CHARS


def _merge_abbreviations(pieces: list[str], abbreviations: frozenset[str]) -> list[str]:
    """Glue a piece that ends in a known abbreviation ("ул.") to the piece after it."""
    merged: list[str] = []
    for piece in pieces:
        if merged and _ends_with_abbreviation(merged[-1], abbreviations):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def _ends_with_abbreviation(piece: str, abbreviations: frozenset[str]) -> bool:
    if not piece.endswith("."):
        return False
    last = piece[:-1].rsplit(maxsplit=1)[-1].lower() if piece[:-1].strip() else ""
    return last in abbreviations
