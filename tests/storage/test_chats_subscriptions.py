"""Topics, chats and their settings, blocking, migration to a supergroup, subscriptions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage import StorageError, Store, open_store

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def test_topics_upsert_find_delete(store: Store) -> None:
    topic = store.upsert_topic("china-russia", "China–Russia relations", "China; Russia")
    again = store.upsert_topic("China-Russia", "China–Russia relations", "China, Chinese")
    assert again.id == topic.id and again.rule == "China, Chinese"
    store.upsert_topic("energy", "Энергетика", "oil")
    assert [t.slug for t in store.list_topics()] == ["china-russia", "energy"]
    assert store.find_topic("CHINA-RUSSIA").id == topic.id
    assert store.find_topic("china–russia RELATIONS").id == topic.id
    assert store.find_topic("энергетика").slug == "energy"
    assert store.find_topic("china russia").id == topic.id
    assert store.find_topic("nothing") is None and store.find_topic("") is None
    with pytest.raises(StorageError):
        store.upsert_topic("not a slug!", "Name", "")
    with pytest.raises(StorageError):
        store.upsert_topic("ok", "   ", "")
    assert store.delete_topic("energy") is True
    assert store.delete_topic("energy") is False


def test_chat_upsert_keeps_settings(store: Store) -> None:
    chat = store.upsert_chat(-100, type="group", title="Team", default_timezone="Europe/Moscow")
    assert chat.timezone == "Europe/Moscow" and chat.summary_length == 3
    assert chat.created_at.tzinfo is not None
    store.update_chat_settings(-100, timezone="Asia/Shanghai", summary_length=5, notify_empty=True)
    renamed = store.upsert_chat(-100, type="group", title="Team 2", default_timezone="UTC")
    assert renamed.title == "Team 2" and renamed.timezone == "Asia/Shanghai"
    assert renamed.summary_length == 5 and renamed.notify_empty is True
    assert store.get_chat(-100) == renamed
    assert store.get_chat(12345) is None
    with pytest.raises(StorageError, match="time zone"):
        store.update_chat_settings(-100, timezone="Mars/Olympus")
    with pytest.raises(StorageError):
        store.update_chat_settings(-100, summary_length=0)
    with pytest.raises(StorageError):
        store.update_chat_settings(777, timezone="UTC")


def test_subscribe_update_unsubscribe(store: Store) -> None:
    topic = store.upsert_topic("energy", "Energy", "oil")
    store.upsert_chat(1)
    sub, created = store.subscribe(1, topic.id, local_time="9:30", next_due_at=NOW)
    assert created and sub.local_time == "09:30" and sub.topic.slug == "energy"
    sub2, created2 = store.subscribe(1, topic.id, local_time="18:00", weekday=4)
    assert not created2 and sub2.id == sub.id and sub2.weekday == 4
    assert sub2.next_due_at == NOW
    assert store.chat_subscriptions(1) == [sub2]
    assert store.get_subscription(sub.id) == sub2
    with pytest.raises(StorageError):
        store.subscribe(1, topic.id, local_time="25:00")
    with pytest.raises(StorageError):
        store.subscribe(1, topic.id, weekday=7)
    with pytest.raises(StorageError):
        store.subscribe(1, 999_999)
    with pytest.raises(StorageError):
        store.subscribe(2, topic.id)
    assert store.unsubscribe(1, topic.id) is True
    assert store.unsubscribe(1, topic.id) is False
    assert store.get_subscription(sub.id) is None


def test_due_and_blocking_pauses(store: Store) -> None:
    topic = store.upsert_topic("energy", "Energy", "oil")
    for chat_id in (1, 2, 3):
        store.upsert_chat(chat_id)
    due, _ = store.subscribe(1, topic.id, next_due_at=NOW - timedelta(minutes=1))
    store.subscribe(2, topic.id, next_due_at=NOW + timedelta(minutes=1))
    unscheduled, _ = store.subscribe(3, topic.id)
    assert [s.id for s in store.subscriptions_due(NOW)] == [due.id]
    moscow = timezone(timedelta(hours=3))
    assert [s.id for s in store.subscriptions_due(NOW.astimezone(moscow))] == [due.id]
    assert store.subscriptions_due(NOW.replace(tzinfo=None) - timedelta(minutes=2)) == []
    assert len(store.active_subscriptions()) == 3
    store.set_chat_blocked(1, True)
    assert store.get_chat(1).blocked_at is not None
    assert store.subscriptions_due(NOW) == []
    assert len(store.active_subscriptions()) == 2
    store.set_chat_blocked(1, False)
    assert store.get_chat(1).blocked_at is None
    assert [s.id for s in store.subscriptions_due(NOW)] == [due.id]
    store.set_next_due(unscheduled.id, NOW - timedelta(hours=1))
    assert [s.id for s in store.subscriptions_due(NOW)] == [unscheduled.id, due.id]
    assert len(store.subscriptions_due(NOW, limit=1)) == 1
    store.set_next_due(due.id, None)
    assert [s.id for s in store.subscriptions_due(NOW)] == [unscheduled.id]
    store.set_chat_blocked(999, True)


def test_pausing_reports_only_the_change_and_a_channel_keeps_its_manager(store: Store) -> None:
    store.upsert_chat(-1001234, type="channel", title="Wire", username="wire")
    assert store.get_chat(-1001234).managed_by is None
    store.set_chat_manager(-1001234, 7001)
    assert store.get_chat(-1001234).managed_by == 7001
    # Paused once: the second pause (another worker, a 403 after a lost right) changes nothing.
    assert store.set_chat_blocked(-1001234, True) is True
    assert store.set_chat_blocked(-1001234, True) is False
    assert store.set_chat_blocked(-1001234, False) is True
    assert store.set_chat_blocked(-1001234, False) is False
    assert store.set_chat_blocked(999, True) is False
    store.upsert_chat(-1001234, type="channel", title="Wire 2", username="wire")
    assert store.get_chat(-1001234).managed_by == 7001


def test_migrate_chat_moves_subscriptions(store: Store) -> None:
    energy = store.upsert_topic("energy", "Energy", "oil")
    tech = store.upsert_topic("tech", "Technology", "chip")
    store.upsert_chat(-5, type="group", title="Club", default_timezone="Europe/Berlin")
    store.subscribe(-5, energy.id, local_time="07:00")
    store.subscribe(-5, tech.id)
    store.migrate_chat(-5, -1005)
    assert store.get_chat(-5) is None
    moved = store.get_chat(-1005)
    assert moved.type == "supergroup" and moved.timezone == "Europe/Berlin"
    assert {s.topic.slug for s in store.chat_subscriptions(-1005)} == {"energy", "tech"}
    assert store.chat_subscriptions(-5) == []
    store.migrate_chat(-5, -1005)


def test_migrate_chat_into_existing_chat(store: Store) -> None:
    energy = store.upsert_topic("energy", "Energy", "oil")
    tech = store.upsert_topic("tech", "Technology", "chip")
    store.upsert_chat(-6, type="group")
    store.upsert_chat(-1006, type="supergroup")
    store.subscribe(-6, energy.id, local_time="07:00")
    store.subscribe(-6, tech.id)
    store.subscribe(-1006, energy.id, local_time="10:00")
    store.migrate_chat(-6, -1006)
    subs = {s.topic.slug: s for s in store.chat_subscriptions(-1006)}
    assert set(subs) == {"energy", "tech"} and subs["energy"].local_time == "10:00"
    assert store.get_chat(-6) is None


def test_first_contact_race_on_postgresql_keeps_one_chat(postgres_url: str) -> None:
    """Two first messages of one chat at once: the loser's insert fails, and it retries.

    The race is made deterministic: just before this store flushes its new chat, a second
    store (another process's connection) creates and commits the same chat.
    """
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    store = open_store(postgres_url)
    rival = open_store(postgres_url)
    raced: list[int] = []

    def rival_inserts_first(session: Session, *_: object) -> None:
        if not raced and any(getattr(row, "id", None) == 77 for row in session.new):
            raced.append(1)
            rival.upsert_chat(77, type="group", title="From the rival")

    event.listen(Session, "before_flush", rival_inserts_first)
    try:
        chat = store.upsert_chat(77, type="group", title="Newsroom")
    finally:
        event.remove(Session, "before_flush", rival_inserts_first)
        rival.close()
    try:
        assert raced, "the rival insert did not run"
        assert chat.id == 77 and chat.title == "Newsroom"
        assert store.get_chat(77) is not None
    finally:
        store.close()
