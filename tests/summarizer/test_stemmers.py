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


def test_a_threads_own_stemmer_stems_as_the_memoized_one() -> None:
    """The learned scorer stems new words with the calling thread's PyStemmer directly (its
    term cache is the memo); the stems must be the memoized stemmer's, and each thread must
    get its own PyStemmer object (they are not thread-safe)."""
    import threading

    from summarizer.stemmers import stemmer_for, thread_stemmer

    words = {"english": ["running", "partnerships", "said", "governments"],
             "russian": ["соглашения", "подписали", "президента", "ёлки"]}
    for language, sample in words.items():
        memoized = stemmer_for(language)
        own = thread_stemmer(memoized)
        assert own is not memoized
        assert [own(word) for word in sample] == [memoized(word) for word in sample]
        other: list[object] = []
        thread = threading.Thread(target=lambda m=memoized, o=other: o.append(thread_stemmer(m)))
        thread.start()
        thread.join()
        assert other[0].__self__ is not own.__self__  # type: ignore[attr-defined]
