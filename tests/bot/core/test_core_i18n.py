"""The core answers in the user's language, and /settings lang overrides it."""

from __future__ import annotations

from dataclasses import replace

from bot.core.app import Core
from storage.store import Store
from tests.bot.core.conftest import PRIVATE, reply_text, request


async def _ask(core: Core, text: str, language: str) -> str:
    return reply_text(await core.handle(replace(request(text), language=language)))


async def test_a_russian_user_gets_russian_replies(core: Core) -> None:
    assert "Здравствуйте" in await _ask(core, "/start", "ru")
    help_text = await _ask(core, "/help", "ru")
    assert "Команды" in help_text and "последние статьи" in help_text
    assert "Hello" in await _ask(core, "/start", "en")
    assert "Hello" in await _ask(core, "/start", "de")  # no catalog: English


async def test_settings_lang_overrides_the_telegram_language(core: Core, store: Store) -> None:
    answer = await _ask(core, "/settings lang ru", "en")
    assert "Теперь я отвечаю: Русский." in answer and "Язык: Русский" in answer
    assert "Здравствуйте" in await _ask(core, "/start", "en")
    assert store.get_chat(PRIVATE.id).reply_language == "ru"  # type: ignore[union-attr]
    back = await _ask(core, "/settings lang en", "ru")
    assert "I will answer in English." in back
    assert "Hello" in await _ask(core, "/start", "ru")
    auto = await _ask(core, "/settings lang auto", "ru")
    assert "Я буду отвечать каждому на языке его Telegram." in auto
    assert "Здравствуйте" in await _ask(core, "/start", "ru")


async def test_settings_lang_unknown_is_explained(core: Core, store: Store) -> None:
    answer = await _ask(core, "/settings lang xx", "en")
    assert "I can answer in en (English), ru (Русский)" in answer
    assert store.get_chat(PRIVATE.id).reply_language == "auto"  # type: ignore[union-attr]
    russian = await _ask(core, "/settings lang", "ru")
    assert "Я могу отвечать на языках" in russian


async def test_russian_plural_in_a_reply(core: Core) -> None:
    assert "Теперь в выжимках до 5 предложений." in await _ask(core, "/settings length 5", "ru")
    assert "Теперь в выжимках до 2 предложения." in await _ask(core, "/settings length 2", "ru")
    assert "Теперь в выжимках до 1 предложение." in await _ask(core, "/settings length 1", "ru")


async def test_a_russian_subscription_reads_in_russian(core: Core) -> None:
    answer = await _ask(core, "/subscribe china-russia 08:00 friday", "ru")
    assert "Вы подписаны на" in answer and "каждую пятницу в 08:00 (UTC)" in answer
    assert "Следующий дайджест: пт " in answer
    listing = await _ask(core, "/subscriptions", "ru")
    assert "Ваши дайджесты" in listing and "следующий: пт" in listing
    topics = await _ask(core, "/topics", "ru")
    assert "✓ China–Russia relations — отписаться" in topics  # topic names are not translated
