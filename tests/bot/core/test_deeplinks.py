"""The deep-link format shared by channel digest buttons and /start: built, parsed, refused."""

from __future__ import annotations

import pytest

from bot.core.deeplinks import (
    ArticleLink,
    NotADeepLink,
    TopicLink,
    WelcomeLink,
    article_url,
    parse_start,
    start_url,
    topic_payload,
    topic_url,
)


def test_article_link_round_trips() -> None:
    url = article_url("@NewsBot", 12)
    assert url == "https://t.me/NewsBot?start=sum_12"
    assert parse_start(url.partition("start=")[2]) == ArticleLink(12)


def test_topic_link_round_trips() -> None:
    url = topic_url("NewsBot", "china-russia")
    assert url == "https://t.me/NewsBot?start=sub_china-russia"
    assert parse_start("sub_china-russia") == TopicLink("china-russia")


def test_a_slug_too_long_for_telegram_gets_no_link() -> None:
    assert topic_payload("a" * 60) == "sub_" + "a" * 60
    assert topic_payload("a" * 61) is None
    assert topic_url("NewsBot", "a" * 61) is None


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "sum_",
        "sum_0",
        "sum_-1",
        "sum_12abc",
        "sum_" + "9" * 19,
        "sub_",
        "sub_Energy",
        "sub_bad--slug",
        "sub_" + "a" * 61,
        "x" * 65,
        "hello",
        "sum_12 extra",
        "sum_١٢",  # Arabic-Indic digits: not what the bot makes
        "<b>sum_1</b>",
    ],
)
def test_forged_payloads_are_refused(payload: str) -> None:
    with pytest.raises(NotADeepLink):
        parse_start(payload)


@pytest.mark.parametrize(
    ("username", "payload"),
    [("ab", "sum_1"), ("NewsBot", "sum 1"), ("NewsBot", "x" * 65), ("bad name", "sum_1")],
)
def test_builder_refuses_what_telegram_would_not_pass_on(username: str, payload: str) -> None:
    with pytest.raises(ValueError):
        start_url(username, payload)


def test_the_inline_button_payload_is_the_welcome() -> None:
    assert parse_start("inline") == WelcomeLink()
