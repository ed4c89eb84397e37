"""/start and /help: what the bot does and every command with examples."""

from __future__ import annotations

from bot.core import registry
from bot.core.commands.start_links import deep_link_reply
from bot.core.context import Context
from bot.core.registry import command
from bot.core.types import Message, Reply, Request, Span, Text, bold, code, italic
from bot.i18n import N_, _

INTRO = N_(
    "I serve short extractive summaries of news articles and send topic digests "
    "at the hour you choose."
)


@command(
    "start",
    help=N_("what this bot does"),
    usage="/start",
)
async def start(ctx: Context, req: Request) -> Reply:
    """Greet; a chat that had blocked the bot and came back gets its digests resumed.

    ``/start <payload>`` (a t.me deep link) opens what the link names instead of the welcome;
    a link that names nothing gets the welcome with one line about it.
    """
    chat = await ctx.chat_view(req)
    resumed = ""
    if chat.blocked_at is not None:
        await ctx.call(ctx.store.set_chat_blocked, req.chat.id, False)
        await ctx.subscriptions_changed(req.chat.id)
        resumed = "\n" + _("Welcome back: your digests are on again.")
    link_note: Text | None = None
    if req.args.strip():
        opened = await deep_link_reply(ctx, req, req.args)
        if isinstance(opened, Reply):
            return opened if not resumed else Reply((Message.of(resumed.strip()), *opened.messages))
        link_note = opened
    name = req.user_name or _("there")
    return Reply.say(
        Text.of(_("Hello,"), " ", bold(name), "! ", _(INTRO), resumed),
        Text.of(
            _("Try /latest for the newest articles, /topics to subscribe to a topic, or "
              "/summary with some text. All commands: /help.")
        ),
        *([link_note] if link_note else []),
    )


def _command_item(spec: registry.CommandSpec) -> Text:
    # Usages and examples are N_()-marked where they hold words a reader should get in their
    # language ("<topic>", "text on the next lines"); the rest are commands as typed.
    usage = _(spec.usage) if spec.usage else f"/{spec.name}"
    parts: list[str | Span | Text] = [bold(usage), f" — {_(spec.help)}"]
    if spec.examples:
        parts.append("\n   " + _("e.g.") + " ")
        for index, example in enumerate(spec.examples):
            if index:
                parts.append(", ")
            parts.append(code(_(example)))
    return Text.of(*parts)


@command(
    "help",
    help=N_("every command, with examples"),
    usage="/help",
)
async def help_command(ctx: Context, req: Request) -> Reply:
    """List every command; admin commands too when an admin asks."""
    specs = registry.ordered_commands()
    public = [_command_item(spec) for spec in specs if not spec.admin]
    lines = Text.of(bold(_("Commands")), "\n", *_join(public))
    items = [Text.of(_(INTRO)), lines]
    if ctx.is_admin(req):
        admin = [_command_item(spec) for spec in specs if spec.admin]
        if admin:
            items.append(Text.of(bold(_("Admin commands")), "\n", *_join(admin)))
    items.append(
        Text.of(
            italic(
                _(
                    "Article ids look like #12; a <topic> is its short name or its title, "
                    "any case. Times are HH:MM, 24-hour, in the chat's time zone (/settings)."
                )
            )
        )
    )
    return Reply.say(*items)


def _join(items: list[Text]) -> list[Text | str]:
    joined: list[Text | str] = []
    for index, item in enumerate(items):
        if index:
            joined.append("\n")
        joined.append(item)
    return joined
