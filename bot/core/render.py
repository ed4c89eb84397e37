"""Renderers for core messages: Telegram HTML (split under 4,096) and plain console text.

HTML: every piece of text is escaped with ``html.escape``; links become ``<a href>`` with the
href escaped too (only http, https and tg links; anything else is shown as text). A message
too long for one Telegram message is split between items; one item too long on its own is
split at a paragraph, line, sentence or word boundary, with its tags closed and reopened.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.core.types import Button, Keyboard, Message, Span, Text

TELEGRAM_LIMIT = 4096
ITEM_SEPARATOR = "\n\n"
MAX_URL_LENGTH = 2000
_TAGS = {"bold": "b", "italic": "i", "code": "code"}
_SAFE_SCHEMES = ("http://", "https://", "tg://")
_QUOTE_OPEN = {"quote": "<blockquote>", "expandable": "<blockquote expandable>"}
_BOUNDARIES = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?…])\s+"),
    re.compile(r"\s+"),
)


@dataclass(frozen=True, slots=True)
class HtmlPart:
    """One Telegram message: HTML text and the keyboard to attach (last part only)."""

    text: str
    keyboard: Keyboard = ()
    link_preview: bool = False


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _safe_url(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if (
        len(url) > MAX_URL_LENGTH
        or not url.lower().startswith(_SAFE_SCHEMES)
        or any(ch.isspace() for ch in url)
    ):
        return None
    return url


def span_html(span: Span) -> str:
    """One span as Telegram HTML, escaped (its quotation, if any, is added by text_html)."""
    text = html.escape(span.text)
    if span.style in ("link", "bold_link"):
        url = _safe_url(span.url)
        if url is not None:
            text = f'<a href="{html.escape(url, quote=True)}">{text}</a>'
        return f"<b>{text}</b>" if span.style == "bold_link" else text
    tag = _TAGS.get(span.style)
    return f"<{tag}>{text}</{tag}>" if tag else text


def text_html(item: Text) -> str:
    """One item as Telegram HTML; adjacent quoted spans share one ``<blockquote>``."""
    out: list[str] = []
    for kind, run in itertools.groupby(item.spans, key=lambda span: span.quote):
        body = "".join(span_html(span) for span in run)
        out.append(f"{_QUOTE_OPEN[kind]}{body}</blockquote>" if kind else body)
    return "".join(out)


def _slice(item: Text, start: int, end: int) -> Text:
    """The part of ``item`` between plain-text offsets ``start`` and ``end``, styles kept."""
    spans: list[Span] = []
    position = 0
    for span in item.spans:
        span_end = position + len(span.text)
        lo, hi = max(start, position), min(end, span_end)
        if lo < hi:
            spans.append(replace(span, text=span.text[lo - position : hi - position]))
        position = span_end
    return Text(tuple(spans))


def _cut(item: Text, pattern: re.Pattern[str]) -> list[Text]:
    """Split ``item`` after each match of ``pattern`` (separators stay with the left piece)."""
    plain = item.plain_text
    cuts = [match.end() for match in pattern.finditer(plain) if 0 < match.end() < len(plain)]
    if not cuts:
        return [item]
    bounds = [0, *cuts, len(plain)]
    return [_slice(item, a, b) for a, b in itertools.pairwise(bounds) if a < b]


def _hard_cut(item: Text) -> list[Text]:
    """Last resort: cut in halves by characters (repeated until the pieces fit)."""
    plain = item.plain_text
    middle = len(plain) // 2
    return [_slice(item, 0, middle), _slice(item, middle, len(plain))] if middle else [item]


def split_item(item: Text, limit: int = TELEGRAM_LIMIT, level: int = 0) -> list[Text]:
    """Split one item into pieces each rendering within ``limit``, at the gentlest boundary."""
    if telegram_length(text_html(item)) <= limit:
        return [item]
    pieces: list[Text] = [item]
    while len(pieces) == 1 and level < len(_BOUNDARIES):
        pieces = _cut(item, _BOUNDARIES[level])
        level += 1
    if len(pieces) == 1:
        pieces = _hard_cut(item)
        if len(pieces) == 1:
            return pieces
    packed: list[Text] = []
    current: list[Text] = []
    size = 0
    for piece in pieces:
        piece_size = telegram_length(text_html(piece))
        if piece_size > limit:
            if current:
                packed.append(Text.of(*current))
                current, size = [], 0
            packed.extend(split_item(piece, limit, level))
            continue
        if current and size + piece_size > limit:
            packed.append(Text.of(*current))
            current, size = [], 0
        current.append(piece)
        size += piece_size
    if current:
        packed.append(Text.of(*current))
    return packed


def _strip_item(item: Text) -> Text:
    """Trim whitespace at the item's ends (Telegram trims it anyway)."""
    plain = item.plain_text
    start = len(plain) - len(plain.lstrip())
    end = len(plain.rstrip())
    return _slice(item, start, end) if start < end else Text()


def render_html(message: Message, limit: int = TELEGRAM_LIMIT) -> list[HtmlPart]:
    """A message as one or more Telegram HTML texts, each within ``limit``."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    separator = telegram_length(ITEM_SEPARATOR)
    for item in message.items:
        for piece in split_item(item, limit):
            piece = _strip_item(piece)
            if not piece:
                continue
            rendered = text_html(piece)
            length = telegram_length(rendered)
            if current and size + separator + length > limit:
                chunks.append(ITEM_SEPARATOR.join(current))
                current, size = [], 0
            size += length + (separator if current else 0)
            current.append(rendered)
    if current:
        chunks.append(ITEM_SEPARATOR.join(current))
    if not chunks:
        chunks = ["…"]
    parts = [HtmlPart(chunk, (), message.link_preview) for chunk in chunks]
    parts[-1] = HtmlPart(chunks[-1], message.keyboard, message.link_preview)
    return parts


def span_plain(span: Span) -> str:
    """One span as terminal text: links show their address."""
    if span.style in ("link", "bold_link") and span.url and span.url != span.text:
        return f"{span.text} <{span.url}>"
    return span.text


def text_plain(item: Text) -> str:
    """One item as terminal text."""
    return "".join(span_plain(span) for span in item.spans)


def render_plain(message: Message, first_number: int = 1) -> tuple[str, list[Button]]:
    """A message as console text; buttons become numbered actions ``[1] Summary #12``."""
    body = ITEM_SEPARATOR.join(text_plain(item) for item in message.items)
    buttons: list[Button] = []
    rows: list[str] = []
    for row in message.keyboard:
        labels = []
        for button in row:
            number = first_number + len(buttons)
            buttons.append(button)
            target = f" <{button.url}>" if button.url else ""
            labels.append(f"[{number}] {button.label}{target}")
        rows.append("  ".join(labels))
    if rows:
        body = f"{body}\n" + "\n".join(rows) if body else "\n".join(rows)
    return body, buttons


def render_plain_all(
    messages: Sequence[Message], first_number: int = 1
) -> tuple[str, list[Button]]:
    """Several messages as console text with buttons numbered across all of them."""
    texts: list[str] = []
    buttons: list[Button] = []
    for message in messages:
        text, more = render_plain(message, first_number + len(buttons))
        texts.append(text)
        buttons.extend(more)
    return "\n\n".join(texts), buttons
