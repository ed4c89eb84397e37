"""Many users at once, with the production setting of concurrent update processing."""

from __future__ import annotations

from bot.config import Settings
from bot.telegram.app import build_application
from storage.store import Store
from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeChat, FakeUser
from tests.support.ptb_runner import running_polling, unthrottled

USERS = [FakeUser(50_000 + number, f"User {number}") for number in range(40)]


async def test_forty_users_at_once_each_get_their_answers(
    bot_api_server: BotApiServer, telegram_settings: Settings, sample_store: Store
) -> None:
    application = build_application(
        telegram_settings, sample_store, digests=False, feeds=False, rate_limiter=unthrottled()
    )
    async with running_polling(application):
        for user in USERS:
            chat = FakeChat.private(user)
            bot_api_server.post_message(chat, user, "/latest 3")
            bot_api_server.post_message(chat, user, "/summary")
        everyone_answered = await bot_api_server.async_wait_until(
            lambda: all(len(bot_api_server.messages(u.id)) >= 2 for u in USERS), 30
        )
    assert everyone_answered, bot_api_server.message_counts()
    for user in USERS:
        texts = bot_api_server.texts(user.id)
        assert len(texts) == 2
        assert any("Latest" in text for text in texts)
    bot_api_server.assert_no_bad_requests()
