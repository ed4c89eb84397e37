"""Bad input: a sensible result or one SummarizerError, never a traceback or a hang."""

from __future__ import annotations

import random

import pytest

from summarizer import SummarizerError, summarize


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t  \n", "... !!! ???", "12345 678"])
def test_empty_or_contentless_text_is_one_clear_error(text: str) -> None:
    with pytest.raises(SummarizerError, match="no text"):
        summarize(text)


def test_one_sentence_is_returned_as_is() -> None:
    sentence = "The central bank raised interest rates by half a point on Thursday."
    assert summarize(sentence).sentences == (sentence,)


def test_a_short_line_without_punctuation() -> None:
    result = summarize("breaking news from the harbour")
    assert result.sentences == ("breaking news from the harbour",)


def test_text_without_any_punctuation() -> None:
    words = ["the", "storm", "moved", "north", "and", "river", "rose", "over", "road",
             "while", "crews", "worked", "all", "night", "to", "keep", "bridge", "open"]
    rng = random.Random(1)
    text = " ".join(rng.choice(words) for _ in range(3000))
    result = summarize(text)
    assert len(result.sentences) == 1
    assert len(result.sentences[0]) <= 2100
    assert any("shortened" in note for note in result.notes)


def test_lines_without_punctuation_become_sentences() -> None:
    text = "apples are cheap this week\npears cost more than last year\nplums are sold out"
    result = summarize(text, sentences=2)
    assert len(result.sentences) == 2
    assert any("lines were used" in note for note in result.notes)


def test_five_megabytes_is_capped_with_a_note() -> None:
    paragraph = ("Officials said the new rail line would open next year. "
                 "Passengers will save about twenty minutes on each trip. "
                 "The project cost more than expected because of delays.\n\n")
    text = paragraph * (5_000_000 // len(paragraph))
    assert len(text) > 4_900_000
    result = summarize(text)
    assert 1 <= len(result.sentences) <= 3
    assert any("first 200,000 characters" in note for note in result.notes)


def test_five_megabytes_with_stock_algorithm_is_capped() -> None:
    text = "".join(f"Sentence number {i} talks about topic {i % 7} today. " for i in range(80_000))
    result = summarize(text, algorithm="lexrank")
    assert result.sentences
    assert result.notes
    assert any("characters were used" in note for note in result.notes)


def test_binary_junk_is_one_clear_error() -> None:
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(20_000)).decode("latin-1")
    with pytest.raises(SummarizerError, match="does not look like text"):
        summarize(junk)


def test_binary_bytes_decoded_with_replacement_are_rejected() -> None:
    rng = random.Random(3)
    junk = bytes(rng.randrange(256) for _ in range(5_000)).decode("utf-8", "replace")
    with pytest.raises(SummarizerError):
        summarize(junk)


def test_bullet_list() -> None:
    text = ("Key points\n\n- Fuel prices rose by five percent in May\n"
            "- Airlines added surcharges on long flights\n* Rail fares stay frozen until autumn\n"
            "• Bus companies cut two night routes\n1. Taxi fares are unchanged")
    result = summarize(text, sentences=3)
    assert len(result.sentences) == 3
    assert all(not s.startswith(("-", "*", "•", "1.")) for s in result.sentences)
    assert "Key points" not in result.sentences


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("الحكومة أعلنت خطة جديدة للنقل العام. ستبدأ الخطة في الصيف. المواطنون رحبوا بالقرار.",
         "ar"),
        ("მთავრობამ ახალი გეგმა გამოაცხადა. გეგმა ზაფხულში დაიწყება. მოქალაქეებმა მიესალმნენ.",
         "und"),
        ("中国和俄罗斯签署了新的贸易协定。两国领导人在北京会面。协定将在明年生效。专家认为这将促进合作。",
         "zh"),
        ("政府は新しい交通計画を発表した。計画は夏に始まる。市民はこの決定を歓迎した。", "ja"),
    ],
)
def test_unsupported_script_falls_back_with_a_note(text: str, language: str) -> None:
    result = summarize(text, sentences=2)
    assert result.language == language
    assert 1 <= len(result.sentences) <= 2
    assert all(sentence in text for sentence in result.sentences)
    assert any("language-neutral" in note for note in result.notes)


def test_mixed_control_characters_are_tolerated() -> None:
    text = "The mayor\x00 opened the new bridge on Sunday. Crowds\x07 lined the river banks."
    result = summarize(text, sentences=1)
    assert result.sentences
    assert not any(char in sentence for sentence in result.sentences for char in "\x00\x07")


def test_unpunctuated_lines_skip_boilerplate_and_title() -> None:
    text = ("Storm hits the coast today\n\nShare on Facebook\n"
            "trees fell on the main road\nschools closed")
    result = summarize(text, sentences=3)
    assert set(result.sentences) == {"trees fell on the main road", "schools closed"}


@pytest.mark.parametrize("algorithm", ["lsa", "lexrank", "kl", "newsrank"])
def test_text_of_stop_words_only_still_gives_a_sentence(algorithm: str) -> None:
    result = summarize("«Да», — сказал он.", algorithm=algorithm, sentences=1)
    assert result.sentences == ("«Да», — сказал он.",)


def test_default_summary_of_one_huge_sentence_keeps_to_the_budget() -> None:
    result = summarize("word " * 3000)
    assert len(result.sentences[0]) <= 610
    assert result.sentences[0].endswith("…")
