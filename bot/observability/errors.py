"""Error alerts to an admin chat (NEWSBOT_ERROR_CHAT_ID): once per distinct error per hour.

A logging handler at ERROR level, so every unhandled error reaches it whoever catches it:
the core's command guard, the digest engine, the feed job, PTB's error handler
(``bot.telegram.handlers.on_error`` logs there). A distinct error is its logger, message
template, exception type and the code line that raised it; repeats within the hour are
counted and the count is shown with the next alert. Alerts are plain text, scrubbed of every
registered secret (token, webhook secret, database password), never a full traceback.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.telegram.redact import scrub

WINDOW_SECONDS = 3600.0
MAX_ALERT = 3500
MAX_KEYS = 1000
log = logging.getLogger(__name__)

Send = Callable[[str], Awaitable[object]]


def _origin(record: logging.LogRecord) -> str:
    error = record.exc_info[1] if record.exc_info else None
    if error is not None and error.__traceback__ is not None:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        return f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
    return f"{Path(record.pathname).name}:{record.lineno}"


def fingerprint(record: logging.LogRecord) -> tuple[str, ...]:
    """What makes two error records 'the same error'."""
    error = record.exc_info[1] if record.exc_info else None
    kind = type(error).__name__ if error is not None else ""
    return (record.name, str(record.msg), kind, _origin(record))


def alert_text(record: logging.LogRecord, repeats: int) -> str:
    """The alert: where, what, and the exception's type and message (scrubbed, capped)."""
    lines = [f"newsbot error in {record.name}", record.getMessage()]
    error = record.exc_info[1] if record.exc_info else None
    if error is not None:
        lines.append(f"{type(error).__name__}: {str(error)[:500]}")
    lines.append(f"at {_origin(record)}")
    if repeats:
        lines.append(f"(also {repeats} more time(s) in the last hour)")
    lines.append("The same error is reported at most once an hour.")
    return scrub("\n".join(lines))[:MAX_ALERT]


class ErrorReporter(logging.Handler):
    """Sends ERROR records to an admin chat through ``send`` on the bot's event loop."""

    def __init__(
        self,
        send: Send,
        loop: asyncio.AbstractEventLoop,
        *,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(level=logging.ERROR)
        self._send = send
        self._loop = loop
        self._window = window
        self._clock = clock
        self._last_sent: dict[tuple[str, ...], float] = {}
        self._repeats: dict[tuple[str, ...], int] = {}
        self._tasks: set[asyncio.Future[object]] = set()

    def emit(self, record: logging.LogRecord) -> None:
        """Schedule an alert unless this error was reported within the window."""
        if record.name.startswith(__name__) or record.name.startswith("bot.observability"):
            return  # never alert about alerting
        try:
            key = fingerprint(record)
            now = self._clock()
            last = self._last_sent.get(key)
            if last is not None and now - last < self._window:
                self._repeats[key] = self._repeats.get(key, 0) + 1
                return
            if len(self._last_sent) >= MAX_KEYS:
                self._forget_old(now)
            self._last_sent[key] = now
            text = alert_text(record, self._repeats.pop(key, 0))
            self._loop.call_soon_threadsafe(self._start, text)
        except RuntimeError:
            pass  # the loop is closed: the bot is exiting, the log line is enough
        except Exception:
            self.handleError(record)

    def _forget_old(self, now: float) -> None:
        for key, sent in list(self._last_sent.items()):
            if now - sent >= self._window:
                del self._last_sent[key]
                self._repeats.pop(key, None)

    def _start(self, text: str) -> None:
        task = asyncio.ensure_future(self._deliver(text))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, text: str) -> None:
        try:
            await self._send(text)
        except Exception as error:  # the alert channel failing must not become an alert
            log.warning("could not send the error alert: %s", scrub(str(error)))
