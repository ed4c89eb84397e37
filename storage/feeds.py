"""Store methods for RSS/Atom feeds and the entries already seen in them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from storage.base import StoreBase
from storage.convert import feed_view
from storage.errors import StorageError
from storage.models import URL_MAX, Feed, FeedEntry
from storage.timeutil import as_utc, utc_now
from storage.validation import (
    clean_text,
    clean_url,
    encode_error_params,
    is_row_id,
    one_line,
)
from storage.views import FeedView


def _guid_key(guid: str) -> str:
    # Longer GUIDs than the column holds are kept as their hash: still unique, still stable.
    cleaned = clean_text(guid).strip()
    if len(cleaned) <= URL_MAX:
        return cleaned
    return "sha256:" + hashlib.sha256(cleaned.encode("utf-8")).hexdigest()


class FeedMethods(StoreBase):
    """Feeds to poll, their poll results, and the GUIDs seen."""

    def add_feed(
        self, url: str, *, every_minutes: int = 15, added_by: str = ""
    ) -> tuple[FeedView, bool]:
        """Add a feed (URL normalized); the existing one and False when it is already there."""
        normalized = clean_url(url)
        if normalized is None:
            raise StorageError("A feed needs a URL.", code="feed.no_url")
        if not 1 <= every_minutes <= 7 * 24 * 60:
            raise StorageError(
                "A feed is polled every 1 minute to 7 days.", code="feed.every_bounds"
            )
        with self._write() as session:
            row = session.scalars(select(Feed).where(Feed.url == normalized)).first()
            if row is not None:
                return feed_view(row), False
            row = Feed(
                url=normalized,
                title="",
                every_minutes=every_minutes,
                etag="",
                last_modified="",
                last_error="",
                last_error_code="",
                last_error_params="",
                error_count=0,
                entry_count=0,
                created_at=utc_now(),
                added_by=one_line(str(added_by), 64),
            )
            session.add(row)
            session.flush()
            return feed_view(row), True

    def list_feeds(self) -> list[FeedView]:
        """Every feed, oldest first."""
        with self._read() as session:
            return [feed_view(row) for row in session.scalars(select(Feed).order_by(Feed.id))]

    def get_feed(self, feed_id: int) -> FeedView | None:
        """One feed, or None."""
        if not is_row_id(feed_id):
            return None
        with self._read() as session:
            row = session.get(Feed, feed_id)
            return None if row is None else feed_view(row)

    def find_feed(self, id_or_url: str) -> FeedView | None:
        """A feed by its number or its URL."""
        wanted = (id_or_url or "").strip().lstrip("#")
        if wanted.isdigit():
            return self.get_feed(int(wanted))
        try:
            normalized = clean_url(wanted)
        except StorageError:
            return None
        if normalized is None:
            return None
        with self._read() as session:
            row = session.scalars(select(Feed).where(Feed.url == normalized)).first()
            return None if row is None else feed_view(row)

    def delete_feed(self, feed_id: int) -> bool:
        """Delete a feed and its seen entries (its articles stay); False when there was none."""
        if not is_row_id(feed_id):
            return False
        with self._write() as session:
            table = Feed.__table__
            result = session.execute(delete(table).where(table.c.id == feed_id))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def feeds_due(self, now: datetime) -> list[FeedView]:
        """Feeds never polled or whose next poll time has come."""
        with self._read() as session:
            rows = session.scalars(
                select(Feed)
                .where(or_(Feed.next_poll_at.is_(None), Feed.next_poll_at <= as_utc(now)))
                .order_by(Feed.next_poll_at.is_not(None), Feed.next_poll_at, Feed.id)
            )
            return [feed_view(row) for row in rows]

    def record_feed_poll(
        self,
        feed_id: int,
        *,
        polled_at: datetime,
        next_poll_at: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        error: str = "",
        error_code: str = "",
        error_params: Mapping[str, object] | None = None,
        new_entries: int = 0,
        title: str | None = None,
    ) -> None:
        """Store a poll's outcome: times, caching headers, error streak, entries added.

        ``error`` is the failure's English line; ``error_code`` and ``error_params`` name it
        for the bot to say in the reader's language (kept only with an error).
        """
        values: dict[str, object] = {
            "last_polled_at": as_utc(polled_at),
            "next_poll_at": as_utc(next_poll_at),
            "last_error": one_line(error, 1000),
            "last_error_code": one_line(error_code, 64) if error else "",
            "last_error_params": encode_error_params(error_params or {}) if error else "",
            "error_count": Feed.error_count + 1 if error else 0,
            "entry_count": Feed.entry_count + max(0, new_entries),
        }
        if etag is not None:
            values["etag"] = one_line(etag, 255)
        if last_modified is not None:
            values["last_modified"] = one_line(last_modified, 64)
        if title is not None:
            values["title"] = one_line(title, 500)
        with self._write() as session:
            session.execute(update(Feed).where(Feed.id == feed_id).values(**values))

    def seen_feed_entry(self, feed_id: int, guid: str) -> bool:
        """True when this entry of this feed was remembered before."""
        with self._read() as session:
            found = session.scalar(
                select(func.count())
                .select_from(FeedEntry)
                .where(FeedEntry.feed_id == feed_id, FeedEntry.guid == _guid_key(guid))
            )
            return bool(found)

    def remember_feed_entry(self, feed_id: int, guid: str, article_id: int | None) -> None:
        """Remember an entry as seen (again is harmless; a feed deleted meanwhile is ignored)."""
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        for linked in (article_id, None):
            statement = (
                dialect_insert(FeedEntry)
                .values(feed_id=feed_id, guid=_guid_key(guid), article_id=linked, seen_at=utc_now())
                .on_conflict_do_nothing(index_elements=["feed_id", "guid"])
            )
            try:
                with self._write() as session:
                    session.execute(statement)
                return
            except IntegrityError:
                # The article (or the feed) was deleted meanwhile: remember the GUID alone.
                continue
