"""Store methods for articles: validated, deduplicated adds and the listings the bot needs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import fts
from storage.base import StoreBase
from storage.convert import article_view, article_views, topic_slugs_of
from storage.errors import StorageError
from storage.models import Article, ArticleTopic, Feed, Topic
from storage.search_terms import stems_for_index
from storage.timeutil import as_utc, utc_now
from storage.validation import (
    PreparedArticle,
    clean_url,
    decode_summary,
    encode_summary,
    is_row_id,
    prepare_article,
)
from storage.views import AddResult, ArticleDraft, ArticleView, Page

BATCH_SIZE = 1000
MAX_PAGE = 100
_ARTICLES = Article.__table__
# Every column a view needs: the search stems are for the index only (and can be long).
_VIEW = select(*(column for column in _ARTICLES.c if column.name != "search_stems"))
_LINKS = ArticleTopic.__table__
_TOPICS = Topic.__table__
# Statements built once: building them per call costs more than running them on SQLite.
_BY_ID = _VIEW.where(_ARTICLES.c.id == bindparam("id"))
_BY_URL = _VIEW.where(_ARTICLES.c.url == bindparam("url"))
_BY_IDS = _VIEW.where(_ARTICLES.c.id.in_(bindparam("ids", expanding=True)))
_LATEST = (
    _VIEW.order_by(_ARTICLES.c.sort_at.desc(), _ARTICLES.c.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_TOPIC_ID = select(_TOPICS.c.id).where(_TOPICS.c.slug == bindparam("slug"))
_TOPIC_LATEST = (
    _VIEW.join(_LINKS, _LINKS.c.article_id == _ARTICLES.c.id)
    .where(_LINKS.c.topic_id == bindparam("topic_id"))
    .order_by(_LINKS.c.sort_at.desc(), _LINKS.c.article_id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_IDS_BY_HASH = select(_ARTICLES.c.content_hash, _ARTICLES.c.id).where(
    _ARTICLES.c.content_hash.in_(bindparam("hashes", expanding=True))
)


def _page_bounds(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(int(limit), MAX_PAGE)), max(0, int(offset))


class ArticleMethods(StoreBase):
    """Adding, reading, listing, searching and tagging articles."""

    def add_article(self, draft: ArticleDraft) -> AddResult:
        """Validate, normalize and store; a duplicate URL or text returns the existing one."""
        return self._add_prepared([prepare_article(draft)])[0]

    def add_articles(self, drafts: Iterable[ArticleDraft]) -> list[AddResult]:
        """Bulk add in one transaction per batch, with the same dedup as add_article.

        Each batch is validated whole before anything of it is written: one bad draft raises
        StorageError and stores nothing of its batch (earlier batches stay stored).
        """
        results: list[AddResult] = []
        iterator = iter(drafts)
        while batch := list(islice(iterator, BATCH_SIZE)):
            results.extend(self._add_prepared([prepare_article(d) for d in batch]))
        return results

    def _add_prepared(self, batch: list[PreparedArticle]) -> list[AddResult]:
        for attempt in range(3):
            try:
                with self._write() as session:
                    return _store_batch(session, batch, utc_now())
            except IntegrityError:
                # Another writer stored one of these at the same moment: the retry finds it.
                if attempt == 2:
                    raise StorageError(
                        "The article could not be stored; try again.", code="article.not_stored"
                    ) from None
        raise AssertionError("unreachable")

    def get_article(self, article_id: int) -> ArticleView | None:
        """One article by id, or None."""
        if not is_row_id(article_id):
            return None
        with self._connect() as connection:
            row = connection.execute(_BY_ID, {"id": article_id}).first()
            return None if row is None else article_views(connection, [row])[0]

    def find_article_by_url(self, url: str) -> ArticleView | None:
        """The article stored under this URL (normalized first), or None."""
        try:
            normalized = clean_url(url)
        except StorageError:
            return None
        if normalized is None:
            return None
        with self._connect() as connection:
            row = connection.execute(_BY_URL, {"url": normalized}).first()
            return None if row is None else article_views(connection, [row])[0]

    def latest_articles(
        self, limit: int = 5, *, topic_slug: str | None = None, offset: int = 0
    ) -> Page:
        """Newest first by publication (else addition) time.

        ``has_more`` is exact; ``total`` is known (and exact) on the last page only.
        """
        limit, offset = _page_bounds(limit, offset)
        # One row past the page tells whether more follow; counting every row would cost
        # more than the page itself (milliseconds on PostgreSQL at 100,000 articles).
        bounds = {"limit": limit + 1, "offset": offset}
        with self._connect() as connection:
            if topic_slug is None:
                rows = connection.execute(_LATEST, bounds).all()
            else:
                topic_id = connection.execute(
                    _TOPIC_ID, {"slug": topic_slug.strip().lower()}
                ).scalar()
                if topic_id is None:
                    return Page(items=(), offset=offset, total=0, more=False)
                rows = connection.execute(_TOPIC_LATEST, {"topic_id": topic_id, **bounds}).all()
            items = tuple(article_views(connection, rows[:limit]))
        if len(rows) > limit:
            return Page(items=items, offset=offset, total=None, more=True)
        total = offset + len(items) if items or offset == 0 else None
        return Page(items=items, offset=offset, total=total, more=False)

    def search_articles(self, query: str, limit: int = 5, *, offset: int = 0) -> Page:
        """Full-text search (FTS5 on SQLite, tsvector on PostgreSQL), best match first."""
        limit, offset = _page_bounds(limit, offset)
        with self._connect() as connection:
            ids, total = fts.search_ids(connection, query or "", limit, offset)
            found = (
                {row.id: row for row in connection.execute(_BY_IDS, {"ids": ids})} if ids else {}
            )
            ordered = [found[i] for i in ids if i in found]
            items = tuple(article_views(connection, ordered))
            # total is None when more match than search counts (fts.COUNT_LIMIT): more follow.
            more = True if total is None else None
            return Page(items=items, offset=offset, total=total, more=more)

    def delete_article(self, article_id: int) -> bool:
        """Delete an article (its topic links go with it); False when there was none."""
        if not is_row_id(article_id):
            return False
        with self._write() as session:
            result = session.execute(delete(_ARTICLES).where(_ARTICLES.c.id == article_id))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def set_article_summary(
        self, article_id: int, sentences: Sequence[str], algorithm: str
    ) -> None:
        """Replace the stored summary and the name of the algorithm that made it."""
        if not is_row_id(article_id):
            return
        with self._write() as session:
            session.execute(
                update(_ARTICLES)
                .where(_ARTICLES.c.id == article_id)
                .values(summary=encode_summary(list(sentences)), summary_algorithm=algorithm[:32])
            )

    def set_article_topics(self, article_id: int, topic_slugs: Sequence[str]) -> None:
        """Make the article's topics exactly these (unknown slugs are ignored).

        A new link takes the article's own added_at, so retagging old articles does not put
        them into the next digest as if they were new.
        """
        if not is_row_id(article_id):
            return
        wanted = {s.strip().lower() for s in topic_slugs if s and s.strip()}
        with self._write() as session:
            article = session.get(Article, article_id)
            if article is None:
                return
            topic_ids = set(
                session.scalars(select(Topic.id).where(Topic.slug.in_(wanted))) if wanted else []
            )
            current = set(
                session.scalars(
                    select(ArticleTopic.topic_id).where(ArticleTopic.article_id == article_id)
                )
            )
            if current - topic_ids:
                session.execute(
                    delete(_LINKS).where(
                        _LINKS.c.article_id == article_id,
                        _LINKS.c.topic_id.in_(current - topic_ids),
                    )
                )
            new_links = [
                {
                    "article_id": article_id,
                    "topic_id": topic_id,
                    "sort_at": article.sort_at,
                    "added_at": article.added_at,
                }
                for topic_id in topic_ids - current
            ]
            if new_links:
                session.execute(insert(_LINKS), new_links)

    def iter_articles(self, batch: int = 500) -> Iterator[ArticleView]:
        """Every article, oldest first, in batches (for retagging)."""
        last_id = 0
        size = max(1, batch)
        while True:
            with self._read() as session:
                rows = session.scalars(
                    select(Article).where(Article.id > last_id).order_by(Article.id).limit(size)
                ).all()
                views = article_views(session, rows)
            if not views:
                return
            yield from views
            last_id = views[-1].id

    def topic_articles_since(
        self, topic_id: int, since: datetime, until: datetime, limit: int = 50
    ) -> tuple[list[ArticleView], int]:
        """Articles tagged with the topic added in [since, until): newest first, and the count."""
        window = (
            ArticleTopic.topic_id == topic_id,
            ArticleTopic.added_at >= as_utc(since),
            ArticleTopic.added_at < as_utc(until),
        )
        with self._read() as session:
            rows = session.scalars(
                select(Article)
                .join(ArticleTopic, ArticleTopic.article_id == Article.id)
                .where(*window)
                .order_by(ArticleTopic.sort_at.desc(), Article.id.desc())
                .limit(max(0, limit))
            ).all()
            total = session.scalar(select(func.count()).select_from(ArticleTopic).where(*window))
            return article_views(session, rows), total or 0

    def count_articles(self) -> int:
        """How many articles are stored."""
        with self._read() as session:
            return session.scalar(select(func.count()).select_from(Article)) or 0


def _store_batch(session: Session, batch: list[PreparedArticle], now: datetime) -> list[AddResult]:
    existing = _existing(session, batch)
    feed_ids = {p.feed_id for p in batch if p.feed_id is not None}
    known_feeds = (
        set(session.scalars(select(Feed.id).where(Feed.id.in_(feed_ids)))) if feed_ids else set()
    )
    plan: list[tuple[str, Any]] = []
    first_in_batch: dict[str, int] = {}
    to_insert: list[PreparedArticle] = []
    for prepared in batch:
        keys = [f"h:{prepared.content_hash}"] + ([f"u:{prepared.url}"] if prepared.url else [])
        found = next((existing[k] for k in keys if k in existing), None)
        if found is not None:
            plan.append(("existing", found))
            continue
        earlier = next((first_in_batch[k] for k in keys if k in first_in_batch), None)
        if earlier is not None:
            plan.append(("duplicate", earlier))
            continue
        for key in keys:
            first_in_batch[key] = len(to_insert)
        plan.append(("new", len(to_insert)))
        to_insert.append(prepared)
    new_views = _insert(session, to_insert, known_feeds, now)
    existing_slugs = topic_slugs_of(session, [v.id for kind, v in plan if kind == "existing"])
    results: list[AddResult] = []
    for kind, value in plan:
        if kind == "existing":
            results.append(AddResult(article_view(value, existing_slugs.get(value.id, ())), False))
        else:
            results.append(AddResult(new_views[value], kind == "new"))
    return results


def _existing(session: Session, batch: list[PreparedArticle]) -> dict[str, Article]:
    hashes = list({p.content_hash for p in batch})
    urls = list({p.url for p in batch if p.url})
    condition = Article.content_hash.in_(hashes)
    if urls:
        condition = or_(condition, Article.url.in_(urls))
    found: dict[str, Article] = {}
    for row in session.scalars(select(Article).where(condition)):
        found[f"h:{row.content_hash}"] = row
        if row.url:
            found.setdefault(f"u:{row.url}", row)
    return found


def _insert(
    session: Session, batch: list[PreparedArticle], known_feeds: set[int], now: datetime
) -> list[ArticleView]:
    if not batch:
        return []
    rows = [
        {
            "url": p.url,
            "title": p.title,
            "body": p.body,
            "source": p.source,
            "language": p.language,
            "published_at": p.published_at,
            "added_at": now,
            # A publication date in the future must not pin an article to the top.
            "sort_at": min(p.published_at, now) if p.published_at else now,
            "added_by": p.added_by,
            "content_hash": p.content_hash,
            "summary": p.summary,
            "summary_algorithm": p.summary_algorithm,
            "feed_id": p.feed_id if p.feed_id in known_feeds else None,
            "search_stems": stems_for_index(p.language, p.title, p.body),
        }
        for p in batch
    ]
    # Plain executemany, ids looked up after: RETURNING would make SQLite insert row by row.
    session.connection().execute(insert(_ARTICLES), rows)
    ids_by_hash = dict(
        (content_hash, article_id)
        for content_hash, article_id in session.connection().execute(
            _IDS_BY_HASH, {"hashes": [p.content_hash for p in batch]}
        )
    )
    ids = [ids_by_hash[p.content_hash] for p in batch]
    slugs = {slug for p in batch for slug in p.topic_slugs}
    topic_ids = (
        dict(
            (slug, topic_id)
            for slug, topic_id in session.execute(
                select(Topic.slug, Topic.id).where(Topic.slug.in_(slugs))
            )
        )
        if slugs
        else {}
    )
    links = [
        {
            "article_id": article_id,
            "topic_id": topic_ids[slug],
            "sort_at": row["sort_at"],
            "added_at": now,
        }
        for article_id, row, p in zip(ids, rows, batch, strict=True)
        for slug in p.topic_slugs
        if slug in topic_ids
    ]
    if links:
        session.connection().execute(insert(_LINKS), links)
    return [
        ArticleView(
            id=article_id,
            url=p.url,
            title=p.title,
            body=p.body,
            source=p.source,
            language=p.language,
            published_at=p.published_at,
            added_at=now,
            added_by=p.added_by,
            content_hash=p.content_hash,
            summary=decode_summary(p.summary),
            summary_algorithm=p.summary_algorithm,
            topic_slugs=tuple(sorted(s for s in p.topic_slugs if s in topic_ids)),
        )
        for article_id, p in zip(ids, batch, strict=True)
    ]
