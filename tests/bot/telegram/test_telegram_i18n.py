"""A Russian Telegram user gets Russian replies (admin commands and errors too) and a Russian
command menu; a language without a catalog gets English (fake Bot API)."""

from __future__ import annotations

from tests.support.bot_api_server import BotApiServer
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat, FakeUser
from tests.support.fixtures import ADMIN

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
    admin_scope = {"type": "chat", "chat_id": ADMIN.id}
    admin_menu = {
        item["command"]: item["description"]
        for item in bot_api_server.commands(admin_scope, language_code="ru")
    }
    assert set(admin_menu) == {item["command"] for item in bot_api_server.commands(admin_scope)}
    assert admin_menu["stats"].startswith("сколько статей") and "latest" in admin_menu


RUSSIAN_ADMIN = FakeUser(id=ADMIN.id, first_name="Ада", language_code="ru")


async def test_a_russian_admin_gets_russian_admin_replies_and_errors(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    chat = FakeChat.private(RUSSIAN_ADMIN)
    stats = await telegram_bot.ask(chat, RUSSIAN_ADMIN, "/stats")
    assert stats.text.startswith("Статистика") and "Статьи: " in stats.text
    rule = await telegram_bot.ask(chat, RUSSIAN_ADMIN, "/addtopic energy2 Энергия | нефть;")
    assert "Правило написано неверно: группа 2 пуста" in rule.text
    # An error raised by ingest (the SSRF guard), said by the bot in Russian.
    refused = await telegram_bot.ask(chat, RUSSIAN_ADMIN, "/add http://127.0.0.1:9/news")
    assert refused.text.startswith("Не загружаю 127.0.0.1: этот адрес ведёт во внутреннюю")
    question = await telegram_bot.ask(chat, RUSSIAN_ADMIN, "/deltopic energy")
    assert "Тема Energy (energy) удалена." in question.text  # nobody follows it: no question
    feeds = await telegram_bot.ask(chat, RUSSIAN_ADMIN, "/feeds")
    assert feeds.text == "Лент пока нет. Добавьте ленту командой /addfeed <url>."
    sticker = await telegram_bot.exchange(
        chat, lambda: bot_api_server.post_sticker(chat, RUSSIAN_ADMIN)
    )
    assert [message.text for message in sticker] == [
        "Я читаю только текст. Отправьте /help, чтобы узнать, что я умею, или вставьте текст "
        "статьи, чтобы получить выжимку."
    ]
    bot_api_server.assert_no_bad_requests()


async def test_a_language_without_a_catalog_gets_english(telegram_bot: ChatDriver) -> None:
    german = FakeUser(id=7070, first_name="Greta", language_code="de")
    answer = await telegram_bot.ask(FakeChat.private(german), german, "/search ... !!!")
    assert answer.text.startswith("There are no words to search for in ... !!!.")
