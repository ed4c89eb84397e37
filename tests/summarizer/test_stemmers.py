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


def test_summarize_from_many_threads_at_once() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from summarizer import summarize

    texts = [f"Article {i} says the mayor opened bridge number {i} on Monday. Crowds cheered "
             f"loudly as traffic crossed bridges {i} and {i + 1}. Officials praised builders."
             for i in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda text: summarize(text, sentences=2), texts))
    assert all(len(result.sentences) == 2 for result in results)
