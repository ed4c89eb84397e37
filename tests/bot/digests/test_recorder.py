"""The progress recorder's write-behind, on SQLite and PostgreSQL: what it writes, and when.

Between round ends the recorder writes once ``max_entries`` deliveries wait or the oldest
entry is ``window`` seconds old, so a slow pace does not pay a transaction for a handful of
messages and a fast one never holds more than ``max_entries`` unwritten.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.digests.planning import claim_plan
from bot.digests.recorder import ProgressRecorder
from storage.bench_fanout import bulk_subscribe
from storage.store import Store
from storage.views import ClaimedDigest, DeliveryOutcome
from tests.bot.digests.conftest import add_articles, make_topic

WORKER = "recorder-test"


def claimed(store: Store, count: int) -> list[ClaimedDigest]:
    topic = make_topic(store)
    add_articles(store, topic, 2)
    due = datetime.now(UTC) + timedelta(milliseconds=5)
    bulk_subscribe(store, topic.id, range(70_000, 70_000 + count), next_due_at=due)
    now = due + timedelta(seconds=1)
    return store.claim_due_batch(now, count, worker=WORKER, plan=lambda item: claim_plan(item, now))


def parts_written(store: Store, items: list[ClaimedDigest]) -> list[int]:
    rows = {row.id: row for item in items for row in store.deliveries_for(item.subscription.id)}
    return [rows[item.delivery.id].parts_sent for item in items]


async def written_within(
    store: Store, items: list[ClaimedDigest], expected: list[int], seconds: float
) -> bool:
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        if await asyncio.to_thread(parts_written, store, items) == expected:
            return True
        await asyncio.sleep(0.02)
    return False


async def test_a_full_buffer_is_written_at_once_and_a_short_one_waits(store: Store) -> None:
    items = claimed(store, 3)
    recorder = ProgressRecorder(store, WORKER, window=60.0, max_entries=3)
    async with recorder.running():
        recorder.part_sent(items[0].delivery.id, 1)
        recorder.part_sent(items[1].delivery.id, 1)
        await asyncio.sleep(0.3)
        assert parts_written(store, items) == [0, 0, 0] and recorder.flushes == 0
        recorder.finish(DeliveryOutcome(items[2].delivery.id, "sent", 2, article_count=2))
        assert await written_within(store, items, [1, 1, 2], 5.0)
    assert recorder.flushes == 1 and recorder.pending == 0
    (row,) = store.deliveries_for(items[2].subscription.id)
    assert row.status == "sent"


async def test_a_lone_entry_is_written_once_the_window_has_passed(store: Store) -> None:
    items = claimed(store, 2)
    recorder = ProgressRecorder(store, WORKER, window=0.5, max_entries=100)
    async with recorder.running():
        await recorder.flush()  # nothing pending: no transaction
        assert recorder.flushes == 0
        recorder.part_sent(items[0].delivery.id, 1)
        await asyncio.sleep(0.2)
        assert parts_written(store, items) == [0, 0]
        assert await written_within(store, items, [1, 0], 5.0)
        # A round-end flush empties the buffer; the next entry's window starts afresh.
        recorder.part_sent(items[1].delivery.id, 1)
        await recorder.flush()
        recorder.part_sent(items[0].delivery.id, 2)
        await asyncio.sleep(0.2)
        assert parts_written(store, items) == [1, 1]
        assert await written_within(store, items, [2, 1], 5.0)
    assert recorder.flushes == 3


async def test_entries_left_when_a_pass_ends_are_written_by_the_next_one(store: Store) -> None:
    items = claimed(store, 1)
    recorder = ProgressRecorder(store, WORKER, window=0.3, max_entries=10)
    async with recorder.running():
        recorder.part_sent(items[0].delivery.id, 1)
    await asyncio.sleep(0.5)  # between passes nothing flushes in the background
    assert recorder.pending == 1 and parts_written(store, items) == [0]
    async with recorder.running():  # already older than the window: written at once
        assert await written_within(store, items, [1], 5.0)
    assert recorder.flushes == 1
