"""Shared pieces of command answers: article items, dates in the chat's zone, argument parsing."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from babel.dates import format_datetime

from bot.core.types import Span, Text, bold, italic, link, plain
from bot.digests.schedule import zone
from bot.i18n import _, current_language
from storage.views import ArticleView

MAX_ARTICLE_ID = 2**31 - 1  # ids are INTEGER columns (32-bit on PostgreSQL)
ONE_LINE = 200
MAX_SENTENCE = 1000  # a "sentence" without punctuation could otherwise flood a chat
_ID_PATTERN = re.compile(r"^#?(\d{1,30})$")
_URL_PATTERN = re.compile(r"^https?://\S+$", re.IGNORECASE)


def local_time(moment: datetime, timezone: str) -> str:
    """``26 Nov 2026, 09:00`` in the chat's zone and the reply language (``26 нояб. 2026,
    09:00``; CLDR month names); naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone(timezone))
    return format_datetime(local, "dd MMM yyyy, HH:mm", locale=current_language())


def parse_article_id(text: str) -> int | None:
    """``12`` or ``#12`` -> 12; anything else -> None (too large ids parse but match nothing)."""
    match = _ID_PATTERN.match(text.strip())
    return int(match.group(1)) if match else None


def is_url(text: str) -> bool:
    """One http(s) URL and nothing else."""
    return bool(_URL_PATTERN.match(text.strip()))


def shorten(text: str, limit: int = ONE_LINE) -> str:
    """One line of at most ``limit`` characters, cut at a word with an ellipsis."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def title_span(article: ArticleView) -> Span:
    """The article's title, linked to its URL when it has one."""
    title = shorten(article.title, 300) or "(untitled)"
    return link(title, article.url) if article.url else bold(title)


def byline(article: ArticleView, timezone: str) -> str:
    """``source · 26 Nov 2026, 09:00``."""
    parts = [shorten(article.source, 80)] if article.source else []
    parts.append(local_time(article.shown_at, timezone))
    return " · ".join(parts)


def article_item(article: ArticleView, timezone: str) -> Text:
    """One listing entry: id, title, source and date, a one-line summary."""
    first = article.summary[0] if article.summary else article.body
    return Text.of(
        bold(f"#{article.id}"),
        " ",
        title_span(article),
        "\n",
        italic(byline(article, timezone)),
        "\n" if first.strip() else "",
        plain(shorten(first)),
    )


def summary_item(article: ArticleView, sentences: tuple[str, ...], timezone: str) -> Text:
    """The full answer for /summary of a stored article."""
    lines: list[str | Span | Text] = [
        bold(f"#{article.id}"),
        " ",
        title_span(article),
        "\n",
        italic(byline(article, timezone)),
    ]
    if article.topic_slugs:
        lines += ["\n", italic(_("Topics:") + " " + ", ".join(article.topic_slugs))]
    lines.append("\n")
    lines += ["\n", bullets(sentences)]
    return Text.of(*lines)


def bullets(sentences: tuple[str, ...] | list[str]) -> str:
    """Summary sentences as a bulleted list, each cut to a readable length."""
    return "\n".join(f"• {shorten(sentence, MAX_SENTENCE)}" for sentence in sentences)
