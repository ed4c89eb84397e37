"""Claims have one owner: the lease rules, the "sending" record, and default topics seeded once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import Store, open_store
from tests.conftest import LeaseClock

START = datetime(2026, 5, 1, tzinfo=UTC)
END = START + timedelta(days=1)
DEFAULTS = [("energy", "Energy", "oil"), ("health", "Health", "vaccine")]


def _subscription(store: Store, chat_id: int = 1) -> int:
    topic = store.upsert_topic("energy", "Energy", "oil")
    store.upsert_chat(chat_id)
    return store.subscribe(chat_id, topic.id)[0].id


def test_a_claim_whose_owner_holds_a_live_lease_is_not_taken(store: Store) -> None:
    sub_id = _subscription(store)
    store.renew_lease("first", host="h", pid=10, ttl=timedelta(seconds=30))
    claim = store.claim_delivery(sub_id, "p", worker="first", window_start=START, window_end=END)
    assert claim is not None
    assert store.claim_stale_deliveries("second") == []
    # Its own claim, left by a postponed send, comes back to the owner only when asked.
    assert store.claim_stale_deliveries("first") == []
    later = datetime.now(UTC) + timedelta(seconds=1)
    assert [d.id for d in store.claim_stale_deliveries("first", later)] == [claim.id]


def test_a_claim_is_taken_over_once_its_owner_lease_expired(
    store: Store, lease_clock: LeaseClock
) -> None:
    sub_id = _subscription(store)
    store.renew_lease("first", host="h", pid=10, ttl=timedelta(seconds=60))
    claim = store.claim_delivery(sub_id, "p", worker="first", window_start=START, window_end=END)
    assert claim is not None
    assert store.claim_stale_deliveries("second") == []
    lease_clock.advance(timedelta(seconds=30))  # halfway: still the owner's
    assert store.claim_stale_deliveries("second") == []
    lease_clock.advance(timedelta(seconds=31))  # past the lease's end, however long this took
    (taken,) = store.claim_stale_deliveries("second")
    assert taken.id == claim.id and taken.claimed_by == "second"
    # The first worker wakes up: every write of the claim it no longer owns is refused.
    assert store.record_part_sending(claim.id, 0, worker="first") is False
    assert store.record_parts_sent(claim.id, 1, worker="first") is False
    assert store.mark_delivery(claim.id, "sent", worker="first") is False
    assert store.deliveries_for(sub_id)[0].status == "claimed"


def test_sending_is_recorded_before_and_cleared_after(store: Store) -> None:
    sub_id = _subscription(store)
    claim = store.claim_delivery(sub_id, "p", worker="w", window_start=START, window_end=END)
    assert claim is not None and claim.sending_part is None
    assert store.record_part_sending(claim.id, 0, worker="w")
    (row,) = store.deliveries_for(sub_id)
    assert (row.sending_part, row.parts_sent) == (0, 0)
    assert store.record_parts_sent(claim.id, 1, worker="w")
    (row,) = store.deliveries_for(sub_id)
    assert (row.sending_part, row.parts_sent) == (None, 1)
    assert store.record_part_sending(claim.id, 1, worker="w")
    assert store.mark_delivery(claim.id, "sent", worker="w")
    (row,) = store.deliveries_for(sub_id)
    assert row.status == "sent" and row.sending_part is None
    assert store.record_part_sending(claim.id, 2, worker="w") is False  # finished


def test_leases_renew_release_and_expire(store: Store) -> None:
    first = store.renew_lease("a", host="h1", pid=5, ttl=timedelta(seconds=30))
    again = store.renew_lease("a", host="h1", pid=5, ttl=timedelta(seconds=60))
    assert again.started_at == first.started_at and again.expires_at > first.expires_at
    store.renew_lease("b", host="h2", pid=6, ttl=timedelta(seconds=30))
    assert [lease.worker for lease in store.leases("h1")] == ["a"]
    assert store.expire_lease("a", pid=999) is False  # a pid it does not hold
    assert store.expire_lease("a", pid=5) is True
    store.release_lease("b")
    assert store.leases() == []


def test_default_topics_are_seeded_once_and_a_deletion_sticks(database_url: str) -> None:
    store = open_store(database_url)
    try:
        assert store.seed_default_topics(DEFAULTS) == ["energy", "health"]
        assert store.delete_topic("energy")
        assert store.seed_default_topics(DEFAULTS) == []
        assert [t.slug for t in store.list_topics()] == ["health"]
        # A default a newer version adds appears once; an admin's own topic is kept as it is.
        store.upsert_topic("tech", "My tech", "chips")
        newer = [*DEFAULTS, ("climate", "Climate", "warming"), ("tech", "Technology", "ai")]
        assert store.seed_default_topics(newer) == ["climate"]
        assert {t.slug: t.name for t in store.list_topics()}["tech"] == "My tech"
    finally:
        store.close()
    reopened = open_store(database_url)  # a restart
    try:
        assert reopened.seed_default_topics(DEFAULTS) == []
        assert "energy" not in {t.slug for t in reopened.list_topics()}
    finally:
        reopened.close()


def test_a_database_in_use_before_the_upgrade_does_not_get_deleted_defaults_back(
    database_url: str,
) -> None:
    from storage.migrate import upgrade

    store = Store(database_url)
    try:
        upgrade(store.engine, "0002")  # the schema before seeding was recorded
        store.upsert_topic("health", "Health", "vaccine")  # "energy" was deleted back then
        upgrade(store.engine)
        assert store.seed_default_topics(DEFAULTS) == []
        assert [t.slug for t in store.list_topics()] == ["health"]
    finally:
        store.close()
