"""Every command of the chat bot, end to end: real PTB Application, fake Bot API over HTTP.

Each test runs by long polling and again by webhook (the ``mode`` fixture). What the bot
sent is read back from the fake server, which refuses anything Telegram would (the fixture
asserts at teardown that nothing was refused).
"""

from __future__ import annotations

import re

import pytest

from bot.core.app import Core
from storage.store import Store
from tests.support.bot_api_server import BotApiServer
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import BotMessage, FakeChat
from tests.support.fixtures import ADMIN, OTHER_USER, USER

PRIVATE = FakeChat.private(USER)
ADMIN_CHAT = FakeChat.private(ADMIN)
ADMIN_ONLY = ("add", "addtopic", "deltopic", "delete", "stats")


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def ids_in(message: BotMessage) -> list[int]:
    """Article ids (#12) at the start of the listing's lines, in order."""
    return [int(found) for found in re.findall(r"^#(\d+) ", message.text, flags=re.MULTILINE)]


async def test_start_and_help_list_every_command(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    start = await telegram_bot.ask(PRIVATE, USER, "/start")
    assert "/help" in start.text and "/latest" in start.text
    help_text = "\n".join(m.text for m in await telegram_bot.send(PRIVATE, USER, "/help"))
    for info in Core.commands(include_admin=False):
        assert f"/{info.name}" in help_text
    menu = [item["command"] for item in bot_api_server.commands()]
    assert {"start", "help", "latest", "summary", "search", "topics", "settings"} <= set(menu)
    assert not set(ADMIN_ONLY) & set(menu)
    admin_menu = bot_api_server.commands({"type": "chat", "chat_id": ADMIN.id})
    assert set(ADMIN_ONLY) <= {item["command"] for item in admin_menu}


async def test_latest_pages_with_more_and_opens_a_summary(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    latest = await telegram_bot.ask(PRIVATE, USER, "/latest")
    newest = [a.id for a in sample_store.latest_articles(20).items]
    assert ids_in(latest) == newest[:5]
    assert latest.callback_data[:5] == [f"sum:{i}" for i in newest[:5]]
    answer, pressed, new = await telegram_bot.press(PRIVATE, USER, latest, "More")
    shown = ids_in(new[0]) if new else ids_in(pressed)
    assert shown == newest[5:10]
    assert answer.text is None or len(answer.text) <= 200
    _, _, opened = await telegram_bot.press(PRIVATE, USER, latest, data=f"sum:{newest[2]}")
    article = sample_store.get_article(newest[2])
    assert article is not None
    assert opened and f"#{article.id}" in opened[0].text
    assert article.summary[0][:40] in opened[0].text


async def test_latest_with_count_and_topic(telegram_bot: ChatDriver, sample_store: Store) -> None:
    two = await telegram_bot.ask(PRIVATE, USER, "/latest 2")
    assert len(ids_in(two)) == 2
    energy = [a.id for a in sample_store.latest_articles(20, topic_slug="energy").items]
    assert energy, "the samples should have energy articles"
    by_slug = await telegram_bot.ask(PRIVATE, USER, "/latest 20 energy")
    by_name = await telegram_bot.ask(PRIVATE, USER, "/latest ENERGY")
    assert ids_in(by_slug) == energy
    assert ids_in(by_name) == energy[:5]


async def test_summary_by_id_hash_default_text_and_reply(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    article = sample_store.latest_articles(20).items[-1]
    by_id = await telegram_bot.ask(PRIVATE, USER, f"/summary {article.id}")
    by_hash = await telegram_bot.ask(PRIVATE, USER, f"/summary #{article.id}")
    assert by_id.text == by_hash.text
    assert article.title in by_id.text and article.summary[0][:40] in by_id.text
    newest = sample_store.latest_articles(1).items[0]
    assert f"#{newest.id}" in (await telegram_bot.ask(PRIVATE, USER, "/summary")).text
    story = (
        "The city council approved a new budget on Monday after a long debate. "
        "The budget raises spending on public transport by ten percent. "
        "Opposition members said the plan ignores rising housing costs. "
        "The mayor promised a separate housing package before the end of the year. "
        "Bus and tram fares will stay the same for at least two more years."
    )
    pasted = await telegram_bot.ask(PRIVATE, USER, f"/summary {story}")
    assert "budget" in pasted.text
    original = telegram_bot.server.post_message(PRIVATE, OTHER_USER, story)
    await telegram_bot.settle()
    replied = await telegram_bot.ask(PRIVATE, USER, "/summary", reply_to=original)
    assert "budget" in replied.text


async def test_search_finds_and_pages(telegram_bot: ChatDriver, sample_store: Store) -> None:
    found = await telegram_bot.ask(PRIVATE, USER, "/search China")
    expected = [a.id for a in sample_store.search_articles("China", 5).items]
    assert ids_in(found) == expected
    nothing = await telegram_bot.ask(PRIVATE, USER, "/search qwertyuiopasdf")
    assert ids_in(nothing) == []
    usage = await telegram_bot.ask(PRIVATE, USER, "/search")
    assert "/search" in usage.text


async def test_topics_subscribe_buttons_and_subscriptions(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    topics = await telegram_bot.ask(PRIVATE, USER, "/topics")
    for topic in sample_store.list_topics():
        assert topic.slug in topics.text
    energy = sample_store.find_topic("energy")
    assert energy is not None
    await telegram_bot.press(PRIVATE, USER, topics, data=f"sub:{energy.id}")
    subscriptions = sample_store.chat_subscriptions(PRIVATE.id)
    assert [s.topic.slug for s in subscriptions] == ["energy"]
    listed = "\n".join(m.text for m in await telegram_bot.send(PRIVATE, USER, "/subscriptions"))
    assert energy.name in listed
    await telegram_bot.send(PRIVATE, USER, "/unsubscribe energy")
    assert not [s for s in sample_store.chat_subscriptions(PRIVATE.id) if s.active]


async def test_subscribe_with_time_and_unsubscribe(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    await telegram_bot.send(PRIVATE, USER, "/subscribe china-russia 18:30")
    [subscription] = sample_store.chat_subscriptions(PRIVATE.id)
    assert (subscription.topic.slug, subscription.local_time) == ("china-russia", "18:30")
    listed = "\n".join(m.text for m in await telegram_bot.send(PRIVATE, USER, "/subscriptions"))
    assert "18:30" in listed
    await telegram_bot.send(PRIVATE, USER, "/unsubscribe china-russia")
    assert not [s for s in sample_store.chat_subscriptions(PRIVATE.id) if s.active]


async def test_settings_show_and_change(telegram_bot: ChatDriver, sample_store: Store) -> None:
    shown = await telegram_bot.ask(PRIVATE, USER, "/settings")
    assert "UTC" in shown.text
    await telegram_bot.send(PRIVATE, USER, "/settings tz Europe/Moscow")
    await telegram_bot.send(PRIVATE, USER, "/settings length 5")
    chat = sample_store.get_chat(PRIVATE.id)
    assert chat is not None and (chat.timezone, chat.summary_length) == ("Europe/Moscow", 5)
    assert "Europe/Moscow" in (await telegram_bot.ask(PRIVATE, USER, "/settings")).text


async def test_admin_adds_an_article_and_a_duplicate_points_to_it(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    body = (
        "Engineers in Rotterdam opened the largest tidal energy plant in Europe on Tuesday. "
        "The plant will supply electricity to about forty thousand homes. "
        "Its turbines sit inside an old storm barrier and run with every tide. "
        "Critics worry about the effect on fish that pass through the barrier."
    )
    before = sample_store.count_articles()
    added = await telegram_bot.ask(ADMIN_CHAT, ADMIN, f"/add Tidal plant & <power>\n{body}")
    article = sample_store.latest_articles(1).items[0]
    assert article.title == "Tidal plant & <power>"
    assert f"#{article.id}" in added.text and "Tidal plant & <power>" in added.text
    assert "&amp; &lt;power&gt;" in (added.html or "")
    again = await telegram_bot.ask(ADMIN_CHAT, ADMIN, f"/add\nTidal plant again\n{body}")
    assert f"#{article.id}" in again.text
    assert sample_store.count_articles() == before + 1


async def test_admin_adds_a_forwarded_post_by_replying(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    post = (
        "Harbour strike ends after three days\n"
        "Dock workers in Hamburg returned to work on Friday after a three-day strike. "
        "The union and the port operators agreed on a pay rise of six percent. "
        "Hundreds of containers waited on ships in the bay during the strike."
    )
    forwarded = telegram_bot.server.post_message(ADMIN_CHAT, ADMIN, post, forward_from=USER)
    await telegram_bot.settle()
    added = await telegram_bot.ask(ADMIN_CHAT, ADMIN, "/add", reply_to=forwarded)
    article = sample_store.latest_articles(1).items[0]
    assert "Harbour strike" in article.title
    assert f"#{article.id}" in added.text


async def test_admin_topics_delete_and_stats(telegram_bot: ChatDriver, sample_store: Store) -> None:
    rule = "/addtopic shipping Shipping news | ship, ships, port, harbour; 'container'"
    await telegram_bot.send(ADMIN_CHAT, ADMIN, rule)
    topic = sample_store.find_topic("Shipping news")
    assert topic is not None and topic.slug == "shipping"
    await telegram_bot.send(ADMIN_CHAT, ADMIN, "/deltopic shipping")
    assert sample_store.find_topic("shipping") is None
    victim = sample_store.latest_articles(1).items[0]
    await telegram_bot.send(ADMIN_CHAT, ADMIN, f"/delete {victim.id}")
    assert sample_store.get_article(victim.id) is None
    stats = await telegram_bot.ask(ADMIN_CHAT, ADMIN, "/stats")
    assert str(sample_store.count_articles()) in stats.text


@pytest.mark.parametrize("command", ADMIN_ONLY)
async def test_admin_commands_refuse_others_politely_and_are_audited(
    telegram_bot: ChatDriver, sample_store: Store, command: str
) -> None:
    before = sample_store.count_articles()
    refusal = await telegram_bot.ask(PRIVATE, USER, f"/{command} 1")
    assert "admin" in refusal.text.lower()
    assert sample_store.count_articles() == before
    audit = sample_store.recent_audit(5)
    assert audit and audit[0].action.endswith(command) and audit[0].allowed is False
    assert audit[0].actor_id == USER.id


async def test_plain_text_and_unknown_commands_point_to_help(telegram_bot: ChatDriver) -> None:
    assert "/help" in (await telegram_bot.ask(PRIVATE, USER, "hello bot")).text
    unknown = await telegram_bot.ask(PRIVATE, USER, "/frobnicate now")
    assert "/help" in unknown.text and "/frobnicate" in unknown.text
