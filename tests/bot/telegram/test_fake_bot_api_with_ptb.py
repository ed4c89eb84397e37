"""A bare PTB Application works against the fake server, by polling and by webhook."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeChat, FakeUser
from tests.support.ptb_runner import running_polling, running_webhook

USER = FakeUser(501, "Eve")
CHAT = FakeChat.private(USER)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


def echo_application(server: BotApiServer) -> Application:
    application = (
        ApplicationBuilder()
        .token(server.token)
        .base_url(server.base_url)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


async def test_polling_round_trip_with_a_retried_429(bot_api_server: BotApiServer) -> None:
    bot_api_server.fail_next("sendMessage", error_code=429, retry_after=1)
    async with running_polling(echo_application(bot_api_server)):
        bot_api_server.post_message(CHAT, USER, "hello")
        [message] = await bot_api_server.async_wait_for_messages(CHAT.id, 1)
    assert message.text == "echo: hello"
    assert bot_api_server.too_many_requests == 1


async def test_webhook_round_trip_and_a_wrong_secret(bot_api_server: BotApiServer) -> None:
    async with running_webhook(echo_application(bot_api_server), secret_token="s3cret") as url:
        assert bot_api_server.webhook == {
            "url": url,
            "secret_token": "s3cret",
            "max_connections": 40,
        }
        bot_api_server.post_message(CHAT, USER, "via hook")
        [message] = await bot_api_server.async_wait_for_messages(CHAT.id, 1)
        update = {
            "update_id": 999,
            "message": {
                "message_id": 9,
                "date": 0,
                "chat": CHAT.to_dict(),
                "from": USER.to_dict(),
                "text": "forged",
            },
        }
        status = await asyncio.to_thread(bot_api_server.post_to_webhook, update, secret="wrong")
    assert message.text == "echo: via hook"
    assert status == 403
    assert bot_api_server.texts(CHAT.id) == ["echo: via hook"]
    assert [d.status for d in bot_api_server.webhook_deliveries()] == [200]
