"""Digests in the console chat: the timer thread prints a due digest once, as plain text."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from bot.digests.console import start_console_digests
from storage.store import Store
from tests.bot.digests.conftest import add_articles, make_topic, subscribe_due

CONSOLE_CHAT = 1


def test_console_prints_its_own_due_digest_once(sqlite_store: Store) -> None:
    topic = make_topic(sqlite_store)
    add_articles(sqlite_store, topic, 2)
    due = datetime.now(UTC) + timedelta(milliseconds=5)
    subscribe_due(sqlite_store, topic, [CONSOLE_CHAT, 777], due=due)
    printed: list[str] = []
    arrived = threading.Event()

    def write(text: str) -> None:
        printed.append(text)
        arrived.set()

    digests = start_console_digests(
        sqlite_store, CONSOLE_CHAT, write=write, clock=lambda: due + timedelta(seconds=1)
    )
    try:
        assert arrived.wait(30)  # the first pass loads the language model: slow on a busy machine
        for _ in range(2):  # two more passes: nothing else is printed
            passes = digests.engine.passes
            digests.poke()
            deadline = time.monotonic() + 10
            while digests.engine.passes <= passes and time.monotonic() < deadline:
                time.sleep(0.02)
            assert digests.engine.passes > passes
    finally:
        digests.stop()
    (text,) = printed
    assert "── digest ──" in text and "China–Russia relations — 2 new articles" in text
    assert "<https://news.example/story/0>" in text and "<b>📰" not in text
    assert "blockquote" not in text  # the sentences are shown plainly
    assert "\nSource 0\n" in text and "[1] Summary #" in text
    (other,) = sqlite_store.chat_subscriptions(777)
    assert sqlite_store.deliveries_for(other.id) == []  # another chat's digest is not ours


async def test_a_console_digest_shows_plainly_and_its_buttons_can_be_pressed(
    sqlite_store: Store,
) -> None:
    import io

    from bot.config import load_settings
    from bot.console import ConsoleChat
    from bot.core.app import Core
    from bot.digests.console import ConsoleSender
    from bot.digests.delivery import DeliveryEngine, Pacer

    topic = make_topic(sqlite_store)
    add_articles(sqlite_store, topic, 12)
    due = datetime.now(UTC) + timedelta(milliseconds=5)
    subscribe_due(sqlite_store, topic, [CONSOLE_CHAT], due=due)
    settings = load_settings({"DATABASE_URL": "sqlite://", "NEWSBOT_TZ": "UTC"})
    stdout = io.StringIO()
    chat = ConsoleChat(Core(sqlite_store, settings), io.StringIO(""), stdout)
    engine = DeliveryEngine(
        sqlite_store,
        ConsoleSender(chat.write, chat.deliver),
        clock=lambda: due + timedelta(seconds=1),
        pacer=Pacer(private_interval=0.0, group_interval=0.0),
        only_chat=CONSOLE_CHAT,
    )
    assert (await engine.run_once()).sent == 1
    shown = stdout.getvalue()
    assert "── digest ──" in shown and "12 new articles in 12 stories" in shown
    assert "<blockquote" not in shown and "<b>" not in shown.replace("<b>&</b>", "")
    assert "…and 2 more stories." in shown
    labels = [button.label for button in chat.buttons]
    assert labels[-1] == "2 more stories" and labels[0].startswith("Summary #")
    await chat.press(len(labels))
    assert "More in China–Russia relations (stories 11–12 of 12)" in stdout.getvalue()
