"""/latest, /summary and /search, their buttons, and plain text sent to the bot.

/summary of a URL answers from the stored article with that URL; an unknown URL is fetched and
summarized for anyone, without storing it (bot/core/commands/links.py); a URL pasted alone in a
private chat is the same as /summary <url>.
Plain text in a private chat: a "Summarize this" button cannot carry the text (callback_data
holds 64 bytes), so a text long enough to summarize is summarized at once, with a hint; a short
one gets a pointer to /help. In groups, plain text is chatter and is ignored.
"""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.format import (
    MAX_ARTICLE_ID,
    article_item,
    bullets,
    is_url,
    parse_article_id,
    summary_item,
)
from bot.core.registry import callback, command
from bot.core.search_query import unsearchable
from bot.core.template import fill
from bot.core.types import (
    CALLBACK_DATA_LIMIT,
    Button,
    Message,
    Reply,
    Request,
    Text,
    bold,
    code,
    fit_callback,
    italic,
)
from bot.i18n import N_, _
from storage.views import ArticleView, ChatView, Page, TopicView
from summarizer import SummarizerError, budget_for, summarize

DEFAULT_COUNT = 5
MAX_COUNT = 20
PAGE_SIZE = 5
MAX_QUERY = 200
MIN_TEXT_TO_SUMMARIZE = 80
MAX_TEXT_BYTES = 100 * 1024
# Rough sentence ends: a paragraph's last sentence ends at a newline, not at ". ".
_SENTENCE_END = re.compile(r"[.!?…。]+[\"'”’»)]*(?:\s|$)")


async def _find_topic(ctx: Context, name: str) -> TopicView | None:
    return await ctx.call(ctx.store.find_topic, name.strip()) if name.strip() else None


async def _topic_missing(ctx: Context, name: str) -> Reply:
    known = await ctx.known_topics()
    return Reply.say(
        fill(_("There is no topic {name}. Topics: {known}."), name=bold(name[:100]), known=known),
        fill(
            _("Usage: {usage}, e.g. {example}"),
            usage=code(_("/latest [n] [topic]")),
            example=code("/latest 10 energy"),
        ),
    )


def _parse_latest_args(args: str) -> tuple[int | None, str, str | None]:
    """(count, topic words, error) from ``[n] [topic]`` (the number may also come last)."""
    words = args.split()
    count: int | None = None
    for index in (0, -1):
        if words and words[index].lstrip("+-").isdigit():
            raw = words.pop(index)
            if len(raw) > 6 or not 1 <= int(raw) <= MAX_COUNT:
                note = _("I show between 1 and {most} articles at a time").format(most=MAX_COUNT)
                if len(raw) <= 6 and int(raw) > MAX_COUNT:
                    count = MAX_COUNT
                    newest = _("{note}: here are the {most} newest.")
                    return count, " ".join(words), newest.format(note=note, most=MAX_COUNT)
                example = _("{note}, e.g. /latest 10.")
                return None, " ".join(words), example.format(note=note)
            count = int(raw)
            break
    return count, " ".join(words), None


def _listing(
    header: Text,
    page: Page,
    chat: ChatView,
    requested: int,
    more_data: str | None,
    back_data: str | None = None,
) -> Message:
    """A page of articles with Summary buttons, then "◂ Back" (past the first page) and
    "More ▸" (when there is more): a press edits this message in place."""
    items = [header, *(article_item(article, chat.timezone) for article in page.items)]
    buttons = [
        Button(_("Summary #{id}").format(id=article.id), f"sum:{article.id}")
        for article in page.items
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    has_more = page.has_more or (page.total is None and len(page.items) == requested)
    paging = [Button(_("◂ Back"), back_data)] if back_data else []
    if has_more and more_data:
        paging.append(Button(_("More ▸"), more_data))
    rows.append(paging)
    return Message.of(*items, keyboard=rows)


async def _latest_page(
    ctx: Context, req: Request, count: int, offset: int, topic: TopicView | None
) -> Reply:
    chat = await ctx.chat_view(req)
    page = await ctx.call(
        ctx.store.latest_articles,
        count,
        topic_slug=topic.slug if topic else None,
        offset=offset,
    )
    if not page.items:
        if offset:  # a More press on a list that has shrunk meanwhile: keep the list
            return Reply.nothing(toast=_("That was all: there are no older articles."))
        if topic:
            empty = _("No articles in {topic} yet.").format(topic=topic.name)
        else:
            empty = _("No articles yet.")
        hint = " " + _("Admins add articles with /add.") if ctx.is_admin(req) else ""
        return Reply.say(empty + hint)
    title = _("Latest in {topic}").format(topic=topic.name) if topic else _("Latest articles")
    if offset:
        title += " " + _("(from {position})").format(position=offset + 1)
    more = _more_data(offset + len(page.items), count, topic)
    back = _more_data(max(0, offset - count), count, topic) if offset else None
    listing = _listing(Text.of(bold(title)), page, chat, count, more, back)
    return Reply((listing,))


def _more_data(offset: int, count: int, topic: TopicView | None) -> str:
    """``more:<offset>+<count>:<slug or ->``; a slug too long for 64 bytes becomes ``#<id>``."""
    data = f"more:{offset}+{count}:{topic.slug if topic else '-'}"
    if topic is not None and len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        data = f"more:{offset}+{count}:#{topic.id}"
    return data


def _bounded_int(raw: str, default: int, low: int, high: int) -> int:
    """``raw`` as an int within [low, high], else ``default`` (buttons can be forged)."""
    if raw.isdigit() and len(raw) < 9 and low <= int(raw) <= high:
        return int(raw)
    return default


async def _topic_from_callback(ctx: Context, value: str) -> TopicView | None:
    if value.startswith("#") and value[1:].isdigit():
        return await ctx.topic_by_id(int(value[1:]))
    return await _find_topic(ctx, value)


@command(
    "latest",
    help=N_("the newest articles (5 by default, at most 20), optionally of one topic"),
    usage=N_("/latest [n] [topic]"),
    examples=("/latest", "/latest 10", "/latest energy", "/latest 3 china-russia"),
)
async def latest(ctx: Context, req: Request) -> Reply:
    """Newest articles, newest first, with Summary and More buttons."""
    whole = req.args.strip()
    if whole and not whole.lstrip("+-#").isdigit():
        named = await _find_topic(ctx, whole)  # a name ending in a number: "Web 3"
        if named is not None:
            return await _latest_page(ctx, req, DEFAULT_COUNT, 0, named)
    count, topic_name, problem = _parse_latest_args(req.args)
    if count is None and problem:
        return Reply.say(problem)
    topic = None
    if topic_name:
        topic = await _find_topic(ctx, topic_name)
        if topic is None:
            return await _topic_missing(ctx, topic_name)
    reply = await _latest_page(ctx, req, count or DEFAULT_COUNT, 0, topic)
    if problem:
        return Reply((Message.of(problem), *reply.messages))
    return reply


@callback("more")
async def on_more(ctx: Context, req: Request, payload: str) -> Reply:
    """More ▸ and ◂ Back of /latest: ``more:<offset>+<page size>:<topic slug or ->``; the
    list is edited in place."""
    position, _sep, slug = payload.partition(":")
    raw_offset, _sep, raw_count = position.partition("+")
    offset = _bounded_int(raw_offset, 0, 0, 10**8)
    count = _bounded_int(raw_count, PAGE_SIZE, 1, MAX_COUNT)
    topic = None
    if slug and slug != "-":
        topic = await _topic_from_callback(ctx, slug)
        if topic is None:
            return Reply.nothing(toast=_("That topic no longer exists."))
    reply = await _latest_page(ctx, req, count, offset, topic)
    return Reply(reply.messages, edit=True, toast=reply.toast)


async def _stored_summary(ctx: Context, article: ArticleView, chat: ChatView) -> tuple[str, ...]:
    """The stored summary cut to the chat's length."""
    return await fitted_summary(ctx, article.summary, article.title, article.body, chat)


async def fitted_summary(
    ctx: Context, stored: tuple[str, ...], title: str, body: str, chat: ChatView
) -> tuple[str, ...]:
    """A summary made once (``stored``) cut to the chat's length.

    Recomputed from the body only when the chat wants more sentences than were stored and the
    body (roughly counted) has more to give.
    """
    wanted = max(1, chat.summary_length)
    if len(stored) >= wanted:
        return stored[:wanted]
    if stored and len(stored) >= len(_SENTENCE_END.findall(body)):
        return stored
    try:
        fresh = await ctx.call(summarize, body, sentences=wanted, title=title,
                               max_chars=budget_for(wanted))
    except SummarizerError:
        return stored
    return fresh.sentences or stored


async def _article_reply(ctx: Context, req: Request, article: ArticleView) -> Reply:
    chat = await ctx.chat_view(req)
    sentences = await _stored_summary(ctx, article, chat)
    item = summary_item(article, sentences, chat.timezone)
    keyboard = (
        [[Button(_("Read the article"), url=article.url)]] if button_url(article.url) else []
    )
    return Reply.say(item, keyboard=keyboard)


def button_url(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://")) and len(url) < 2000


async def _summarize_text(ctx: Context, req: Request, text: str, *, hint: str = "") -> Reply:
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        return Reply.say(_("That text is over 100 KB: please send a shorter one."))
    chat = await ctx.chat_view(req)
    wanted = max(1, chat.summary_length)  # the CLI's character budget for that many sentences
    result = await ctx.call(summarize, text, sentences=wanted, max_chars=budget_for(wanted))
    lines: list[str | Text] = [Text.of(bold(_("Summary")))]
    lines.append(bullets(result.sentences) or _("(nothing to summarize)"))
    if result.sentences and " ".join(result.sentences).strip() == " ".join(text.split()):
        lines.append(Text.of(italic(_("The text is already short: that is all of it."))))
    if hint:
        lines.append(Text.of(italic(hint)))
    return Reply.say(*lines)


async def _summary_of_url(ctx: Context, req: Request, url: str) -> Reply:
    article = await ctx.call(ctx.store.find_article_by_url, url)
    if article is not None:
        return await _article_reply(ctx, req, article)
    from bot.core.commands.links import link_summary

    return await link_summary(ctx, req, url)


async def _latest_article(ctx: Context) -> ArticleView | None:
    page = await ctx.call(ctx.store.latest_articles, 1)
    return page.items[0] if page.items else None


@command(
    "summary",
    help=N_("the summary of a stored article, a link, your text, or the message you reply to"),
    usage=N_("/summary <id | URL | text>"),
    examples=(
        "/summary #12",
        "/summary 12",
        "/summary https://example.com/news/1",
        N_("/summary <paste a text>"),
    ),
)
async def summary(ctx: Context, req: Request) -> Reply:
    """Summarize by id, URL, pasted text, replied-to message; no argument: the latest article."""
    args = req.args.strip()
    if not args:
        if req.reply_to_text and req.reply_to_text.strip():
            return await _summarize_text(ctx, req, req.reply_to_text)
        article = await _latest_article(ctx)
        if article is None:
            return Reply.say(
                _("There are no articles yet. Paste a text after /summary instead.")
            )
        return await _article_reply(ctx, req, article)
    article_id = parse_article_id(args)
    if article_id is not None:
        return await summary_by_id(ctx, req, article_id)
    if is_url(args):
        return await _summary_of_url(ctx, req, args)
    return await _summarize_text(ctx, req, args)


async def summary_by_id(ctx: Context, req: Request, article_id: int) -> Reply:
    """The stored article's summary, or a clear 'no such article'."""
    article = None
    if 0 < article_id <= MAX_ARTICLE_ID:
        article = await ctx.call(ctx.store.get_article, article_id)
    if article is None:
        return Reply.say(
            _("There is no article #{id}. /latest shows the newest ones.").format(
                id=str(article_id)[:40]
            )
        )
    return await _article_reply(ctx, req, article)


@callback("sum")
async def on_summary(ctx: Context, req: Request, payload: str) -> Reply:
    """The Summary button: ``sum:<id>``."""
    article_id = parse_article_id(payload)
    if article_id is None:
        return Reply.nothing(toast=_("This button no longer works."))
    return await summary_by_id(ctx, req, article_id)


async def _search_page(ctx: Context, req: Request, query: str, offset: int) -> Reply:
    chat = await ctx.chat_view(req)
    page = await ctx.call(ctx.store.search_articles, query, PAGE_SIZE, offset=offset)
    if not page.items:
        if offset:
            return Reply.nothing(toast=_("No more results."))
        return Reply.say(
            fill(_("Nothing found for {query}. Try other words, or /latest."), query=bold(query))
        )
    header = Text.of(bold(_("Search:") + " "), query)
    if offset:
        header += " " + _("(from {position})").format(position=offset + 1)
    more = fit_callback(f"search:{offset + len(page.items)}:", query)
    back = fit_callback(f"search:{max(0, offset - PAGE_SIZE)}:", query) if offset else None
    return Reply((_listing(header, page, chat, PAGE_SIZE, more, back),))


@command(
    "search",
    help=N_("full-text search in the stored articles"),
    usage=N_('/search <words | "a phrase" | -excluded>'),
    examples=("/search pipeline gas", '/search "interest rates" -china', "/search Путина"),
)
async def search(ctx: Context, req: Request) -> Reply:
    """Full-text search, best match first, with a More button."""
    query = " ".join(req.args.split())
    if not query:
        return Reply.say(
            fill(_("What should I look for? e.g. {example}"), example=code("/search gas pipeline"))
        )
    if len(query) > MAX_QUERY:
        query = query[:MAX_QUERY].rsplit(" ", 1)[0]
    if (refusal := unsearchable(query)) is not None:
        return Reply.say(refusal)
    return await _search_page(ctx, req, query, 0)


@callback("search")
async def on_search(ctx: Context, req: Request, payload: str) -> Reply:
    """More ▸ and ◂ Back of /search: ``search:<offset>:<query>`` (long queries cut to fit);
    the list is edited in place."""
    raw_offset, _sep, query = payload.partition(":")
    offset = int(raw_offset) if raw_offset.isdigit() and len(raw_offset) < 9 else 0
    query = " ".join(query.split())
    if not query:
        return Reply.nothing(toast=_("This button no longer works."))
    reply = await _search_page(ctx, req, query, offset)
    return Reply(reply.messages, edit=True, toast=reply.toast)


async def plain_text(ctx: Context, req: Request) -> Reply:
    """A message that is not a command: in private chats, summarize a text; else a pointer."""
    if not req.chat.is_private or req.edited:
        return Reply.nothing()
    text = req.text.strip()
    if not text:
        return Reply.nothing()
    if is_url(text):
        return await _summary_of_url(ctx, req, text)
    if len(text) >= MIN_TEXT_TO_SUMMARIZE and len(text.split()) >= 12:
        return await _summarize_text(
            ctx,
            req,
            text,
            hint=_("You sent a text, so I summarized it. /help lists what else I do."),
        )
    return Reply.say(
        _(
            "Send /help to see what I can do. To summarize a text or a web page, send /summary "
            "followed by it, or just paste a longer text or a link here."
        )
    )
