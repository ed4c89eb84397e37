"""Link summaries for everyone: ``/summary <url>`` and a URL pasted alone in a private chat.

Any user gets the summary of a page that is not stored: it is fetched through the ingestor's
guarded fetcher (the same SSRF rules as /add), summarized and tagged, and shown, never stored
(an admin stores it with /add). Each user may make ``NEWSBOT_LINK_LIMIT`` fetches in any
``NEWSBOT_LINK_WINDOW`` minutes; admins are not limited. The same link asked for again within
an hour is answered from a small cache, without a fetch and without counting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from bot.core.commands.articles import button_url, fitted_summary
from bot.core.context import Context
from bot.core.errors import error_text
from bot.core.format import bullets, local_time, shorten
from bot.core.limits import TtlCache, WindowLimit
from bot.core.progress import report_progress
from bot.core.template import fill
from bot.core.types import Button, Reply, Request, Span, Text, bold, code, italic, link
from bot.i18n import _, ngettext
from ingest.errors import IngestError, NotAPage, PrivateAddress
from storage.urls import normalize_url
from storage.views import ArticleDraft

CACHE_SECONDS = 60 * 60
CACHE_SIZE = 128  # pages
# The text kept with a cached page (only a chat that wants more sentences than were made
# summarizes it again): 128 pages of at most this much bound the cache to a few tens of MB.
CACHED_TEXT = 50_000
MEMO_KEY = __name__


@dataclass
class LinkState:
    """What link summaries keep between requests, one per Core."""

    pages: TtlCache[str, ArticleDraft]
    fetches: WindowLimit[int]


def link_state(ctx: Context) -> LinkState:
    """This core's cache and per-user limit, made on first use from the settings."""
    state = ctx.memo.get(MEMO_KEY)
    if state is None:
        window = ctx.settings.link_window_minutes * 60
        state = LinkState(
            TtlCache(CACHE_SIZE, CACHE_SECONDS), WindowLimit(ctx.settings.link_limit, window)
        )
        ctx.memo[MEMO_KEY] = state
    return state


def _cache_key(url: str) -> str:
    try:
        return normalize_url(url)
    except ValueError:
        return url


async def link_summary(ctx: Context, req: Request, url: str) -> Reply:
    """The summary of the page at ``url`` (not stored), or one clear line why not."""
    state = link_state(ctx)
    key = _cache_key(url.strip())
    now = ctx.now().timestamp()
    page = state.pages.get(key, now)
    if page is None:
        if not ctx.is_admin(req):
            wait = state.fetches.take(req.user_id or req.chat.id, now)
            if wait:
                return Reply.say(_limit_message(ctx, wait))
        await report_progress(fetching_notice(url))
        try:
            page = await ctx.fetching(ctx.ingestor.summarize_url, url)
        except IngestError as error:
            return Reply.say(_refusal(error))
        page = replace(page, body=page.body[:CACHED_TEXT])
        state.pages.put(key, page, now)
        if page.url:
            state.pages.put(_cache_key(page.url), page, now)  # the page a redirect led to
    return await _page_reply(ctx, req, page)


def fetching_notice(url: str) -> Text:
    """"Fetching example.com …": the progress line while a page is fetched."""
    host = urlsplit(url.strip()).hostname or url
    return fill(_("Fetching {host} …"), host=shorten(host, 80))


def _limit_message(ctx: Context, wait: float) -> Text:
    minutes = max(1, math.ceil(wait / 60))
    limit = ctx.settings.link_limit
    window = ctx.settings.link_window_minutes
    return Text.of(
        ngettext(
            "You have asked for {count} link in the last {window} minutes, which is the limit.",
            "You have asked for {count} links in the last {window} minutes, which is the limit.",
            limit,
        ).format(count=limit, window=window),
        " ",
        ngettext(
            "Please try again in {minutes} minute.",
            "Please try again in {minutes} minutes.",
            minutes,
        ).format(minutes=minutes),
    )


def _refusal(error: IngestError) -> Text:
    """A fetch failure in the user's language where we know its kind; else its own line."""
    if isinstance(error, PrivateAddress):
        return fill(
            _("I can't fetch {host}: it is a private or local address, not a public web page."),
            host=code(shorten(error.host, 80)),
        )
    if isinstance(error, NotAPage):
        media = error.media_type
        if media == "application/pdf":
            return Text.of(_("That link is a PDF file. I summarize web pages and plain text."))
        if media.startswith("image/"):
            return Text.of(_("That link is an image. I summarize web pages and plain text."))
        return fill(
            _("That link is not a web page ({type}). I summarize web pages and plain text."),
            type=code(shorten(media or "?", 60)),
        )
    return Text.of(error_text(error))


async def _page_reply(ctx: Context, req: Request, page: ArticleDraft) -> Reply:
    chat = await ctx.chat_view(req)
    sentences = await fitted_summary(ctx, page.summary, page.title, page.body, chat)
    title = shorten(page.title, 300) or _("(untitled)")
    headline: Span = link(title, page.url) if page.url else bold(title)
    byline = [shorten(page.source, 80)] if page.source else []
    if page.published_at is not None:
        byline.append(local_time(page.published_at, chat.timezone))
    lines: list[str | Span | Text] = [headline]
    if byline:
        lines += ["\n", italic(" · ".join(byline))]
    lines += ["\n\n", bullets(sentences) or _("(nothing to summarize)")]
    note = _("A summary of the link; it is not stored.")
    if ctx.is_admin(req):
        note += " " + _("Store it with /add <url>.")
    keyboard = [[Button(_("Read the article"), url=page.url)]] if button_url(page.url) else []
    return Reply.say(Text.of(*lines), Text.of(italic(note)), keyboard=keyboard)
