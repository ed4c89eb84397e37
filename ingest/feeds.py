"""RSS and Atom feeds: adding them and polling one (the schedule: ``ingest.feed_polling``;
OPML lists: ``ingest.opml``).

A poll asks with ETag/Last-Modified (a 304 costs nothing), parses with feedparser (RSS
0.9x/1.0/2.0, Atom), skips entries already seen (by GUID in this feed, by link in any feed,
by content hash in storage), takes an entry's text from the feed when it carries the whole
story and fetches the linked page otherwise, then summarizes, tags and stores it. Feeds are
polled concurrently in a bounded pool; a failing feed is retried later with a growing backoff,
and one bad feed never stops the others.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from ingest.errors import IngestError
from ingest.extract import Extracted, clean_inline, extract
from ingest.feed_parsing import Entry, parse_entry, title_from_text, words
from ingest.fetch import FEED_TYPES, FetchOptions, check_url
from ingest.opml import OpmlFeed, parse_opml
from ingest.pipeline import Ingestor, TextItem
from storage.store import StorageError, Store
from storage.urls import normalize_url
from storage.views import FeedView

logger = logging.getLogger(__name__)

__all__ = [
    "AddFeedOutcome",
    "FeedPollResult",
    "FeedPoller",
    "OpmlFeed",
    "add_feed",
    "delete_feed",
    "parse_opml",
]

DEFAULT_EVERY_MINUTES = 15
MIN_EVERY_MINUTES = 1
MAX_EVERY_MINUTES = 7 * 24 * 60
MAX_BACKOFF = timedelta(hours=24)
FULL_TEXT_WORDS = 150
MIN_ENTRY_WORDS = 8
MAX_ENTRIES_PER_POLL = 100
FEED_WORKERS = 8
PAGE_WORKERS = 16
PAGES_PER_FEED = 4


@dataclass(frozen=True, slots=True)
class FeedPollResult:
    """What one poll of one feed did. status: 'ok', 'not-modified' or 'error'."""

    feed_id: int
    url: str
    status: str
    new_entries: int = 0
    skipped: int = 0
    error: str = ""
    title: str = ""
    # The failure itself, so that its code reaches the bot (which says it in the reader's
    # language); ``error`` is its English line for logs and the stored last error.
    failure: IngestError | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class AddFeedOutcome:
    """A feed added (or found already followed) and the result of its first poll."""

    feed: FeedView
    created: bool
    poll: FeedPollResult | None


def _next_poll(feed: FeedView, now: datetime, failed: bool) -> datetime:
    every = timedelta(minutes=max(feed.every_minutes, MIN_EVERY_MINUTES))
    if not failed:
        return now + every
    return now + min(every * 2 ** min(feed.error_count + 1, 8), MAX_BACKOFF)


class FeedPoller:
    """Polls feeds with one Ingestor and two bounded pools (feeds, linked pages).

    A long-lived poller (the bot's) calls ``start_due`` on every tick: each due feed that is
    not still being polled goes to the feed pool, and the tick returns at once. A stuck feed
    holds one feed worker and at most ``PAGES_PER_FEED`` page fetches; every other feed goes
    on being polled on time.
    """

    def __init__(
        self,
        store: Store,
        *,
        allow_private_urls: bool = False,
        ingestor: Ingestor | None = None,
        feed_workers: int = FEED_WORKERS,
        page_workers: int = PAGE_WORKERS,
        options: FetchOptions | None = None,
    ) -> None:
        self.store = store
        self.ingestor = ingestor or Ingestor(
            store, allow_private_urls=allow_private_urls, options=options
        )
        self._owns_ingestor = ingestor is None
        self.feed_workers = feed_workers
        self._feeds = ThreadPoolExecutor(feed_workers, thread_name_prefix="feed")
        self._pages = ThreadPoolExecutor(page_workers, thread_name_prefix="feed-page")
        self._pages_per_feed = max(1, min(PAGES_PER_FEED, page_workers))
        self._in_flight: set[int] = set()
        self._lock = threading.Lock()
        self._closing = False

    def close(self, *, wait: bool = True) -> None:
        """Stop the pools and release the HTTP client if this poller made it.

        ``wait=False`` (shutdown) drops the polls not yet started and does not wait for the
        running ones, which end quickly once the ingestor's fetches are cancelled.
        """
        self._closing = True
        if self._owns_ingestor and not wait:
            self.ingestor.close()
        self._feeds.shutdown(wait=wait, cancel_futures=not wait)
        self._pages.shutdown(wait=wait, cancel_futures=not wait)
        if self._owns_ingestor:
            self.ingestor.close()

    def __enter__(self) -> FeedPoller:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def in_flight(self) -> set[int]:
        """Ids of the feeds being polled right now."""
        with self._lock:
            return set(self._in_flight)

    def start_due(self, *, now: datetime | None = None) -> list[Future[FeedPollResult]]:
        """Start polling every due feed that is not being polled already; returns at once."""
        moment = now or datetime.now(UTC)
        return [
            self._start(feed, moment)
            for feed in self.store.feeds_due(moment)
            if feed.id not in self.in_flight()
        ]

    def _start(self, feed: FeedView, now: datetime) -> Future[FeedPollResult]:
        with self._lock:
            self._in_flight.add(feed.id)
        future = self._feeds.submit(self.poll, feed, now=now)
        future.add_done_callback(lambda _done: self._finished(feed.id))
        return future

    def _finished(self, feed_id: int) -> None:
        with self._lock:
            self._in_flight.discard(feed_id)

    def poll_many(
        self, feeds: Sequence[FeedView], *, now: datetime | None = None
    ) -> list[FeedPollResult]:
        """Poll the feeds concurrently and wait for all; each gets a result."""
        if not feeds:
            return []
        moment = now or datetime.now(UTC)
        futures = [self._start(feed, moment) for feed in feeds]
        return [future.result() for future in futures]

    def poll(self, feed: FeedView, *, now: datetime | None = None) -> FeedPollResult:
        """Poll one feed and record the outcome; never raises for a bad feed."""
        moment = now or datetime.now(UTC)
        try:
            result = self._poll(feed, moment)
        except IngestError as error:
            result = FeedPollResult(feed.id, feed.url, "error", error=str(error), failure=error)
        except Exception as error:  # one broken feed must never stop the poller
            logger.exception("feed %s (%s): unexpected failure", feed.id, feed.url)
            kind = type(error).__name__
            failure = IngestError(f"internal error ({kind})", code="feed.internal", kind=kind)
            result = FeedPollResult(feed.id, feed.url, "error", error=str(failure), failure=failure)
        if result.status == "error":
            if self._closing or self.ingestor.closed:
                # Cut short by the shutdown, not the feed's fault: polled again after restart.
                return result
            logger.warning("feed %s (%s): %s", feed.id, feed.url, result.error)
            # With its code and params, so /feeds can say it in the reader's language.
            failure = result.failure
            self._record(
                feed,
                moment,
                error=result.error,
                error_code=failure.code if failure is not None else "",
                error_params=failure.params if failure is not None else None,
            )
        return result

    def _record(self, feed: FeedView, now: datetime, **fields: Any) -> None:
        failed = bool(fields.get("error"))
        try:
            self.store.record_feed_poll(
                feed.id, polled_at=now, next_poll_at=_next_poll(feed, now, failed), **fields
            )
        except StorageError as error:
            logger.warning("feed %s: could not record the poll: %s", feed.id, error)

    def _poll(self, feed: FeedView, now: datetime) -> FeedPollResult:
        headers = {}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        fetched = self.ingestor.fetcher.fetch(feed.url, accept=FEED_TYPES, headers=headers)
        etag = fetched.headers.get("etag") or feed.etag or None
        modified = fetched.headers.get("last-modified") or feed.last_modified or None
        if fetched.not_modified:
            self._record(feed, now, etag=etag, last_modified=modified)
            return FeedPollResult(feed.id, feed.url, "not-modified", title=feed.title)
        # A stream, never bytes: feedparser would open a URL or a file name given as a string.
        parsed = feedparser.parse(
            io.BytesIO(fetched.content),
            response_headers={
                "content-location": fetched.url,
                "content-type": fetched.headers.get("content-type", "application/xml"),
            },
        )
        usable = [e for e in parsed.entries if e.get("title") or e.get("link")]
        if parsed.bozo and not usable:
            problem = clean_inline(str(parsed.get("bozo_exception", "")), 160)
            raise IngestError(
                f"That is not a valid RSS or Atom feed ({problem or 'no entries'}).",
                code="feed.invalid" if problem else "feed.no_entries",
                problem=problem,
            )
        if parsed.bozo:
            logger.info("feed %s: tolerated a malformed feed: %s", feed.id, parsed.bozo_exception)
        if not parsed.entries and not parsed.feed.get("title") and parsed.version == "":
            raise IngestError("That is not an RSS or Atom feed.", code="feed.not_a_feed")
        title = clean_inline(parsed.feed.get("title"), 200) or feed.title
        new, skipped = self._ingest_entries(feed, title, parsed.entries[:MAX_ENTRIES_PER_POLL])
        self._record(
            feed, now, etag=etag, last_modified=modified, new_entries=new, title=title or None
        )
        logger.info("feed %s (%s): %d new, %d skipped", feed.id, feed.url, new, skipped)
        return FeedPollResult(feed.id, feed.url, "ok", new, skipped, title=title)

    def _ingest_entries(self, feed: FeedView, source: str, raw: Iterable[Any]) -> tuple[int, int]:
        pending: list[tuple[Entry, Future[Extracted] | None]] = []
        skipped = 0
        # At most PAGES_PER_FEED of this feed's pages in the shared pool at once: a feed whose
        # pages all hang cannot take every page worker from the other feeds.
        window = threading.BoundedSemaphore(self._pages_per_feed)
        for raw_entry in raw:
            entry = parse_entry(raw_entry)
            if self.store.seen_feed_entry(feed.id, entry.guid):
                continue
            if entry.link:
                existing = self.store.find_article_by_url(entry.link)
                if existing is not None:
                    self.store.remember_feed_entry(feed.id, entry.guid, existing.id)
                    continue
            carried = max(words(entry.content), words(entry.summary))
            needs_page = entry.link is not None and carried < FULL_TEXT_WORDS
            page = None
            if needs_page:
                window.acquire()
                page = self._pages.submit(self._fetch_page, entry.link)
                page.add_done_callback(lambda _done: window.release())
            pending.append((entry, page))
        items: list[tuple[Entry, TextItem]] = []
        for entry, page in pending:
            item = self._entry_item(feed, source, entry, page)
            if item is None:
                skipped += 1
                self.store.remember_feed_entry(feed.id, entry.guid, None)
            else:
                items.append((entry, item))
        new = 0
        # One batch per feed: one transaction instead of one per entry.
        results = self.ingestor.add_many((item for _, item in items), batch_size=len(items) or 1)
        for (entry, _), result in zip(items, results, strict=True):
            if result.outcome is None:
                logger.info(
                    "feed %s: entry %r skipped: %s", feed.id, result.item.title, result.error
                )
                skipped += 1
            elif result.outcome.created:
                new += 1
            article_id = result.outcome.article.id if result.outcome is not None else None
            self.store.remember_feed_entry(feed.id, entry.guid, article_id)
        return new, skipped

    def _fetch_page(self, link: str | None) -> Extracted:
        fetched = self.ingestor.fetcher.fetch(link or "")
        return extract(
            fetched.content, fetched.content_type, url=fetched.url, charset=fetched.charset
        )

    def _entry_item(
        self, feed: FeedView, source: str, entry: Entry, page: Future[Extracted] | None
    ) -> TextItem | None:
        """The article an entry stands for (text from the feed or its page); None to skip."""
        text = entry.content if words(entry.content) >= words(entry.summary) else entry.summary
        title = entry.title
        published = entry.published_at
        language = ""
        if page is not None:
            try:
                extracted = page.result()
                text, language = extracted.text, extracted.language
                title = title or extracted.title
                published = published or extracted.published_at
            except IngestError as error:
                logger.info("feed %s: entry %s: page not used: %s", feed.id, entry.link, error)
        if words(text) < MIN_ENTRY_WORDS:
            what = "no link and no text" if entry.link is None else "no usable text"
            logger.info("feed %s: entry %r skipped: %s", feed.id, entry.title or entry.guid, what)
            return None
        return TextItem(
            title=title or title_from_text(text),
            body=text,
            url=entry.link,
            source=source[:200],
            added_by=f"feed:{feed.id}",
            published_at=published,
            language=language,
            feed_id=feed.id,
        )


def check_every(every_minutes: int) -> int:
    """Validate a polling interval in minutes, or raise IngestError."""
    if not MIN_EVERY_MINUTES <= every_minutes <= MAX_EVERY_MINUTES:
        raise IngestError(
            f"every= must be between {MIN_EVERY_MINUTES} and {MAX_EVERY_MINUTES} minutes.",
            code="feed.every_range",
            low=MIN_EVERY_MINUTES,
            high=MAX_EVERY_MINUTES,
        )
    return every_minutes


def add_feed(
    store: Store,
    url: str,
    *,
    every_minutes: int = DEFAULT_EVERY_MINUTES,
    added_by: str = "",
    allow_private_urls: bool = False,
    poller: FeedPoller | None = None,
    options: FetchOptions | None = None,
) -> AddFeedOutcome:
    """Follow a feed and poll it at once; a URL that is not a working feed is not kept."""
    normalized = normalize_url(check_url(url))
    check_every(every_minutes)
    try:
        feed, created = store.add_feed(normalized, every_minutes=every_minutes, added_by=added_by)
    except StorageError as error:
        raise IngestError(str(error), code=error.code, **error.params) from None
    if not created:
        return AddFeedOutcome(feed, False, None)
    own = poller is None
    active = poller or FeedPoller(store, allow_private_urls=allow_private_urls, options=options)
    try:
        result = active.poll(feed)
    finally:
        if own:
            active.close()
    if result.status == "error":
        store.delete_feed(feed.id)
        raise IngestError(
            f"The feed was not added: {result.error}",
            code="feed.not_added",
            reason=result.failure or result.error,
        )
    return AddFeedOutcome(store.get_feed(feed.id) or feed, True, result)


def delete_feed(store: Store, id_or_url: str) -> FeedView | None:
    """Stop following a feed given by id or URL; the feed removed, or None if unknown."""
    key = id_or_url.strip().lstrip("#")
    feed = store.find_feed(key)
    if feed is None and "://" in key:
        try:
            feed = store.find_feed(normalize_url(key))
        except ValueError:
            feed = None
    if feed is None or not store.delete_feed(feed.id):
        return None
    return feed
