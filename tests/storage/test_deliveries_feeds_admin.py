"""Exactly-once delivery claims, feeds, the audit log and stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import StorageError, Store, open_store
from tests.storage.conftest import draft

START = datetime(2026, 5, 1, tzinfo=UTC)
END = START + timedelta(days=1)


def _subscription(store: Store, chat_id: int = 1) -> int:
    topic = store.upsert_topic("energy", "Energy", "oil")
    store.upsert_chat(chat_id)
    return store.subscribe(chat_id, topic.id)[0].id


def test_claim_is_unique_per_period(store: Store) -> None:
    sub_id = _subscription(store)
    claim = store.claim_delivery(
        sub_id, "2026-05-01", worker="a", window_start=START, window_end=END
    )
    assert claim is not None and claim.status == "claimed" and claim.window_end == END
    again = store.claim_delivery(
        sub_id, "2026-05-01", worker="b", window_start=START, window_end=END
    )
    assert again is None
    other = store.claim_delivery(sub_id, "2026-05-02", worker="b", window_start=END, window_end=END)
    assert other is not None and other.id != claim.id
    gone = store.claim_delivery(
        999_999, "2026-05-01", worker="a", window_start=START, window_end=END
    )
    assert gone is None


def test_mark_sent_sets_last_digest(store: Store) -> None:
    sub_id = _subscription(store)
    claim = store.claim_delivery(sub_id, "p1", worker="a", window_start=START, window_end=END)
    store.record_parts_sent(claim.id, 2)
    store.mark_delivery(claim.id, "sent", article_count=4)
    [delivery] = store.deliveries_for(sub_id)
    assert delivery.status == "sent" and delivery.parts_sent == 2
    assert delivery.sent_at is not None
    assert store.get_subscription(sub_id).last_digest_at == delivery.sent_at
    failed = store.claim_delivery(sub_id, "p2", worker="a", window_start=START, window_end=END)
    store.mark_delivery(failed.id, "failed", error="Forbidden: bot was blocked")
    assert store.deliveries_for(sub_id)[1].status == "failed"
    assert store.get_subscription(sub_id).last_digest_at == delivery.sent_at
    with pytest.raises(StorageError):
        store.mark_delivery(failed.id, "exploded")
    store.mark_delivery(999_999, "sent")


def test_claim_stale_deliveries(store: Store) -> None:
    sub_id = _subscription(store)
    stale = store.claim_delivery(sub_id, "old", worker="dead", window_start=START, window_end=END)
    done = store.claim_delivery(sub_id, "done", worker="dead", window_start=START, window_end=END)
    store.mark_delivery(done.id, "sent")
    store.renew_lease("alive", host="h", pid=1, ttl=timedelta(minutes=1))
    taken = store.claim_stale_deliveries("alive")  # "dead" holds no lease
    assert [d.id for d in taken] == [stale.id] and taken[0].claimed_by == "alive"
    assert taken[0].claimed_at > stale.claimed_at
    assert store.claim_stale_deliveries("other") == []  # "alive" holds a live lease


def test_feeds(store: Store) -> None:
    feed, created = store.add_feed("HTTPS://Feeds.Example.com/rss?utm_source=x", every_minutes=30)
    assert created and feed.url == "https://feeds.example.com/rss"
    same, created_again = store.add_feed("https://feeds.example.com/rss")
    assert not created_again and same.id == feed.id
    with pytest.raises(StorageError):
        store.add_feed("   ")
    with pytest.raises(StorageError):
        store.add_feed("https://x.example.com/", every_minutes=0)
    assert store.find_feed(str(feed.id)) == feed == store.find_feed(f"#{feed.id}")
    assert store.find_feed("https://feeds.example.com/rss") == feed
    assert store.find_feed("nothing") is None
    now = datetime(2026, 5, 1, tzinfo=UTC)
    assert [f.id for f in store.feeds_due(now)] == [feed.id]
    store.record_feed_poll(
        feed.id,
        polled_at=now,
        next_poll_at=now + timedelta(minutes=30),
        etag='W/"1"',
        last_modified="Fri, 01 May 2026 00:00:00 GMT",
        new_entries=3,
        title="Example feed",
    )
    polled = store.get_feed(feed.id)
    assert polled.etag == 'W/"1"' and polled.entry_count == 3 and polled.title == "Example feed"
    assert polled.next_poll_at == now + timedelta(minutes=30)
    assert store.feeds_due(now) == []
    store.record_feed_poll(feed.id, polled_at=now, next_poll_at=now, error="HTTP 500")
    store.record_feed_poll(feed.id, polled_at=now, next_poll_at=now, error="HTTP 500")
    failing = store.get_feed(feed.id)
    assert failing.error_count == 2 and failing.etag == 'W/"1"' and failing.last_error
    assert failing.last_error_code == "" and failing.last_error_params == {}
    assert store.list_feeds() == [failing]
    coded = {"status": 500, "reason": "x" * 5000, "nested": ValueError("inner")}
    store.record_feed_poll(
        feed.id,
        polled_at=now,
        next_poll_at=now,
        error="The server answered 500.",
        error_code="fetch.http_error",
        error_params=coded,
    )
    failing = store.get_feed(feed.id)
    assert failing.last_error_code == "fetch.http_error"
    cut = "x" * 299 + "…"  # kept short: nothing a server sends makes the row large
    assert failing.last_error_params == {"status": 500, "reason": cut, "nested": "inner"}
    store.record_feed_poll(feed.id, polled_at=now, next_poll_at=now + timedelta(minutes=30))
    recovered = store.get_feed(feed.id)  # a good poll clears the error, code and all
    assert recovered.last_error == recovered.last_error_code == ""
    assert recovered.last_error_params == {} and recovered.error_count == 0

    article_id = store.add_article(draft(1, feed_id=feed.id)).article.id
    long_guid = "tag:" + "g" * 5000
    assert not store.seen_feed_entry(feed.id, long_guid)
    store.remember_feed_entry(feed.id, long_guid, article_id)
    store.remember_feed_entry(feed.id, long_guid, article_id)
    assert store.seen_feed_entry(feed.id, long_guid)
    store.remember_feed_entry(feed.id, "deleted-article", 999_999)
    assert store.seen_feed_entry(feed.id, "deleted-article")
    assert store.delete_feed(feed.id) is True and store.delete_feed(feed.id) is False
    assert store.get_article(article_id) is not None
    assert store.add_article(draft(2, feed_id=feed.id)).created
    store.remember_feed_entry(feed.id, "feed-gone", None)
    assert not store.seen_feed_entry(feed.id, "feed-gone")


def test_audit_and_stats(store: Store) -> None:
    sub_id = _subscription(store)
    store.upsert_chat(2)
    store.set_chat_blocked(2, True)
    store.add_articles([draft(1), draft(2)])
    store.add_feed("https://feeds.example.com/a")
    claim = store.claim_delivery(sub_id, "p", worker="w", window_start=START, window_end=END)
    store.mark_delivery(claim.id, "sent")
    store.audit("addfeed", actor_id=42, chat_id=1, detail="https://feeds.example.com/a")
    store.audit("deltopic", actor_id=7, chat_id=1, allowed=False)
    entries = store.recent_audit()
    assert [e.action for e in entries] == ["deltopic", "addfeed"]
    assert entries[0].allowed is False and entries[1].actor_id == 42
    stats = store.stats()
    assert (stats.articles, stats.topics, stats.chats, stats.subscriptions) == (2, 1, 1, 1)
    assert stats.deliveries_last_day == 1 and stats.feeds == 1
    assert stats.extra["blocked_chats"] == 1
    assert store.stats(datetime.now(UTC) + timedelta(days=2)).deliveries_last_day == 0


def test_stale_claim_locked_elsewhere_is_skipped_on_postgres(postgres_url: str) -> None:
    import psycopg

    store = open_store(postgres_url)
    try:
        sub_id = _subscription(store)
        stale = store.claim_delivery(sub_id, "p", worker="dead", window_start=START, window_end=END)
        with psycopg.connect(postgres_url) as other:
            other.execute("SELECT id FROM deliveries WHERE id = %s FOR UPDATE", (stale.id,))
            assert store.claim_stale_deliveries("alive") == []
        assert [d.id for d in store.claim_stale_deliveries("alive")] == [stale.id]
    finally:
        store.close()
