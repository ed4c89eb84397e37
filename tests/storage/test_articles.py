"""Adding, deduplicating, reading, listing, tagging and deleting articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from storage import ArticleDraft, Store
from tests.storage.conftest import draft


def test_add_and_get_round_trip(store: Store) -> None:
    published = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    result = store.add_article(
        ArticleDraft(
            title="  Putin and Xi\n meet  ",
            body="  Leaders met in Moscow.  ",
            url="HTTPS://Example.COM:443/news/1?utm_source=tg&id=5#top",
            source="Example News",
            language="EN",
            published_at=published,
            added_by="cli",
            summary=("Leaders met in Moscow.",),
            summary_algorithm="lexrank",
        )
    )
    assert result.created
    article = result.article
    assert article.title == "Putin and Xi meet"
    assert article.body == "Leaders met in Moscow."
    assert article.url == "https://example.com/news/1?id=5"
    assert article.language == "en"
    assert article.published_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert article.added_at.tzinfo is not None
    assert article.summary == ("Leaders met in Moscow.",)
    assert store.get_article(article.id) == article
    assert store.find_article_by_url("https://example.com/news/1?id=5&utm_medium=x") == article
    assert store.find_article_by_url("https://example.com/other") is None
    assert store.find_article_by_url("") is None
    assert store.get_article(999_999) is None
    assert store.count_articles() == 1


def test_duplicate_url_or_text_returns_existing(store: Store) -> None:
    first = store.add_article(draft(1)).article
    same_url = store.add_article(draft(2, url="https://news.example.com/1?utm_campaign=x"))
    same_text = store.add_article(
        draft(3, url=None, body="  BODY text of article 1.\n\nIt says something about ITEM1. ")
    )
    assert not same_url.created and same_url.article.id == first.id
    assert not same_text.created and same_text.article.id == first.id
    assert store.count_articles() == 1


def test_bulk_add_dedups_within_and_across_batches(store: Store) -> None:
    store.add_article(draft(0))
    drafts = [draft(n) for n in range(5)] + [draft(2), draft(9, url="https://news.example.com/3")]
    results = store.add_articles(drafts)
    assert [r.created for r in results] == [False, True, True, True, True, False, False]
    assert results[5].article.id == results[2].article.id
    assert results[6].article.id == results[3].article.id
    assert store.count_articles() == 5
    assert store.add_articles([]) == []


def test_bulk_add_more_than_one_batch(store: Store) -> None:
    results = store.add_articles(draft(n) for n in range(1_050))
    assert len({r.article.id for r in results}) == 1_050
    assert store.count_articles() == 1_050


def test_latest_pages_newest_first(store: Store) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(7):
        store.add_article(draft(n, published_at=base + timedelta(hours=n)))
    store.add_article(draft(50, published_at=None))
    first = store.latest_articles(3)
    assert first.items[0].title == "Article number 50"
    assert [a.title for a in first.items[1:]] == ["Article number 6", "Article number 5"]
    assert first.has_more and first.total is None
    last = store.latest_articles(3, offset=6)
    assert [a.title for a in last.items] == ["Article number 1", "Article number 0"]
    assert not last.has_more and last.total == 8
    exact = store.latest_articles(4, offset=4)
    assert len(exact.items) == 4 and not exact.has_more and exact.total == 8
    beyond = store.latest_articles(3, offset=100)
    assert beyond.items == () and not beyond.has_more


def test_future_publication_date_does_not_pin_to_top(store: Store) -> None:
    store.add_article(draft(1, published_at=datetime(2999, 1, 1, tzinfo=UTC)))
    store.add_article(draft(2, published_at=None))
    assert store.latest_articles(1).items[0].title == "Article number 2"


def test_latest_for_topic_and_tagging(store: Store) -> None:
    store.upsert_topic("china-russia", "China–Russia relations", "China; Russia")
    store.upsert_topic("energy", "Energy", "oil, gas")
    base = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [
        store.add_article(
            draft(n, published_at=base + timedelta(days=n), topic_slugs=("china-russia", "nope"))
        ).article.id
        for n in range(4)
    ]
    other = store.add_article(draft(10, topic_slugs=("energy",))).article
    assert other.topic_slugs == ("energy",)
    page = store.latest_articles(2, topic_slug="china-russia")
    assert [a.id for a in page.items] == [ids[3], ids[2]]
    assert page.has_more and page.items[0].topic_slugs == ("china-russia",)
    assert store.latest_articles(5, topic_slug="china-russia").total == 4
    assert store.latest_articles(5, topic_slug="missing").items == ()

    store.set_article_topics(other.id, ["energy", "china-russia"])
    assert store.get_article(other.id).topic_slugs == ("china-russia", "energy")
    store.set_article_topics(other.id, ["Energy "])
    assert store.get_article(other.id).topic_slugs == ("energy",)
    store.set_article_topics(999_999, ["energy"])


def test_topic_articles_since_window(store: Store) -> None:
    topic = store.upsert_topic("tech", "Technology", "chip")
    before = datetime.now(UTC) - timedelta(seconds=1)
    for n in range(3):
        store.add_article(draft(n, topic_slugs=("tech",)))
    store.add_article(draft(9))
    after = datetime.now(UTC) + timedelta(seconds=1)
    articles, total = store.topic_articles_since(topic.id, before, after, limit=2)
    assert total == 3 and len(articles) == 2
    assert store.topic_articles_since(topic.id, after, after + timedelta(hours=1)) == ([], 0)


def test_summary_delete_iterate(store: Store) -> None:
    ids = [store.add_article(draft(n)).article.id for n in range(5)]
    store.set_article_summary(ids[0], ["One.", "Two."], "textrank")
    article = store.get_article(ids[0])
    assert article.summary == ("One.", "Two.") and article.summary_algorithm == "textrank"
    assert [a.id for a in store.iter_articles(batch=2)] == ids
    assert store.delete_article(ids[1]) is True
    assert store.delete_article(ids[1]) is False
    assert store.count_articles() == 4
