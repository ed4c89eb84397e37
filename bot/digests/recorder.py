"""Write-behind of digest progress: sent parts and finished deliveries, many per transaction.

Recording each part before and after its send cost the engine about 3.5 transactions per
message (issue 14). The engine now tells the recorder what went out; the recorder writes it
in one transaction per flush: at the end of every round (before any chat's next part goes
out), and in between once ``max_entries`` deliveries have something unwritten or the oldest
unwritten entry is ``window`` seconds old. A round sends at most one part per chat and is
written before the next starts, so a crash repeats at most one part per chat whatever the
flushes in between (README, "Exactly once"); those only bound how many chats that can be:
at most ``max_entries``, or ``window`` seconds of sending at a low pace.

Bounded by entries as well as by time so that a slow pace does not pay a transaction for a
handful of messages: at 15 messages a second a 2 s timer wrote 30 entries a transaction,
0.09 transactions a message with the claims and round ends (issue 14's target is 0.05).

A flush that fails (the database is away) keeps its entries for the next one; entries that
came in meanwhile win over older ones for the same delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from storage.store import Store
from storage.views import DeliveryOutcome

log = logging.getLogger(__name__)

# The oldest unwritten entry waits at most this long (seconds) ...
FLUSH_WINDOW = 10.0
# ... and at most this many deliveries wait with something unwritten: about 2 s of sending at
# R = 300 shared by two workers (the old 2 s window), 17 s at a worker's 15 a second.
FLUSH_ENTRIES = 250
RETRY_SECONDS = 2.0  # after a failed background flush
FLUSH_FAILED = "could not record digest progress; will try again"


class ProgressRecorder:
    """Buffers one worker's progress and writes it in batches (see the module)."""

    def __init__(
        self,
        store: Store,
        worker: str,
        *,
        window: float = FLUSH_WINDOW,
        max_entries: int = FLUSH_ENTRIES,
    ) -> None:
        self.store = store
        self.worker = worker
        self.window = window
        self.max_entries = max(1, max_entries)
        self.flushes = 0
        # Deliveries whose claim this worker lost (another worker owns them now).
        self.lost: set[int] = set()
        self._parts: dict[int, int] = {}
        self._outcomes: dict[int, DeliveryOutcome] = {}
        self._lock = asyncio.Lock()
        self._since: float | None = None  # loop time of the oldest unwritten entry
        self._wake: asyncio.Event | None = None  # set while running(): something to look at

    @property
    def pending(self) -> int:
        """Entries not written yet."""
        return len(self._parts) + len(self._outcomes)

    def part_sent(self, delivery_id: int, parts_sent: int) -> None:
        """Parts before ``parts_sent`` of the delivery went out."""
        self._parts[delivery_id] = parts_sent
        self._added()

    def finish(self, outcome: DeliveryOutcome) -> None:
        """The delivery ended (sent, skipped, blocked or failed)."""
        self._parts.pop(outcome.delivery_id, None)
        self._outcomes[outcome.delivery_id] = outcome
        self._added()

    def _added(self) -> None:
        if self._since is None:
            self._since = asyncio.get_running_loop().time()
            if self._wake is not None:
                self._wake.set()  # the background flusher starts timing the window
        elif self._wake is not None and self.pending >= self.max_entries:
            self._wake.set()

    async def flush(self) -> set[int]:
        """Write everything pending in one transaction; the deliveries found lost."""
        async with self._lock:
            if not self._parts and not self._outcomes:
                return set()
            parts, outcomes, since = self._parts, self._outcomes, self._since
            self._parts, self._outcomes, self._since = {}, {}, None
            try:
                lost = await asyncio.to_thread(
                    self.store.record_progress, self.worker, parts, list(outcomes.values())
                )
            except BaseException:
                # Keep them for the next flush; what came in meanwhile is newer.
                self._parts = {**parts, **self._parts}
                self._outcomes = {**outcomes, **self._outcomes}
                for delivery_id in self._outcomes:
                    self._parts.pop(delivery_id, None)
                self._since = since
                raise
            self.flushes += 1
            self.lost |= lost
            return lost

    def _flush_due(self, now: float) -> bool:
        if self.pending >= self.max_entries:
            return True
        return self._since is not None and now >= self._since + self.window

    async def _keep_flushing(self, wake: asyncio.Event) -> None:
        """Flush once ``max_entries`` wait or the oldest entry is ``window`` seconds old."""
        loop = asyncio.get_running_loop()
        while True:
            await wake.wait()
            wake.clear()
            while self.pending and self._since is not None:
                if self._flush_due(loop.time()):
                    try:
                        await self.flush()
                    except Exception:
                        log.warning(FLUSH_FAILED, exc_info=True)
                        await asyncio.sleep(RETRY_SECONDS)
                    continue
                # Woken early by a full buffer, or by a first entry after a round-end flush.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self._since + self.window - loop.time())
                wake.clear()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Flush in the background while the block runs (a crash flushes nothing).

        A flush that fails (the database is away) keeps its entries for the next one.
        """
        self._wake = wake = asyncio.Event()
        if self.pending:
            wake.set()
        task = asyncio.create_task(self._keep_flushing(wake), name=f"progress {self.worker}")
        try:
            yield
        finally:
            self._wake = None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
