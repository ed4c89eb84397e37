"""/settings: show and change the chat's time zone, summary length, language and empty-digest
notes."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.permissions import Change, change_refusal
from bot.core.registry import command
from bot.core.template import fill
from bot.core.timezones import resolve_timezone, zone_label
from bot.core.types import Reply, Request, Text, bold, code
from bot.i18n import AUTO, LANGUAGES, N_, _, ngettext, resolve_language, use_language
from storage.views import ChatView

MIN_LENGTH = 1
MAX_LENGTH = 10
_ON = {"on", "yes", "true", "1", "вкл", "да"}
_OFF = {"off", "no", "false", "0", "выкл", "нет"}
# Each reply language named in itself, as a language menu shows it.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def _usage() -> Text:
    return fill(
        _("Change with {tz}, {length}, {lang} or {empty}."),
        tz=code("/settings tz Moscow"),
        length=code(f"/settings length {MIN_LENGTH}-{MAX_LENGTH}"),
        lang=code("/settings lang ru|en|auto"),
        empty=code("/settings empty on|off"),
    )


def _sentences(count: int) -> str:
    return ngettext("{count} sentence", "{count} sentences", count).format(count=count)


def _language_setting(chat: ChatView) -> str:
    if chat.reply_language in LANGUAGES:
        return LANGUAGE_NAMES[chat.reply_language]
    return _("auto (each user's Telegram language)")


def _show(chat: ChatView, note: str = "") -> Reply:
    empty = _("a one-line note") if chat.notify_empty else _("no message")
    lines = Text.of(
        bold(_("Settings")),
        "\n" + _("Time zone: {zone}").format(zone=zone_label(chat.timezone)),
        "\n" + _("Summary length: {length}").format(length=_sentences(chat.summary_length)),
        "\n" + _("Language: {language}").format(language=_language_setting(chat)),
        "\n" + _("When a digest has nothing new: {what}").format(what=empty),
    )
    return Reply.say(*([note] if note else []), lines, _usage())


def _bad_timezone(value: str) -> Reply:
    return Reply.say(
        fill(
            _("{zone} is not a time zone I know. Use a city or an IANA name such as "
              "{moscow}, {new_york} or {offset}."),
            zone=bold(value[:64]),
            moscow=code("Moscow"),
            new_york=code("America/New_York"),
            offset=code("UTC+3"),
        )
    )


@command(
    "settings",
    help=N_("this chat's settings: time zone, summary length, language"),
    usage=N_("/settings [tz <zone> | length <n> | lang ru|en|auto | empty on|off]"),
    examples=("/settings", "/settings tz Moscow", "/settings length 5", "/settings lang ru"),
)
async def settings(ctx: Context, req: Request) -> Reply:
    """Show the settings, or change one of them."""
    words = req.args.split()
    if not words:
        return _show(await ctx.chat_view(req))
    refused = await change_refusal(ctx, req, Change.SETTINGS)
    if refused:
        return Reply.say(refused)
    key, values = words[0].lower(), words[1:]
    if key in {"tz", "timezone", "zone", "time_zone", "пояс"}:
        if not values:
            return Reply.say(
                fill(_("Which time zone? e.g. {example}"), example=code("/settings tz Moscow"))
            )
        # City names may have spaces: "New York", "Нижний Новгород".
        return await _set_timezone(ctx, req, " ".join(values))
    if key in {"length", "len", "sentences", "длина"}:
        return await _set_length(ctx, req, values)
    if key in {"lang", "language", "язык"}:
        return await _set_language(ctx, req, values)
    if key in {"empty", "notify_empty"}:
        return await _set_empty(ctx, req, values)
    if len(words) == 1 and ("/" in key or resolve_timezone(key)):
        return await _set_timezone(ctx, req, words[0])
    return Reply.say(
        fill(_("I don't know the setting {name}."), name=bold(words[0][:64])), _usage()
    )


async def _set_timezone(ctx: Context, req: Request, value: str) -> Reply:
    choice = resolve_timezone(value)
    if choice is None:
        return _bad_timezone(value)
    await ctx.chat_view(req)
    chat = await ctx.call(ctx.store.update_chat_settings, req.chat.id, timezone=choice.name)
    await ctx.subscriptions_changed(req.chat.id)
    note = _("Time zone set to {zone}.").format(zone=zone_label(choice.name))
    if choice.note:
        note += " " + _(
            "{said} is read as the fixed offset {offset}, which does not change for daylight "
            "saving time. For local time, use a city, e.g. /settings tz Berlin."
        ).format(said=choice.said, offset=zone_label(choice.name))
    return _show(chat, note)


async def _set_length(ctx: Context, req: Request, values: list[str]) -> Reply:
    raw = values[0] if len(values) == 1 else ""
    if not (raw.isdigit() and len(raw) < 4 and MIN_LENGTH <= int(raw) <= MAX_LENGTH):
        return Reply.say(
            _(
                "The summary length is a number of sentences from {low} to {high}, "
                "e.g. /settings length 5."
            ).format(low=MIN_LENGTH, high=MAX_LENGTH)
        )
    await ctx.chat_view(req)
    chat = await ctx.call(ctx.store.update_chat_settings, req.chat.id, summary_length=int(raw))
    return _show(
        chat, _("Summaries now have up to {length}.").format(length=_sentences(int(raw)))
    )


async def _set_language(ctx: Context, req: Request, values: list[str]) -> Reply:
    raw = values[0].lower() if len(values) == 1 else ""
    choices = {**{code: code for code in LANGUAGES}, AUTO: AUTO, "авто": AUTO,
               "english": "en", "russian": "ru", "русский": "ru", "английский": "en"}
    if raw not in choices:
        known = ", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items())
        return Reply.say(
            fill(
                _("I can answer in {languages}, or follow each user's Telegram language: "
                  "{example}."),
                languages=known,
                example=code("/settings lang auto"),
            )
        )
    preference = choices[raw]
    await ctx.chat_view(req)
    chat = await ctx.call(ctx.store.update_chat_settings, req.chat.id, reply_language=preference)
    ctx.reply_language_changed(req.chat.id, preference)
    # The confirmation is already in the language just chosen.
    with use_language(resolve_language(preference, req.language)):
        if preference == AUTO:
            note = _("I will answer each user in their Telegram language.")
        else:
            note = _("I will answer in {language}.").format(language=LANGUAGE_NAMES[preference])
        return _show(chat, note)


async def _set_empty(ctx: Context, req: Request, values: list[str]) -> Reply:
    raw = values[0].lower() if len(values) == 1 else ""
    if raw not in _ON | _OFF:
        return Reply.say(_("Say on or off, e.g. /settings empty on."))
    await ctx.chat_view(req)
    chat = await ctx.call(ctx.store.update_chat_settings, req.chat.id, notify_empty=raw in _ON)
    return _show(chat, _("Saved."))
