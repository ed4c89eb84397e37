"""Feeds as OPML in chat: ``/feeds opml`` sends the followed feeds as a file, and an admin's
``.opml`` document with the caption ``/import`` follows every feed it lists.

The file arrives as an ``Attachment`` (the adapter downloads it, with a bound); its declared
size is checked before anything is downloaded, and the download stops past the bound anyway.
Parsing and storing are ``ingest.opml``'s; new feeds are polled by the feed poller on its next
tick, so the answer comes at once even for a long list.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.format import shorten
from bot.core.registry import command
from bot.core.template import fill
from bot.core.types import (
    AttachmentTooLarge,
    AttachmentUnavailable,
    Document,
    Reply,
    Request,
    Text,
    bold,
    code,
)
from bot.i18n import N_, _, ngettext
from ingest.opml import (
    MAX_IMPORTED_FEEDS,
    MAX_OPML_BYTES,
    OpmlError,
    OpmlImport,
    import_opml,
    write_opml,
)

OPML_SUFFIXES = (".opml", ".xml")
EXPORT_NAME = "newsbot-feeds.opml"
MAX_SKIPPED_SHOWN = 10


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _too_large(size: int | None) -> Reply:
    limit = _megabytes(MAX_OPML_BYTES)
    if size is None:
        text = _("That file is over {limit}, the most I import.").format(limit=limit)
    else:
        text = _("That file is {size}; an OPML file I import may be at most {limit}.").format(
            size=_megabytes(size), limit=limit
        )
    return Reply.say(text)


def _problem(error: OpmlError) -> str:
    """The user's-language answer for each way an OPML file can be unusable."""
    if error.kind == "too_large":
        return _("That file is over {limit}, the most I import.").format(
            limit=_megabytes(MAX_OPML_BYTES)
        )
    if error.kind == "entities":
        return _(
            "That file declares XML entities, which an OPML file never needs; I do not read "
            "such files."
        )
    if error.kind == "not_opml":
        return _("That file is XML but not OPML (it has no <opml> element).")
    if error.kind == "no_feeds":
        return _("That OPML file lists no feeds: none of its outlines has an xmlUrl.")
    if error.kind == "too_many":
        return _(
            "That OPML file lists more than {most} feeds; I import at most {most} at a time. "
            "Split it into smaller files."
        ).format(most=MAX_IMPORTED_FEEDS)
    return _(
        "That file is not valid XML, so I cannot read it as OPML. Export it from your feed "
        "reader again."
    )


def _summary(name: str, done: OpmlImport) -> Reply:
    line = Text.of(
        bold(_("Imported {file}").format(file=shorten(name, 80))),
        ": ",
        _counts(done),
    )
    items = [line]
    for entry, problem in done.skipped[:MAX_SKIPPED_SHOWN]:
        items.append(Text.of(code(shorten(entry.url, 120)), " — ", shorten(problem, 160)))
    if len(done.skipped) > MAX_SKIPPED_SHOWN:
        more = len(done.skipped) - MAX_SKIPPED_SHOWN
        items.append(Text.of(_("And {count} more skipped.").format(count=more)))
    if done.added:
        items.append(
            fill(_("New feeds are polled within a minute; {feeds} lists them."), feeds="/feeds")
        )
    return Reply.say(*items)


def _counts(done: OpmlImport) -> str:
    return ", ".join(
        (
            ngettext("{count} feed added", "{count} feeds added", len(done.added)).format(
                count=len(done.added)
            ),
            ngettext("{count} already followed", "{count} already followed", done.known).format(
                count=done.known
            ),
            ngettext("{count} skipped", "{count} skipped", len(done.skipped)).format(
                count=len(done.skipped)
            ),
        )
    ) + "."


@command(
    "import",
    help=N_("follow every feed of an OPML file: send the .opml file with this caption (admins)"),
    usage=N_("/import (the caption of an .opml file; in the console: /import FILE)"),
    admin=True,
    menu=False,
)
async def import_feeds(ctx: Context, req: Request) -> Reply:
    """Follow the feeds of the .opml document this command is the caption of."""
    attachment = req.attachment
    if attachment is None and req.chat.type == "console":  # no files to send in a terminal
        return Reply.say(
            fill(_("Name the file: {example}"), example=code("/import path/to/feeds.opml"))
        )
    if attachment is None:
        return Reply.say(
            fill(
                _("Send an OPML file (.opml, exported from a feed reader) with the caption "
                  "{command}, and I will follow every feed it lists."),
                command=code("/import"),
            )
        )
    if not attachment.filename.lower().endswith(OPML_SUFFIXES):
        return Reply.say(
            fill(
                _("{file} is not an OPML file: send an .opml file with the caption {command}."),
                file=bold(shorten(attachment.filename or "?", 80)),
                command=code("/import"),
            )
        )
    if attachment.size is not None and attachment.size > MAX_OPML_BYTES:
        return _too_large(attachment.size)  # refused before anything is downloaded
    try:
        content = await attachment.read(MAX_OPML_BYTES)
    except AttachmentTooLarge:
        return _too_large(None)
    except AttachmentUnavailable:
        return Reply.say(_("I could not read that file. Please send it again."))
    try:
        done = await ctx.call(
            import_opml,
            ctx.store,
            content,
            every_minutes=ctx.settings.feed_every_minutes,
            added_by=req.actor or "admin",
        )
    except OpmlError as error:
        return Reply.say(_problem(error))
    await ctx.call(
        ctx.store.audit,
        "/import",
        actor_id=req.user_id,
        chat_id=req.chat.id,
        detail=f"{attachment.filename}: {len(done.added)} added"[:200],
    )
    return _summary(attachment.filename, done)


async def export_feeds(ctx: Context, req: Request) -> Reply:
    """``/feeds opml``: the followed feeds as an OPML file."""
    feeds = await ctx.call(ctx.store.list_feeds)
    if not feeds:
        add = code("/addfeed <url>")
        return Reply.say(fill(_("No feeds to export yet. Add one with {command}."), command=add))
    caption = ngettext("{count} feed, as OPML", "{count} feeds, as OPML", len(feeds))
    document = Document(
        EXPORT_NAME,
        await ctx.call(write_opml, feeds),
        "text/x-opml",
        caption.format(count=len(feeds)),
    )
    return Reply.file(document)
