"""The pieces that need no bot: JSON log lines, alert de-duplication, the health verdict."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from datetime import datetime

from bot.observability.errors import ErrorReporter
from bot.observability.health import HealthState, health_report
from bot.observability.logs import (
    JsonFormatter,
    configure_logging,
    reset_update_context,
    set_update_context,
)
from bot.telegram.redact import hide_secrets

SECRET = "987654:SECRET-token-for-the-log-test_abcdef"


def test_json_lines_carry_context_and_never_the_token() -> None:
    hide_secrets(SECRET)
    stream = io.StringIO()
    handler = configure_logging("INFO", "json", stream=stream)
    log = logging.getLogger("newsbot.test")
    try:
        tokens = set_update_context(42, "latest")
        log.info("calling https://api.example/bot%s/sendMessage", SECRET)
        reset_update_context(tokens)
        try:
            raise ValueError(f"bad {SECRET}")
        except ValueError:
            log.exception("outside any update")
    finally:
        logging.getLogger().removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["chat_id"] == 42 and first["command"] == "latest"
    assert first["level"] == "INFO" and first["logger"] == "newsbot.test"
    assert datetime.fromisoformat(first["time"]).tzinfo is not None
    assert "chat_id" not in second and "ValueError" in second["exception"]
    assert SECRET not in stream.getvalue()
    assert isinstance(JsonFormatter().format(logging.makeLogRecord({"msg": "x"})), str)


def _record(message: str, error: Exception) -> logging.LogRecord:
    try:
        raise error
    except Exception as raised:
        return logging.getLogger("bot.core.app").makeRecord(
            "bot.core.app", logging.ERROR, __file__, 1, message, (), (type(raised), raised, None)
        )


async def test_alerts_once_per_distinct_error_per_hour() -> None:
    sent: list[str] = []
    now = [1000.0]

    async def send(text: str) -> None:
        sent.append(text)

    reporter = ErrorReporter(send, asyncio.get_running_loop(), clock=lambda: now[0])
    reporter.emit(_record("command /latest failed", KeyError("a")))
    reporter.emit(_record("command /latest failed", KeyError("b")))  # same error, again
    reporter.emit(_record("command /search failed", ZeroDivisionError()))  # another one
    await asyncio.sleep(0.05)
    assert len(sent) == 2
    now[0] += 3601
    reporter.emit(_record("command /latest failed", KeyError("c")))
    await asyncio.sleep(0.05)
    assert len(sent) == 3
    assert "also 1 more time(s)" in sent[2]


async def test_health_fails_on_polling_only_past_the_threshold() -> None:
    clock = [0.0]
    state = HealthState(stale_after=60.0, clock=lambda: clock[0])
    state.polling_began()
    state.update_received()
    state.polling_failed("ConnectError")
    clock[0] = 59.0
    status, body = await health_report(state, lambda now: 3, lambda: True)
    assert (status, body["polling"], body["due_digests"]) == (200, "ok", 3)
    clock[0] = 61.0
    status, body = await health_report(state, lambda now: 3, lambda: True)
    assert status == 503 and body["failing"] == ["polling"]
    assert body["polling_error"] == "ConnectError"
    state.update_received()
    assert (await health_report(state, lambda now: 3, lambda: True))[0] == 200
