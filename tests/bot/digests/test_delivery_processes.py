"""Digest ownership and the crash window with real bot processes against the fake Bot API.

- A second ``newsbot run`` on one SQLite file refuses to start, naming the running pid.
- Two bot processes on one database: the second leaves the live first one's open claim alone.
- kill -9 in the middle of a fan-out, then a restart: every chat gets its digest, and only a
  part that was recorded "sending" at the kill may arrive twice (the README's guarantee).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from storage import open_store
from tests.bot.digests.test_end_to_end import (
    bot_env,
    digests_in,
    runner,
    seed_due,
    start_runner,
    wait_exit,
)
from tests.support.bot_api_server import BotApiServer
from tests.support.bot_process import BotProcess


def hold_claim_open(server: BotApiServer, chat_id: int) -> None:
    """Sends to the chat answer 429 until ``server.clear_failures()``: its claim stays open."""
    server.fail_next("sendMessage", error_code=429, retry_after=1, chat_id=chat_id, count=100_000)


def counts(server: BotApiServer, chat_ids: list[int]) -> Counter[int]:
    return Counter({chat_id: len(digests_in(server, chat_id)) for chat_id in chat_ids})


def run_env(server: BotApiServer, database_url: str, tmp_path: Path) -> dict[str, str]:
    """What ``newsbot run`` needs (no test knobs)."""
    env = bot_env(server, database_url, tmp_path)
    env.pop("DIGEST_TEST_STALE_SECONDS", None)
    return env


def delivery_rows(database_url: str, chat_ids: list[int]) -> dict[int, tuple[str, int, int | None]]:
    """chat -> (status, parts_sent, sending_part) of its one delivery."""
    store = open_store(database_url)
    try:
        rows = {}
        for chat_id in chat_ids:
            for sub in store.chat_subscriptions(chat_id):
                for row in store.deliveries_for(sub.id):
                    rows[chat_id] = (row.status, row.parts_sent, row.sending_part)
        return rows
    finally:
        store.close()


def test_a_second_newsbot_run_on_one_sqlite_file_refuses_naming_the_pid(
    bot_api_server: BotApiServer, sqlite_url: str, tmp_path: Path
) -> None:
    """Issue 11 item 1: a second process resent the digests the first one held open."""
    server = bot_api_server
    chat_ids = list(range(9100, 9110))
    seed_due(sqlite_url, chat_ids)
    hold_claim_open(server, chat_ids[0])
    env = run_env(server, sqlite_url, tmp_path)
    first = BotProcess(env, tmp_path / "first").start()
    try:
        assert server.wait_until(
            lambda: sum(counts(server, chat_ids).values()) >= len(chat_ids) - 1, 120
        ), first.logs()
        assert counts(server, chat_ids)[chat_ids[0]] == 0  # its claim is still open
        second = BotProcess(env, tmp_path / "second").start()
        try:
            assert wait_exit(second, 120) == 1
        finally:
            second.kill()
        assert first.process is not None and first.running
        database = sqlite_url.removeprefix("sqlite:///")
        lines = [line for line in second.logs().splitlines() if line.strip()]
        assert lines == [
            f"newsbot: another newsbot run (pid {first.process.pid}) is using {database}; "
            "stop it first (one bot process per SQLite database)"
        ]
        server.clear_failures()
        assert server.wait_until(
            lambda: counts(server, chat_ids) == dict.fromkeys(chat_ids, 1), 120
        ), first.logs()
        time.sleep(1.0)
    finally:
        assert first.stop() == 0, first.logs()
    assert counts(server, chat_ids) == dict.fromkeys(chat_ids, 1)
    store = open_store(sqlite_url)
    try:
        assert store.leases() == []  # a clean stop gave the digest lease up
    finally:
        store.close()
    # Stopped, the file is free: the next start runs.
    third = BotProcess(env, tmp_path / "third").start()
    try:
        assert server.wait_until(lambda: len(server.calls("getUpdates")) > 0, 120)
        time.sleep(1.0)
        assert third.running, third.logs()
    finally:
        third.stop()


def test_a_second_bot_process_leaves_the_live_first_ones_claim_alone(
    bot_api_server: BotApiServer, database_url: str, tmp_path: Path
) -> None:
    """Without the SQLite lock file (or on PostgreSQL), the lease keeps the claim the first's."""
    server = bot_api_server
    chat_ids = list(range(9200, 9210))
    seed_due(database_url, chat_ids)
    hold_claim_open(server, chat_ids[0])
    env = bot_env(server, database_url, tmp_path)
    env["DIGEST_TEST_STALE_SECONDS"] = "1"  # its own postponed claims only
    first = start_runner(runner(env, tmp_path / "first"))
    second: BotProcess | None = None
    try:
        assert server.wait_until(
            lambda: sum(counts(server, chat_ids).values()) >= len(chat_ids) - 1, 120
        ), first.logs()
        second = start_runner(runner(env, tmp_path / "second"))
        store = open_store(database_url)
        try:
            assert server.wait_until(lambda: len(store.leases()) == 2, 120), second.logs()
        finally:
            store.close()
        time.sleep(2.0)  # the second process makes a few passes while the claim is open
        assert counts(server, chat_ids)[chat_ids[0]] == 0
        server.clear_failures()
        assert server.wait_until(
            lambda: counts(server, chat_ids) == dict.fromkeys(chat_ids, 1), 120
        ), first.logs()
        time.sleep(1.5)
    finally:
        first.stop()
        if second is not None:
            second.stop()
    assert counts(server, chat_ids) == dict.fromkeys(chat_ids, 1)


def test_killed_mid_fan_out_only_a_part_recorded_sending_arrives_twice(
    bot_api_server: BotApiServer, database_url: str, tmp_path: Path
) -> None:
    """Issue 11 item 8: the part in flight at a kill -9 goes out again (at least once)."""
    server = bot_api_server
    chat_ids = list(range(9300, 9340))
    seed_due(database_url, chat_ids)
    # Telegram takes the messages past the 12th but the bot never reads its answers.
    server.hold_responses("sendMessage", after=12)
    env = run_env(server, database_url, tmp_path)
    first = BotProcess(env, tmp_path / "first").start()
    try:
        assert server.wait_until(lambda: server.held_responses >= 2, 120), first.logs()
        time.sleep(0.5)
    finally:
        first.kill()
    held = server.held_responses
    server.release_responses()
    at_kill = delivery_rows(database_url, chat_ids)
    reached = {chat for chat, n in counts(server, chat_ids).items() if n}
    recorded_sent = {chat for chat, (status, parts, _) in at_kill.items() if parts == 1}
    in_flight = {chat for chat, (_, _, sending) in at_kill.items() if sending is not None}
    assert len(reached - recorded_sent) >= held >= 2  # delivered, never recorded as sent
    assert reached - recorded_sent <= in_flight

    second = BotProcess(env, tmp_path / "second").start()
    try:
        assert server.wait_until(
            lambda: all(counts(server, chat_ids)[chat] >= 1 for chat in chat_ids), 120
        ), second.logs()
        assert server.wait_until(
            lambda: all(row[0] == "sent" for row in delivery_rows(database_url, chat_ids).values()),
            120,
        )
        time.sleep(1.0)
    finally:
        assert second.stop() == 0, second.logs()
    final = counts(server, chat_ids)
    assert set(final.values()) <= {1, 2}  # nothing lost, at most one part twice per chat
    repeated = {chat for chat, n in final.items() if n == 2}
    assert repeated == reached - recorded_sent  # exactly the parts left "sending"
    server.assert_no_bad_requests()
