"""/settings: show and change the chat's time zone, summary length and empty-digest notes."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.registry import command
from bot.core.timezones import resolve_timezone, zone_label
from bot.core.types import Reply, Request, Text, bold, code
from storage.views import ChatView

MIN_LENGTH = 1
MAX_LENGTH = 10
_ON = {"on", "yes", "true", "1"}
_OFF = {"off", "no", "false", "0"}
USAGE = Text.of(
    "Change with ",
    code("/settings tz Europe/Moscow"),
    ", ",
    code(f"/settings length {MIN_LENGTH}-{MAX_LENGTH}"),
    " or ",
    code("/settings empty on|off"),
    ".",
)


def _sentences(count: int) -> str:
    return f"{count} sentence" if count == 1 else f"{count} sentences"


def _show(chat: ChatView, note: str = "") -> Reply:
    empty = "a one-line note" if chat.notify_empty else "no message"
    lines = Text.of(
        bold("Settings"),
        f"\nTime zone: {zone_label(chat.timezone)}",
        f"\nSummary length: {_sentences(chat.summary_length)}",
        f"\nWhen a digest has nothing new: {empty}",
    )
    return Reply.say(*([note] if note else []), lines, USAGE)


def _bad_timezone(value: str) -> Reply:
    return Reply.say(
        Text.of(
            bold(value[:64]),
            " is not a time zone I know. Use a city or an IANA name such as ",
            code("Moscow"),
            ", ",
            code("America/New_York"),
            " or ",
            code("UTC+3"),
            ".",
        )
    )


@command(
    "settings",
    help="this chat's settings: time zone, summary length",
    usage="/settings [tz <zone> | length <n> | empty on|off]",
    examples=("/settings", "/settings tz Europe/Moscow", "/settings length 5"),
)
async def settings(ctx: Context, req: Request) -> Reply:
    """Show the settings, or change one of them."""
    words = req.args.split()
    if not words:
        return _show(await ctx.chat_view(req))
    key, values = words[0].lower(), words[1:]
    if key in {"tz", "timezone", "zone", "time_zone"}:
        if not values:
            return Reply.say(Text.of("Which time zone? e.g. ", code("/settings tz Europe/Moscow")))
        # City names may have spaces: "New York", "Нижний Новгород".
        return await _set_timezone(ctx, req, " ".join(values))
    if key in {"length", "len", "sentences"}:
        return await _set_length(ctx, req, values)
    if key in {"empty", "notify_empty"}:
        return await _set_empty(ctx, req, values)
    if len(words) == 1 and ("/" in key or resolve_timezone(key)):
        return await _set_timezone(ctx, req, words[0])
    return Reply.say(Text.of("I don't know the setting ", bold(words[0][:64]), "."), USAGE)


async def _set_timezone(ctx: Context, req: Request, value: str) -> Reply:
    choice = resolve_timezone(value)
    if choice is None:
        return _bad_timezone(value)
    await ctx.chat_view(req)
    chat = await ctx.call(ctx.store.update_chat_settings, req.chat.id, timezone=choice.name)
    await ctx.subscriptions_changed(req.chat.id)
    note = f"Time zone set to {zone_label(choice.name)}."
    return _show(chat, f"{note} {choice.note}" if choice.note else note)


async def _set_length(ctx: Context, req: Request, values: list[str]) -> Reply:
    raw = values[0] if len(values) == 1 else ""
    if not (raw.isdigit() and len(raw) < 4 and MIN_LENGTH <= int(raw) <= MAX_LENGTH):
        return Reply.say(
            f"The summary length is a number of sentences from {MIN_LENGTH} to {MAX_LENGTH}, "
            "e.g. /settings length 5."
        )
    await ctx.chat_view(req)
    chat = await ctx.call(ctx.store.update_chat_settings, req.chat.id, summary_length=int(raw))
    return _show(chat, f"Summaries now have up to {_sentences(int(raw))}.")


async def _set_empty(ctx: Context, req: Request, values: list[str]) -> Reply:
    raw = values[0].lower() if len(values) == 1 else ""
    if raw not in _ON | _OFF:
        return Reply.say("Say on or off, e.g. /settings empty on.")
    await ctx.chat_view(req)
    chat = await ctx.call(ctx.store.update_chat_settings, req.chat.id, notify_empty=raw in _ON)
    return _show(chat, "Saved.")
