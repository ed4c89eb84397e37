"""One owner per digest claim: engines sharing a database never send one digest twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.types import Message
from bot.digests.delivery import DeliveryEngine, Pacer, RetryAfter
from storage import open_store
from storage.store import Store
from tests.bot.digests.conftest import (
    Crash,
    FakeClock,
    FakeSender,
    add_articles,
    make_topic,
    subscribe_due,
)
from tests.conftest import LeaseClock

# Leases run out when the test moves the store's lease clock (lease_clock), never by a sleep
# that a loaded machine may outlast between two steps.
LEASE = timedelta(seconds=60)


def engine_for(
    store: Store, sender: FakeSender, clock: FakeClock, **options: object
) -> DeliveryEngine:
    options.setdefault("pacer", Pacer(private_interval=0.0, group_interval=0.0))
    return DeliveryEngine(store, sender, clock=clock, **options)  # type: ignore[arg-type]


def seed(store: Store, chat_ids: list[int], *, long: bool = False) -> FakeClock:
    topic = make_topic(store)
    add_articles(store, topic, 10 if long else 2, words_per_sentence=50 if long else 5)
    due = datetime.now(UTC) + timedelta(milliseconds=5)
    subscribe_due(store, topic, chat_ids, due=due)
    return FakeClock(due + timedelta(seconds=1))


async def wait_for(predicate: object, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.02)


async def test_a_second_engine_leaves_a_live_engines_open_claim_alone(database_url: str) -> None:
    """Issue 11 item 1: the second process resent every claim it found open."""
    first_store, second_store = open_store(database_url), open_store(database_url)
    try:
        chat_ids = list(range(2100, 2110))
        clock = seed(first_store, chat_ids)
        sender = FakeSender()
        sender.script[2100] = [RetryAfter(1.5)]  # holds the first engine's claim open
        first = engine_for(first_store, sender, clock, concurrency=4)
        running = asyncio.create_task(first.run_once())
        await wait_for(lambda: len(sender.sent) == len(chat_ids) - 1)

        second = engine_for(second_store, sender, clock)
        report = await second.run_once()
        assert report.resumed == 0 and report.sent == 0

        assert (await running).sent == len(chat_ids)
        assert Counter(item.chat_id for item in sender.sent) == dict.fromkeys(chat_ids, 1)
    finally:
        first_store.close()
        second_store.close()


async def test_a_claim_is_resumed_only_after_its_owners_lease_expired(
    database_url: str, lease_clock: LeaseClock
) -> None:
    store = open_store(database_url)
    try:
        clock = seed(store, [2201])
        sender = FakeSender()

        def die(delivery: object) -> None:
            raise Crash()

        crashed = engine_for(store, sender, clock, on_claimed=die, lease_ttl=LEASE)
        with pytest.raises(Crash):
            await crashed.run_once()
        other = engine_for(store, sender, clock)
        early = await other.run_once()
        assert early.resumed == 0 and sender.sent == []  # the owner's lease still runs
        lease_clock.advance(LEASE / 2)
        halfway = await other.run_once()
        assert halfway.resumed == 0 and sender.sent == []  # and runs until it expires

        lease_clock.advance(LEASE / 2 + timedelta(seconds=1))  # the dead owner's lease is over
        late = await other.run_once()
        assert late.resumed == 1 and [item.chat_id for item in sender.sent] == [2201]
        assert (await other.run_once()).sent == 0
    finally:
        store.close()


async def test_a_clean_stop_frees_the_claims_at_once(sqlite_store: Store) -> None:
    clock = seed(sqlite_store, [2301])
    sender = FakeSender()
    sender.script[2301] = [Crash()]
    first = engine_for(sqlite_store, sender, clock)
    with pytest.raises(Crash):
        await first.run_once()
    await first.close()  # the process stopping cleanly gives up its lease
    report = await engine_for(sqlite_store, sender, clock).run_once()
    assert report.resumed == 1 and len(sender.to(2301)) == 1


class StallingSender(FakeSender):
    """Holds the first send to ``chat_id`` until released (a process frozen mid-send)."""

    def __init__(self, chat_id: int) -> None:
        super().__init__()
        self.stall_chat = chat_id
        self.stalled = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, chat_id: int, message: Message) -> None:
        if chat_id == self.stall_chat and not self.stalled.is_set():
            self.stalled.set()
            await self.release.wait()
        await super().send(chat_id, message)


async def test_an_engine_that_lost_its_claim_stops_after_the_part_in_flight(
    sqlite_store: Store,
) -> None:
    clock = seed(sqlite_store, [2401], long=True)
    frozen = StallingSender(2401)
    first = engine_for(sqlite_store, frozen, clock)
    running = asyncio.create_task(first.run_once())
    await asyncio.wait_for(frozen.stalled.wait(), 10)
    # Its lease is judged over (as if it had stopped renewing): another engine resumes.
    lease = first.lease
    assert sqlite_store.expire_lease(lease.worker, pid=lease.pid)
    second_sender = FakeSender()
    resumed = await engine_for(sqlite_store, second_sender, clock).run_once()
    assert resumed.resumed == 1 and resumed.sent == 1
    parts = second_sender.to(2401)
    assert len(parts) >= 3

    frozen.release.set()
    report = await running
    assert report.lost == 1 and report.sent == 0
    assert frozen.to(2401) == [parts[0]]  # only the part in flight went out twice
