"""A bot process for the digest end-to-end tests: the real Application, plus test knobs.

Run as ``python -m tests.bot.digests.bot_runner`` with the usual environment (token, API URL,
DATABASE_URL) and optionally:
  DIGEST_TEST_KILL_AFTER_CLAIM=1   die (SIGKILL) right after the first delivery is claimed
  DIGEST_TEST_KILL_AFTER_PARTS=N   die right after the N-th message part was sent and recorded
  DIGEST_TEST_STALE_SECONDS=S      retry its own postponed claims after S seconds
  DIGEST_TEST_LEASE_SECONDS=S      the worker lease's time to live (default 60)
  DIGEST_TEST_INTERVAL=S           seconds between delivery passes (default 0.5)
"""

from __future__ import annotations

import logging
import os
import signal
from datetime import timedelta
from typing import Any

from bot.config import load_settings
from bot.digests.telegram import install
from bot.telegram.app import build_application
from storage import open_store


def _die(*_: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    """Build the application against the fake server, install digests with the knobs, poll."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    settings = load_settings()
    store = open_store(settings.database_url)
    application = build_application(settings, store, digests=False, feeds=False)
    options: dict[str, Any] = {}
    if os.environ.get("DIGEST_TEST_KILL_AFTER_CLAIM") == "1":
        options["on_claimed"] = _die
    kill_after_parts = int(os.environ.get("DIGEST_TEST_KILL_AFTER_PARTS", "0"))
    if kill_after_parts:
        counter = [0]

        def count(*_: Any) -> None:
            counter[0] += 1
            if counter[0] >= kill_after_parts:
                _die()

        options["on_part_sent"] = count
    stale = os.environ.get("DIGEST_TEST_STALE_SECONDS")
    if stale:
        options["stale_after"] = timedelta(seconds=float(stale))
    lease = os.environ.get("DIGEST_TEST_LEASE_SECONDS")
    if lease:
        options["lease_ttl"] = timedelta(seconds=float(lease))
    interval = float(os.environ.get("DIGEST_TEST_INTERVAL", "0.5"))
    install(application, store, settings, interval=interval, **options)
    application.run_polling(poll_interval=0.0, timeout=1, close_loop=True)


if __name__ == "__main__":
    main()
