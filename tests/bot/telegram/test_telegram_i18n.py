"""A Russian Telegram user gets Russian replies and a Russian command menu (fake Bot API)."""

from __future__ import annotations

from tests.support.bot_api_server import BotApiServer
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat, FakeUser

RUSSIAN_USER = FakeUser(id=4242, first_name="Иван", language_code="ru")


async def test_telegram_russian_user_and_menu(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    chat = FakeChat.private(RUSSIAN_USER)
    start = await telegram_bot.ask(chat, RUSSIAN_USER, "/start")
    assert "Здравствуйте, Иван!" in start.text
    menu = {item["command"]: item["description"] for item in bot_api_server.commands()}
    russian = {
        item["command"]: item["description"]
        for item in bot_api_server.commands(language_code="ru")
    }
    assert set(russian) == set(menu)
    assert russian["latest"].startswith("последние статьи")
    assert menu["latest"].startswith("the newest articles")
