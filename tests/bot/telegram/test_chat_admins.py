"""TelegramChatAdmins: getChatMember answers remembered for a while, in a bounded table."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.telegram.chat_admins import TelegramChatAdmins
from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeChat, FakeUser

GROUP = FakeChat.group(-808, "Desk")
EDITOR = FakeUser(11, "Eve")
READER = FakeUser(12, "Rob")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def bot(bot_api_server: BotApiServer) -> AsyncIterator[Bot]:
    async with Bot(bot_api_server.token, base_url=bot_api_server.base_url) as bot:
        yield bot


async def test_answers_are_remembered_for_the_ttl(bot: Bot, bot_api_server: BotApiServer) -> None:
    bot_api_server.set_member(GROUP, EDITOR, "administrator")
    bot_api_server.set_member(GROUP, READER, "member")
    clock = Clock()
    admins = TelegramChatAdmins(bot, ttl=60, clock=clock)
    assert await admins.is_admin(GROUP.id, EDITOR.id) is True
    assert await admins.is_admin(GROUP.id, READER.id) is False
    assert await admins.is_admin(GROUP.id, EDITOR.id) is True
    assert len(bot_api_server.calls("getChatMember")) == 2
    bot_api_server.set_member(GROUP, EDITOR, "member")  # demoted
    clock.now += 59
    assert await admins.is_admin(GROUP.id, EDITOR.id) is True  # still remembered
    clock.now += 2
    assert await admins.is_admin(GROUP.id, EDITOR.id) is False  # asked again
    assert len(bot_api_server.calls("getChatMember")) == 3


async def test_the_table_is_bounded(bot: Bot, bot_api_server: BotApiServer) -> None:
    admins = TelegramChatAdmins(bot, max_entries=5, clock=Clock())
    for user_id in range(100, 120):
        assert await admins.is_admin(GROUP.id, user_id) is False
    assert len(admins) == 5


async def test_a_refusal_is_no_and_an_outage_is_unknown(
    bot: Bot, bot_api_server: BotApiServer
) -> None:
    admins = TelegramChatAdmins(bot, clock=Clock())
    bot_api_server.fail_next(
        "getChatMember", error_code=400, description="Bad Request: user not found"
    )
    assert await admins.is_admin(GROUP.id, EDITOR.id) is False
    bot_api_server.fail_next("getChatMember", error_code=502)
    assert await admins.is_admin(GROUP.id, READER.id) is None
    assert len(admins) == 1  # the outage is not remembered
