"""Stemmers: Snowball from PyStemmer when installed, from NLTK otherwise; both offline."""

from __future__ import annotations

import sys

import pytest

from summarizer.stemmers import stemmer_for


@pytest.mark.parametrize(
    ("language", "word", "stem"),
    [("english", "negotiations", "negoti"), ("russian", "переговоры", "переговор")],
)
def test_stems_with_and_without_pystemmer(
    monkeypatch: pytest.MonkeyPatch, language: str, word: str, stem: str
) -> None:
    assert stemmer_for(language)(word) == stem
    monkeypatch.setitem(sys.modules, "Stemmer", None)
    assert stemmer_for.__wrapped__(language)(word) == stem


def test_unknown_language_only_lower_cases() -> None:
    assert stemmer_for(None)("Word") == "word"
    assert stemmer_for.__wrapped__("klingon")("Qapla") == "qapla"
