"""Digest layout: a built digest (``summarizer.Digest``) as rich-text messages for one reader.

Pure presentation, no store: the opening line (topic, N articles in M stories, the period in
the chat's zone), then one item per story (the lead's headline in bold, linked; its sources,
"Reuters, BBC +2"; its sentences in an expandable quotation), packed into parts of at most
4,096 characters, split between stories only, each with a "Summary #id" button per story; a
last line counts the other stories, with a button that lists them (bot/core/commands/
stories.py). Words, numbers and dates are the reader's (bot/i18n.py). The store side, windows
and the cache are in bot/digests/compose.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from babel.dates import format_datetime
from babel.numbers import format_decimal

from bot.core.render import telegram_length, text_html
from bot.core.types import (
    Button,
    Message,
    Span,
    Text,
    bold,
    bold_link,
    italic,
    plain,
    quoted,
)
from bot.digests.schedule import zone
from bot.digests.story_buttons import stories_data
from bot.i18n import _, current_language, ngettext
from storage.views import ArticleView, TopicView
from summarizer import Digest, DigestArticle, DigestGroup, build_digest

MAX_ITEMS = 10
SENTENCES_PER_ITEM = 3
PART_LIMIT = 4096
# Room left in each part for the blank lines renderers put between items.
_SEPARATOR = 2
_QUOTE_LIMIT = 1500
_HEADLINE_LIMIT = 300
_SOURCES_SHOWN = 2
_BUTTONS_PER_ROW = 2


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number(number: int) -> str:
    """A count in the reader's notation (1,000 in English, 1 000 in Russian)."""
    return format_decimal(number, locale=current_language())


def digest_articles(articles: Sequence[ArticleView]) -> list[DigestArticle]:
    """Stored articles as the summarizer's digest sees them."""
    return [
        DigestArticle(
            id=article.id,
            title=article.title,
            summary=article.summary,
            text=article.body,
            source=article.source,
            url=article.url,
            published_at=article.shown_at,
            language=article.language,
        )
        for article in articles
    ]


def period(start: datetime, end: datetime, timezone: str) -> str:
    """The window for people, in the chat's zone and the reply language (CLDR day and month
    names): ``Sat 28 Nov 07:30 – Sun 29 Nov 07:30 (UTC)``, ``сб 28 нояб. 07:30 – ...``."""
    where = zone(timezone)
    first, last = start.astimezone(where), end.astimezone(where)
    locale = current_language()
    opening = format_datetime(first, "EEE dd MMM HH:mm", locale=locale)
    if first.date() == last.date():
        return f"{opening}–{last:%H:%M} ({timezone})"
    closing = format_datetime(last, "EEE dd MMM HH:mm", locale=locale)
    return f"{opening} – {closing} ({timezone})"


def sources_line(group: DigestGroup) -> str:
    """``Reuters, BBC +2``: the first sources by name, then how many more."""
    names = [_clip(name, 60) for name in group.sources[:_SOURCES_SHOWN]]
    more = len(group.sources) - len(names)
    return ", ".join(names) + (f" +{_number(more)}" if more > 0 else "")


def headline(group: DigestGroup) -> Span:
    """The lead article's headline in bold, linked to it when it has an address."""
    title = _clip(" ".join(group.lead.title.split()) or _("Untitled"), _HEADLINE_LIMIT)
    return bold_link(title, group.lead.url) if group.lead.url else bold(title)


def story_item(group: DigestGroup) -> Text:
    """One story: headline, sources, and its sentences in an expandable quotation."""
    spans: list[Span | str] = [headline(group), plain("\n" + sources_line(group))]
    told: list[Span | str] = []
    size = 0
    for sentence in group.sentences:
        text = _clip(sentence.text, _QUOTE_LIMIT)
        label = "" if sentence.from_lead else f" ({_clip(sentence.source, 60)})"
        if told and size + len(text) + len(label) + 1 > _QUOTE_LIMIT:
            break
        told += [plain((" " if told else "") + text)] + ([italic(label)] if label else [])
        size += len(text) + len(label) + 1
    if not told:
        return Text.of(*spans)
    return Text.of(*spans, "\n", quoted(*told))


def split_items(items: Sequence[Text], limit: int = PART_LIMIT) -> list[tuple[Text, ...]]:
    """Pack items into parts of at most ``limit`` characters, breaking only between items.

    Measured as rendered HTML (never shorter than the plain text), so each part renders to
    exactly one Telegram message.
    """
    return [tuple(items[i] for i in part) for part in _pack(items, limit)]


def _pack(items: Sequence[Text], limit: int) -> list[list[int]]:
    parts: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index, item in enumerate(items):
        length = telegram_length(text_html(item))
        extra = length + (_SEPARATOR if current else 0)
        if current and size + extra > limit:
            parts.append(current)
            current, size = [], 0
            extra = length
        current.append(index)
        size += extra
    if current:
        parts.append(current)
    return parts


def _rows(buttons: list[Button]) -> list[list[Button]]:
    return [buttons[i : i + _BUTTONS_PER_ROW] for i in range(0, len(buttons), _BUTTONS_PER_ROW)]


def build_messages(
    topic: TopicView,
    articles: Sequence[ArticleView],
    total: int,
    *,
    max_items: int = MAX_ITEMS,
    sentences: int = SENTENCES_PER_ITEM,
    start: datetime | None = None,
    end: datetime | None = None,
    timezone: str = "UTC",
) -> tuple[Message, ...]:
    """The digest messages for these articles (newest first); ``total`` counts all in the window."""
    digest = build_digest(
        digest_articles(articles), max_items=max_items, sentences_per_item=sentences
    )
    return messages_for(topic, digest, len(articles), total, start, end, timezone)


def messages_for(
    topic: TopicView,
    digest: Digest,
    grouped: int,
    total: int,
    start: datetime | None,
    end: datetime | None,
    timezone: str,
) -> tuple[Message, ...]:
    """Lay a built digest out as messages, one per part."""
    opening: list[Span | str] = [
        bold(f"📰 {_clip(topic.name or topic.slug, 200)}"),
        " — " + counts_line(total, digest.story_count),
    ]
    if start is not None and end is not None:
        opening.append(f" · {period(start, end, timezone)}")
    if total > grouped:
        newest = ngettext(
            "(the newest {count} is grouped into stories)",
            "(the newest {count} are grouped into stories)",
            grouped,
        ).format(count=_number(grouped))
        opening.append(italic("\n" + newest))
    items = [Text.of(*opening)]
    leads: list[int | None] = [None]
    for group in digest.groups:
        items.append(story_item(group))
        leads.append(group.lead.id)
    more = digest.omitted
    if more:
        rest = ngettext("…and {count} more story.", "…and {count} more stories.", more)
        items.append(Text.of(italic(rest.format(count=_number(more)))))
        leads.append(None)
    messages = []
    packed = _pack(items, PART_LIMIT)
    for number, part in enumerate(packed):
        buttons = [
            Button(_("Summary #{id}").format(id=lead), f"sum:{lead}")
            for lead in (leads[i] for i in part)
            if lead is not None
        ]
        rows = _rows(buttons)
        if more and number == len(packed) - 1 and start is not None and end is not None:
            data = stories_data(topic.id, start, end, len(digest.groups))
            label = ngettext("{count} more story", "{count} more stories", more)
            rows.append([Button(label.format(count=_number(more)), data)])
        messages.append(Message(items=tuple(items[i] for i in part), keyboard=_keyboard(rows)))
    return tuple(messages)


def counts_line(articles: int, stories: int) -> str:
    """``12 new articles in 5 stories`` (each noun in the form its number takes)."""
    articles_part = ngettext("{count} new article", "{count} new articles", articles)
    stories_part = ngettext("in {count} story", "in {count} stories", stories)
    return _("{articles} {stories}").format(
        articles=articles_part.format(count=_number(articles)),
        stories=stories_part.format(count=_number(stories)),
    )


def _keyboard(rows: list[list[Button]]) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(row) for row in rows if row)


def empty_note(topic: TopicView, *, first: bool = False) -> Message:
    """The one-line note for chats that asked to hear about empty digests."""
    name = topic.name or topic.slug
    if first:  # there was no last digest to speak of
        return Message.of(_("Nothing new on {topic} yet.").format(topic=name))
    return Message.of(_("Nothing new on {topic} since the last digest.").format(topic=name))
