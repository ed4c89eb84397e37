"""Turning a fetched page into an article: title, main text, author, date and language.

HTML goes through trafilatura, which keeps the story and leaves out navigation, bylines,
cookie banners, "Related articles" lists, scripts and footers. Plain text gets the same
cleaning from the summarizer's line classifier: its first real headline line is the title, and
bylines, datelines, share rows, "About Author" and "Related Articles" leave the body.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura
from lxml import html as lxml_html

from ingest.errors import IngestError
from summarizer.cleaning import split_article

logger = logging.getLogger(__name__)

TITLE_MAX = 500
MIN_TEXT_CHARS = 40
_LANG_ATTR = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Extracted:
    """An article as found on a page."""

    title: str
    text: str
    author: str = ""
    published_at: datetime | None = None
    language: str = ""
    site_name: str = ""


def clean_inline(text: str | None, limit: int = TITLE_MAX) -> str:
    """One line of text with tags removed, entities decoded and whitespace collapsed."""
    if not text:
        return ""
    value = text
    if "<" in value and ">" in value:
        try:
            root = lxml_html.fragment_fromstring(value, create_parent="div")
            for junk in root.xpath("//script|//style"):
                junk.drop_tree()
            value = root.text_content()
        except Exception:  # lxml raises several types on junk; a regex is good enough then
            value = _TAG.sub(" ", value)
    value = html.unescape(value).replace("\x00", "")
    return _SPACES.sub(" ", value).strip()[:limit]


_BLOCKS = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section"}
)


def fragment_text(markup: str | None) -> str:
    """The readable text of an HTML fragment (a feed entry's content): paragraphs kept."""
    if not markup or not markup.strip():
        return ""
    if "<" not in markup:
        return html.unescape(markup).replace("\x00", "").strip()
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except Exception:  # lxml raises several types on junk; fall back to stripping tags
        return clean_inline(markup, 1_000_000)
    for junk in root.xpath("//script|//style|//noscript|//iframe|//form"):
        junk.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    lines = (_SPACES.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line).replace("\x00", "")


def _published(date: str | None) -> datetime | None:
    if not date:
        return None
    try:
        parsed = datetime.fromisoformat(date)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _page_language(content: bytes) -> str:
    found = _LANG_ATTR.search(content[:4096])
    return found.group(1).decode("ascii").lower() if found else ""


def _drop_leading_title(text: str, title: str) -> str:
    lines = text.split("\n")
    while lines and clean_inline(lines[0]).casefold() == title.casefold():
        lines.pop(0)
    return "\n".join(lines).strip()


def clean_text_article(title: str, body: str) -> tuple[str, str]:
    """A pasted or saved page's (title, body) with its furniture dropped, as for URL pages.

    The title becomes the first real headline line (a site mark such as "SI |" is skipped);
    bylines, datelines, "About Author", "Related Articles" and share rows leave the body.
    """
    cleaned_title, cleaned_body = split_article(f"{title}\n{body}")
    if not cleaned_title or not cleaned_body:
        return title, body
    return cleaned_title, cleaned_body


def extract_text_document(text: str) -> Extracted:
    """A plain-text article: the first real headline line is the title, the rest the body.

    Page furniture is left out as for URL pages (see clean_text_article).
    """
    cleaned = text.replace("\r\n", "\n").replace("\x00", "").strip()
    title, body = split_article(cleaned)
    title = clean_inline(title)
    if not title or not body:
        raise IngestError(
            "No article text found: a title line and a body are needed.",
            code="extract.no_title_body",
        )
    if len(body) < MIN_TEXT_CHARS:
        raise IngestError(
            f"The article text is too short ({len(body)} characters after the title line; "
            f"at least {MIN_TEXT_CHARS} are needed).",
            code="extract.too_short",
            length=len(body),
            minimum=MIN_TEXT_CHARS,
        )
    return Extracted(title=title, text=body)


def extract_html(content: bytes | str, *, url: str | None = None) -> Extracted:
    """The main article of an HTML page, or IngestError when none is found."""
    document = None
    for precision in (True, False):
        document = trafilatura.bare_extraction(
            content,
            url=url,
            with_metadata=True,
            favor_precision=precision,
            favor_recall=not precision,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
        )
        if document is not None and len((document.text or "").strip()) >= MIN_TEXT_CHARS:
            break
    text = (document.text or "").strip() if document is not None else ""
    if len(text) < MIN_TEXT_CHARS:
        raise IngestError("No article text found on that page.", code="extract.no_text")
    title = clean_inline(document.title) or clean_inline(text.split("\n", 1)[0])
    body = _drop_leading_title(text, title) or text
    raw = content if isinstance(content, bytes) else content.encode("utf-8", "replace")
    return Extracted(
        title=title,
        text=body,
        author=clean_inline(document.author, 200),
        published_at=_published(document.date),
        language=(document.language or _page_language(raw))[:8],
        site_name=clean_inline(document.sitename, 200),
    )


def extract(
    content: bytes, content_type: str, *, url: str | None = None, charset: str | None = None
) -> Extracted:
    """Extract an article from fetched content of the given media type."""
    if content_type == "text/plain":
        try:
            decoded = content.decode(charset or "utf-8")
        except (LookupError, UnicodeDecodeError):
            decoded = content.decode("utf-8", errors="replace")
        return extract_text_document(decoded)
    return extract_html(content, url=url)
