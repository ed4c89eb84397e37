"""Import records: one JSON Lines object (title, body, url, source, published_at) -> TextItem."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ingest.errors import IngestError
from ingest.extract import clean_inline
from ingest.fetch import check_url
from ingest.pipeline import TextItem


def parse_published(value: Any) -> datetime | None:
    """An ISO 8601 date or date-time (naive means UTC); None when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("published_at must be an ISO 8601 date string")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"published_at {value[:40]!r} is not an ISO 8601 date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text_field(record: dict[str, Any], *names: str) -> str:
    for name in names:
        value = record.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string")
        return value
    return ""


def item_from_record(record: Any, *, added_by: str = "import") -> TextItem:
    """A decoded JSON Lines record -> TextItem; ValueError saying what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object with title and body")
    title = clean_inline(_text_field(record, "title"))
    body = _text_field(record, "body", "text").strip()
    if not title:
        raise ValueError("the title is missing or empty")
    if not body:
        raise ValueError("the body is missing or empty")
    url = _text_field(record, "url").strip() or None
    if url:
        try:
            url = check_url(url)
        except IngestError as error:
            raise ValueError(f"url: {error}") from None
    return TextItem(
        title=title,
        body=body,
        url=url,
        source=_text_field(record, "source").strip()[:200],
        added_by=added_by,
        published_at=parse_published(record.get("published_at")),
        language=_text_field(record, "language").strip()[:8],
    )
