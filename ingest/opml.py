"""OPML: the feed lists that feed readers import and export.

``parse_opml`` reads the feeds of a document (outline elements with an ``xmlUrl``, at any
depth). The document comes from a user, so the parser is lxml's with every expansion off: no
entities resolved, no DTD loaded, nothing fetched, no huge trees; a document that declares
entities (an XML bomb's way in) is refused, as is one past ``MAX_OPML_BYTES``. ``write_opml``
writes the followed feeds as OPML 2.0; ``import_opml`` follows every feed a document lists.
Errors are ``OpmlError`` with a ``kind``, so a chat can answer each in the user's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Literal

from lxml import etree

from ingest.errors import IngestError
from ingest.extract import clean_inline
from ingest.fetch import check_url
from storage.store import StorageError, Store
from storage.urls import normalize_url
from storage.views import FeedView

MAX_OPML_BYTES = 1024 * 1024  # a list of 1,000 feeds is about 150 KB
MAX_IMPORTED_FEEDS = 500
OpmlProblem = Literal["too_large", "not_xml", "entities", "not_opml", "no_feeds", "too_many"]


class OpmlError(IngestError):
    """An OPML document that cannot be imported; ``kind`` says why."""

    def __init__(self, kind: OpmlProblem, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str
    line: int = 0


@dataclass(slots=True)
class OpmlImport:
    """What ``import_opml`` did: feeds added, already followed, and skipped (with why)."""

    listed: int = 0
    added: list[FeedView] = field(default_factory=list)
    known: int = 0
    skipped: list[tuple[OpmlFeed, str]] = field(default_factory=list)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=False,
        remove_pis=True,
    )


def parse_opml(content: bytes) -> list[OpmlFeed]:
    """The feeds (outline elements with an xmlUrl) of an OPML document, at any depth.

    Raises OpmlError: too large, not XML (entity declarations included), not OPML. A
    document without feeds gives an empty list (``import_opml`` refuses it).
    """
    if len(content) > MAX_OPML_BYTES:
        raise OpmlError(
            "too_large", f"That OPML file is over {MAX_OPML_BYTES // 1024 // 1024} MB."
        )
    if b"<!ENTITY" in content:  # an XML bomb's way in; OPML never declares entities
        raise OpmlError("entities", "That OPML file declares XML entities; I do not read those.")
    try:
        root = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise OpmlError("not_xml", f"That OPML file is not valid XML ({error}).") from None
    dtd = root.getroottree().docinfo.internalDTD if root is not None else None
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        raise OpmlError("entities", "That OPML file declares XML entities; I do not read those.")
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise OpmlError("not_opml", "That file is not OPML (no <opml> root element).")
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


def write_opml(feeds: Sequence[FeedView], *, title: str = "newsbot feeds") -> bytes:
    """The feeds as an OPML 2.0 document (UTF-8), one outline per feed."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    body = etree.SubElement(root, "body")
    for feed in feeds:
        name = feed.title or feed.url
        etree.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def import_opml(
    store: Store, content: bytes, *, every_minutes: int, added_by: str = "import"
) -> OpmlImport:
    """Follow every feed ``content`` lists (polled by the feed poller when next due).

    A URL that is not a usable http(s) address is skipped with its reason; the others are
    stored at once, so one bad line never stops the rest.
    """
    entries = parse_opml(content)
    if not entries:
        raise OpmlError("no_feeds", "That OPML file lists no feeds (no outline with xmlUrl).")
    if len(entries) > MAX_IMPORTED_FEEDS:
        raise OpmlError(
            "too_many",
            f"That OPML file lists {len(entries)} feeds; I import at most "
            f"{MAX_IMPORTED_FEEDS} at a time.",
        )
    result = OpmlImport(listed=len(entries))
    for entry in entries:
        try:
            url = normalize_url(check_url(entry.url))
            feed, created = store.add_feed(url, every_minutes=every_minutes, added_by=added_by)
        except (ValueError, StorageError) as error:  # IngestError is a ValueError
            result.skipped.append((entry, str(error)))
            continue
        if created:
            result.added.append(feed)
        else:
            result.known += 1
    return result
