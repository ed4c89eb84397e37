"""Digest commands: /subscribe, /unsubscribe, /subscriptions and /digest (their buttons:
``bot.core.commands.subscription_buttons``).

Subscriptions live in the database only; a command writes the next due instant there and the
delivery engine's next tick picks it up, so a change takes effect at once.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.commands.topics import topic_button
from bot.core.context import Context
from bot.core.permissions import Change, change_refusal
from bot.core.registry import command
from bot.core.template import fill
from bot.core.timezones import zone_label
from bot.core.types import Button, Message, Reply, Request, Text, bold, code
from bot.digests.compose import DigestComposer, empty_note, window_start
from bot.digests.schedule import (
    DEFAULT_TIME,
    ScheduleError,
    describe,
    format_local,
    is_time,
    next_due,
    parse_local_time,
    parse_weekday,
)
from bot.i18n import N_, _
from storage.views import ChatView, SubscriptionView, TopicView

MAX_TOPIC_BUTTONS = 40
MAX_DIGESTS_AT_ONCE = 5
ON_DEMAND_WINDOW = timedelta(hours=24)


def _looks_like_weekday(token: str) -> bool:
    try:
        parse_weekday(token)
    except ScheduleError:
        return False
    return True


def parse_subscribe_args(args: str) -> tuple[str, str | None, int | None]:
    """Split ``<topic> [HH:MM] [weekday | daily]`` (in any order after the topic) into parts.

    The time is None when none was given: a new subscription then gets the default time, an
    existing one keeps its own (``/subscribe world daily`` must not move a 18:30 digest).
    """
    tokens = args.split()
    local_time: str | None = None
    weekday: int | None = None
    daily = False
    while len(tokens) > 1:
        last = tokens[-1]
        if not daily and weekday is None and last.lower() == "daily":
            daily = True
        elif not daily and weekday is None and _looks_like_weekday(last):
            weekday = parse_weekday(last)
        elif local_time is None and is_time(last):
            local_time = parse_local_time(last)
        else:
            break
        tokens.pop()
    topic = " ".join(tokens)
    if tokens and (is_time(topic) or _looks_like_weekday(topic)):
        if is_time(topic):
            parse_local_time(topic)  # a bad time gets its own clear error
        raise ScheduleError(_("Which topic? Use /subscribe <topic> [HH:MM] [weekday]."))
    return topic, local_time, weekday


async def _topic_buttons(
    ctx: Context, chat_id: int, *, subscribed_only: bool = False
) -> list[list[Button]]:
    topics = await ctx.call(ctx.store.list_topics)
    subscribed = {sub.topic.id for sub in await ctx.call(ctx.store.chat_subscriptions, chat_id)}
    return [
        [topic_button(topic, topic.id in subscribed)]
        for topic in topics[:MAX_TOPIC_BUTTONS]
        if topic.id in subscribed or not subscribed_only
    ]


async def _find_topic(ctx: Context, name: str) -> TopicView:
    topic = await ctx.call(ctx.store.find_topic, name.strip())
    if topic is not None:
        return topic
    known = await ctx.known_topics()
    raise ScheduleError(
        _("There is no topic “{name}”. Topics: {known}. See /topics.").format(
            name=name[:64], known=known
        )
    )


def _schedule_line(sub: SubscriptionView, chat: ChatView) -> Text:
    when = describe(sub.local_time, sub.weekday)
    if chat.blocked_at is not None or not sub.active:
        status = _("paused")
    elif sub.next_due_at is not None:
        status = _("next: {when}").format(when=format_local(sub.next_due_at, chat.timezone))
    else:
        status = _("not scheduled")
    return Text.of(bold(sub.topic.name), f" ({sub.topic.slug}) — {when}, {status}")


async def subscribe_chat(
    ctx: Context, req: Request, topic: TopicView, local_time: str | None, weekday: int | None
) -> Reply:
    chat = await ctx.chat_view(req)
    if local_time is None:
        subs = await ctx.call(ctx.store.chat_subscriptions, chat.id)
        current = next((s for s in subs if s.topic.id == topic.id), None)
        local_time = current.local_time if current is not None else DEFAULT_TIME
    if chat.blocked_at is not None:
        await ctx.call(ctx.store.set_chat_blocked, chat.id, False)
    due = next_due(local_time, weekday, chat.timezone, ctx.now())
    sub, created = await ctx.call(
        ctx.store.subscribe,
        chat.id,
        topic.id,
        local_time=local_time,
        weekday=weekday,
        next_due_at=due,
    )
    await ctx.subscriptions_changed(chat.id)
    if created:
        done = _("Subscribed to {topic}: {schedule} ({zone}).")
    else:
        done = _("Updated your digest of {topic}: {schedule} ({zone}).")
    return Reply.say(
        fill(
            done,
            topic=bold(topic.name),
            schedule=describe(sub.local_time, sub.weekday),
            zone=zone_label(chat.timezone),
        ),
        _next_digest_note(req, topic, format_local(due, chat.timezone)),
        toast=_("Subscribed to {topic}").format(topic=topic.name)[:190],
    )


def _next_digest_note(req: Request, topic: TopicView, when: str) -> Text:
    if req.chat.type == "channel":  # managed from a private chat: /digest there is its own
        name = f"@{req.chat.username}" if req.chat.username else str(req.chat.id)
        return fill(
            _("Next digest in the channel: {when}. Its time zone: {command}."),
            when=when,
            command=code(f"/settings {name} tz <city>"),
        )
    return fill(
        _("Next digest: {when}. For one now: {command}. Time zone: /settings tz <city>."),
        when=when,
        command=code(f"/digest {topic.slug}"),
    )


@command(
    "subscribe",
    help=N_("a daily (or weekly) digest of a topic at a time of your choice"),
    usage=N_("/subscribe <topic> [HH:MM] [weekday]"),
    examples=(
        "/subscribe world",
        "/subscribe world 18:30",
        "/subscribe world 09:00 monday",
        "/subscribe @mychannel world 08:00",
    ),
)
async def subscribe(ctx: Context, req: Request) -> Reply:
    """Subscribe the chat to a topic; without arguments, show the topics as buttons."""
    refused = await change_refusal(ctx, req, Change.SUBSCRIPTIONS)
    if refused:
        return Reply.say(refused)
    if not req.args.strip():
        rows = await _topic_buttons(ctx, req.chat.id)
        if not rows:
            return Reply.say(_("There are no topics yet. An admin can add one with /addtopic."))
        return Reply.say(
            fill(_("Pick a topic for a daily digest at {time}:"), time=bold(DEFAULT_TIME)),
            fill(
                _("Another time or a weekly digest: {example}"),
                example=code("/subscribe <topic> 18:30 friday"),
            ),
            keyboard=rows,
        )
    whole = await ctx.call(ctx.store.find_topic, req.args.strip())
    if whole is not None:  # a topic whose name looks like a time or a weekday
        return await subscribe_chat(ctx, req, whole, None, None)
    try:
        name, local_time, weekday = parse_subscribe_args(req.args)
        await _reject_trailing_words(ctx, name)
        topic = await _find_topic(ctx, name)
    except ScheduleError as error:
        return Reply.say(str(error))
    return await subscribe_chat(ctx, req, topic, local_time, weekday)


async def _reject_trailing_words(ctx: Context, name: str) -> None:
    """Name the words after a known topic that do not read as a time and a weekday."""
    words = name.split()
    if await ctx.call(ctx.store.find_topic, name.strip()) is not None:
        return
    for cut in range(len(words) - 1, 0, -1):
        topic = await ctx.call(ctx.store.find_topic, " ".join(words[:cut]))
        if topic is not None:
            extra = " ".join(words[cut:])
            raise ScheduleError(
                _(
                    "I can't read “{extra}” after {topic}: give a time (HH:MM, 24-hour) "
                    "and/or one weekday, e.g. /subscribe {slug} 08:00 monday"
                ).format(extra=extra[:64], topic=topic.name, slug=topic.slug)
            )


@command(
    "unsubscribe",
    help=N_("stop a topic's digest"),
    usage=N_("/unsubscribe <topic | all>"),
    examples=("/unsubscribe world", "/unsubscribe all"),
)
async def unsubscribe(ctx: Context, req: Request) -> Reply:
    """Stop a topic's digest; without arguments, show the chat's subscriptions as buttons."""
    refused = await change_refusal(ctx, req, Change.SUBSCRIPTIONS)
    if refused:
        return Reply.say(refused)
    name = req.args.strip()
    if not name:
        rows = await _topic_buttons(ctx, req.chat.id, subscribed_only=True)
        if not rows:
            return Reply.say(_("You have no subscriptions. See /topics."))
        return Reply.say(_("Which digest should stop?"), keyboard=rows)
    if name.lower() == "all" and await ctx.call(ctx.store.find_topic, name) is None:
        return await _unsubscribe_all(ctx, req)
    try:
        topic = await _find_topic(ctx, name)
    except ScheduleError as error:
        return Reply.say(str(error))
    return await unsubscribe_chat(ctx, req, topic)


async def _unsubscribe_all(ctx: Context, req: Request) -> Reply:
    subs = await ctx.call(ctx.store.chat_subscriptions, req.chat.id)
    for sub in subs:
        await ctx.call(ctx.store.unsubscribe, req.chat.id, sub.topic.id)
    if not subs:
        return Reply.say(_("You have no subscriptions. See /topics."))
    await ctx.subscriptions_changed(req.chat.id)
    names = ", ".join(sub.topic.name for sub in subs)
    return Reply.say(
        _("Unsubscribed from all your digests ({names}).").format(names=names[:3000])
    )


async def unsubscribe_chat(ctx: Context, req: Request, topic: TopicView) -> Reply:
    removed = await ctx.call(ctx.store.unsubscribe, req.chat.id, topic.id)
    if not removed:
        return Reply.say(
            fill(
                _("You are not subscribed to {topic}. See /subscriptions."),
                topic=bold(topic.name),
            ),
            toast=_("Not subscribed"),
        )
    await ctx.subscriptions_changed(req.chat.id)
    return Reply.say(
        fill(_("Unsubscribed from {topic}. No more digests of it."), topic=bold(topic.name)),
        toast=_("Unsubscribed from {topic}").format(topic=topic.name)[:190],
    )


@command(
    "subscriptions",
    help=N_("your digests and when the next one comes"),
    usage="/subscriptions",
)
async def subscriptions(ctx: Context, req: Request) -> Reply:
    """List the chat's subscriptions with the next delivery in the chat's time zone."""
    chat = await ctx.chat_view(req)
    subs = await ctx.call(ctx.store.chat_subscriptions, chat.id)
    if not subs:
        return Reply.say(
            Text.of(
                _("You have no subscriptions yet. Try {command} or /topics.").format(
                    command="/subscribe <topic>"
                )
            )
        )
    items: list[Text] = [
        Text.of(
            bold(_("Your digests")),
            " " + _("(times in {zone}):").format(zone=zone_label(chat.timezone)),
        )
    ]
    items += [_schedule_line(sub, chat) for sub in subs]
    if chat.blocked_at is not None and chat.type == "channel":
        items.append(
            Text.of(
                _("Digests are paused: I may not post in the channel. Make me an administrator "
                  "who may post messages, then /subscribe it again.")
            )
        )
    elif chat.blocked_at is not None:
        items.append(Text.of(_("Digests are paused. Send /start to resume them.")))
    rows = [
        [Button(_("Unsubscribe: {topic}").format(topic=sub.topic.name), f"unsub:{sub.topic.id}")]
        for sub in subs
    ]
    return Reply.say(*items, keyboard=rows[:MAX_TOPIC_BUTTONS])


async def _digest_messages(
    ctx: Context, topic: TopicView, sub: SubscriptionView | None, chat: ChatView
) -> list[Message]:
    now = ctx.now()
    if sub is None:
        start = now - ON_DEMAND_WINDOW
    else:
        start = await ctx.call(window_start, ctx.store, sub)
    digest = await ctx.call(
        DigestComposer(ctx.store).build,
        topic,
        start,
        now,
        sentences=chat.summary_length,
        timezone=chat.timezone,
    )
    if digest.parts:
        return list(digest.parts)
    since = format_local(start, chat.timezone)
    if sub is None or sub.last_digest_at is None:
        nothing = _("Nothing new on {topic} since {since}.")
        return [Message.of(fill(nothing, topic=bold(topic.name), since=since))]
    return [empty_note(topic)]


@command(
    "digest",
    help=N_("a digest of a topic right now (not counted as the scheduled one)"),
    usage=N_("/digest [topic]"),
    examples=("/digest", "/digest world"),
)
async def digest(ctx: Context, req: Request) -> Reply:
    """Send a digest now: since the subscription's last digest, else of the last 24 hours."""
    chat = await ctx.chat_view(req)
    subs = await ctx.call(ctx.store.chat_subscriptions, chat.id)
    name = req.args.strip()
    if not name:
        if not subs:
            rows = await _topic_buttons(ctx, chat.id)
            return Reply.say(
                fill(
                    _("Which topic? {usage}. Or subscribe to one:"),
                    usage=code(_("/digest <topic>")),
                ),
                keyboard=rows,
            )
        messages: list[Message] = []
        for sub in subs[:MAX_DIGESTS_AT_ONCE]:
            messages += await _digest_messages(ctx, sub.topic, sub, chat)
        if len(subs) > MAX_DIGESTS_AT_ONCE:
            messages.append(_the_other_digests(subs))
        return Reply.of(messages)
    try:
        topic = await _find_topic(ctx, name)
    except ScheduleError as error:
        return Reply.say(str(error))
    sub = next((s for s in subs if s.topic.id == topic.id), None)
    return Reply.of(await _digest_messages(ctx, topic, sub, chat))


def _the_other_digests(subs: list[SubscriptionView]) -> Message:
    """The note after the first few digests of /digest: how to get each of the others."""
    parts: list[str | Text] = [
        _("Those were {shown} of your {total} digests. The others:").format(
            shown=MAX_DIGESTS_AT_ONCE, total=len(subs)
        )
        + " "
    ]
    for index, sub in enumerate(subs[MAX_DIGESTS_AT_ONCE:MAX_TOPIC_BUTTONS]):
        parts += [", "] if index else []
        parts.append(Text.of(code(f"/digest {sub.topic.slug}")))
    return Message.of(Text.of(*parts, "."))
