"""Sentence-level rules of every summary: openers, quotes, repeats and the character budget."""

from __future__ import annotations

import itertools

import pytest

from summarizer import budget_for, summarize
from summarizer.selection import opens_with_connective, quote_states


def _quote_whole(bullet: str) -> bool:
    """A bullet neither starts inside a quote nor leaves one open."""
    state = quote_states([bullet], [0])[0]
    return not state.starts_inside and not state.ends_open


@pytest.mark.parametrize("length", [1, 2, 3, 4, 5, 6])
def test_seed_page_bullets_hold_whole_quotes(seed_article: str, length: int) -> None:
    """The seed's third bullet was an unclosed quote whose speaker was lost."""
    summary = summarize(seed_article, sentences=length, max_chars=budget_for(length))
    assert summary.sentences
    for bullet in summary.sentences:
        assert _quote_whole(bullet), bullet
    assert not opens_with_connective(summary.sentences[0])


def test_seed_page_default_summary(seed_article: str) -> None:
    summary = summarize(seed_article)
    assert summary.algorithm == "learned"
    assert all(_quote_whole(bullet) for bullet in summary.sentences)
    assert not any(bullet.startswith("“It is hardly possible") and "said" not in bullet
                   for bullet in summary.sentences)
    assert sum(map(len, summary.sentences)) <= 600 + 150


def test_seed_page_at_length_five_never_repeats_itself(seed_article: str) -> None:
    """'... starting to look like an alliance' was said by two bullets at length 5."""
    summary = summarize(seed_article, sentences=5, max_chars=budget_for(5))
    alliance = [b for b in summary.sentences if "starting to look like an alliance" in b]
    assert len(alliance) <= 1, summary.sentences


STORY = (
    "{opener} the council voted on Monday to close the town library at the end of the year. "
    "The library has served the town of Eastwick for eighty years and lends 40,000 books a "
    "year. Residents gathered outside the building on Tuesday to protest against the closure. "
    "The mayor said the budget left the council no choice. A petition to keep it open has "
    "3,000 signatures."
)


@pytest.mark.parametrize(
    "opener", ["However,", "But", "Well,", "And", "Meanwhile,", "Nevertheless,", "In addition,",
               "On the other hand,"]
)
@pytest.mark.parametrize("length", [1, 3])
def test_opening_connective_is_never_the_first_bullet(opener: str, length: int) -> None:
    text = STORY.format(opener=opener)
    summary = summarize(text, sentences=length, max_chars=budget_for(length))
    assert summary.sentences
    assert not summary.sentences[0].startswith(opener), summary.sentences


RUSSIAN_STORY = (
    "{opener} совет директоров Центробанка в пятницу снизил ключевую ставку до 12% годовых. "
    "Решение приняли на внеплановом заседании, сообщила пресс-служба регулятора. "
    "Аналитики ожидали снижения ставки на два процентных пункта. "
    "Инфляция в апреле замедлилась до 0,05% в неделю, говорится в сообщении банка. "
    "Следующее заседание совета назначено на июль."
)


@pytest.mark.parametrize("opener", ["Но", "Однако", "Тем не менее,", "При этом"])
def test_russian_opening_connective_is_never_the_first_bullet(opener: str) -> None:
    summary = summarize(RUSSIAN_STORY.format(opener=opener))
    assert summary.language == "ru"
    assert not summary.sentences[0].startswith(opener.rstrip(",")), summary.sentences


@pytest.mark.parametrize(
    "text",
    ["Well-known actors joined the protest in London on Saturday. Police said it was calm.",
     "Butter prices rose by 20% in March, the statistics office said. Milk was unchanged.",
     "Andrew Smith won the race in Leeds on Sunday. He led from the start."],
)
def test_words_that_only_look_like_connectives_may_open(text: str) -> None:
    assert not opens_with_connective(text)
    assert summarize(text, sentences=1).sentences[0] == text.split(". ")[0] + "."


TWO_SENTENCE_QUOTE = (
    "The transport minister opened the new bridge over the river Tyne on Tuesday morning. "
    "Its span of 400 metres makes it the longest in the north of England. "
    "“We have waited twenty years for this crossing. It will cut the journey to work by half "
    "an hour for thousands of people,” the minister told the crowd. "
    "The bridge cost 300 million pounds and took four years to build. "
    "Tolls will be charged only for lorries."
)


@pytest.mark.parametrize("length", [1, 2, 3, 4, 5])
def test_a_quote_that_closes_in_the_next_sentence_is_kept_whole_or_skipped(length: int) -> None:
    summary = summarize(TWO_SENTENCE_QUOTE, sentences=length, max_chars=budget_for(length))
    for bullet in summary.sentences:
        assert _quote_whole(bullet), bullet
        if "waited twenty years" in bullet or "cut the journey" in bullet:
            assert "waited twenty years" in bullet and "the minister told the crowd" in bullet


def test_an_orphan_end_of_a_quote_is_never_a_bullet() -> None:
    """The closing sentence of a quote whose opening is in an earlier paragraph."""
    text = (
        "Storm Ellen brought winds of 90 miles an hour to the coast of Cornwall on Friday.\n\n"
        "“We have never seen waves like these,\n\n"
        "and nobody should go near the harbour walls tonight,” the coastguard said.\n\n"
        "About 20,000 homes lost power during the night, the network operator said.\n\n"
        "Trains between Exeter and Penzance were cancelled on Saturday morning."
    )
    for length in (1, 2, 3, 4):
        for bullet in summarize(text, sentences=length, max_chars=budget_for(length)).sentences:
            assert "nobody should go near" not in bullet


REPEATS = (
    "Acme Corp reported record annual profits of 5 billion dollars on Monday. "
    "The company plans to open 40 new stores in Asia next year. "
    "Its shares rose 8% in early trading in New York. "
    "On Monday Acme Corp reported record annual profits of 5 billion dollars, the firm said. "
    "Analysts had expected profits of about 4 billion dollars. "
    "The chief executive, Jane Doe, will step down in June. "
    "Acme employs 120,000 people in 30 countries."
)


@pytest.mark.parametrize("length", [3, 5, 6])
def test_no_two_bullets_say_the_same_thing(length: int) -> None:
    summary = summarize(REPEATS, sentences=length, max_chars=budget_for(length))
    profits = [b for b in summary.sentences if "record annual profits" in b]
    assert len(profits) == 1, summary.sentences
    for first, second in itertools.combinations(summary.sentences, 2):
        assert first != second


def test_chosen_length_gets_the_cli_budget() -> None:
    """The same budget per sentence for the chat and the CLI: 600 characters for 3."""
    assert budget_for(3) == 600 and budget_for(1) == 200 and budget_for(5) == 1000
    caption = ("Pictured: the mayor, the council, the chief of police, " * 8).strip()
    text = (
        f"{caption} and many others at the ceremony on the town square in the rain.\n\n"
        + STORY.format(opener="Last week")
    )
    summary = summarize(text, sentences=3, max_chars=budget_for(3))
    assert sum(map(len, summary.sentences)) <= budget_for(3) + 150
    assert summary.sentences == summarize(text).sentences


@pytest.mark.parametrize("bad", [0, -5, True, "600", 1.5])
def test_bad_character_budget_is_refused(bad: object) -> None:
    from summarizer import SummarizerError

    with pytest.raises(SummarizerError, match="character budget"):
        summarize(STORY.format(opener="So far"), max_chars=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("However, the bank said.", True), ("HOWEVER, it fell.", True), ("«Однако это так.", True),
     ("Но рубль вырос.", True), ("In addition, rates rose.", True), ("Well-known names.", False),
     ("Howevers are rare.", False), ("ſo, a long s folds to s.", True),
     ("Sofia, the capital.", False),
     ("  (And then.", True), ("Internal affairs.", False), ("", False), ("«", False)],
)
def test_the_connective_look_up_agrees_with_the_full_pattern(text: str, expected: bool) -> None:
    """The quick look-up of the opening word must decide as the regex does, case folding too."""
    from summarizer.selection import _OPENING_CONNECTIVE

    assert opens_with_connective(text) is expected
    assert bool(_OPENING_CONNECTIVE.match(text)) is expected
