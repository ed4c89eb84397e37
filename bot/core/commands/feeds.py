"""Admin feed commands: /addfeed <url> [every=<minutes>], /feeds, /delfeed <id | url>."""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.format import local_time, shorten
from bot.core.registry import command
from bot.core.types import Reply, Request, Text, bold, code, italic, plain
from bot.i18n import N_
from ingest.errors import IngestError
from ingest.feeds import DEFAULT_EVERY_MINUTES, AddFeedOutcome, FeedPoller, add_feed, delete_feed

MAX_LISTED = 50
_EVERY = re.compile(r"^every=(\S*)$", re.IGNORECASE)
ADDFEED_USAGE = (
    "Usage: /addfeed <url> [every=<minutes>], e.g. /addfeed https://example.com/rss every=30"
)


def parse_addfeed(args: str, default_every: int = DEFAULT_EVERY_MINUTES) -> tuple[str, int]:
    """``<url> [every=<minutes>]`` -> (url, minutes); IngestError with the usage otherwise."""
    url = ""
    every = default_every
    for token in args.split():
        found = _EVERY.match(token)
        if found:
            value = found.group(1).lower().removesuffix("m").removesuffix("min")
            if not value.isdigit():
                raise IngestError(f"every= takes a number of minutes. {ADDFEED_USAGE}")
            every = int(value[:9])
        elif not url:
            url = token
        else:
            raise IngestError(f"Too many arguments. {ADDFEED_USAGE}")
    if not url:
        raise IngestError(ADDFEED_USAGE)
    return url, every


def _add(ctx: Context, url: str, every: int, added_by: str) -> AddFeedOutcome:
    with FeedPoller(ctx.store, ingestor=ctx.ingestor) as poller:
        return add_feed(ctx.store, url, every_minutes=every, added_by=added_by, poller=poller)


@command(
    "addfeed",
    help=N_("follow an RSS or Atom feed (admins)"),
    usage="/addfeed <url> [every=<minutes>]",
    examples=("/addfeed https://example.com/rss.xml", "/addfeed https://example.com/atom every=30"),
    admin=True,
)
async def addfeed(ctx: Context, req: Request) -> Reply:
    """Follow a feed; its first poll runs at once and the answer says how many entries came."""
    try:
        url, every = parse_addfeed(req.args, ctx.settings.feed_every_minutes)
        outcome = await ctx.fetching(_add, ctx, url, every, req.actor or "admin")
    except IngestError as error:
        return Reply.say(str(error))
    feed = outcome.feed
    await ctx.call(
        ctx.store.audit,
        "/addfeed",
        actor_id=req.user_id,
        chat_id=req.chat.id,
        detail=f"#{feed.id} {feed.url}"[:200],
    )
    name = shorten(feed.title or feed.url, 120)
    if not outcome.created:
        return Reply.say(
            Text.of("Already following this feed as ", bold(f"#{feed.id}"), f": {name}.")
        )
    poll = outcome.poll
    count = poll.new_entries if poll is not None else 0
    entries = f"{count} new {'entry' if count == 1 else 'entries'}"
    return Reply.say(
        Text.of("Following feed ", bold(f"#{feed.id}"), f": {name}"),
        Text.of(
            f"First poll: {entries} came in. Polled every {feed.every_minutes} min. ",
            "See them with ",
            code("/latest"),
            ".",
        ),
    )


def _feed_item(feed_id: int, url: str, title: str, polled: str, count: int, error: str) -> Text:
    parts: list[str | Text] = [
        Text.of(bold(f"#{feed_id}"), " ", plain(shorten(title, 100) + "\n" if title else "")),
        Text.of(code(shorten(url, 200)), "\n"),
        italic(f"last poll: {polled} · {count} {'entry' if count == 1 else 'entries'}"),
    ]
    if error:
        parts.append(Text.of("\n", italic(f"last error: {shorten(error, 160)}")))
    return Text.of(*parts)


@command("feeds", help=N_("the feeds the bot follows (admins)"), usage="/feeds", admin=True)
async def feeds(ctx: Context, req: Request) -> Reply:
    """List each feed's id, URL, last poll, entry count and last error."""
    all_feeds = await ctx.call(ctx.store.list_feeds)
    if not all_feeds:
        return Reply.say(Text.of("No feeds yet. Add one with ", code("/addfeed <url>"), "."))
    timezone = (await ctx.chat_view(req)).timezone
    items: list[Text] = [Text.of(bold(f"Feeds ({len(all_feeds)})"))]
    for feed in all_feeds[:MAX_LISTED]:
        polled = local_time(feed.last_polled_at, timezone) if feed.last_polled_at else "never"
        items.append(
            _feed_item(feed.id, feed.url, feed.title, polled, feed.entry_count, feed.last_error)
        )
    if len(all_feeds) > MAX_LISTED:
        items.append(Text.of(italic(f"And {len(all_feeds) - MAX_LISTED} more.")))
    return Reply.say(*items)


@command(
    "delfeed",
    help=N_("stop following a feed (admins)"),
    usage="/delfeed <id | url>",
    examples=("/delfeed 3", "/delfeed https://example.com/rss.xml"),
    admin=True,
)
async def delfeed(ctx: Context, req: Request) -> Reply:
    """Stop following a feed given by id or URL (its articles stay)."""
    key = req.args.strip()
    if not key or len(key.split()) != 1:
        return Reply.say("Usage: /delfeed <id | url>; /feeds shows the ids.")
    removed = await ctx.call(delete_feed, ctx.store, key)
    if removed is None:
        return Reply.say(Text.of("No feed ", code(shorten(key, 100)), ". /feeds lists them."))
    await ctx.call(
        ctx.store.audit,
        "/delfeed",
        actor_id=req.user_id,
        chat_id=req.chat.id,
        detail=f"#{removed.id} {removed.url}"[:200],
    )
    return Reply.say(
        Text.of(
            "Stopped following feed ",
            bold(f"#{removed.id}"),
            f" ({shorten(removed.title or removed.url, 120)}). Its articles stay.",
        )
    )
