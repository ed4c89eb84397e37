"""What feeds contain: RSS/Atom entries as feedparser gives them (OPML: ``ingest.opml``).

Pure parsing, no fetching or storage: ``ingest.feeds`` polls and stores.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ingest.errors import IngestError
from ingest.extract import clean_inline, fragment_text
from ingest.fetch import check_url
from storage.urls import normalize_url

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Entry:
    guid: str
    link: str | None
    title: str
    content: str
    summary: str
    published_at: datetime | None


def entry_time(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def entry_link(entry: Any) -> str | None:
    link = (entry.get("link") or "").strip()
    if not link:
        return None
    try:
        return normalize_url(check_url(link))
    except (IngestError, ValueError):
        logger.info("feed entry link %r is not an http(s) URL, ignored", link[:200])
        return None


def parse_entry(entry: Any) -> Entry:
    contents = entry.get("content") or []
    content = max((fragment_text(part.get("value")) for part in contents), key=len, default="")
    summary = fragment_text(entry.get("summary") or entry.get("description"))
    link = entry_link(entry)
    title = clean_inline(entry.get("title"))
    guid = (entry.get("id") or entry.get("guid") or "").strip()
    if not guid:
        guid = link or (
            "sha1:" + hashlib.sha1((title + "\n" + (content or summary)).encode()).hexdigest()
        )
    return Entry(guid[:2000], link, title, content, summary, entry_time(entry))


def words(text: str) -> int:
    return len(text.split())


def title_from_text(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "…"
