"""Inline mode: ``@bot <words>`` in any chat offers up to ten articles from the search.

Transport-free: a ``Request`` whose ``args`` is the typed query comes in, an ``InlineAnswer``
goes out (``bot/telegram/inline.py`` turns it into answerInlineQuery). Each result is one
article: its title, "source · date" as the description, and, as the message a pick sends, the
same summary /summary shows (cut so that it fits one Telegram message) with a link button.

- An empty query lists the newest articles; ``#12`` is article 12.
- A query with no letters or digits (emoji only, punctuation) has nothing to search for: the
  newest articles again, with a hint above them.
- A query that finds nothing answers with no results and a button into the bot's chat
  (Telegram shows it where the results would be), rather than a "nothing found" article
  that someone could send by mistake.
- Telegram stops a query at 256 characters; a long one is cut to the search's own limit.

Answers are the same for everyone (``is_personal`` false, Telegram caches them for
``CACHE_SECONDS``), and the core keeps each recent answer for as long, so a burst of the same
query (every keystroke of many users) runs one search.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from bot.core.commands.articles import MAX_QUERY, button_url
from bot.core.context import Context
from bot.core.deeplinks import INLINE_PAYLOAD, article_url
from bot.core.format import MAX_ARTICLE_ID, byline, shorten, summary_item
from bot.core.limits import TtlCache
from bot.core.render import render_html
from bot.core.types import Button, Message, Request
from bot.i18n import _, current_language
from storage.views import ArticleView

MAX_RESULTS = 10
CACHE_SECONDS = 30
CACHE_SIZE = 256
MEMO_KEY = __name__
_ARTICLE_ID = re.compile(r"^#\s*(\d{1,30})$")


@dataclass(frozen=True, slots=True)
class InlineArticle:
    """One result: what the list shows, and the message sent when it is picked."""

    id: str
    title: str
    description: str
    message: Message
    url: str | None = None


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    """The answer to one inline query; ``button`` is a (text, start payload) above results."""

    results: tuple[InlineArticle, ...] = ()
    cache_seconds: int = CACHE_SECONDS
    button: tuple[str, str] | None = None


def _cache(ctx: Context) -> TtlCache[tuple[str, str], InlineAnswer]:
    cache = ctx.memo.get(MEMO_KEY)
    if cache is None:
        cache = ctx.memo[MEMO_KEY] = TtlCache(CACHE_SIZE, CACHE_SECONDS)
    return cache


def normalized_query(text: str) -> str:
    """One line, single spaces, at most the search's length (cut at a word)."""
    query = " ".join(text.split())
    if len(query) > MAX_QUERY:
        query = query[:MAX_QUERY].rsplit(" ", 1)[0]
    return query


async def answer_inline(ctx: Context, req: Request) -> InlineAnswer:
    """The results for the query in ``req.args`` (the reply language is already set)."""
    query = normalized_query(req.args)
    key = (current_language(), query)
    now = ctx.now().timestamp()
    cached = _cache(ctx).get(key, now)
    if cached is not None:
        return cached
    answer = await _answer(ctx, query)
    _cache(ctx).put(key, answer, now)
    return answer


async def _answer(ctx: Context, query: str) -> InlineAnswer:
    if not query:
        return InlineAnswer(await _latest(ctx))
    wanted = _ARTICLE_ID.match(query)
    if wanted:
        article_id = int(wanted.group(1))
        article = None
        if 0 < article_id <= MAX_ARTICLE_ID:
            article = await ctx.call(ctx.store.get_article, article_id)
        if article is None:
            text = _("There is no article #{id}").format(id=str(article_id)[:20])
            return InlineAnswer((), button=(text, INLINE_PAYLOAD))
        return InlineAnswer((_result(ctx, article),))
    if not any(char.isalnum() for char in query):
        hint = _("Type words to search; here are the latest articles")
        return InlineAnswer(await _latest(ctx), button=(hint, INLINE_PAYLOAD))
    page = await ctx.call(ctx.store.search_articles, query, MAX_RESULTS)
    if not page.items:
        text = _("Nothing found for “{query}”").format(query=shorten(query, 40))
        return InlineAnswer((), button=(text, INLINE_PAYLOAD))
    return InlineAnswer(tuple(_result(ctx, article) for article in page.items))


async def _latest(ctx: Context) -> tuple[InlineArticle, ...]:
    page = await ctx.call(ctx.store.latest_articles, MAX_RESULTS)
    return tuple(_result(ctx, article) for article in page.items)


def _result(ctx: Context, article: ArticleView) -> InlineArticle:
    timezone = ctx.settings.default_timezone
    url = article.url if button_url(article.url) else None
    row = [Button(_("Read the article"), url=url)] if url else []
    # A username Telegram would not accept in a link (the console's): no button, still a result.
    with contextlib.suppress(ValueError):
        row.append(Button(_("Open in the bot"), url=article_url(ctx.bot_username, article.id)))
    message = _fitted_message(article, timezone, [row] if row else [])
    return InlineArticle(
        id=f"article-{article.id}",
        title=shorten(article.title, 200) or _("(untitled)"),
        description=byline(article, timezone),
        message=message,
        url=url,
    )


def _fitted_message(article: ArticleView, timezone: str, keyboard: list[list[Button]]) -> Message:
    """The summary as one message: sentences dropped from the end until it fits 4,096."""
    sentences = article.summary or (shorten(article.body, 600),)
    while True:
        message = Message.of(summary_item(article, sentences, timezone), keyboard=keyboard)
        if len(render_html(message)) == 1 or not sentences:
            return message
        sentences = sentences[:-1]
