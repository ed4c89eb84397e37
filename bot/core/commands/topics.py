"""/topics: every topic with a Subscribe or Unsubscribe button for this chat."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.registry import command
from bot.core.template import fill
from bot.core.types import Button, Reply, Request, Text, bold, code, italic
from bot.i18n import N_, _
from storage.views import TopicView

MAX_LISTED = 50


def topic_button(topic: TopicView, subscribed: bool) -> Button:
    """The button that switches a topic's digest: it shows the chat's state and flips it."""
    if subscribed:
        label = _("✓ {topic} — unsubscribe").format(topic=topic.name)
        return Button(label[:60], f"unsub:{topic.id}")
    return Button(_("Subscribe: {topic}").format(topic=topic.name)[:60], f"sub:{topic.id}")


@command(
    "topics",
    help=N_("the topics, each with a subscribe/unsubscribe button"),
    usage="/topics",
)
async def topics(ctx: Context, req: Request) -> Reply:
    """List topics; the buttons (sub:<id> / unsub:<id>) are handled by the digest commands
    (bot/core/commands/subscription_buttons.py), which switch them in place."""
    all_topics = await ctx.call(ctx.store.list_topics)
    if not all_topics:
        hint = " " + _("Add one with /addtopic.") if ctx.is_admin(req) else ""
        return Reply.say(_("There are no topics yet.") + hint)
    subscriptions = await ctx.call(ctx.store.chat_subscriptions, req.chat.id)
    subscribed = {sub.topic.id for sub in subscriptions if sub.active}
    lines: list[str | Text] = []
    rows: list[list[Button]] = []
    # The chat's state is on the buttons only (a ✓ on the button, not in the text): a press
    # switches the button in place, and a mark in the text would then be out of date.
    for topic in all_topics[:MAX_LISTED]:
        lines.append(Text.of("• ", bold(topic.name), " (", code(topic.slug), ")"))
        rows.append([topic_button(topic, topic.id in subscribed)])
    body: list[str | Text] = []
    for index, line in enumerate(lines):
        body += ["\n" if index else "", line]
    more = len(all_topics) - MAX_LISTED
    footer = Text.of(
        italic(_("And {count} more.").format(count=more) + "\n" if more > 0 else ""),
        fill(
            _("Read a topic with {latest}; a daily digest: {subscribe}."),
            latest=code("/latest <topic>"),
            subscribe=code("/subscribe <topic> [HH:MM]"),
        ),
    )
    return Reply.say(Text.of(bold(_("Topics")), "\n", *body), footer, keyboard=rows)
