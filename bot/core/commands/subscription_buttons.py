"""The Subscribe and Unsubscribe buttons (``sub:<topic id>``, ``unsub:<topic id>``) under
/topics, /subscribe, /unsubscribe, /subscriptions and /digest.

A press changes the chat's subscription (in a group, only for its administrators: see
``bot.core.permissions``) and, when the press carried its message's keyboard, answers with that
keyboard with the topic's button switched (``Reply.markup``: Telegram edits the buttons in
place) and a toast, instead of a new message.
"""

from __future__ import annotations

from bot.core.commands.subscriptions import subscribe_chat, unsubscribe_chat
from bot.core.commands.topics import topic_button
from bot.core.context import Context
from bot.core.permissions import Change, change_refusal
from bot.core.registry import callback
from bot.core.timezones import zone_label
from bot.core.types import Keyboard, Reply, Request
from bot.digests.schedule import DEFAULT_TIME, describe
from bot.i18n import _
from storage.views import TopicView


def _followed(req: Request, topic: TopicView, subscribed: bool) -> Keyboard | None:
    """The pressed message's keyboard with this topic's button switched to the new state.

    None when the press carried no keyboard holding the topic's button (then the answer is a
    message, as for a typed command).
    """
    mine = {f"sub:{topic.id}", f"unsub:{topic.id}"}
    if not any(button.callback_data in mine for row in req.keyboard for button in row):
        return None
    return tuple(
        tuple(
            topic_button(topic, subscribed) if button.callback_data in mine else button
            for button in row
        )
        for row in req.keyboard
    )


async def topic_from_payload(ctx: Context, payload: str) -> TopicView | None:
    """The topic a button names by id; None for a forged or stale one."""
    if not payload.isdigit() or len(payload) > 12:
        return None
    return await ctx.topic_by_id(int(payload))


async def _pressed_topic(ctx: Context, req: Request, payload: str) -> TopicView | Reply:
    """The topic a Subscribe/Unsubscribe press may change, or the toast that refuses it."""
    topic = await topic_from_payload(ctx, payload)
    if topic is None:
        return Reply.nothing(toast=_("That topic no longer exists. See /topics."))
    refused = await change_refusal(ctx, req, Change.SUBSCRIPTIONS)
    if refused:
        return Reply.nothing(toast=refused[:200])
    return topic


@callback("sub")
async def on_subscribe(ctx: Context, req: Request, payload: str) -> Reply:
    """The Subscribe button: a daily digest at the default time (an existing one is kept).

    The pressed button turns into Unsubscribe in place (the toast says what was done).
    """
    topic = await _pressed_topic(ctx, req, payload)
    if isinstance(topic, Reply):
        return topic
    subs = await ctx.call(ctx.store.chat_subscriptions, req.chat.id)
    current = next((s for s in subs if s.topic.id == topic.id), None)
    followed = _followed(req, topic, subscribed=True)
    if current is not None:
        toast = _("Already subscribed: {schedule}").format(
            schedule=describe(current.local_time, current.weekday)
        )
        return Reply(toast=toast[:200], markup=followed)
    reply = await subscribe_chat(ctx, req, topic, DEFAULT_TIME, None)
    if followed is None:
        return reply
    chat = await ctx.chat_view(req)
    toast = _("Subscribed to {topic}: {schedule} ({zone}).").format(
        topic=topic.name, schedule=describe(DEFAULT_TIME, None), zone=zone_label(chat.timezone)
    )
    return Reply.follow(followed, toast[:200])


@callback("unsub")
async def on_unsubscribe(ctx: Context, req: Request, payload: str) -> Reply:
    """The Unsubscribe button; the pressed button turns into Subscribe in place."""
    topic = await _pressed_topic(ctx, req, payload)
    if isinstance(topic, Reply):
        return topic
    reply = await unsubscribe_chat(ctx, req, topic)
    followed = _followed(req, topic, subscribed=False)
    if followed is None:
        return reply
    return Reply.follow(followed, reply.toast)
