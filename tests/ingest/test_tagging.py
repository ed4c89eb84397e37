"""Topic rules: parsing, formatting, and matching insensitive to case and inflection."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.defaults import DEFAULT_TOPICS
from ingest.tagging import (
    RuleError,
    compile_topics,
    format_rule,
    matching_topics,
    parse_rule,
    rule_matches,
)

CHINA_RUSSIA = "China, Chinese, Beijing, Xi; Russia, Russian, Moscow, Putin, Kremlin"
FILLER = " ".join(["The weather was mild and the markets were calm that week."] * 20)


def test_parse_groups_and_alternatives() -> None:
    rule = parse_rule(CHINA_RUSSIA)
    assert [[term.text for term in group] for group in rule.groups] == [
        ["China", "Chinese", "Beijing", "Xi"],
        ["Russia", "Russian", "Moscow", "Putin", "Kremlin"],
    ]


def test_quoted_phrases_may_hold_commas_and_semicolons() -> None:
    rule = parse_rule("China, Chinese; Russia, 'Vladimir Putin', \"Moscow; Kremlin, talks\"")
    assert [term.text for term in rule.groups[1]] == [
        "Russia",
        "Vladimir Putin",
        "Moscow; Kremlin, talks",
    ]
    assert rule.groups[1][1].stems == ("vladimir", "putin")


def test_single_word_is_a_rule_of_one_group() -> None:
    assert len(parse_rule("energy").groups) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("China;;Russia", "group 2 is empty"),
        ("China;", "group 2 is empty"),
        ("China,,Chinese", "empty alternative"),
        ('"Vladimir Putin', "never closed"),
        ('"Vladimir" Putin', "comma after the quoted phrase"),
        ("!!!, ???", "no letters or digits"),
        ("x" * 3000, "too long"),
        (", ".join(f"w{n}" for n in range(60)), "too many alternatives"),
        ("; ".join(f"w{n}" for n in range(30)), "too many groups"),
    ],
)
def test_bad_rules_are_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_rule(text)


def test_format_round_trips() -> None:
    text = 'China, Chinese; Russia, "Vladimir Putin", \'a, b\', "it\'s"'
    rule = parse_rule(text)
    assert parse_rule(format_rule(rule)) == rule
    assert format_rule(parse_rule(CHINA_RUSSIA)) == CHINA_RUSSIA


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(
                alphabet=st.characters(categories=["L", "Nd", "Zs", "Po"]), min_size=1, max_size=15
            ),
            min_size=1,
            max_size=4,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_format_parse_round_trip_property(groups: list[list[str]]) -> None:
    text = "; ".join(
        ", ".join(f'"{alt}"' if '"' not in alt else f"'{alt}'" for alt in group) for group in groups
    )
    try:
        rule = parse_rule(text)
    except RuleError:
        return  # alternatives with no letters are refused; that is tested above
    assert parse_rule(format_rule(rule)) == rule


def test_case_and_inflection_do_not_matter() -> None:
    rule = parse_rule("economy; technology")
    assert rule_matches(rule, "ECONOMIES and TECHNOLOGIES", "")
    assert rule_matches(parse_rule("Russian"), "Russians vote", "")
    assert rule_matches(parse_rule("sanction"), "New SANCTIONS imposed", "")


def test_every_group_must_match() -> None:
    rule = parse_rule(CHINA_RUSSIA)
    assert rule_matches(rule, "Putin meets Xi", "Talks in Beijing and Moscow.")
    assert not rule_matches(rule, "Putin visits India", "Talks in Delhi.")


def test_a_passing_mention_in_a_long_story_does_not_tag() -> None:
    rule = parse_rule(CHINA_RUSSIA)
    body_once = FILLER + " A Chinese diplomat and a Russian one attended. " + FILLER
    assert not rule_matches(rule, "Weather report", body_once)
    body_twice = body_once + " Beijing and Moscow later issued statements."
    assert rule_matches(rule, "Weather report", body_twice)


def test_a_title_mention_counts_double() -> None:
    rule = parse_rule(CHINA_RUSSIA)
    assert rule_matches(rule, "China and Russia sign a deal", FILLER)


def test_phrases_match_as_consecutive_words() -> None:
    rule = parse_rule("'central bank'")
    assert rule_matches(rule, "The Central Banks raise rates", "")
    assert not rule_matches(rule, "Central heating and a bank holiday", "")


def test_russian_words_match_inflected_forms() -> None:
    rule = parse_rule("Россия; Путин")
    assert rule_matches(rule, "Россия и Китай", "Президент Путина встретил коллегу.")


def test_matching_topics_returns_slugs_in_order_and_skips_broken_rules() -> None:
    topics = compile_topics(
        [("china-russia", CHINA_RUSSIA), ("broken", "a;;b"), ("empty", ""), ("energy", "gas, oil")]
    )
    assert [topic.slug for topic in topics] == ["china-russia", "energy"]
    assert matching_topics("Russia sells gas to China", "Pipeline deal.", topics) == (
        "china-russia",
        "energy",
    )
    assert matching_topics("Football results", "The home team won.", topics) == ()


def test_default_topics_parse_and_china_russia_comes_first() -> None:
    assert DEFAULT_TOPICS[0].slug == "china-russia"
    assert DEFAULT_TOPICS[0].name == "China–Russia relations"
    for topic in DEFAULT_TOPICS:
        assert parse_rule(topic.rule).groups
    assert {"world-economy", "technology", "energy"} <= {t.slug for t in DEFAULT_TOPICS}


def test_seed_article_is_tagged_china_russia() -> None:
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "china-russia-strategic-partnership.txt").read_text()
    topics = compile_topics((t.slug, t.rule) for t in DEFAULT_TOPICS)
    assert "china-russia" in matching_topics("Strategic partnership", text, topics)
    assert "health" not in matching_topics("Strategic partnership", text, topics)


HEALTH = "health, hospital, vaccine, WHO"
LONG_FILLER = " ".join(["Officials met again on Monday to discuss the plans in detail."] * 15)


@pytest.mark.parametrize(
    ("rule", "title", "body", "tagged"),
    [
        # "who" is a pronoun; "WHO" is the World Health Organization
        (HEALTH, "Fans who queued all night", "Fans who waited, who sang, who cheered. "
         + LONG_FILLER, False),
        (HEALTH, "WHO warns on measles", "The WHO said cases doubled. " + LONG_FILLER, True),
        (HEALTH, "Who won the award", "WHO WAS OSCAR? WHO SITS IN JUDGEMENT? " + LONG_FILLER,
         False),
        ("EU, European Union", "Eu de toilette sales", "The eu brand eu. " + LONG_FILLER, False),
        ("EU, European Union", "EU leaders meet", "The EU summit opened. " + LONG_FILLER, True),
        ("UN", "Un bon vin", "un verre, un repas. " + LONG_FILLER, False),
        ("IMF", "IMF's loan to Ukraine", "The IMF approved it. " + LONG_FILLER, True),
        ("НАТО", "Учения НАТО", "НАТО начало учения. " + LONG_FILLER, True),
        # a rule typed all in capitals is read without case
        ("CHINA, BEIJING", "Beijing opens a bridge", "China built it. " + LONG_FILLER, True),
        ("WHO, IMF", "Who pays", "Who knows who. " + LONG_FILLER, False),
        # phrases match as phrases, not as words anywhere
        ("central bank", "The central square", "A bank near the central station. "
         + LONG_FILLER, False),
        ("central bank", "Central bank holds rates", "The central banks of Europe. "
         + LONG_FILLER, True),
        ("IMF chief", "IMF chief resigns", "The IMF chief said. " + LONG_FILLER, True),
        ("IMF chief", "Imf chief", "The imf chief and the chief of the IMF. " + LONG_FILLER,
         False),
    ],
)
def test_acronyms_match_case_sensitively_and_phrases_as_phrases(
    rule: str, title: str, body: str, tagged: bool
) -> None:
    assert rule_matches(parse_rule(rule), title, body) is tagged


def test_acronym_terms_are_marked_exact() -> None:
    rule = parse_rule("WHO, health; IMF chief")
    who, health = rule.groups[0]
    assert who.stems == ("WHO",) and who.exact == (True,)
    assert health.exact == ()
    assert rule.groups[1][0].exact == (True, False)
    assert parse_rule(format_rule(rule)) == rule


def test_default_health_rule_ignores_the_pronoun_who() -> None:
    topics = compile_topics((t.slug, t.rule) for t in DEFAULT_TOPICS)
    body = ("The fans who queued all night said the band, who played for three hours, were "
            "the best they had seen. " * 10)
    assert "health" not in matching_topics("Who sold out the arena", body, topics)
    body = "The WHO said the vaccine programme reached 40 countries. " * 10
    assert "health" in matching_topics("WHO praises vaccine drive", body, topics)


@pytest.mark.parametrize(
    ("title", "body", "slug"),
    [
        ("Format wars could confuse users", "The format war between the two camps. " * 6,
         "security"),
        ("Phone viruses spread", "A computer virus hit phones. The virus spread. " * 6,
         "health"),
        ("Nike posts strong growth", "Sales growth at Nike. Growth was strong. " * 6,
         "world-economy"),
        ("TV viewers take control", "Viewers can pause and forward wind programmes. " * 6,
         "energy"),
    ],
)
def test_default_rules_skip_figurative_words(title: str, body: str, slug: str) -> None:
    """Found on BBC development articles: war, virus, growth and wind out of their topics."""
    topics = compile_topics((t.slug, t.rule) for t in DEFAULT_TOPICS)
    assert slug not in matching_topics(title, body, topics)
