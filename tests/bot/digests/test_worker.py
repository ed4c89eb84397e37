"""``newsbot worker`` as a real process against the fake Bot API and a real database.

- On SQLite it refuses with one line (exit 1): SQLite has one writer.
- It delivers every due digest, and loses the database mid-run without losing its place: when
  the database is back, it goes on and nothing is sent twice.
- kill -9 of one of two workers mid-run, then a restart: every chat gets its whole digest, and
  at most one part twice (README, "Exactly once").
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg

from storage import open_store
from tests.bot.digests.test_end_to_end import bot_env, seed_due
from tests.support.bot_api_server import BotApiServer
from tests.support.bot_process import REPO_ROOT, BotProcess

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def worker(server: BotApiServer, database_url: str, workdir: Path) -> BotProcess:
    env = bot_env(server, database_url, workdir)
    env.pop("DIGEST_TEST_STALE_SECONDS", None)
    return BotProcess(env, workdir, args=("worker",)).start()


def parts_per_digest(database_url: str, chat_id: int, timeout: float = 120) -> int:
    """The parts of the chat's digest, once a worker marked it sent."""
    store = open_store(database_url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for sub in store.chat_subscriptions(chat_id):
                for row in store.deliveries_for(sub.id):
                    if row.status == "sent":
                        return row.parts_sent
            time.sleep(0.2)
    finally:
        store.close()
    raise AssertionError("the digest was never marked sent")


def all_sent(database_url: str, chat_ids: list[int]) -> bool:
    store = open_store(database_url)
    try:
        statuses = [
            row.status
            for chat_id in chat_ids
            for sub in store.chat_subscriptions(chat_id)
            for row in store.deliveries_for(sub.id)
        ]
        return len(statuses) == len(chat_ids) and set(statuses) == {"sent"}
    finally:
        store.close()


def test_a_worker_on_sqlite_refuses_in_one_line(sqlite_url: str, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO_ROOT),
        "DATABASE_URL": sqlite_url,
        "TELEGRAM_BOT_TOKEN": "123456789:TEST-token_abcdefghijklmnopqrstuvwxyz",
        "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "worker"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "PostgreSQL" in lines[0] and "SQLite" in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()  # nothing was written


def _set_connections(database_url: str, allowed: bool) -> None:
    """Let clients connect to the database, or refuse them and drop the ones connected."""
    name = database_url.rpartition("/")[2]
    admin = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
    with psycopg.connect(admin.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


def test_a_worker_that_loses_the_database_resumes_without_duplicates(
    bot_api_server: BotApiServer, postgres_url: str, tmp_path: Path
) -> None:
    server = bot_api_server
    chat_ids = list(range(9500, 9520))
    seed_due(postgres_url, chat_ids, long=True)
    process = worker(server, postgres_url, tmp_path / "worker")
    try:
        assert server.wait_until(lambda: sum(server.message_counts().values()) >= 5, 120), (
            process.logs()
        )
        _set_connections(postgres_url, False)
        try:
            time.sleep(3.0)  # passes and records fail meanwhile
        finally:
            _set_connections(postgres_url, True)
        parts = parts_per_digest(postgres_url, chat_ids[0])
        assert server.wait_until(
            lambda: all(len(server.texts(chat)) >= parts for chat in chat_ids), 120
        ), process.logs()
        assert server.wait_until(lambda: all_sent(postgres_url, chat_ids), 60)
        time.sleep(1.0)
        assert process.process is not None and process.process.poll() is None  # still serving
    finally:
        assert process.stop() == 0, process.logs()
    assert "trying again" in process.logs()  # it did lose the database
    for chat in chat_ids:
        texts = server.texts(chat)
        assert len(texts) == parts and len(set(texts)) == parts, (chat, texts)
    server.assert_no_bad_requests()


def test_one_of_two_workers_killed_mid_run_then_restarted_loses_nothing(
    bot_api_server: BotApiServer, postgres_url: str, tmp_path: Path
) -> None:
    server = bot_api_server
    chat_ids = list(range(9600, 9640))
    seed_due(postgres_url, chat_ids, long=True)
    first = worker(server, postgres_url, tmp_path / "first")
    second = worker(server, postgres_url, tmp_path / "second")
    restarted: BotProcess | None = None
    try:
        assert server.wait_until(lambda: sum(server.message_counts().values()) >= 20, 120), (
            first.logs() + second.logs()
        )
        first.kill()
        restarted = worker(server, postgres_url, tmp_path / "restarted")
        parts = parts_per_digest(postgres_url, chat_ids[-1])
        assert server.wait_until(
            lambda: all(len(set(server.texts(chat))) >= parts for chat in chat_ids), 180
        ), second.logs() + restarted.logs()
        assert server.wait_until(lambda: all_sent(postgres_url, chat_ids), 60)
        time.sleep(1.0)
    finally:
        first.kill()
        second.stop()
        if restarted is not None:
            restarted.stop()
    for chat in chat_ids:
        texts = server.texts(chat)
        assert len(set(texts)) == parts  # nothing lost
        assert len(texts) - parts <= 1  # at most one part twice per chat
        assert max(Counter(texts).values()) <= 2
    server.assert_no_bad_requests()
