"""Polling feeds on a schedule: all due feeds at once (CLI, tests) or in a background thread.

The poll of one feed is ``ingest.feeds.FeedPoller``; this module only decides when and how
many: ``poll_due_feeds`` waits for a round, ``start_feed_polling`` starts one every minute in a
daemon thread for front ends without a job queue (the console chat; the bot uses PTB's
JobQueue, bot/telegram/jobs.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

from ingest.feeds import FeedPoller, FeedPollResult
from ingest.fetch import FetchOptions
from ingest.pipeline import Ingestor
from storage.store import Store
from storage.views import FeedView

logger = logging.getLogger(__name__)


def poll_feeds(
    store: Store,
    feeds: Sequence[FeedView],
    *,
    now: datetime | None = None,
    allow_private_urls: bool = False,
    options: FetchOptions | None = None,
) -> list[FeedPollResult]:
    """Poll the given feeds concurrently (bounded pools) and return one result each."""
    with FeedPoller(store, allow_private_urls=allow_private_urls, options=options) as poller:
        return poller.poll_many(feeds, now=now)


def poll_due_feeds(
    store: Store,
    *,
    now: datetime | None = None,
    allow_private_urls: bool = False,
    options: FetchOptions | None = None,
) -> list[FeedPollResult]:
    """Poll every feed whose next poll time has come, and wait for them all (CLI, tests).

    The bot does not wait: it keeps one FeedPoller and calls ``start_due`` on every tick.
    """
    moment = now or datetime.now(UTC)
    due = store.feeds_due(moment)
    if not due:
        return []
    results = poll_feeds(
        store, due, now=moment, allow_private_urls=allow_private_urls, options=options
    )
    new = sum(result.new_entries for result in results)
    failed = sum(result.status == "error" for result in results)
    logger.info("polled %d feeds: %d new entries, %d failed", len(results), new, failed)
    return results


class FeedPollingThread(threading.Thread):
    """A daemon thread that starts the due feeds' polls every ``interval`` seconds until stopped.

    For front ends without a job queue (the console chat). It never waits for a poll to end
    (``FeedPoller.start_due``), so one stuck feed never delays the others; failures are
    logged, never raised.
    """

    def __init__(
        self,
        store: Store,
        *,
        interval: float = 60.0,
        allow_private_urls: bool = False,
        options: FetchOptions | None = None,
        ingestor: Ingestor | None = None,
    ) -> None:
        super().__init__(name="feed-polling", daemon=True)
        self.store = store
        self.interval = interval
        self.poller = FeedPoller(
            store, allow_private_urls=allow_private_urls, options=options, ingestor=ingestor
        )
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                self.poller.start_due()
            except Exception:
                logger.exception("feed polling round failed")
            self._stopped.wait(self.interval)

    def stop(self, timeout: float | None = 10.0) -> None:
        """Stop starting polls, cancel the ones in flight, and wait for the thread to end."""
        self._stopped.set()
        if self.is_alive():
            self.join(timeout)
        self.poller.close(wait=False)


def start_feed_polling(
    store: Store,
    *,
    interval: float = 60.0,
    allow_private_urls: bool = False,
    options: FetchOptions | None = None,
    ingestor: Ingestor | None = None,
) -> FeedPollingThread:
    """Start polling due feeds every ``interval`` seconds in the background; call .stop()."""
    thread = FeedPollingThread(
        store,
        interval=interval,
        allow_private_urls=allow_private_urls,
        options=options,
        ingestor=ingestor,
    )
    thread.start()
    return thread
