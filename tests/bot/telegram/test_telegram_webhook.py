"""Webhook mode: updates arrive by POST with the secret header; a wrong or missing secret is
refused and never reaches the bot.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.support.bot_api_server import BotApiServer
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER

PRIVATE = FakeChat.private(USER)


@pytest.fixture
def mode() -> str:
    return "webhook"


def forged_update(text: str) -> dict[str, object]:
    return {
        "update_id": 900001,
        "message": {
            "message_id": 4242,
            "date": 1_700_000_000,
            "chat": PRIVATE.to_dict(),
            "from": USER.to_dict(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_webhook_is_set_with_a_secret_and_serves_updates(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    hook = bot_api_server.webhook
    assert hook is not None and hook["url"].startswith("http://127.0.0.1:")
    assert hook["secret_token"]
    answer = await telegram_bot.ask(PRIVATE, USER, "/latest 1")
    assert answer.callback_data
    assert {d.status for d in bot_api_server.webhook_deliveries()} == {200}
    assert bot_api_server.calls("getUpdates") == []


@pytest.mark.parametrize("secret", ["wrong-secret", None])
async def test_a_wrong_or_missing_secret_is_refused(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, secret: str | None
) -> None:
    status = await asyncio.to_thread(
        bot_api_server.post_to_webhook, forged_update("/start"), secret=secret
    )
    assert status == 403
    await telegram_bot.send(PRIVATE, USER, "/help")
    assert not any("Hello" in text for text in bot_api_server.texts(PRIVATE.id))
