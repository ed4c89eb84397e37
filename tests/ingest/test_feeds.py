"""Feeds: RSS and Atom, conditional polls, changes between polls, bad feeds and entries, OPML."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from ingest.errors import IngestError
from ingest.feed_polling import poll_due_feeds
from ingest.feeds import (
    FeedPoller,
    add_feed,
    delete_feed,
    parse_opml,
)
from ingest.pipeline import Ingestor
from storage.store import Store
from tests.ingest.conftest import make_store
from tests.ingest.pages import STORY, article_page, atom, long_html, rss
from tests.ingest.site import Site

RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"


@pytest.fixture
def poller(store: Store, ingestor: Ingestor) -> Iterator[FeedPoller]:
    with FeedPoller(store, ingestor=ingestor, feed_workers=4, page_workers=4) as active:
        yield active


def full_item(n: int, topic: str = "energy", **extra: str) -> dict[str, str]:
    item = {
        "title": f"Story {n} about {topic}",
        "link": f"http://example.com/story-{n}",
        "guid": f"urn:story:{n}",
        "description": f"Short teaser {n}.",
        "content": long_html(f"{topic} {n}"),
        "pubDate": "Thu, 16 May 2024 10:00:00 GMT",
    }
    item.update(extra)
    return item


def stored_titles(store: Store) -> set[str]:
    return {article.title for article in store.iter_articles()}


def test_rss_with_full_text_is_taken_from_the_feed(
    site: Site, store: Store, poller: FeedPoller
) -> None:
    url = site.add("/rss", rss("Energy Wire", [full_item(1), full_item(2)]), content_type=RSS_TYPE)
    outcome = add_feed(store, url, every_minutes=30, added_by="admin", poller=poller)
    assert outcome.created and outcome.poll is not None
    assert outcome.poll.new_entries == 2
    assert outcome.feed.title == "Energy Wire"
    assert outcome.feed.entry_count == 2
    articles = list(store.iter_articles())
    assert {a.title for a in articles} == {"Story 1 about energy", "Story 2 about energy"}
    first = next(a for a in articles if a.title.startswith("Story 1"))
    assert first.body.startswith("Sentence 1 of the energy 1 story")
    assert "<p>" not in first.body
    assert first.url == "http://example.com/story-1"
    assert first.source == "Energy Wire"
    assert first.published_at == datetime(2024, 5, 16, 10, 0, tzinfo=UTC)
    assert first.summary
    assert site.hits_of("/rss")  # the linked pages were not fetched: the feed had the text


def test_atom_entries_with_teasers_fetch_the_linked_page(
    site: Site, store: Store, poller: FeedPoller
) -> None:
    page = site.add("/news/pact", article_page())
    feed = site.add(
        "/atom",
        atom("World Wire", [{"title": "Pact signed", "link": page, "summary": "Teaser only."}]),
        content_type=ATOM_TYPE,
    )
    outcome = add_feed(store, feed, poller=poller)
    assert outcome.poll is not None and outcome.poll.new_entries == 1
    (article,) = list(store.iter_articles())
    assert article.title == "Pact signed"
    assert STORY[0] in article.body
    assert "Related articles" not in article.body
    assert "china-russia" in article.topic_slugs
    assert len(site.hits_of("/news/pact")) == 1


def test_a_feed_that_changes_between_polls_stores_only_new_entries(
    site: Site, store: Store, poller: FeedPoller
) -> None:
    url = site.add("/rss", rss("Wire", [full_item(1)]), content_type=RSS_TYPE)
    feed = add_feed(store, url, poller=poller).feed
    site.add("/rss", rss("Wire", [full_item(2), full_item(1)]), content_type=RSS_TYPE)
    result = poller.poll(store.get_feed(feed.id) or feed)
    assert (result.status, result.new_entries) == ("ok", 1)
    assert stored_titles(store) == {"Story 1 about energy", "Story 2 about energy"}
    again = poller.poll(store.get_feed(feed.id) or feed)
    assert again.new_entries == 0
    assert store.count_articles() == 2


def test_etag_gives_a_304_and_nothing_is_parsed(
    site: Site, store: Store, poller: FeedPoller
) -> None:
    url = site.add("/rss", rss("Wire", [full_item(1)]), content_type=RSS_TYPE, etag='"abc"')
    feed = add_feed(store, url, poller=poller).feed
    stored = store.get_feed(feed.id)
    assert stored is not None and stored.etag == '"abc"' and stored.last_modified
    result = poller.poll(stored)
    assert result.status == "not-modified"
    last = site.hits_of("/rss")[-1]
    assert last.headers.get("if-none-match") == '"abc"'
    assert "if-modified-since" in last.headers
    after = store.get_feed(feed.id)
    assert after is not None and after.error_count == 0 and after.next_poll_at is not None


def test_invalid_xml_is_an_error_and_does_not_stop_other_feeds(
    site: Site, store: Store, poller: FeedPoller
) -> None:
    bad, _ = store.add_feed(site.add("/bad", "<rss><channel><item>&&<<", content_type=RSS_TYPE))
    html, _ = store.add_feed(site.add("/page", article_page()))
    gone, _ = store.add_feed(site.url("/gone"))
    good, _ = store.add_feed(site.add("/good", rss("Good", [full_item(1)]), content_type=RSS_TYPE))
    now = datetime.now(UTC)
    results = {r.feed_id: r for r in poller.poll_many(store.feeds_due(now), now=now)}
    assert results[good.id].status == "ok" and results[good.id].new_entries == 1
    for broken in (bad, html, gone):
        assert results[broken.id].status == "error"
        assert results[broken.id].error
    assert "404" in results[gone.id].error
    missing = store.get_feed(gone.id)  # with its code, for the bot to say in any language
    assert missing is not None and missing.last_error_code == "fetch.http_error"
    assert missing.last_error_params == {"status": 404, "reason": "Not Found"}
    failed = store.get_feed(bad.id)
    assert failed is not None and failed.error_count == 1 and failed.last_error
    assert failed.next_poll_at is not None
    assert failed.next_poll_at > now + timedelta(minutes=failed.every_minutes)


def test_backoff_grows_with_each_failure(site: Site, store: Store, poller: FeedPoller) -> None:
    feed, _ = store.add_feed(site.url("/down"), every_minutes=10)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    gaps = []
    for _ in range(3):
        current = store.get_feed(feed.id)
        assert current is not None
        poller.poll(current, now=now)
        after = store.get_feed(feed.id)
        assert after is not None and after.next_poll_at is not None
        gaps.append(after.next_poll_at - now)
    assert gaps[0] < gaps[1] < gaps[2] <= timedelta(hours=24)


def test_entries_with_no_link_or_no_text_are_skipped_with_a_log_line(
    site: Site, store: Store, poller: FeedPoller, caplog: pytest.LogCaptureFixture
) -> None:
    items = [
        {"title": "Nothing here", "guid": "urn:empty"},
        {"title": "Text only", "guid": "urn:text", "content": long_html("text only")},
        full_item(3),
    ]
    url = site.add("/rss", rss("Mixed", items), content_type=RSS_TYPE)
    caplog.set_level("INFO", logger="ingest.feeds")
    result = add_feed(store, url, poller=poller).poll
    assert result is not None and (result.new_entries, result.skipped) == (2, 1)
    assert stored_titles(store) == {"Text only", "Story 3 about energy"}
    assert any("no link and no text" in record.getMessage() for record in caplog.records)


def test_a_page_that_fails_falls_back_to_the_feed_text(
    site: Site, store: Store, poller: FeedPoller
) -> None:
    teaser = "A fairly detailed teaser about the gas pipeline talks in Moscow and Beijing."
    items = [{"title": "Teaser", "link": site.url("/missing"), "description": teaser}]
    url = site.add("/rss", rss("Teasers", items), content_type=RSS_TYPE)
    result = add_feed(store, url, poller=poller).poll
    assert result is not None and result.new_entries == 1
    (article,) = list(store.iter_articles())
    assert article.body == teaser


def test_the_same_entry_in_two_feeds_is_one_article(
    site: Site, store: Store, poller: FeedPoller
) -> None:
    one = site.add("/one", rss("One", [full_item(1)]), content_type=RSS_TYPE)
    two = site.add(
        "/two",
        rss("Two", [full_item(1, guid="other-guid"), full_item(2)]),
        content_type=RSS_TYPE,
    )
    assert add_feed(store, one, poller=poller).poll.new_entries == 1  # type: ignore[union-attr]
    second = add_feed(store, two, poller=poller).poll
    assert second is not None and second.new_entries == 1
    assert store.count_articles() == 2


def test_html_in_titles_is_cleaned(site: Site, store: Store, poller: FeedPoller) -> None:
    item = full_item(1, title="<b>Breaking:</b> Oil &amp; gas <i>prices</i> &lt;rise&gt;")
    url = site.add("/rss", rss("Wire", [item]), content_type=RSS_TYPE)
    add_feed(store, url, poller=poller)
    assert stored_titles(store) == {"Breaking: Oil & gas prices <rise>"}


def test_adding_something_that_is_not_a_feed_keeps_nothing(
    site: Site, store: Store, poller: FeedPoller
) -> None:
    url = site.add("/page", article_page())
    with pytest.raises(IngestError, match="not added"):
        add_feed(store, url, poller=poller)
    assert store.list_feeds() == []
    with pytest.raises(IngestError, match="not ftp:"):
        add_feed(store, "ftp://example.com/feed", poller=poller)
    with pytest.raises(IngestError, match="every="):
        add_feed(store, site.url("/rss"), every_minutes=0, poller=poller)


def test_adding_a_feed_twice_says_so(site: Site, store: Store, poller: FeedPoller) -> None:
    url = site.add("/rss", rss("Wire", [full_item(1)]), content_type=RSS_TYPE)
    first = add_feed(store, url, poller=poller)
    again = add_feed(store, url + "?utm_source=x", poller=poller)
    assert not again.created and again.feed.id == first.feed.id and again.poll is None


def test_poll_due_feeds_polls_only_due_feeds(site: Site, sqlite_url: str) -> None:
    store = make_store(sqlite_url)
    try:
        url = site.add("/rss", rss("Wire", [full_item(1)]), content_type=RSS_TYPE)
        store.add_feed(url, every_minutes=15)
        now = datetime.now(UTC)
        assert [r.new_entries for r in poll_due_feeds(store, now=now, allow_private_urls=True)] == [
            1
        ]
        assert poll_due_feeds(store, now=now + timedelta(minutes=5), allow_private_urls=True) == []
        later = poll_due_feeds(store, now=now + timedelta(minutes=16), allow_private_urls=True)
        assert [r.status for r in later] == ["ok"]
    finally:
        store.close()


def test_the_poller_refuses_private_feeds_by_default(site: Site, store: Store) -> None:
    url = site.add("/rss", rss("Wire", [full_item(1)]), content_type=RSS_TYPE)
    store.add_feed(url)
    (result,) = poll_due_feeds(store)
    assert result.status == "error" and "private or local" in result.error
    assert site.hits_of("/rss") == []


def test_feed_polling_on_both_backends(site: Site, database_url: str) -> None:
    store = make_store(database_url)
    try:
        url = site.add(
            "/rss", rss("Wire", [full_item(1), full_item(2, "technology")]), content_type=RSS_TYPE
        )
        store.add_feed(url)
        results = poll_due_feeds(store, allow_private_urls=True)
        assert [r.new_entries for r in results] == [2]
        assert len(store.latest_articles(10).items) == 2
        assert store.list_feeds()[0].entry_count == 2
    finally:
        store.close()


def test_delete_feed_by_id_or_url(site: Site, store: Store) -> None:
    feed, _ = store.add_feed(site.url("/rss"))
    assert delete_feed(store, "#999") is None
    assert delete_feed(store, site.url("/rss") + "?utm_source=x") == feed
    assert store.list_feeds() == []


def test_opml_lists_feeds_at_any_depth() -> None:
    opml = b"""<?xml version="1.0"?><opml version="2.0"><head><title>Subs</title></head><body>
    <outline text="News"><outline text="A &amp; B" xmlUrl="https://a.example/rss"/>
    <outline text="C" xmlUrl="https://c.example/atom"/></outline>
    <outline text="dup" xmlUrl="https://a.example/rss"/><outline text="folder only"/>
    </body></opml>"""
    feeds = parse_opml(opml)
    assert [(f.url, f.title) for f in feeds] == [
        ("https://a.example/rss", "A & B"),
        ("https://c.example/atom", "C"),
    ]


@pytest.mark.parametrize("content", [b"<opml><body>", b"<html></html>", b"not xml at all"])
def test_bad_opml_is_refused(content: bytes) -> None:
    with pytest.raises(IngestError):
        parse_opml(content)


def test_opml_entities_are_never_resolved() -> None:
    content = b"""<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>
    <opml><body><outline text="&e;" xmlUrl="https://a.example/rss"/></body></opml>"""
    with pytest.raises(IngestError, match="declares XML entities"):
        parse_opml(content)


def test_a_truncated_feed_keeps_its_usable_entries(
    site: Site, store: Store, poller: FeedPoller, caplog: pytest.LogCaptureFixture
) -> None:
    whole = rss("Wire", [full_item(1)])
    url = site.add("/cut", whole[: whole.index("</item>") + 7], content_type=RSS_TYPE)
    caplog.set_level("INFO", logger="ingest.feeds")
    result = add_feed(store, url, poller=poller).poll
    assert result is not None and result.new_entries == 1
    assert any("malformed" in record.getMessage() for record in caplog.records)


def test_background_polling_thread_polls_and_stops(site: Site, store: Store) -> None:
    from ingest.feed_polling import start_feed_polling

    url = site.add("/rss", rss("Wire", [full_item(1)]), content_type=RSS_TYPE)
    store.add_feed(url)
    thread = start_feed_polling(store, interval=0.05, allow_private_urls=True)
    try:
        for _ in range(200):
            if store.count_articles():
                break
            thread.join(0.05)
    finally:
        thread.stop()
    assert store.count_articles() == 1
    assert not thread.is_alive()


def test_rss_1_0_and_0_91_feeds_are_read(site: Site, store: Store, poller: FeedPoller) -> None:
    text = long_html("rdf energy")
    rdf = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel rdf:about="http://example.com/"><title>RDF Wire</title><link>http://example.com/</link>
<description>d</description></channel>
<item rdf:about="http://example.com/rdf-1"><title>RDF &lt;i&gt;story&lt;/i&gt;</title>
<link>http://example.com/rdf-1</link><content:encoded><![CDATA[{text}]]></content:encoded></item>
</rdf:RDF>"""
    old = f"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old Wire</title>
<link>http://example.com/</link><description>d</description>
<item><title>Old story</title><link>http://example.com/old-1</link>
<description>{" ".join(STORY * 2)}</description></item></channel></rss>"""
    for path, body in (("/rdf", rdf), ("/old", old)):
        result = add_feed(
            store, site.add(path, body, content_type="application/xml"), poller=poller
        )
        assert result.poll is not None and result.poll.new_entries == 1
    assert stored_titles(store) == {"RDF story", "Old story"}


def test_atom_html_titles_are_cleaned(site: Site, store: Store, poller: FeedPoller) -> None:
    entry = {
        "title": "<b>Solar</b> &amp; wind <script>alert(1)</script>records",
        "id": "urn:solar",
        "content": long_html("solar"),
    }
    add_feed(store, site.add("/atom", atom("Sun", [entry]), content_type=ATOM_TYPE), poller=poller)
    assert stored_titles(store) == {"Solar & wind records"}
