"""Write-behind of digest progress: sent parts and finished deliveries, many per transaction.

Recording each part before and after its send cost the engine about 3.5 transactions per
message (issue 14). The engine now tells the recorder what went out; the recorder writes it
in one transaction per flush: at the end of every round (before any chat's next part goes
out) and every ``window`` seconds in between. So a crash loses at most the parts sent since
the last flush, and since a round sends at most one part per chat, a resume repeats at most
one part per chat (README, "Exactly once").

A flush that fails (the database is away) keeps its entries for the next one; entries that
came in meanwhile win over older ones for the same delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from bot.digests.periodic import every
from storage.store import Store
from storage.views import DeliveryOutcome

log = logging.getLogger(__name__)

FLUSH_WINDOW = 2.0


class ProgressRecorder:
    """Buffers one worker's progress and writes it in batches (see the module)."""

    def __init__(self, store: Store, worker: str, *, window: float = FLUSH_WINDOW) -> None:
        self.store = store
        self.worker = worker
        self.window = window
        self.flushes = 0
        # Deliveries whose claim this worker lost (another worker owns them now).
        self.lost: set[int] = set()
        self._parts: dict[int, int] = {}
        self._outcomes: dict[int, DeliveryOutcome] = {}
        self._lock = asyncio.Lock()

    @property
    def pending(self) -> int:
        """Entries not written yet."""
        return len(self._parts) + len(self._outcomes)

    def part_sent(self, delivery_id: int, parts_sent: int) -> None:
        """Parts before ``parts_sent`` of the delivery went out."""
        self._parts[delivery_id] = parts_sent

    def finish(self, outcome: DeliveryOutcome) -> None:
        """The delivery ended (sent, skipped, blocked or failed)."""
        self._parts.pop(outcome.delivery_id, None)
        self._outcomes[outcome.delivery_id] = outcome

    async def flush(self) -> set[int]:
        """Write everything pending in one transaction; the deliveries found lost."""
        async with self._lock:
            if not self._parts and not self._outcomes:
                return set()
            parts, outcomes = self._parts, self._outcomes
            self._parts, self._outcomes = {}, {}
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
                raise
            self.flushes += 1
            self.lost |= lost
            return lost

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Flush every ``window`` seconds while the block runs (a crash flushes nothing).

        A flush that fails (the database is away) keeps its entries for the next one.
        """
        failed = "could not record digest progress; will try again"
        async with every(self.window, self.flush, name=f"progress {self.worker}", failed=failed):
            yield
