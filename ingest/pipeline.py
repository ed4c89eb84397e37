"""The ingestion pipeline: text or a URL in; summarized, tagged and stored article out.

Summaries and topic tags are computed once here, at ingest, and stored with the article, so
nothing downstream ever re-summarizes a full text. Everything is synchronous; the async bot
calls it through ``asyncio.to_thread``, except jobs that fetch, which run in the ingestor's
own ``fetch_executor`` so that a slow server never holds a thread storage calls need.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from ingest.errors import IngestError
from ingest.extract import extract
from ingest.fetch import Fetcher, FetchOptions, check_url
from ingest.retagging import retag_all
from ingest.tagging import TopicMatcher, compile_topics, matching_topics
from storage.store import StorageError, Store
from storage.urls import normalize_url
from storage.views import ArticleDraft, ArticleView
from summarizer import SummarizerError, summarize

__all__ = [
    "AddOutcome",
    "BulkResult",
    "IngestError",
    "Ingestor",
    "TextItem",
    "retag_all",
]

logger = logging.getLogger(__name__)

TOPIC_CACHE_SECONDS = 5.0
FETCH_WORKERS = 8

# Observers of ingestion (the bot's metrics register one): called with ("summarized",
# seconds) and ("stored", count of new articles). Callbacks keep ingest free of any import
# of the bot; an observer that fails is logged and ignored.
IngestObserver = Callable[[str, float], None]
_observers: list[IngestObserver] = []


def add_observer(observer: IngestObserver) -> Callable[[], None]:
    """Call ``observer`` on ingestion events; returns a function that removes it again."""
    _observers.append(observer)

    def remove() -> None:
        if observer in _observers:
            _observers.remove(observer)

    return remove


def _notify(event: str, value: float) -> None:
    for observer in list(_observers):
        try:
            observer(event, value)
        except Exception:
            logger.warning("ingest observer failed", exc_info=True)


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """The stored article, whether it is new, and the topics it is tagged with."""

    article: ArticleView
    created: bool
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TextItem:
    """One article to add in bulk (an import line, a feed entry)."""

    title: str
    body: str
    url: str | None = None
    source: str = ""
    added_by: str = ""
    published_at: datetime | None = None
    language: str = ""
    feed_id: int | None = None


@dataclass(frozen=True, slots=True)
class BulkResult:
    """What became of one item of a bulk add: an outcome, or the error that skipped it."""

    item: TextItem
    outcome: AddOutcome | None
    error: str = ""


def _summarize(title: str, body: str, language: str) -> tuple[tuple[str, ...], str, str]:
    """(sentences, algorithm, language) of the stored summary.

    A page's language tag the summarizer does not support ("zh", "en-US") falls back to
    detection. An unexpected summarizer failure is logged and the article is stored without
    a summary (listings then show its opening line) rather than lost.
    """
    wanted = language.replace("_", "-").split("-")[0].strip().lower() or None
    for attempt in dict.fromkeys((wanted, None)):
        started = time.perf_counter()
        try:
            summary = summarize(body, title=title, language=attempt)
            _notify("summarized", time.perf_counter() - started)
        except SummarizerError as error:
            if attempt is None:
                raise IngestError(str(error), code=error.code, **error.params) from None
            continue
        except Exception:
            logger.warning(
                "summarizer failed on %r; stored without a summary", title[:80], exc_info=True
            )
            return (), "", wanted or ""
        return tuple(summary.sentences), summary.algorithm, wanted or summary.language
    raise IngestError("The text could not be summarized.", code="summary.failed")


def _normalized(url: str) -> str:
    """The stored spelling of ``url``; IngestError (one line) if it does not parse."""
    try:
        return normalize_url(url)
    except ValueError:
        raise IngestError(
            f"That is not a valid URL: {url[:200]}", code="fetch.invalid_url"
        ) from None


class Ingestor:
    """Summarizes, tags and stores articles; fetches and extracts URLs first."""

    def __init__(
        self,
        store: Store,
        *,
        allow_private_urls: bool = False,
        fetcher: Fetcher | None = None,
        options: FetchOptions | None = None,
    ) -> None:
        self.store = store
        self.allow_private_urls = allow_private_urls
        self.options = options or FetchOptions()
        self._fetcher = fetcher
        self._owns_fetcher = fetcher is None
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False
        self._topics: list[TopicMatcher] = []
        self._topics_loaded_at = float("-inf")
        self._lock = threading.Lock()

    @property
    def fetcher(self) -> Fetcher:
        """The HTTP client, created on first use; IngestError once the ingestor is closed."""
        with self._lock:
            if self._closed:
                raise IngestError(
                    "Fetching has stopped (the bot is shutting down).", code="fetch.shutdown"
                )
            if self._fetcher is None:
                self._fetcher = Fetcher.from_options(
                    self.options, allow_private_urls=self.allow_private_urls
                )
            return self._fetcher

    @property
    def closed(self) -> bool:
        """True once ``close`` was called (the bot is shutting down)."""
        return self._closed

    @property
    def fetch_executor(self) -> ThreadPoolExecutor:
        """Threads of its own for jobs that fetch (/add <url>, /addfeed).

        The bot runs every storage call in asyncio's default executor (a handful of threads);
        a job that waits on a slow server runs here instead, so it never holds a thread that
        another user's command needs.
        """
        with self._lock:
            if self._closed:
                raise IngestError(
                    "Fetching has stopped (the bot is shutting down).", code="fetch.shutdown"
                )
            if self._executor is None:
                self._executor = ThreadPoolExecutor(FETCH_WORKERS, thread_name_prefix="fetch")
            return self._executor

    def close(self) -> None:
        """Cancel fetches in flight and release the HTTP client (if this ingestor made it)."""
        with self._lock:
            self._closed = True
            fetcher, self._fetcher = self._fetcher, None
            executor, self._executor = self._executor, None
        if fetcher is not None and self._owns_fetcher:
            fetcher.close()
        if executor is not None:
            # Jobs still running fail fast now that their fetches are cancelled.
            executor.shutdown(wait=False, cancel_futures=True)

    def topics(self) -> list[TopicMatcher]:
        """The topics' compiled rules, reloaded from storage every few seconds."""
        now = time.monotonic()
        if now - self._topics_loaded_at > TOPIC_CACHE_SECONDS:
            topics = self.store.list_topics()
            self._topics = compile_topics((topic.slug, topic.rule) for topic in topics)
            self._topics_loaded_at = now
        return self._topics

    def refresh_topics(self) -> None:
        """Forget the cached topic rules (after a topic was added, changed or deleted)."""
        self._topics_loaded_at = float("-inf")

    def tag(self, title: str, body: str) -> tuple[str, ...]:
        """The slugs of the topics the article matches."""
        return matching_topics(title, body, self.topics())

    def prepare(self, item: TextItem) -> ArticleDraft:
        """Summarize and tag one item into a draft for storage; IngestError if it cannot be."""
        title = " ".join((item.title or "").split())
        body = (item.body or "").strip()
        if not title:
            raise IngestError("The article has no title.", code="article.no_title")
        if not body:
            raise IngestError("The article has no text.", code="article.no_text")
        url = _normalized(item.url) if item.url else None
        sentences, algorithm, language = _summarize(title, body, item.language)
        return ArticleDraft(
            title=title,
            body=body,
            url=url,
            source=item.source,
            language=language[:8],
            published_at=item.published_at,
            added_by=item.added_by,
            summary=sentences,
            summary_algorithm=algorithm,
            topic_slugs=self.tag(title, body),
            feed_id=item.feed_id,
        )

    def add_item(self, item: TextItem) -> AddOutcome:
        """Summarize, tag and store one item; a duplicate returns the stored article."""
        if item.url:
            existing = self.store.find_article_by_url(_normalized(item.url))
            if existing is not None:
                return AddOutcome(existing, False, existing.topic_slugs)
        draft = self.prepare(item)
        try:
            result = self.store.add_article(draft)
        except StorageError as error:
            raise IngestError(str(error), code=error.code, **error.params) from None
        if result.created:
            _notify("stored", 1)
        return AddOutcome(result.article, result.created, result.article.topic_slugs)

    def add_text(
        self,
        title: str,
        body: str,
        *,
        url: str | None = None,
        source: str = "",
        added_by: str = "",
        published_at: datetime | None = None,
        language: str = "",
        feed_id: int | None = None,
    ) -> AddOutcome:
        """Summarize, tag and store an article; a duplicate returns the existing one."""
        if url:
            url = check_url(url)
        item = TextItem(title, body, url, source, added_by, published_at, language, feed_id)
        return self.add_item(item)

    def add_url(self, url: str, *, added_by: str = "") -> AddOutcome:
        """Fetch, extract, summarize, tag and store the article at ``url``."""
        checked = check_url(url)
        existing = self.store.find_article_by_url(_normalized(checked))
        if existing is not None:
            return AddOutcome(existing, False, existing.topic_slugs)
        return self.add_item(self._fetch_item(checked, added_by))

    def summarize_url(self, url: str) -> ArticleDraft:
        """Fetch, extract, summarize and tag the page at ``url`` without storing it.

        The same guarded fetch as ``add_url`` (link summaries for any user: only an admin's
        /add stores an article).
        """
        return self.prepare(self._fetch_item(check_url(url), ""))

    def _fetch_item(self, checked_url: str, added_by: str) -> TextItem:
        fetched = self.fetcher.fetch(checked_url)
        page = extract(
            fetched.content, fetched.content_type, url=fetched.url, charset=fetched.charset
        )
        source = page.site_name or (urlsplit(fetched.url).hostname or "")
        return TextItem(
            title=page.title,
            body=page.text,
            url=fetched.url,
            source=source[:200],
            added_by=added_by,
            published_at=page.published_at,
            language=page.language,
        )

    def add_many(self, items: Iterable[TextItem], *, batch_size: int = 200) -> Iterator[BulkResult]:
        """Add many items, storing them in batches; each item yields a BulkResult, in order."""
        batch: list[tuple[TextItem, ArticleDraft | None, str]] = []
        for item in items:
            try:
                batch.append((item, self.prepare(item), ""))
            except IngestError as error:
                batch.append((item, None, str(error)))
            if len(batch) >= batch_size:
                yield from self._store_batch(batch)
                batch = []
        if batch:
            yield from self._store_batch(batch)

    def _store_batch(
        self, batch: list[tuple[TextItem, ArticleDraft | None, str]]
    ) -> Iterator[BulkResult]:
        drafts = [draft for _, draft, _ in batch if draft is not None]
        try:
            stored = iter(self.store.add_articles(drafts))
        except Exception as error:
            # One bad draft fails its whole batch (one transaction): store one by one to
            # isolate it, so the rest of the file is never lost. Whatever the error's class.
            logger.info("a batch of %d failed (%s); storing one by one", len(drafts), error)
            stored = None
        for item, draft, error_text in batch:
            if draft is None:
                yield BulkResult(item, None, error_text)
                continue
            if stored is not None:
                result = next(stored)
            else:
                try:
                    result = self.store.add_article(draft)
                except StorageError as failure:
                    yield BulkResult(item, None, str(failure))
                    continue
                except Exception as failure:  # an unexpected bug must cost one item, not all
                    logger.exception("storing %r failed", draft.title[:80])
                    reason = f"could not be stored ({type(failure).__name__})"
                    yield BulkResult(item, None, reason)
                    continue
            if result.created:
                _notify("stored", 1)
            outcome = AddOutcome(result.article, result.created, result.article.topic_slugs)
            yield BulkResult(item, outcome)
