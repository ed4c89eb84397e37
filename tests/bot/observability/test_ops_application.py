"""The PTB Application over HTTP against the fake Bot API: /healthz turning 503, error alerts.

These run the real Application in the test's event loop (as ``newsbot run`` does, minus the
process), with the health port on and, for the 503 test, a short polling threshold: the
production default is 60 s, and the test shows the 503 does arrive once the API is gone.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from bot.config import Settings
from bot.telegram.app import build_application
from tests.support.bot_api_server import BotApiServer
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import ADMIN, USER
from tests.support.ptb_runner import free_port, running_polling, track_processed, unthrottled

from .probe import get_json, wait_for

PRIVATE = FakeChat.private(USER)


def _settings(server: BotApiServer, database_url: str, tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        telegram_token=server.token,
        telegram_api_url=server.url,
        database_url=database_url,
        admin_ids=frozenset({ADMIN.id}),
        default_timezone="UTC",
        allow_private_urls=False,
        data_dir=tmp_path / "data",
        http_host="127.0.0.1",
        **extra,  # type: ignore[arg-type]
    )


async def _until(url: str, status: int, timeout: float) -> tuple[int, dict[str, object]]:
    found = await asyncio.to_thread(
        wait_for, lambda: (answer := get_json(url))[0] == status and answer, timeout
    )
    return found or await asyncio.to_thread(get_json, url)


async def test_healthz_answers_503_naming_polling_once_the_bot_api_is_gone(
    bot_api_server: BotApiServer, sqlite_url: str, tmp_path: Path
) -> None:
    port = free_port()
    settings = _settings(bot_api_server, sqlite_url, tmp_path, http_port=port)
    application = build_application(
        settings, feeds=False, rate_limiter=unthrottled(), poll_stale_after=3.0
    )
    url = f"http://127.0.0.1:{port}/healthz"
    async with running_polling(application):
        status, healthy = await _until(url, 200, 30)
        assert status == 200, healthy
        assert healthy["polling"] == "ok" and healthy["database"] == "ok"
        gone_at = time.monotonic()
        await asyncio.to_thread(bot_api_server.stop)
        status, failing = await _until(url, 503, 90)
        waited = time.monotonic() - gone_at
    assert status == 503, failing
    assert failing["failing"] == ["polling"]
    assert str(failing["polling"]).startswith("failing for")
    assert failing["database"] == "ok"
    assert 3.0 <= waited < 90


async def test_healthz_answers_503_naming_the_database_when_it_fails(
    bot_api_server: BotApiServer, sqlite_url: str, tmp_path: Path
) -> None:
    port = free_port()
    settings = _settings(bot_api_server, sqlite_url, tmp_path, http_port=port)
    application = build_application(settings, feeds=False, rate_limiter=unthrottled())
    url = f"http://127.0.0.1:{port}/healthz"
    async with running_polling(application):
        assert (await _until(url, 200, 30))[0] == 200
        with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as connection:
            connection.execute("ALTER TABLE subscriptions RENAME TO subscriptions_gone")
        status, body = await asyncio.to_thread(get_json, url)
    assert status == 503
    assert body["failing"] == ["database"]
    assert body["polling"] == "ok"


async def test_an_unhandled_error_is_reported_to_the_admin_chat_once(
    bot_api_server: BotApiServer, sqlite_url: str, tmp_path: Path
) -> None:
    settings = _settings(bot_api_server, sqlite_url, tmp_path, error_chat_id=ADMIN.id)
    application = build_application(
        settings, digests=False, feeds=False, rate_limiter=unthrottled(), concurrent_updates=1
    )
    processed = track_processed(application)
    async with running_polling(application):
        driver = ChatDriver(bot_api_server, processed, application=application)
        await bot_api_server.async_wait_for_calls("setMyCommands")
        assert await driver.send(PRIVATE, USER, "/start")
        with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as connection:
            connection.execute("ALTER TABLE articles RENAME TO articles_gone")
        first = await driver.send(PRIVATE, USER, "/latest")
        second = await driver.send(PRIVATE, USER, "/latest")
        await bot_api_server.async_wait_for_messages(ADMIN.id, 1)
        await asyncio.sleep(0.5)  # a second alert, if any, would be on its way by now
    assert "something went wrong" in first[0].text and "something went wrong" in second[0].text
    # The fake Bot API runs in this process, so its own aiohttp log lines (a long poll cut at
    # shutdown: "Connection lost") can reach the reporter too; only the bot's alerts count here.
    [alert] = [t for t in bot_api_server.texts(ADMIN.id) if "error in aiohttp." not in t]
    assert "newsbot error in bot.core.app" in alert
    assert "command /latest failed" in alert
    assert "OperationalError" in alert
    assert bot_api_server.token not in alert
    assert "Traceback" not in alert
