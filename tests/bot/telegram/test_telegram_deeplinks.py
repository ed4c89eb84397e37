"""Deep links over the fake Bot API: t.me/<bot>?start=... arrives as "/start <payload>"."""

from __future__ import annotations

import pytest

from bot.core.deeplinks import article_url, topic_url
from storage.store import Store
from tests.support.bot_api_server import BotApiServer
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER

PRIVATE = FakeChat.private(USER)


def payload_of(url: str | None) -> str:
    assert url is not None
    return url.partition("?start=")[2]


async def test_a_sum_link_opens_the_summary(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store
) -> None:
    article = sample_store.latest_articles(1).items[0]
    url = article_url(bot_api_server.bot_username, article.id)
    answer = await telegram_bot.ask(PRIVATE, USER, f"/start {payload_of(url)}")
    assert answer.text.startswith(f"#{article.id} ") and "• " in answer.text
    assert "Hello" not in answer.text


async def test_a_sub_link_offers_a_button_that_subscribes(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store
) -> None:
    url = topic_url(bot_api_server.bot_username, "energy")
    offer = await telegram_bot.ask(PRIVATE, USER, f"/start {payload_of(url)}")
    assert "Get a daily digest of Energy?" in offer.text
    await telegram_bot.press(PRIVATE, USER, offer, "Subscribe")
    subscribed = [sub.topic.slug for sub in sample_store.chat_subscriptions(PRIVATE.id)]
    assert subscribed == ["energy"]


@pytest.mark.parametrize(
    "payload",
    ["sum_999999", "sub_no-such-topic", "garbage", "x" * 64, "sum_1<b>", "sum_" + "9" * 40],
)
async def test_a_forged_start_parameter_gets_the_welcome_and_one_line(
    telegram_bot: ChatDriver, payload: str
) -> None:
    [welcome] = await telegram_bot.send(PRIVATE, USER, f"/start {payload}")
    assert welcome.text.startswith("Hello, bob!") and "/help" in welcome.text
    last_line = welcome.text.rstrip().splitlines()[-1]
    assert "link" in last_line
