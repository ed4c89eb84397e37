"""A stop that ends in bounded time: SIGTERM or SIGINT, then exit within ``budget`` seconds.

PTB's own stop waits for every running handler and job, so one hung fetch held the process
for its whole timeout (13 s were seen, past Docker's 10 s). Here the stop signal first tells
the digest engine to start nothing new (the part being sent finishes and is recorded), lets
running handlers and jobs finish for ``grace`` seconds, then cancels what is left; PTB then
stops as usual (updates acknowledged, job queue and store closed). Worker threads still
blocked in a socket after that cannot be interrupted from Python: once everything is
recorded, the process exits without waiting for them. A watchdog exits at ``budget`` no
matter what, and a second signal exits at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

from telegram.ext import Application

from bot.observability.telegram import InFlight

log = logging.getLogger(__name__)

GRACE_SECONDS = 3.0
BUDGET_SECONDS = 7.5  # under the 8 s promised, and Docker's 10 s default stop timeout


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        with contextlib.suppress(Exception):
            handler.flush()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


class BoundedShutdown:
    """Installs stop-signal handlers on the running loop; ``finish`` after the run returns."""

    def __init__(
        self,
        application: Application,
        inflight: InFlight,
        *,
        grace: float = GRACE_SECONDS,
        budget: float = BUDGET_SECONDS,
    ) -> None:
        self.application = application
        self.inflight = inflight
        self.grace = grace
        self.budget = budget
        self.on_stopping: list[Callable[[], None]] = []
        self.started_at: float | None = None
        self._done = threading.Event()

    def install(self) -> None:
        """Handle SIGINT and SIGTERM on the running event loop (call from post_init)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.request)
            except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
                return

    def remaining(self) -> float:
        """Seconds left of the budget (the whole budget before a stop was asked for)."""
        if self.started_at is None:
            return self.budget
        return max(0.0, self.started_at + self.budget - time.monotonic())

    def request(self) -> None:
        """A stop signal arrived."""
        if self.started_at is not None:
            log.warning("second stop signal: exiting now")
            self._exit(1)
            return
        self.started_at = time.monotonic()
        log.info("stopping: running work gets %.0f s to finish", self.grace)
        for hook in self.on_stopping:
            try:
                hook()
            except Exception:
                log.exception("stop hook failed")
        asyncio.get_running_loop().call_later(self.grace, self._cancel_running)
        threading.Thread(target=self._watchdog, name="shutdown-watchdog", daemon=True).start()
        self.application.stop_running()

    def _cancel_running(self) -> None:
        cancelled = self.inflight.cancel_all()
        if cancelled:
            log.warning("stopping: cancelled %d unfinished handler(s) or job(s)", cancelled)

    def _watchdog(self) -> None:
        if not self._done.wait(self.budget):
            log.error("stopping took longer than %.1f s: exiting now", self.budget)
            self._exit(1)

    def finish(self, code: int) -> int:
        """After the run returned: wait for worker threads within the budget, then exit.

        Everything is recorded and closed by now, so the process leaves with ``os._exit``:
        the interpreter's own teardown (freeing the language and summarizer models, joining
        threads) took seconds on a busy machine, and is not needed.
        """
        self._done.set()
        if self.started_at is None:
            return code
        busy = [
            thread
            for thread in threading.enumerate()
            if thread is not threading.main_thread() and not thread.daemon
        ]
        for thread in busy:
            thread.join(timeout=max(0.0, self.remaining() - 0.3))
        stuck = [thread for thread in busy if thread.is_alive()]
        if stuck:
            log.warning(
                "%d worker thread(s) still blocked (e.g. a fetch): not waiting for them",
                len(stuck),
            )
        log.info("stopped in %.1f s", time.monotonic() - self.started_at)
        self._exit(code)
        return code  # not reached

    @staticmethod
    def _exit(code: int) -> None:
        _flush()
        os._exit(code)
