"""SIGTERM ends ``newsbot run`` within 8 s, with a fetch hung and a digest in flight.

The fetch goes to a local server that accepts the connection and never answers (the fetch's
own timeouts are far longer than the bound); the digest's first part is answered with a 429
asking for 30 s. After the stop, the digest's claim holds exactly the parts that reached the
chat (none), and the next start delivers it once.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import open_store
from tests.bot.digests.conftest import add_articles, make_topic, subscribe_due
from tests.support.bot_api_server import BotApiServer
from tests.support.bot_process import BotProcess
from tests.support.fake_telegram import FakeChat, FakeUser
from tests.support.fixtures import ADMIN

from .probe import wait_for

STARTUP = 60.0
BOUND = 8.0
READER = FakeUser(6006, "Rea", username="rea")


@pytest.fixture
def silent_server() -> Iterator[tuple[int, threading.Event]]:
    """A TCP server that accepts connections and never answers; the event: one arrived."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)
            accepted.set()

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], accepted
    listener.close()
    for connection in held:
        connection.close()


def test_sigterm_with_a_hung_fetch_and_a_digest_in_flight_exits_within_8_s(
    bot_api_server: BotApiServer,
    bot_env: dict[str, str],
    sqlite_url: str,
    tmp_path: Path,
    silent_server: tuple[int, threading.Event],
) -> None:
    port, accepted = silent_server
    store = open_store(sqlite_url)
    topic = make_topic(store)
    add_articles(store, topic, 3)
    due = datetime.now(UTC) - timedelta(minutes=1)
    [sub] = subscribe_due(store, topic, [READER.id], due=due, notify_empty=True)
    bot_api_server.fail_next("sendMessage", error_code=429, retry_after=30, chat_id=READER.id)
    env = {**bot_env, "NEWSBOT_ALLOW_PRIVATE_URLS": "1"}
    bot = BotProcess(env, tmp_path / "run").start()
    assert bot.process is not None
    try:
        assert wait_for(lambda: bot_api_server.calls("getUpdates"), STARTUP), bot.logs()
        assert wait_for(lambda: bot_api_server.failed_calls(429), STARTUP), bot.logs()
        bot_api_server.post_message(
            FakeChat.private(ADMIN), ADMIN, f"/add http://127.0.0.1:{port}/story"
        )
        assert accepted.wait(STARTUP), bot.logs()
        time.sleep(0.5)  # the fetch is now waiting for an answer that never comes
        started = time.monotonic()
        bot.process.send_signal(signal.SIGTERM)
        code = bot.process.wait(30)
        took = time.monotonic() - started
    finally:
        bot.kill()
    logs = bot.logs()
    assert took < BOUND, logs[-3000:]
    assert code == 0, logs[-3000:]
    assert "Traceback" not in logs
    # One answer, whichever layer stops the hung /add first: the fetcher (its fetches are
    # cancelled at once) or the handler guard (running work is cut at the bound).
    [answer] = bot_api_server.texts(ADMIN.id)
    assert "again in a minute" in answer
    [delivery] = store.deliveries_for(sub.id)
    assert delivery.status == "claimed"
    assert delivery.parts_sent == len(bot_api_server.texts(READER.id)) == 0

    # The next start resumes the recorded digest and delivers it once.
    with BotProcess(env, tmp_path / "again"):
        bot_api_server.wait_for_messages(READER.id, 1, timeout=STARTUP)
        assert wait_for(lambda: store.deliveries_for(sub.id)[0].status == "sent", STARTUP), (
            store.deliveries_for(sub.id)
        )
    [delivery] = store.deliveries_for(sub.id)
    assert delivery.parts_sent == len(bot_api_server.texts(READER.id))
    store.close()
