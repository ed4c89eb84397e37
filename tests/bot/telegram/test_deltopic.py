"""/deltopic of a topic that chats follow asks the admin first, showing how many chats.

Issue 11 item 11: deleting a topic silently removed other chats' subscriptions. End to end:
the real PTB Application against the fake Bot API, by polling and by webhook; and the console.
"""

from __future__ import annotations

import io

import pytest

from bot.config import load_settings
from bot.console import run_console
from storage import open_store
from storage.store import Store
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import ADMIN, OTHER_USER, USER

PRIVATE = FakeChat.private(USER)
OTHER = FakeChat.private(OTHER_USER)
ADMIN_CHAT = FakeChat.private(ADMIN)
RULE = "/addtopic shipping Shipping news | ship, ships, port, harbour"


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_deltopic_with_subscribers_asks_first_and_says_whose_digests_stop(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    await telegram_bot.send(ADMIN_CHAT, ADMIN, RULE)
    await telegram_bot.send(PRIVATE, USER, "/subscribe shipping 08:00")
    await telegram_bot.send(OTHER, OTHER_USER, "/subscribe shipping 09:30")

    question = await telegram_bot.ask(ADMIN_CHAT, ADMIN, "/deltopic Shipping news")
    assert "Shipping news (shipping) has 2 chats subscribed" in question.text
    assert "stops their digests" in question.text
    assert [button["text"] for button in question.buttons] == ["Delete, stop 2 chats", "Keep it"]
    assert sample_store.find_topic("shipping") is not None  # nothing deleted yet

    # A forged press by someone who is not an admin deletes nothing, and is audited.
    forged = question.buttons[0]["callback_data"]
    answer, _, _ = await telegram_bot.press(PRIVATE, USER, question, data=forged)
    assert answer.text == "Sorry, /deltopic is for the bot's admins only."
    assert sample_store.find_topic("shipping") is not None
    audit = sample_store.recent_audit(1)[0]
    assert audit.action == "/deltopic" and audit.allowed is False and audit.actor_id == USER.id

    _, kept, _ = await telegram_bot.press(ADMIN_CHAT, ADMIN, question, "Keep it")
    assert kept.text == "Kept topic Shipping news (shipping)."
    assert len(sample_store.chat_subscriptions(USER.id)) == 1

    again = await telegram_bot.ask(ADMIN_CHAT, ADMIN, "/deltopic shipping")
    _, done, _ = await telegram_bot.press(ADMIN_CHAT, ADMIN, again, "Delete, stop 2 chats")
    assert done.text == "Deleted topic Shipping news (shipping). The digests of 2 chats stopped."
    assert sample_store.find_topic("shipping") is None
    assert sample_store.chat_subscriptions(USER.id) == []
    assert sample_store.chat_subscriptions(OTHER_USER.id) == []

    _, stale, _ = await telegram_bot.press(ADMIN_CHAT, ADMIN, question, "Delete, stop 2 chats")
    assert stale.text == "That topic is gone already. See /topics."


async def test_deltopic_without_subscribers_deletes_at_once(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    await telegram_bot.send(ADMIN_CHAT, ADMIN, RULE)
    answer = await telegram_bot.ask(ADMIN_CHAT, ADMIN, "/deltopic shipping")
    assert answer.text == "Deleted topic Shipping news (shipping)."
    assert answer.buttons == [] and sample_store.find_topic("shipping") is None


def test_deltopic_in_the_console_asks_then_deletes_by_number(sqlite_url: str) -> None:
    settings = load_settings({"DATABASE_URL": sqlite_url}, env_file=None)
    script = "/subscribe energy 08:00\n/deltopic energy\n2\n/deltopic energy\n1\n/topics\n/quit\n"
    stdout = io.StringIO()
    assert run_console(settings, False, stdin=io.StringIO(script), stdout=stdout) == 0
    out = stdout.getvalue()
    assert "Energy (energy) has 1 chat subscribed" in out
    assert "[1] Delete, stop 1 chat  [2] Keep it" in out
    assert "Kept topic Energy (energy)." in out
    assert "Deleted topic Energy (energy). The digests of 1 chat stopped." in out
    store = open_store(sqlite_url)
    try:
        assert store.find_topic("energy") is None
    finally:
        store.close()
