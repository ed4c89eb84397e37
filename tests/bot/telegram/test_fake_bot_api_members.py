"""The fake server's chat members and channels, through PTB: what Telegram answers, we answer."""

from __future__ import annotations

import pytest
from telegram import Bot, ChatMemberAdministrator, ChatMemberLeft, ChatMemberMember
from telegram import error as tg_error

from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeChat, FakeUser

OWNER = FakeUser(7001, "Olga", username="olga")
STRANGER = FakeUser(7002, "Sam")
CHANNEL = FakeChat.channel(-1001234567890, "Daily Wire", username="dailywire")


def ptb_bot(server: BotApiServer) -> Bot:
    return Bot(server.token, base_url=server.base_url)


async def test_get_chat_finds_a_channel_by_username_case_insensitively(
    bot_api_server: BotApiServer,
) -> None:
    bot_api_server.add_chat(CHANNEL)
    async with ptb_bot(bot_api_server) as bot:
        chat = await bot.get_chat("@DailyWire")
        assert (chat.id, chat.type, chat.username) == (CHANNEL.id, "channel", "dailywire")
        with pytest.raises(tg_error.BadRequest, match=r"(?i)chat not found"):
            await bot.get_chat("@nosuchchannel")


async def test_get_chat_member_answers_the_configured_statuses_and_rights(
    bot_api_server: BotApiServer,
) -> None:
    bot_api_server.set_member(CHANNEL, OWNER, "creator")
    bot_api_server.set_bot_member(CHANNEL, "administrator", can_post_messages=False)
    async with ptb_bot(bot_api_server) as bot:
        owner = await bot.get_chat_member("@dailywire", OWNER.id)
        assert owner.status == "creator"
        me = await bot.get_chat_member(CHANNEL.id, bot.id)
        assert isinstance(me, ChatMemberAdministrator)
        assert me.can_post_messages is False and me.can_manage_chat is True
        # The bot is an administrator, so the member list is readable: a stranger has left.
        assert isinstance(await bot.get_chat_member(CHANNEL.id, STRANGER.id), ChatMemberLeft)


async def test_a_channel_hides_its_members_from_a_bot_that_is_no_admin(
    bot_api_server: BotApiServer,
) -> None:
    bot_api_server.add_chat(CHANNEL)
    async with ptb_bot(bot_api_server) as bot:
        with pytest.raises(tg_error.BadRequest, match=r"(?i)member list is inaccessible"):
            await bot.get_chat_member(CHANNEL.id, OWNER.id)
        assert (await bot.get_chat_member(CHANNEL.id, bot.id)).status == "left"
        # In groups nobody configured is a plain member (old group tests keep working).
        bot_api_server.add_chat(FakeChat.group(-4004))
        group_member = await bot.get_chat_member(-4004, OWNER.id)
        # A group or channel the bot was never in is not found, as on Telegram.
        with pytest.raises(tg_error.BadRequest, match=r"(?i)chat not found"):
            await bot.get_chat(-1009999999999)
        assert isinstance(group_member, ChatMemberMember)


async def test_channel_sends_need_an_admin_who_may_post(bot_api_server: BotApiServer) -> None:
    bot_api_server.add_chat(CHANNEL)
    async with ptb_bot(bot_api_server) as bot:
        with pytest.raises(tg_error.Forbidden, match=r"(?i)not a member of the channel"):
            await bot.send_message(CHANNEL.id, "hello")
        bot_api_server.set_bot_member(CHANNEL, "administrator", can_post_messages=False)
        with pytest.raises(tg_error.BadRequest, match=r"(?i)need administrator rights"):
            await bot.send_message(CHANNEL.id, "hello")
        bot_api_server.set_bot_member(CHANNEL, "administrator")
        sent = await bot.send_message(CHANNEL.id, "hello")
    assert sent.sender_chat is not None and sent.sender_chat.id == CHANNEL.id
    assert bot_api_server.texts(CHANNEL.id) == ["hello"]


async def test_my_chat_member_and_channel_post_updates(bot_api_server: BotApiServer) -> None:
    bot_api_server.post_my_chat_member(CHANNEL, OWNER, "administrator", "left")
    bot_api_server.post_channel_post(CHANNEL, "/subscribe world")
    async with ptb_bot(bot_api_server) as bot:
        updates = await bot.get_updates(timeout=0)
        member = await bot.get_chat_member(CHANNEL.id, bot.id)
    change, post = updates
    assert change.my_chat_member is not None
    assert isinstance(change.my_chat_member.new_chat_member, ChatMemberAdministrator)
    assert change.my_chat_member.old_chat_member.status == "left"
    assert post.channel_post is not None and post.channel_post.text == "/subscribe world"
    assert post.channel_post.sender_chat is not None and post.channel_post.from_user is None
    assert member.status == "administrator"
