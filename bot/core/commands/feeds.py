"""Admin feed commands: /addfeed <url> [every=<minutes>], /feeds, /delfeed <id | url>."""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.errors import coded_text, error_text
from bot.core.format import local_time, shorten
from bot.core.registry import command
from bot.core.template import fill
from bot.core.types import Reply, Request, Text, bold, code, italic, plain
from bot.i18n import N_, _, ngettext
from ingest.errors import IngestError
from ingest.feeds import DEFAULT_EVERY_MINUTES, AddFeedOutcome, FeedPoller, add_feed, delete_feed
from storage.views import FeedView

MAX_LISTED = 50
_EVERY = re.compile(r"^every=(\S*)$", re.IGNORECASE)


class AddFeedUsageError(ValueError):
    """/addfeed written wrongly; str() is the reply, usage included, in the reply language."""


def addfeed_usage() -> str:
    """How /addfeed is written, in the reply language."""
    return _("Usage: {form}, e.g. {example}").format(
        form="/addfeed <url> [every=<minutes>]", example="/addfeed https://example.com/rss every=30"
    )


def parse_addfeed(args: str, default_every: int = DEFAULT_EVERY_MINUTES) -> tuple[str, int]:
    """``<url> [every=<minutes>]`` -> (url, minutes); AddFeedUsageError otherwise."""
    url = ""
    every = default_every
    for token in args.split():
        found = _EVERY.match(token)
        if found:
            value = found.group(1).lower().removesuffix("m").removesuffix("min")
            if not value.isdigit():
                problem = _("every= takes a number of minutes.")
                raise AddFeedUsageError(f"{problem} {addfeed_usage()}")
            every = int(value[:9])
        elif not url:
            url = token
        else:
            raise AddFeedUsageError(f"{_('Too many arguments.')} {addfeed_usage()}")
    if not url:
        raise AddFeedUsageError(addfeed_usage())
    return url, every


def _add(ctx: Context, url: str, every: int, added_by: str) -> AddFeedOutcome:
    with FeedPoller(ctx.store, ingestor=ctx.ingestor) as poller:
        return add_feed(ctx.store, url, every_minutes=every, added_by=added_by, poller=poller)


@command(
    "addfeed",
    help=N_("follow an RSS or Atom feed (admins)"),
    usage=N_("/addfeed <url> [every=<minutes>]"),
    examples=("/addfeed https://example.com/rss.xml", "/addfeed https://example.com/atom every=30"),
    admin=True,
)
async def addfeed(ctx: Context, req: Request) -> Reply:
    """Follow a feed; its first poll runs at once and the answer says how many entries came."""
    try:
        url, every = parse_addfeed(req.args, ctx.settings.feed_every_minutes)
        outcome = await ctx.fetching(_add, ctx, url, every, req.actor or "admin")
    except AddFeedUsageError as error:
        return Reply.say(str(error))
    except IngestError as error:
        return Reply.say(error_text(error))
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
            fill(
                _("Already following this feed as {id}: {name}."),
                id=bold(f"#{feed.id}"),
                name=name,
            )
        )
    poll = outcome.poll
    count = poll.new_entries if poll is not None else 0
    first_poll = ngettext(
        "First poll: {count} new entry came in.", "First poll: {count} new entries came in.", count
    ).format(count=count)
    every = ngettext(
        "Polled every {minutes} minute.", "Polled every {minutes} minutes.", feed.every_minutes
    ).format(minutes=feed.every_minutes)
    return Reply.say(
        fill(_("Following feed {id}: {name}"), id=bold(f"#{feed.id}"), name=name),
        Text.of(
            f"{first_poll} {every} ",
            fill(_("See them with {command}."), command=code("/latest")),
        ),
    )


def _last_error(feed: FeedView) -> str:
    """The feed's last error in the reply language; a row stored before errors kept their
    code has only its English line, shown as it is."""
    if not feed.last_error:
        return ""
    return coded_text(feed.last_error_code, feed.last_error_params, feed.last_error)


def _feed_item(feed_id: int, url: str, title: str, polled: str, count: int, error: str) -> Text:
    parts: list[str | Text] = [
        Text.of(bold(f"#{feed_id}"), " ", plain(shorten(title, 100) + "\n" if title else "")),
        Text.of(code(shorten(url, 200)), "\n"),
        italic(
            ngettext(
                "last poll: {polled} · {count} entry",
                "last poll: {polled} · {count} entries",
                count,
            ).format(polled=polled, count=count)
        ),
    ]
    if error:
        last_error = _("last error: {error}").format(error=shorten(error, 160))
        parts.append(Text.of("\n", italic(last_error)))
    return Text.of(*parts)


@command(
    "feeds",
    help=N_("the feeds the bot follows; /feeds opml sends them as an OPML file (admins)"),
    usage="/feeds [opml]",
    examples=("/feeds", "/feeds opml"),
    admin=True,
)
async def feeds(ctx: Context, req: Request) -> Reply:
    """List each feed's id, URL, last poll, entry count and last error (or send them as OPML)."""
    if req.args.strip().lower() == "opml":
        from bot.core.commands.opml import export_feeds

        return await export_feeds(ctx, req)
    all_feeds = await ctx.call(ctx.store.list_feeds)
    if not all_feeds:
        return Reply.say(
            fill(_("No feeds yet. Add one with {command}."), command=code("/addfeed <url>"))
        )
    timezone = (await ctx.chat_view(req)).timezone
    items: list[Text] = [Text.of(bold(_("Feeds ({count})").format(count=len(all_feeds))))]
    for feed in all_feeds[:MAX_LISTED]:
        polled = local_time(feed.last_polled_at, timezone) if feed.last_polled_at else _("never")
        items.append(
            _feed_item(feed.id, feed.url, feed.title, polled, feed.entry_count, _last_error(feed))
        )
    if len(all_feeds) > MAX_LISTED:
        more = len(all_feeds) - MAX_LISTED
        items.append(Text.of(italic(_("And {count} more.").format(count=more))))
    return Reply.say(*items)


@command(
    "delfeed",
    help=N_("stop following a feed (admins)"),
    usage=N_("/delfeed <id | url>"),
    examples=("/delfeed 3", "/delfeed https://example.com/rss.xml"),
    admin=True,
)
async def delfeed(ctx: Context, req: Request) -> Reply:
    """Stop following a feed given by id or URL (its articles stay)."""
    key = req.args.strip()
    if not key or len(key.split()) != 1:
        return Reply.say(
            _("Usage: {form}; /feeds shows the ids.").format(form="/delfeed <id | url>")
        )
    removed = await ctx.call(delete_feed, ctx.store, key)
    if removed is None:
        return Reply.say(
            fill(_("No feed {key}. /feeds lists them."), key=code(shorten(key, 100)))
        )
    await ctx.call(
        ctx.store.audit,
        "/delfeed",
        actor_id=req.user_id,
        chat_id=req.chat.id,
        detail=f"#{removed.id} {removed.url}"[:200],
    )
    return Reply.say(
        fill(
            _("Stopped following feed {id} ({name}). Its articles stay."),
            id=bold(f"#{removed.id}"),
            name=shorten(removed.title or removed.url, 120),
        )
    )
