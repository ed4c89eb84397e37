"""What GET /healthz reports: database, updates, scheduler, digest backlog; 503 when failing.

``HealthState`` is fed by the Telegram glue: every successful getUpdates (polling) or
webhook update marks the bot alive; a failed getUpdates starts a failure clock. The bot is
unhealthy when the database does not answer, or when polling has been failing for longer
than ``stale_after`` (60 s by default).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

POLL_STALE_AFTER = 60.0
DATABASE_TIMEOUT = 5.0


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


@dataclass
class HealthState:
    """Liveness facts gathered while the bot runs (event loop only, no locks needed)."""

    mode: str = "polling"
    stale_after: float = POLL_STALE_AFTER
    clock: Callable[[], float] = time.monotonic
    last_update_at: datetime | None = None
    polling_started: float | None = None
    _last_success: float | None = field(default=None, repr=False)
    _failing_since: float | None = field(default=None, repr=False)
    last_error: str = ""

    def polling_began(self) -> None:
        """The first getUpdates is about to go out: a bot that never succeeds fails too."""
        if self.polling_started is None:
            self.polling_started = self.clock()

    def update_received(self) -> None:
        """A getUpdates answered, or a webhook update arrived."""
        self.last_update_at = datetime.now(UTC)
        self._last_success = self.clock()
        self._failing_since = None
        self.last_error = ""

    def polling_failed(self, reason: str) -> None:
        """A getUpdates failed (network, 409 conflict, 5xx ...)."""
        if self._failing_since is None:
            self._failing_since = self.clock()
        self.last_error = reason[:200]

    def polling_failing_for(self) -> float:
        """Seconds polling has been failing (0 when fine, or in webhook mode)."""
        if self.mode != "polling":
            return 0.0
        now = self.clock()
        if self._failing_since is not None:
            return now - self._failing_since
        if self._last_success is None and self.polling_started is not None:
            return now - self.polling_started  # started, never answered
        return 0.0


async def health_report(
    state: HealthState,
    due_digests: Callable[[datetime], int],
    scheduler_running: Callable[[], bool],
) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body) of GET /healthz; ``due_digests`` is a blocking database call."""
    failing: list[str] = []
    body: dict[str, Any] = {"mode": state.mode}
    try:
        backlog = await asyncio.wait_for(
            asyncio.to_thread(due_digests, datetime.now(UTC)), DATABASE_TIMEOUT
        )
        body["database"] = "ok"
        body["due_digests"] = backlog
    except Exception as error:  # unreachable, locked, timed out: the check is the report
        failing.append("database")
        body["database"] = f"failing: {type(error).__name__}"
        body["due_digests"] = None
    body["last_update_at"] = _iso(state.last_update_at)
    failing_for = state.polling_failing_for()
    if state.mode == "polling":
        if failing_for > state.stale_after:
            failing.append("polling")
            body["polling"] = f"failing for {failing_for:.0f} s"
            if state.last_error:
                body["polling_error"] = state.last_error
        else:
            body["polling"] = "ok"
    body["scheduler_running"] = scheduler_running()
    body["status"] = "failing" if failing else "ok"
    if failing:
        body["failing"] = failing
    return (503 if failing else 200), body
