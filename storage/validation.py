"""Validation and normalization of everything storage is asked to keep.

Cleaning rules (documented behaviour, the same on SQLite and PostgreSQL):
- NUL bytes and other C0 control characters except tab and newline are removed (PostgreSQL
  cannot store NUL in text); CR LF and lone CR become LF.
- Lone UTF-16 surrogates (which UTF-8 cannot encode) become U+FFFD; a valid surrogate pair is
  joined into its character first. Right-to-left scripts, combining marks and emoji are kept.
- Titles become one line (runs of whitespace collapse to one space) and are cut to
  ``TITLE_MAX`` characters with an ellipsis; the body is kept as written, trimmed.
- An empty title or body is refused, and so is a body over ``MAX_BODY_BYTES`` of UTF-8.
- The content hash is SHA-256 of the body after NFKC, case folding and whitespace collapsing,
  so the same text re-sent with different spacing or case is recognized as one article.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from storage.errors import StorageError
from storage.models import TITLE_MAX, URL_MAX
from storage.timeutil import as_utc
from storage.urls import normalize_url
from storage.views import ArticleDraft

MAX_BODY_BYTES = 1_000_000
MAX_BODY_TEXT = "1 MB"
ROW_ID_MAX = 2**31 - 1
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LOCAL_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """A draft after validation: exactly the column values to store."""

    url: str | None
    title: str
    body: str
    source: str
    language: str
    published_at: datetime | None
    added_by: str
    content_hash: str
    summary: str
    summary_algorithm: str
    topic_slugs: tuple[str, ...]
    feed_id: int | None


def clean_text(value: str) -> str:
    """Remove NUL and control characters, unify newlines, repair lone surrogates."""
    if _SURROGATE.search(value):
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        value = _SURROGATE.sub("\ufffd", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def one_line(value: str, limit: int) -> str:
    """Clean, collapse whitespace to single spaces and cut to ``limit`` characters."""
    text = " ".join(clean_text(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def content_hash(body: str) -> str:
    """SHA-256 of the body's normalized text (NFKC, case-folded, whitespace collapsed)."""
    normalized = " ".join(unicodedata.normalize("NFKC", body).casefold().split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def clean_url(url: str | None) -> str | None:
    """Normalize an article or feed URL; None for an empty one."""
    if url is None or not url.strip():
        return None
    normalized = normalize_url(clean_text(url).strip())
    if len(normalized) > URL_MAX:
        raise StorageError(
            f"The URL is too long (the limit is {URL_MAX} characters).",
            code="fetch.url_too_long",
            limit=URL_MAX,
        )
    return normalized


def encode_summary(sentences: tuple[str, ...] | list[str]) -> str:
    """Summary sentences as stored: a JSON list of cleaned, non-empty sentences."""
    cleaned = [" ".join(clean_text(s).split()) for s in sentences]
    return json.dumps([s for s in cleaned if s], ensure_ascii=False)


def decode_summary(stored: str) -> tuple[str, ...]:
    """The stored summary back as a tuple of sentences."""
    if not stored:
        return ()
    try:
        value = json.loads(stored)
    except ValueError:
        return (stored,)
    return tuple(str(s) for s in value) if isinstance(value, list) else (str(value),)


def encode_error_params(params: Mapping[str, object]) -> str:
    """An error's params as stored: JSON of numbers and short one-line texts (anything else,
    a nested error say, as its text), so nothing a feed sends can make the row large."""
    kept: dict[str, str | int | float] = {}
    for name, value in list(params.items())[:16]:
        if isinstance(value, bool) or not isinstance(value, int | float):
            value = one_line(str(value), 300)
        kept[one_line(str(name), 40)] = value
    return json.dumps(kept, ensure_ascii=False) if kept else ""


def decode_error_params(stored: str) -> dict[str, str | int | float]:
    """Stored error params back as a dict ({} for none or for anything unreadable)."""
    try:
        value = json.loads(stored) if stored else {}
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {
        str(name): item if isinstance(item, int | float | str) else str(item)
        for name, item in value.items()
    }


def prepare_article(draft: ArticleDraft) -> PreparedArticle:
    """Validate and normalize a draft, or raise StorageError with a message for the user."""
    title = one_line(draft.title or "", TITLE_MAX)
    if not title:
        raise StorageError("The article has no title.", code="article.no_title")
    body = clean_text(draft.body or "").strip()
    if not body:
        raise StorageError("The article has no text.", code="article.no_text")
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        raise StorageError(
            f"The article text is too long ({size / 1_000_000:.1f} MB); "
            f"the limit is {MAX_BODY_TEXT}.",
            code="article.too_long",
            megabytes=size / 1_000_000,
            limit=MAX_BODY_TEXT,
        )
    return PreparedArticle(
        url=clean_url(draft.url),
        title=title,
        body=body,
        source=one_line(draft.source or "", 200),
        language=one_line(draft.language or "", 8).lower(),
        published_at=_published_at(draft.published_at),
        added_by=one_line(str(draft.added_by or ""), 64),
        content_hash=content_hash(body),
        summary=encode_summary(draft.summary) if draft.summary else "",
        summary_algorithm=one_line(draft.summary_algorithm or "", 32),
        topic_slugs=tuple(dict.fromkeys(s.strip().lower() for s in draft.topic_slugs if s)),
        feed_id=draft.feed_id,
    )


def _published_at(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise StorageError("The publication date is not a date and time.", code="article.bad_date")
    try:
        return as_utc(value)
    except OverflowError:
        # A date at the very edge of the calendar: unusable, so treated as unknown.
        return None


def is_row_id(value: object) -> bool:
    """True for an id that can exist: a positive 32-bit integer (PostgreSQL INTEGER)."""
    return isinstance(value, int) and 1 <= value <= ROW_ID_MAX


def check_slug(slug: str) -> str:
    """A topic slug: lower-case letters, digits and single hyphens, at most 64 characters."""
    cleaned = slug.strip().lower()
    if not _SLUG.match(cleaned) or len(cleaned) > 64:
        raise StorageError(
            "A topic slug uses only latin letters, digits and hyphens, like china-russia.",
            code="topic.bad_slug",
        )
    return cleaned


def check_local_time(value: str) -> str:
    """A delivery time written HH:MM (24-hour)."""
    cleaned = value.strip()
    if len(cleaned) == 4 and cleaned[1] == ":":
        cleaned = "0" + cleaned
    if not _LOCAL_TIME.match(cleaned):
        raise StorageError(
            "A delivery time is written HH:MM, for example 08:30.", code="chat.local_time"
        )
    return cleaned


def check_language_choice(value: str) -> str:
    """A chat's reply language: "auto" or a two- or three-letter language code."""
    cleaned = value.strip().lower()
    is_code = cleaned.isascii() and cleaned.isalpha() and 2 <= len(cleaned) <= 3
    if cleaned != "auto" and not is_code:
        raise StorageError(
            f"{cleaned[:16]!r} is not a language code such as en or ru.",
            code="chat.language",
            language=cleaned[:16],
        )
    return cleaned


def check_timezone(name: str) -> str:
    """An IANA time zone name such as Europe/Moscow."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    cleaned = name.strip()
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise StorageError(
            f"Unknown time zone {cleaned[:64]!r}: use an IANA name such as Europe/Moscow.",
            code="chat.timezone",
            timezone=cleaned[:64],
        ) from None
    return cleaned
