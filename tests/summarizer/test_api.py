"""summarize(): the public contract, every algorithm, both languages and option checks."""

from __future__ import annotations

import pytest

import summarizer
from summarizer import ALGORITHMS, DEFAULT_ALGORITHM, SummarizerError, Summary, summarize


def _body_sentences(article: str) -> list[str]:
    return [line for line in article.splitlines()[1:] if line.strip()]


def test_exports_the_contract() -> None:
    for name in ("summarize", "Summary", "SummarizerError", "ALGORITHMS", "DEFAULT_ALGORITHM",
                 "html_to_text", "build_digest", "DigestArticle", "Digest", "DigestGroup",
                 "DigestSentence"):
        assert hasattr(summarizer, name), name
    assert issubclass(SummarizerError, ValueError)
    assert DEFAULT_ALGORITHM in ALGORITHMS


def test_algorithm_names_cover_the_issue() -> None:
    expected = {"lexrank", "textrank", "lsa", "luhn", "sumbasic", "kl", "edmundson", "lead"}
    assert expected <= set(ALGORITHMS)


def test_default_summary_is_three_story_sentences_in_order(english_article: str) -> None:
    result = summarize(english_article)
    body = _body_sentences(english_article)
    assert isinstance(result, Summary)
    assert result.algorithm == DEFAULT_ALGORITHM
    assert result.language == "en"
    assert len(result.sentences) == 3
    positions = [body.index(sentence) for sentence in result.sentences]
    assert positions == sorted(positions)
    assert sum(len(s) for s in result.sentences) <= 620


def test_headline_is_never_a_sentence(english_article: str) -> None:
    headline = english_article.splitlines()[0]
    for algorithm in ALGORITHMS:
        result = summarize(english_article, algorithm=algorithm, sentences=5)
        assert headline not in result.sentences, algorithm


def test_explicit_title_is_never_a_sentence() -> None:
    text = "Prices rise again.\n\nPrices rose for a third month in March. Food led the rise."
    result = summarize(text, title="Prices rise again", sentences=3)
    assert "Prices rise again." not in result.sentences
    assert result.sentences


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_returns_article_sentences(english_article: str, algorithm: str) -> None:
    result = summarize(english_article, algorithm=algorithm, sentences=2)
    body = " ".join(_body_sentences(english_article))
    assert result.algorithm == algorithm
    assert 1 <= len(result.sentences) <= 2
    assert all(sentence in body for sentence in result.sentences)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_handles_russian(russian_article: str, algorithm: str) -> None:
    result = summarize(russian_article, algorithm=algorithm, sentences=2)
    assert result.language == "ru"
    assert result.sentences
    assert all(sentence in russian_article for sentence in result.sentences)


def test_algorithm_name_is_case_insensitive(english_article: str) -> None:
    assert summarize(english_article, algorithm="LexRank").algorithm == "lexrank"


def test_russian_is_detected_and_summarized(russian_article: str) -> None:
    result = summarize(russian_article)
    assert result.language == "ru"
    assert len(result.sentences) == 3
    assert "Россия и Китай подписали новое соглашение о торговле" not in result.sentences
    assert not result.notes


def test_language_can_be_forced(english_article: str) -> None:
    assert summarize(english_article, language="english").language == "en"
    assert summarize(english_article, language="auto").language == "en"


def test_sentences_option(english_article: str) -> None:
    assert len(summarize(english_article, sentences=1).sentences) == 1
    assert len(summarize(english_article, sentences=5).sentences) == 5


def test_more_sentences_than_the_text_has(english_article: str) -> None:
    result = summarize(english_article, sentences=50)
    assert len(result.sentences) == len(_body_sentences(english_article))


def test_ratio_option(english_article: str) -> None:
    result = summarize(english_article, ratio=0.5)
    assert len(result.sentences) == round(len(_body_sentences(english_article)) * 0.5)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"algorithm": "magic"}, "Unknown algorithm"),
        ({"sentences": 0}, "number of sentences"),
        ({"sentences": 1000}, "number of sentences"),
        ({"ratio": 1.5}, "ratio"),
        ({"ratio": 0}, "ratio"),
        ({"sentences": 2, "ratio": 0.5}, "not both"),
        ({"language": "klingon"}, "Unsupported language"),
    ],
)
def test_bad_options_raise_one_clear_error(
    english_article: str, options: dict[str, object], message: str
) -> None:
    with pytest.raises(SummarizerError, match=message):
        summarize(english_article, **options)  # type: ignore[arg-type]


def test_summary_text_joins_sentences(english_article: str) -> None:
    result = summarize(english_article, sentences=2)
    assert result.text == " ".join(result.sentences)


@pytest.mark.parametrize("options", [{"algorithm": 3}, {"language": ["en"]}, {"sentences": "3"},
                                     {"ratio": "half"}])
def test_wrongly_typed_options_raise_one_clear_error(
    english_article: str, options: dict[str, object]
) -> None:
    with pytest.raises(SummarizerError):
        summarize(english_article, **options)  # type: ignore[arg-type]


def test_non_text_input_is_one_clear_error() -> None:
    with pytest.raises(SummarizerError):
        summarize(None)  # type: ignore[arg-type]
    assert summarize(b"Bytes are decoded as UTF-8. They work too.").sentences
