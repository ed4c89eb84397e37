"""Batch claims, batch progress records and streamed start-up, on SQLite and PostgreSQL.

- Two workers claiming at once take disjoint batches, and together every due digest.
- A claim moves the digest's due time on, so nobody finds it due again.
- Progress of a claim another worker took over is not written, and is reported lost.
- Start-up and claims read the subscriptions page by page (never all of them at once).
- Sent parts cost a few transactions per batch, not several per message.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.digests import planning
from bot.digests.delivery import DeliveryEngine, Pacer
from bot.digests.planning import claim_plan, plan_unscheduled
from storage import open_store
from storage.bench_fanout import bulk_subscribe
from storage.store import Store
from storage.views import ClaimedDigest, DeliveryOutcome
from tests.bot.digests.conftest import FakeClock, FakeSender, add_articles, make_topic


def seed_due(store: Store, count: int, first_chat: int = 50_000) -> datetime:
    topic = make_topic(store)
    add_articles(store, topic, 2)
    due = datetime.now(UTC) + timedelta(milliseconds=5)
    bulk_subscribe(store, topic.id, range(first_chat, first_chat + count), next_due_at=due)
    return due + timedelta(seconds=1)


def claim(store: Store, worker: str, now: datetime, limit: int) -> list[ClaimedDigest]:
    return store.claim_due_batch(
        now, limit, worker=worker, plan=lambda item: claim_plan(item, now)
    )


def test_two_workers_claiming_at_once_take_disjoint_batches(database_url: str) -> None:
    stores = [open_store(database_url), open_store(database_url)]
    try:
        now = seed_due(stores[0], 300)
        taken: dict[str, list[int]] = {"a": [], "b": []}
        start = threading.Barrier(2)

        def work(store: Store, name: str) -> None:
            start.wait()
            while batch := claim(store, name, now, 25):
                taken[name] += [item.subscription.id for item in batch]

        threads = [
            threading.Thread(target=work, args=(store, name))
            for store, name in zip(stores, taken, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not set(taken["a"]) & set(taken["b"])
        assert len(taken["a"]) + len(taken["b"]) == 300
        assert len(set(taken["a"] + taken["b"])) == 300
        assert stores[0].subscriptions_due(now, 10) == []  # every claim moved its due time on
        owners = {row.claimed_by for row in _deliveries(stores[0])}
        assert owners <= {"a", "b"}
    finally:
        for store in stores:
            store.close()


def _deliveries(store: Store) -> list[Any]:
    rows = []
    for sub in store.active_subscriptions():
        rows += store.deliveries_for(sub.id)
    return rows


def test_progress_of_a_claim_taken_over_is_not_written(database_url: str) -> None:
    store = open_store(database_url)
    try:
        now = seed_due(store, 3)
        first, second, third = claim(store, "gone", now, 10)
        # "gone" holds no lease: another worker takes its claims over.
        taken = store.claim_stale_batch("alive")
        assert {item.delivery.id for item in taken} == {
            first.delivery.id,
            second.delivery.id,
            third.delivery.id,
        }
        lost = store.record_progress(
            "gone",
            {first.delivery.id: 1},
            [DeliveryOutcome(second.delivery.id, "sent", 1, article_count=2)],
        )
        assert lost == {first.delivery.id, second.delivery.id}
        rows = {row.id: row for row in _deliveries(store)}
        assert rows[first.delivery.id].parts_sent == 0
        assert rows[second.delivery.id].status == "claimed"
        # Its owner writes them.
        assert (
            store.record_progress(
                "alive",
                {first.delivery.id: 1},
                [DeliveryOutcome(second.delivery.id, "sent", 1, article_count=2)],
            )
            == set()
        )
        rows = {row.id: row for row in _deliveries(store)}
        assert (rows[first.delivery.id].parts_sent, rows[first.delivery.id].sending_part) == (1, 1)
        assert rows[second.delivery.id].status == "sent"
        assert rows[second.delivery.id].sent_at is not None
        sub = store.get_subscription(second.subscription.id)
        assert sub is not None and sub.last_digest_at is not None
    finally:
        store.close()


class StatementLog:
    """Every SELECT the store runs on the subscriptions table, with its parameters."""

    def __init__(self, store: Store) -> None:
        self.selects: list[tuple[str, Any]] = []
        event.listen(store.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        text = " ".join(statement.split()).lower()
        if text.startswith("select") and "from subscriptions" in text:
            self.selects.append((text, params))


def test_start_up_plans_unscheduled_subscriptions_page_by_page(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(planning, "PLAN_PAGE", 100)
    store = open_store(database_url)
    try:
        topic = make_topic(store)
        for chat_id in range(250):
            store.upsert_chat(60_000 + chat_id, default_timezone="Asia/Tokyo")
            store.subscribe(60_000 + chat_id, topic.id, local_time="09:00")
        seen = StatementLog(store)
        assert plan_unscheduled(store, datetime(2026, 11, 28, 12, 0, tzinfo=UTC)) == 250
        assert len(store.subscriptions_due(datetime(2026, 11, 29, 0, 0, tzinfo=UTC), 1000)) == 250
        pages = [text for text, _ in seen.selects if "next_due_at is null" in text]
        assert len(pages) == 3  # 100 + 100 + 50: never all at once
        assert all(" limit " in text for text in pages)
    finally:
        store.close()


async def test_a_pass_reads_due_subscriptions_by_the_batch(database_url: str) -> None:
    store = open_store(database_url)
    try:
        now = seed_due(store, 120)
        seen = StatementLog(store)
        transactions = [0]

        def began(_connection: Any) -> None:
            transactions[0] += 1

        event.listen(store.engine, "begin", began)
        sender = FakeSender()
        engine = DeliveryEngine(
            store,
            sender,
            clock=FakeClock(now),
            pacer=Pacer(private_interval=0.0, group_interval=0.0),
            batch_size=20,
            lanes=2,
        )
        report = await engine.run_once()
        assert report.sent == 120 and len(sender.sent) == 120
        assert len({item.chat_id for item in sender.sent}) == 120
        due_reads = [text for text, _ in seen.selects if "next_due_at <=" in text]
        assert due_reads and all(" limit " in text for text in due_reads)
        # Claims by the batch and write-behind records: far below one transaction a message.
        assert transactions[0] <= 0.5 * len(sender.sent)
    finally:
        store.close()


async def test_workers_on_one_postgresql_database_share_the_work_once(postgres_url: str) -> None:
    stores = [open_store(postgres_url) for _ in range(3)]
    try:
        now = seed_due(stores[0], 150)
        sender = FakeSender()
        engines = [
            DeliveryEngine(
                store,
                sender,
                clock=FakeClock(now),
                pacer=Pacer(private_interval=0.0, group_interval=0.0),
                batch_size=10,
            )
            for store in stores
        ]
        reports = await asyncio.gather(*(engine.run_once() for engine in engines))
        chats = [item.chat_id for item in sender.sent]
        assert len(chats) == len(set(chats)) == 150
        assert sum(report.sent for report in reports) == 150
        assert sum(1 for report in reports if report.sent) >= 2  # the work was shared
    finally:
        for store in stores:
            store.close()
