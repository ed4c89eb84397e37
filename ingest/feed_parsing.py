"""What feeds and feed lists contain: RSS/Atom entries as feedparser gives them, and OPML.

Pure parsing, no fetching or storage: ``ingest.feeds`` polls and stores.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree

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


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str
    line: int = 0


def parse_opml(content: bytes) -> list[OpmlFeed]:
    """The feeds (outline elements with an xmlUrl) of an OPML document, at any depth."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise IngestError(f"That OPML file is not valid XML ({error}).") from None
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise IngestError("That file is not OPML (no <opml> root element).")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline in root.iter("{*}outline", "outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        title = clean_inline(outline.get("title") or outline.get("text"), 200)
        feeds.append(OpmlFeed(url, title, outline.sourceline or 0))
    return feeds
