"""Groups over Telegram: addressed commands work, chatter and other bots' commands are ignored,
membership changes keep the blocked flag current, and a supergroup migration moves the chat.
"""

from __future__ import annotations

import pytest

from storage.store import Store
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import GROUP, OTHER_USER, USER

PRIVATE = FakeChat.private(USER)


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_commands_in_a_group_answer_as_replies(telegram_bot: ChatDriver) -> None:
    server = telegram_bot.server
    addressed = await telegram_bot.ask(GROUP, USER, f"/latest@{server.bot_username} 2")
    assert addressed.text.count("\n#") >= 1
    plain = await telegram_bot.ask(GROUP, OTHER_USER, "/latest 2")
    assert plain.reply_to_message_id is not None
    assert plain.text == addressed.text
    unknown = await telegram_bot.ask(GROUP, USER, f"/nosuchcommand@{server.bot_username}")
    assert "/help" in unknown.text


async def test_group_chatter_and_other_bots_are_ignored(telegram_bot: ChatDriver) -> None:
    for text in ("good morning everyone", "/latest@SomeOtherBot", "/nosuchcommand", "#12"):
        assert await telegram_bot.send(GROUP, USER, text) == [], text


async def test_kicked_and_re_added_updates_the_blocked_flag(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    server = telegram_bot.server
    await telegram_bot.send(PRIVATE, USER, "/start")
    await telegram_bot.exchange(
        PRIVATE, lambda: server.post_my_chat_member(PRIVATE, USER, "kicked", "member")
    )
    blocked = sample_store.get_chat(PRIVATE.id)
    assert blocked is not None and blocked.blocked_at is not None
    await telegram_bot.exchange(
        PRIVATE, lambda: server.post_my_chat_member(PRIVATE, USER, "member", "kicked")
    )
    back = sample_store.get_chat(PRIVATE.id)
    assert back is not None and back.blocked_at is None
    added = FakeChat.group(-777, "Fresh group")
    await telegram_bot.exchange(
        added, lambda: server.post_my_chat_member(added, USER, "member", "left")
    )
    fresh = sample_store.get_chat(added.id)
    assert fresh is not None and fresh.type == "group" and fresh.title == "Fresh group"
    await telegram_bot.exchange(added, lambda: server.post_my_chat_member(added, USER, "left"))
    gone = sample_store.get_chat(added.id)
    assert gone is not None and gone.blocked_at is not None


async def test_start_after_blocking_resumes_the_chat(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    await telegram_bot.send(PRIVATE, USER, "/start")
    sample_store.set_chat_blocked(PRIVATE.id, True)
    await telegram_bot.send(PRIVATE, USER, "/start")
    chat = sample_store.get_chat(PRIVATE.id)
    assert chat is not None and chat.blocked_at is None


async def test_group_migration_moves_settings_and_subscriptions(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    server = telegram_bot.server
    server.set_member(GROUP, USER, "administrator")  # only a group's admins change it
    await telegram_bot.send(GROUP, USER, "/settings tz Europe/Berlin")
    await telegram_bot.send(GROUP, USER, "/subscribe energy 07:15")
    new_id = -1000000004004
    supergroup = FakeChat.group(new_id, GROUP.title or "", supergroup=True)
    assert (
        await telegram_bot.exchange(
            supergroup, lambda: server.post_group_migration(GROUP, USER, new_id)
        )
        == []
    )
    assert sample_store.get_chat(GROUP.id) is None
    moved = sample_store.get_chat(new_id)
    assert moved is not None and moved.timezone == "Europe/Berlin"
    assert [s.topic.slug for s in sample_store.chat_subscriptions(new_id)] == ["energy"]
    answer = await telegram_bot.ask(supergroup, USER, "/subscriptions")
    assert "07:15" in answer.text
