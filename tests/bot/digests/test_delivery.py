"""The delivery engine with a fake Sender, on SQLite and PostgreSQL: exactly once, always."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.digests.delivery import (
    ChatBlocked,
    ChatMigrated,
    DeliveryEngine,
    Pacer,
    RetryAfter,
    plan_chat,
    plan_unscheduled,
)
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


def engine_for(
    store: Store, sender: FakeSender, clock: FakeClock, **options: object
) -> DeliveryEngine:
    options.setdefault("pacer", Pacer(private_interval=0.0, group_interval=0.0))
    return DeliveryEngine(store, sender, clock=clock, **options)  # type: ignore[arg-type]


SHORT = timedelta(milliseconds=300)


def just_due() -> datetime:
    """A due instant just after the articles a test added (windows end at the due instant)."""
    return datetime.now(UTC) + timedelta(milliseconds=5)


async def test_due_digest_goes_out_once_and_is_rescheduled(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 3)
    due = just_due()
    subscribe_due(store, topic, [101, 102, 103], due=due)
    clock = FakeClock(due + timedelta(seconds=5))
    sender = FakeSender()
    engine = engine_for(store, sender, clock)

    report = await engine.run_once()
    again = await engine.run_once()

    assert report.sent == 3 and again.sent == 0
    assert Counter(item.chat_id for item in sender.sent) == {101: 1, 102: 1, 103: 1}
    text = sender.to(101)[0]
    assert "China–Russia relations" in text and "3 new articles" in text
    assert "Story 0" in text and "<https://news.example/story/0>" in text
    for sub in store.chat_subscriptions(101):
        assert sub.next_due_at is not None and sub.next_due_at > clock.now
        assert sub.last_digest_at is not None
        (row,) = store.deliveries_for(sub.id)
        assert row.status == "sent" and row.parts_sent == 1


async def test_nothing_is_sent_before_the_due_time(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 2)
    due = just_due() + timedelta(hours=1)
    subscribe_due(store, topic, [201], due=due)
    sender = FakeSender()
    report = await engine_for(store, sender, FakeClock(due - timedelta(seconds=1))).run_once()
    assert report.sent == 0 and sender.sent == []


async def test_next_digest_covers_only_newer_articles(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 2, prefix="Old")
    due = just_due()
    (sub,) = subscribe_due(store, topic, [301], due=due)
    clock = FakeClock(due + timedelta(seconds=1))
    sender = FakeSender()
    engine = engine_for(store, sender, clock)
    await engine.run_once()
    add_articles(store, topic, 1, prefix="Fresh")
    store.set_next_due(sub.id, due + timedelta(days=1))
    clock.now = due + timedelta(days=1, seconds=5)
    await engine.run_once()
    first, second = sender.to(301)
    assert "Old 0" in first and "Fresh" not in first
    assert "Fresh 0" in second and "Old" not in second and "1 new article" in second


async def test_empty_digest_sends_nothing_or_a_note(store: Store) -> None:
    topic = make_topic(store)
    due = just_due()
    subscribe_due(store, topic, [401], due=due)
    subscribe_due(store, topic, [402], due=due, notify_empty=True)
    sender = FakeSender()
    report = await engine_for(store, sender, FakeClock(due + timedelta(seconds=1))).run_once()
    assert sender.to(401) == []
    assert sender.to(402) == ["Nothing new on China–Russia relations yet."]  # the first digest
    assert report.empty == 1 and report.sent == 1
    (silent,) = store.chat_subscriptions(401)
    assert silent.next_due_at is not None and silent.next_due_at > due
    (noted,) = store.chat_subscriptions(402)
    assert noted.next_due_at is not None
    later = FakeClock(noted.next_due_at + timedelta(seconds=1))
    await engine_for(store, sender, later).run_once()
    assert sender.to(402)[-1] == "Nothing new on China–Russia relations since the last digest."


async def test_crash_between_claim_and_send_is_resumed_once(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 2)
    due = just_due()
    subscribe_due(store, topic, [501, 502], due=due)
    clock = FakeClock(due + timedelta(seconds=1))
    sender = FakeSender()
    claims: list[int] = []

    def die_after_first_claim(delivery: object) -> None:
        claims.append(1)
        raise Crash()

    crashing = engine_for(
        store, sender, clock, on_claimed=die_after_first_claim, concurrency=1, lease_ttl=SHORT
    )
    with pytest.raises(Crash):
        await crashing.run_once()
    assert sender.sent == [] and len(claims) == 1

    await asyncio.sleep(SHORT.total_seconds() * 1.5)  # the dead worker's lease runs out
    restarted = engine_for(store, sender, clock)
    report = await restarted.run_once()
    assert report.resumed == 2  # one batch claimed both digests before the crash
    assert Counter(item.chat_id for item in sender.sent) == {501: 1, 502: 1}
    assert (await restarted.run_once()).sent == 0


async def test_crash_between_parts_resumes_with_the_next_part(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 10, words_per_sentence=50)  # long items: several messages
    due = just_due()
    subscribe_due(store, topic, [601], due=due)
    clock = FakeClock(due + timedelta(seconds=1))
    sender = FakeSender()
    sender.crash_on_attempt = 2
    with pytest.raises(Crash):
        await engine_for(store, sender, clock, lease_ttl=SHORT).run_once()
    assert len(sender.sent) == 1
    (sub,) = store.chat_subscriptions(601)
    (row,) = store.deliveries_for(sub.id)
    assert (row.parts_sent, row.sending_part) == (1, 1)  # the crash came mid-send of part 2

    await asyncio.sleep(SHORT.total_seconds() * 1.5)
    report = await engine_for(store, sender, clock).run_once()
    texts = sender.to(601)
    assert report.resumed == 1 and len(texts) >= 3
    assert len(set(texts)) == len(texts)  # no part twice
    assert "10 new articles" in texts[0] and "Story 9" in "".join(texts)
    (sub,) = store.chat_subscriptions(601)
    (row,) = store.deliveries_for(sub.id)
    assert row.status == "sent" and row.parts_sent == len(texts)


async def test_flood_control_is_waited_out_and_nothing_dropped(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 1)
    due = just_due()
    subscribe_due(store, topic, [701, 702], due=due)
    sender = FakeSender()
    sender.script[701] = [RetryAfter(0.01), RetryAfter(0.01)]
    report = await engine_for(store, sender, FakeClock(due + timedelta(seconds=1))).run_once()
    assert report.retries == 2 and report.sent == 2
    assert len(sender.to(701)) == 1 and len(sender.to(702)) == 1


async def test_blocked_chat_is_paused_until_it_comes_back(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 1)
    due = just_due()
    (sub,) = subscribe_due(store, topic, [801], due=due)
    sender = FakeSender()
    sender.script[801] = [ChatBlocked("Forbidden: bot was blocked by the user")]
    clock = FakeClock(due + timedelta(seconds=1))
    engine = engine_for(store, sender, clock)
    report = await engine.run_once()
    assert report.blocked == 1 and sender.sent == []
    chat = store.get_chat(801)
    assert chat is not None and chat.blocked_at is not None
    (row,) = store.deliveries_for(sub.id)
    assert row.status == "blocked"

    clock.now += timedelta(days=2)
    assert store.subscriptions_due(clock.now) == []
    assert (await engine.run_once()).sent == 0

    store.set_chat_blocked(801, False)  # the user sent /start
    report = await engine.run_once()
    assert report.sent == 1 and len(sender.to(801)) == 1


async def test_migrated_group_gets_the_digest_at_its_new_id(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 1)
    due = just_due()
    subscribe_due(store, topic, [-901], due=due, chat_type="group")
    sender = FakeSender()
    sender.script[-901] = [ChatMigrated(-100901)]
    report = await engine_for(store, sender, FakeClock(due + timedelta(seconds=1))).run_once()
    assert report.migrated == 1 and report.sent == 1
    assert sender.to(-901) == [] and len(sender.to(-100901)) == 1
    assert store.get_chat(-901) is None
    (moved,) = store.chat_subscriptions(-100901)
    assert moved.last_digest_at is not None


async def test_pacer_asks_for_the_per_chat_gap() -> None:
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    pacer = Pacer(private_interval=1.0, group_interval=3.0, sleep=fake_sleep)
    await pacer.wait(-5, is_group=True)
    pacer.sent(-5)
    await pacer.wait(-5, is_group=True)
    pacer.sent(7)
    await pacer.wait(7, is_group=False)
    assert len(waits) == 2
    assert 2.9 < waits[0] <= 3.0 and 0.9 < waits[1] <= 1.0


async def test_two_engines_racing_on_postgresql_send_each_digest_once(postgres_url: str) -> None:
    stores = [open_store(postgres_url), open_store(postgres_url)]
    try:
        topic = make_topic(stores[0])
        add_articles(stores[0], topic, 3)
        due = just_due()
        chat_ids = list(range(1000, 1060))
        subscribe_due(stores[0], topic, chat_ids, due=due)
        clock = FakeClock(due + timedelta(seconds=1))
        sender = FakeSender()
        engines = [engine_for(s, sender, clock, concurrency=4) for s in stores]
        reports = await asyncio.gather(*(e.run_once() for e in engines))
        assert Counter(item.chat_id for item in sender.sent) == dict.fromkeys(chat_ids, 1)
        assert sum(r.sent for r in reports) == len(chat_ids)
    finally:
        for opened in stores:
            opened.close()


async def test_berlin_digest_stays_at_8_local_across_the_spring_change(store: Store) -> None:
    topic = make_topic(store)
    first_due = datetime(2026, 3, 28, 7, 0, tzinfo=UTC)  # 08:00 CET
    (sub,) = subscribe_due(
        store, topic, [1101], due=first_due, timezone="Europe/Berlin", notify_empty=True
    )
    clock = FakeClock(first_due + timedelta(minutes=1))
    sender = FakeSender()
    engine = engine_for(store, sender, clock)
    seen = []
    for _ in range(3):
        await engine.run_once()
        current = store.get_subscription(sub.id)
        assert current is not None and current.next_due_at is not None
        seen.append(current.next_due_at)
        clock.now = current.next_due_at + timedelta(minutes=1)
    assert seen == [
        datetime(2026, 3, 29, 6, 0, tzinfo=UTC),  # 08:00 CEST, 23 hours later
        datetime(2026, 3, 30, 6, 0, tzinfo=UTC),
        datetime(2026, 3, 31, 6, 0, tzinfo=UTC),
    ]
    assert len(sender.to(1101)) == 3
    periods = [row.period for row in store.deliveries_for(sub.id)]
    assert periods == ["2026-03-28", "2026-03-29", "2026-03-30"]


def test_a_time_zone_change_replans_upcoming_digests(store: Store) -> None:
    topic = make_topic(store)
    now = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
    (sub,) = subscribe_due(store, topic, [1201], due=datetime(2026, 11, 28, 8, 0, tzinfo=UTC))
    store.update_chat_settings(1201, timezone="Europe/Moscow")
    assert plan_chat(store, 1201, now) == 1
    moved = store.get_subscription(sub.id)
    assert moved is not None and moved.next_due_at == datetime(2026, 11, 29, 5, 0, tzinfo=UTC)
    assert plan_chat(store, 1201, now) == 0


def test_unscheduled_subscriptions_get_planned_at_start(store: Store) -> None:
    topic = make_topic(store)
    store.upsert_chat(1301, default_timezone="Asia/Tokyo")
    sub, _ = store.subscribe(1301, topic.id, local_time="09:00")
    assert sub.next_due_at is None
    assert plan_unscheduled(store, datetime(2026, 11, 28, 12, 0, tzinfo=UTC)) == 1
    planned = store.get_subscription(sub.id)
    assert planned is not None and planned.next_due_at == datetime(2026, 11, 29, 0, 0, tzinfo=UTC)
