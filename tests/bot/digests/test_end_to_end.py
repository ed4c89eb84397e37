"""Digests end to end over HTTP against the fake Bot API: in-process and in bot subprocesses."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.digests.delivery import DeliveryEngine, Pacer
from bot.digests.telegram import install
from bot.telegram.app import build_application
from storage import open_store
from storage.store import Store
from storage.views import ArticleDraft
from tests.bot.digests.conftest import FakeClock, add_articles, make_topic, subscribe_due
from tests.support.bot_api_server import BotApiServer
from tests.support.bot_process import BotProcess
from tests.support.fake_telegram import BotMessage, FakeChat, FakeUser
from tests.support.ptb_runner import running_polling

ANN = FakeUser(5005, "Ann", username="ann")
ANN_CHAT = FakeChat.private(ANN)
DIGEST_MARK = "China–Russia relations — "


def digests_in(server: BotApiServer, chat_id: int) -> list[str]:
    return [text for text in server.texts(chat_id) if DIGEST_MARK in text]


def settings_for(server: BotApiServer, database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        {
            "TELEGRAM_BOT_TOKEN": server.token,
            "TELEGRAM_API_URL": server.url,
            "DATABASE_URL": database_url,
            "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
            "NEWSBOT_TZ": "UTC",
        }
    )


@dataclass
class LiveBot:
    server: BotApiServer
    store: Store
    clock: FakeClock
    engine: DeliveryEngine


@pytest.fixture
async def live_bot(
    bot_api_server: BotApiServer, database_url: str, tmp_path: Path
) -> AsyncIterator[LiveBot]:
    store = open_store(database_url)
    topic = make_topic(store)
    add_articles(store, topic, 3)
    clock = FakeClock()
    settings = settings_for(bot_api_server, database_url, tmp_path)
    application = build_application(settings, store, digests=False, feeds=False)
    engine = install(
        application,
        store,
        settings,
        clock=clock,
        interval=0.2,
        pacer=Pacer(private_interval=0.0, group_interval=0.0),
    )
    try:
        async with running_polling(application):
            await bot_api_server.async_wait_for_calls("setMyCommands")
            yield LiveBot(bot_api_server, store, clock, engine)
    finally:
        store.close()


async def ticks(bot: LiveBot, count: int = 3) -> None:
    """Let the repeating job run a few complete passes."""
    for _ in range(count):
        before = bot.engine.passes
        assert await bot.server.async_wait_until(lambda b=before: bot.engine.passes > b + 1)


async def test_subscribe_then_the_digest_arrives_once(live_bot: LiveBot) -> None:
    server = live_bot.server
    server.post_message(ANN_CHAT, ANN, "/subscribe china-russia 08:00")
    (answer,) = await server.async_wait_for_messages(ANN_CHAT.id, 1)
    assert "Subscribed to China–Russia relations: daily at 08:00 (UTC)" in answer.text
    (sub,) = live_bot.store.chat_subscriptions(ANN.id)
    assert sub.next_due_at is not None

    await ticks(live_bot)
    assert digests_in(server, ANN.id) == []  # not yet 08:00 on the bot's clock

    live_bot.clock.now = sub.next_due_at + timedelta(seconds=30)
    assert await server.async_wait_until(lambda: len(digests_in(server, ANN.id)) == 1)
    await ticks(live_bot)
    (digest,) = digests_in(server, ANN.id)
    assert "3 new articles" in digest and "Story 2" in digest
    server.assert_no_bad_requests()


def quoted_texts(message: BotMessage) -> list[str]:
    """The text of each expandable quotation (entity offsets count UTF-16 units)."""
    units = message.text.encode("utf-16-le")
    return [
        units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in message.entities
        if e["type"] == "expandable_blockquote"
    ]


async def test_the_digest_layout_on_telegram(live_bot: LiveBot) -> None:
    """Stories in expandable quotations, Summary buttons per part, the rest behind a button."""
    server, store = live_bot.server, live_bot.store
    topic = make_topic(store)
    add_articles(store, topic, 12, prefix="Wide", words_per_sentence=30)
    story = "Beijing and Moscow signed a gas pipeline agreement on Tuesday after long talks."
    store.add_articles(
        [
            ArticleDraft(
                title=f"China and Russia sign gas pipeline deal ({source})",
                body=f"{story} Reported by {source}. " * 3,
                url=f"https://{source.lower()}.example/deal",
                source=source,
                summary=(story, f"The pipeline will carry 38 bcm of gas, {source} said."),
                topic_slugs=(topic.slug,),
            )
            for source in ("Reuters", "AP", "BBC")
        ]
    )
    server.post_message(ANN_CHAT, ANN, "/settings length 2")
    await server.async_wait_for_messages(ANN_CHAT.id, 1)
    server.post_message(ANN_CHAT, ANN, "/subscribe china-russia 08:00")
    await server.async_wait_for_messages(ANN_CHAT.id, 2)
    (sub,) = store.chat_subscriptions(ANN.id)
    assert sub.next_due_at is not None
    live_bot.clock.now = sub.next_due_at + timedelta(seconds=30)

    def digest_parts() -> list[BotMessage]:
        messages = server.messages(ANN.id)
        first = next((i for i, m in enumerate(messages) if DIGEST_MARK in m.text), None)
        return [] if first is None else messages[first:]

    assert await server.async_wait_until(
        lambda: any("more stories" in b.get("text", "") for m in digest_parts() for b in m.buttons)
    )
    parts = digest_parts()
    assert parts[0].text.startswith("📰 China–Russia relations — 18 new articles in 16 stories · ")
    quotes = 0
    for part in parts:
        assert len(part.text) <= 4096
        assert part.parse_mode == "HTML" and part.html is not None
        assert "<blockquote expandable>" in part.html
        kinds = [e["type"] for e in part.entities]
        quotes += kinds.count("expandable_blockquote")
        summaries = [b for b in part.buttons if b["text"].startswith("Summary #")]
        assert summaries and len(summaries) == kinds.count("expandable_blockquote")
        assert all(b["callback_data"] == "sum:" + b["text"][9:] for b in summaries)
    assert quotes == 10
    # The chat asked for two sentences: each made-up story (three stored) shows two.
    wide = [q for part in parts for q in quoted_texts(part) if q.startswith("Nu")]
    assert wide and all(q.count(".") == 2 for q in wide)
    # The three-source story comes first, its sources named.
    first_story = parts[0].text.split("\n\n")[1]
    assert "pipeline deal" in first_story and " +1\n" in first_story
    assert first_story.count("signed a gas pipeline agreement") == 1
    more = parts[-1].button("6 more stories")

    server.press_button(ANN_CHAT, ANN, parts[-1], more["callback_data"])
    assert await server.async_wait_until(
        lambda: "More in China–Russia relations" in server.messages(ANN.id)[-1].text
    )
    listing = server.messages(ANN.id)[-1]
    assert "(stories 11–16 of 16)" in listing.text
    assert len([b for b in listing.buttons if b["text"].startswith("Summary #")]) == 6

    first_summary = parts[0].buttons[0]
    server.press_button(ANN_CHAT, ANN, parts[0], first_summary["callback_data"])
    article_id = int(first_summary["text"][9:])
    assert await server.async_wait_until(
        lambda: server.messages(ANN.id)[-1].text.startswith(f"#{article_id} ")
    )
    server.assert_no_bad_requests()


async def test_429_is_retried_and_403_pauses_until_start(live_bot: LiveBot) -> None:
    server, store = live_bot.server, live_bot.store
    server.post_message(ANN_CHAT, ANN, "/subscribe china-russia")
    await server.async_wait_for_messages(ANN_CHAT.id, 1)
    (sub,) = store.chat_subscriptions(ANN.id)
    assert sub.next_due_at is not None

    server.fail_next("sendMessage", error_code=429, retry_after=1, chat_id=ANN.id)
    live_bot.clock.now = sub.next_due_at + timedelta(seconds=1)
    assert await server.async_wait_until(lambda: len(digests_in(server, ANN.id)) == 1)
    assert server.too_many_requests >= 1
    await ticks(live_bot, 1)  # the pass that sent it has finished (and rescheduled)

    store.update_chat_settings(ANN.id, notify_empty=True)
    server.block_chat(ANN.id)
    live_bot.clock.now += timedelta(days=1)
    assert await server.async_wait_until(
        lambda: (chat := store.get_chat(ANN.id)) is not None and chat.blocked_at is not None
    )
    await ticks(live_bot)
    live_bot.clock.now += timedelta(days=1)
    await ticks(live_bot)
    assert not any("Nothing new" in text for text in server.texts(ANN.id))

    server.unblock_chat(ANN.id)
    server.post_message(ANN_CHAT, ANN, "/start")
    assert await server.async_wait_until(
        lambda: (chat := store.get_chat(ANN.id)) is not None and chat.blocked_at is None
    )
    live_bot.clock.now += timedelta(days=1)
    assert await server.async_wait_until(
        lambda: any("Nothing new on China–Russia relations" in t for t in server.texts(ANN.id))
    )
    assert len(digests_in(server, ANN.id)) == 1


async def test_a_group_that_became_a_supergroup_gets_its_digest_at_the_new_id(
    live_bot: LiveBot,
) -> None:
    server, store = live_bot.server, live_bot.store
    (sub,) = subscribe_due(
        store, make_topic(store), [-4004], due=datetime.now(UTC), chat_type="group"
    )
    # Telegram answers sends to the old id with 400 + migrate_to_chat_id; the bot has not
    # seen the service message (the adapter handles that case on its own).
    with server._lock:
        server._migrated[-4004] = -1004004
    live_bot.clock.now = datetime.now(UTC) + timedelta(seconds=5)
    assert await server.async_wait_until(lambda: len(digests_in(server, -1004004)) == 1)
    await ticks(live_bot)
    assert digests_in(server, -4004) == [] and len(digests_in(server, -1004004)) == 1
    (moved,) = store.chat_subscriptions(-1004004)
    assert moved.id == sub.id and store.get_chat(-4004) is None


# ---------------------------------------------------------------- bot subprocesses


def runner(env: dict[str, str], workdir: Path, **knobs: str) -> BotProcess:
    return BotProcess({**env, **knobs}, workdir)


def start_runner(process: BotProcess) -> BotProcess:
    """Like BotProcess.start, but running the digest test runner module."""
    import subprocess

    process.workdir.mkdir(parents=True, exist_ok=True)
    with process.log_path.open("ab") as log:
        process.process = subprocess.Popen(
            [sys.executable, "-m", "tests.bot.digests.bot_runner"],
            cwd=process.workdir,
            env=process.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process


def wait_exit(process: BotProcess, timeout: float = 30.0) -> int:
    assert process.process is not None
    deadline = time.monotonic() + timeout
    while process.process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.process.poll() is not None, process.logs()
    return process.process.returncode


def seed_due(database_url: str, chat_ids: list[int], *, long: bool = False) -> None:
    store = open_store(database_url)
    try:
        topic = make_topic(store)
        add_articles(store, topic, 10 if long else 3, words_per_sentence=50 if long else 5)
        subscribe_due(store, topic, chat_ids, due=datetime.now(UTC) + timedelta(milliseconds=5))
    finally:
        store.close()
    time.sleep(0.01)


def bot_env(server: BotApiServer, database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_URL": server.url,
        "DATABASE_URL": database_url,
        "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
        "NEWSBOT_TZ": "UTC",
        "DIGEST_TEST_STALE_SECONDS": "1",
    }


def counts(server: BotApiServer, chat_ids: list[int]) -> Counter[int]:
    return Counter({chat_id: len(digests_in(server, chat_id)) for chat_id in chat_ids})


def test_killed_between_claim_and_send_then_restarted(
    bot_api_server: BotApiServer, database_url: str, tmp_path: Path
) -> None:
    chat_ids = [7001, 7002, 7003]
    killed_then_restarted(bot_api_server, database_url, tmp_path, chat_ids, between_parts=False)


def test_killed_between_two_parts_then_restarted(
    bot_api_server: BotApiServer, sqlite_url: str, tmp_path: Path
) -> None:
    # One chat: no other send may be in flight at the moment of the kill.
    killed_then_restarted(bot_api_server, sqlite_url, tmp_path, [7001], between_parts=True)


# A wait bound, not a timing target: a restarted bot process takes a few seconds to start on a
# quiet machine and more than 30 on a loaded CI machine (seen failing at 30 s under load 15).
RESTART_WAIT = 120


def killed_then_restarted(
    server: BotApiServer,
    database_url: str,
    tmp_path: Path,
    chat_ids: list[int],
    *,
    between_parts: bool,
) -> None:
    """Seed due digests, start a bot that dies at the chosen point, restart it, count."""
    seed_due(database_url, chat_ids, long=between_parts)
    env = bot_env(server, database_url, tmp_path)
    knob = "DIGEST_TEST_KILL_AFTER_PARTS" if between_parts else "DIGEST_TEST_KILL_AFTER_CLAIM"
    first = start_runner(runner(env, tmp_path / "first", **{knob: "1"}))
    try:
        assert wait_exit(first) == -9
    finally:
        first.kill()
    sent_before = sum(len(server.texts(chat_id)) for chat_id in chat_ids)
    assert sent_before == (1 if between_parts else 0)

    second = start_runner(runner(env, tmp_path / "second"))
    try:
        if between_parts:
            parts = _parts_of_one_digest(database_url)
            assert parts >= 3
            expected = dict.fromkeys(chat_ids, parts)
        else:
            expected = dict.fromkeys(chat_ids, 1)
        assert server.wait_until(
            lambda: {c: len(server.texts(c)) for c in chat_ids} == expected, RESTART_WAIT
        ), second.logs()
        time.sleep(1.5)  # more passes: nothing else may go out
    finally:
        second.stop()
    for chat_id in chat_ids:
        texts = server.texts(chat_id)
        assert len(texts) == expected[chat_id] and len(set(texts)) == len(texts)
    assert DIGEST_MARK in server.texts(7001)[0]
    server.assert_no_bad_requests()


def _parts_of_one_digest(database_url: str) -> int:
    store = open_store(database_url)
    try:
        deadline = time.monotonic() + RESTART_WAIT
        while time.monotonic() < deadline:
            for sub in store.chat_subscriptions(7001):
                rows = [row for row in store.deliveries_for(sub.id) if row.status == "sent"]
                if rows:
                    return rows[0].parts_sent
            time.sleep(0.1)
    finally:
        store.close()
    raise AssertionError("the digest was never marked sent")


def test_two_bot_processes_on_postgresql_send_each_digest_once(
    bot_api_server: BotApiServer, postgres_url: str, tmp_path: Path
) -> None:
    chat_ids = list(range(8000, 8040))
    seed_due(postgres_url, chat_ids)
    env = bot_env(bot_api_server, postgres_url, tmp_path)
    env["DIGEST_TEST_STALE_SECONDS"] = "300"
    bots = [start_runner(runner(env, tmp_path / name)) for name in ("a", "b")]
    try:
        assert bot_api_server.wait_until(
            lambda: sum(counts(bot_api_server, chat_ids).values()) >= len(chat_ids), 120
        ), bots[0].logs() + bots[1].logs()
        time.sleep(1.5)
    finally:
        for bot in bots:
            bot.stop()
    assert counts(bot_api_server, chat_ids) == dict.fromkeys(chat_ids, 1)
