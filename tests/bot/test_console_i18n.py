"""The console chat in Russian: from the terminal's locale, or with /settings lang ru."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings, load_settings
from bot.console import run_console, terminal_language
from ingest.feeds import FeedPoller
from storage import open_store
from tests.ingest.site import Site


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return load_settings({"DATABASE_URL": sqlite_url}, env_file=None)


def chat(settings: Settings, script: str, monkeypatch: pytest.MonkeyPatch, lang: str) -> str:
    """Run the console on ``script`` in a terminal whose LANG is ``lang``; returns the output."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    stdout = io.StringIO()
    assert run_console(settings, True, stdin=io.StringIO(script), stdout=stdout) == 0
    return stdout.getvalue()


def test_settings_lang_ru_turns_the_console_russian(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = (
        "/settings lang ru\n/stats\n/addtopic energy2 Энергия | нефть;\n"
        "/add http://127.0.0.1:9/news\n/search и в на\n/deltopic energy\n9\n/quit\n"
    )
    out = chat(settings, script, monkeypatch, "C.UTF-8")
    assert "/help for the commands" in out  # the welcome, before the chat chose Russian
    assert "Теперь я отвечаю: Русский." in out
    assert "Статистика\nСтатьи: 8" in out
    assert "Правило написано неверно: группа 2 пуста" in out
    assert "Не загружаю 127.0.0.1: этот адрес ведёт во внутреннюю или локальную сеть" in out
    assert "В запросе и в на только самые частые слова" in out
    assert "Тема Energy (energy) удалена." in out
    assert "Такой кнопки здесь нет. Введите команду, например /help." in out
    assert out.rstrip().endswith("До свидания.")


def test_a_russian_terminal_gets_a_russian_console(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = chat(settings, "/latest 1\n/digest china-russia\n", monkeypatch, "ru_RU.UTF-8")
    assert out.startswith("Загружено 8 примеров статей.\nКонсольный чат newsbot: вы — локальный")
    assert "Последние статьи" in out
    assert re.search(r"📰 China–Russia relations — \d+ нов\w+ стат\w+ в \d+ сюжет", out)
    assert out.rstrip().endswith("До свидания.")


def test_a_terminal_in_a_language_without_a_catalog_gets_english(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = chat(settings, "/stats\n", monkeypatch, "de_DE.UTF-8")
    assert "newsbot console chat: you are the local admin." in out and "Stats\nArticles: 8" in out


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "ru_RU.UTF-8"}, "ru-ru"),
        ({"LC_ALL": "ru_UA@euro", "LANG": "en_US.UTF-8"}, "ru-ua"),
        ({"LC_MESSAGES": "C", "LANG": "ru_RU.UTF-8"}, "c"),
        ({}, ""),
    ],
)
def test_the_terminal_language_comes_from_the_locale(
    environ: dict[str, str], language: str
) -> None:
    assert terminal_language(environ) == language


def test_a_feeds_last_error_is_said_in_russian(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, site = open_store(settings.database_url), Site()
    try:
        # A feed that answers 202 with no body: a poll that fails with a known error.
        failing, _ = store.add_feed(site.add("/failing.xml", status=202))
        with FeedPoller(store, allow_private_urls=True) as poller:
            assert poller.poll(failing).status == "error"
        # A row written before errors were stored with their code: its text as it is.
        older, _ = store.add_feed("http://127.0.0.1:9/older.xml")
        now = datetime.now(UTC)
        store.record_feed_poll(
            older.id, polled_at=now, next_poll_at=now + timedelta(hours=1), error="Old failure."
        )
    finally:
        site.close()
        store.close()
    out = chat(settings, "/feeds\n", monkeypatch, "ru_RU.UTF-8")
    assert "последняя ошибка: Сервер ответил кодом 202 вместо страницы." in out
    assert "последняя ошибка: Old failure." in out  # the old row's text, as it was stored
    assert "The server answered" not in out


def test_russian_help_writes_the_commands_syntax_in_russian(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = chat(settings, "/help\n", monkeypatch, "ru_RU.UTF-8")
    help_text = out.split("Команды", 1)[1]
    # The syntax and the examples were English prose in a Russian help before.
    for english in ("text on the next lines", "paste a text", "the caption of", "display name",
                    "article id", "a phrase", "<topic>", "[weekday]", "Storm closes"):
        assert english not in help_text
    assert "/summary <номер | ссылка | текст>" in help_text
    assert "/add <ссылка> | /add <заголовок> + текст со следующей строки" in help_text
    assert "/subscribe <тема> [ЧЧ:ММ] [день недели]" in help_text
    assert "<тема> — короткое имя темы" in help_text
    # Literal keywords stay as the bot reads them.
    assert "/settings [tz <пояс> | length <n> | lang ru|en|auto | empty on|off]" in help_text


def test_english_help_keeps_its_syntax(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    out = chat(settings, "/help\n", monkeypatch, "C.UTF-8")
    assert "/summary <id | URL | text>" in out
    assert "/add Storm closes the port (text on the next lines)" in out
