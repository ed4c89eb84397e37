"""Admin commands: /addtopic, /deltopic, /delete, /stats (/add is in add_article.py).

Only admins reach these handlers (the core refuses and audits everyone else); each action an
admin takes is audited too.
"""

from __future__ import annotations

import re

from babel.numbers import format_decimal as format_number

from bot.core.context import Context
from bot.core.errors import error_text
from bot.core.format import MAX_ARTICLE_ID, parse_article_id, shorten
from bot.core.registry import callback, command
from bot.core.template import fill
from bot.core.types import Button, Reply, Request, Text, bold, code, italic
from bot.i18n import N_, _, current_language, ngettext
from ingest.retagging import retag_all
from ingest.tagging import RuleError, format_rule, parse_rule
from storage.views import TopicView

DELTOPIC_CONFIRM, DELTOPIC_KEEP = "deltopic", "keeptopic"  # callback prefixes
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_TOPIC_NAME = 200
_ADDTOPIC_EXAMPLE = (
    "/addtopic china-russia China–Russia relations | China, Chinese, Beijing; "
    "Russia, Russian, Moscow"
)


def addtopic_usage() -> Text:
    """How /addtopic is written, in the reply language."""
    return fill(
        _(
            "Usage: {form}, e.g. {example}. Groups are separated by ';', words within a group "
            "by ','; an article must match every group."
        ),
        form=code("/addtopic <slug> <display name> | <rule>"),
        example=code(_ADDTOPIC_EXAMPLE),
    )


def _forget_topic_cache(ctx: Context) -> None:
    """New articles are tagged with the changed topics at once, not after the cache expires."""
    ctx.ingestor.refresh_topics()


def _parse_topic_args(args: str) -> tuple[str, str, str] | str:
    """(slug, name, rule) or an error message."""
    head, bar, rule = args.partition("|")
    words = head.split()
    if not bar or not words:
        return _("Missing parts.")
    slug = words[0].lower()
    if not SLUG_PATTERN.match(slug):
        return _(
            "“{slug}” can't be a slug: use lower-case letters, digits and '-' (up to 64), "
            "e.g. china-russia."
        ).format(slug=shorten(words[0], 64))
    name = " ".join(words[1:]) or slug
    if len(name) > MAX_TOPIC_NAME:
        return _("The display name is too long (at most {limit} characters).").format(
            limit=MAX_TOPIC_NAME
        )
    return slug, name, rule.strip()


@command(
    "addtopic",
    help=N_("add or change a topic and its keyword rule"),
    usage=N_("/addtopic <slug> <display name> | <rule>"),
    examples=("/addtopic energy Energy | oil, gas, pipeline",),
    admin=True,
)
async def addtopic(ctx: Context, req: Request) -> Reply:
    """Validate the rule, save the topic, retag the stored articles in the background."""
    parsed = _parse_topic_args(req.args)
    if isinstance(parsed, str):
        return Reply.say(parsed, addtopic_usage())
    slug, name, raw_rule = parsed
    try:
        rule = parse_rule(raw_rule)
    except RuleError as error:
        reason = error_text(error)
        problem = _("The rule is not valid: {reason}.").format(reason=reason)
        return Reply.say(problem, addtopic_usage())
    existing = await ctx.call(ctx.store.find_topic, name)
    if existing is not None and existing.slug != slug:
        return Reply.say(
            fill(
                _("The name {name} is taken by topic {slug}."),
                name=bold(name),
                slug=code(existing.slug),
            )
        )
    previous = await ctx.call(ctx.store.find_topic, slug)
    previous = previous if previous is not None and previous.slug == slug else None
    topic = await ctx.call(ctx.store.upsert_topic, slug, name, format_rule(rule))
    _forget_topic_cache(ctx)
    await ctx.audit(req, "/addtopic", f"{slug} | {topic.rule}")
    ctx.background(retag_all, ctx.store, topic.slug, label=f"retag after /addtopic {slug}")
    if previous is None:
        headline = fill(
            _("Topic {name} ({slug}) saved."), name=bold(topic.name), slug=code(topic.slug)
        )
    else:
        headline = fill(
            _("Topic {slug} updated: it was {old_name} | {old_rule}; now {name}."),
            slug=code(topic.slug),
            old_name=bold(previous.name),
            old_rule=shorten(previous.rule, 300),
            name=bold(topic.name),
        )
    return Reply.say(
        headline,
        Text.of(italic(_("Rule:") + " "), topic.rule),
        _(
            "Stored articles are being tagged with it in the background; see them soon with "
            "{command}."
        ).format(command=f"/latest {topic.slug}"),
    )


@command(
    "deltopic",
    help=N_("delete a topic (and its subscriptions, after a confirmation)"),
    usage=N_("/deltopic <topic>"),
    examples=("/deltopic energy",),
    admin=True,
)
async def deltopic(ctx: Context, req: Request) -> Reply:
    """Delete a topic by slug or display name; with subscribers, only after a confirmation.

    Deleting a topic ends the digests of every chat that follows it, so the admin first sees
    how many chats that is, and confirms with a button (or keeps the topic).
    """
    name = req.args.strip()
    if not name:
        return Reply.say(
            fill(_("Which topic? e.g. {example}. See /topics."), example=code("/deltopic energy"))
        )
    topic = await ctx.call(ctx.store.find_topic, name)
    if topic is None:
        return Reply.say(
            fill(_("There is no topic {name}. See /topics."), name=bold(shorten(name, 64)))
        )
    subscribers = await ctx.call(ctx.store.topic_subscriber_count, topic.id)
    if not subscribers:
        return await _delete_topic(ctx, req, topic)
    question = ngettext(
        "{name} ({slug}) has {count} chat subscribed. Deleting it stops their digests of it "
        "and removes their subscriptions. Delete it?",
        "{name} ({slug}) has {count} chats subscribed. Deleting it stops their digests of it "
        "and removes their subscriptions. Delete it?",
        subscribers,
    )
    confirm = ngettext(
        "Delete, stop {count} chat", "Delete, stop {count} chats", subscribers
    ).format(count=subscribers)
    return Reply.say(
        fill(question, name=bold(topic.name), slug=code(topic.slug), count=subscribers),
        keyboard=[
            [
                Button(confirm[:60], f"{DELTOPIC_CONFIRM}:{topic.id}"),
                Button(_("Keep it"), f"{DELTOPIC_KEEP}:{topic.id}"),
            ]
        ],
    )


async def _delete_topic(
    ctx: Context, req: Request, topic: TopicView, *, edit: bool = False
) -> Reply:
    subscribers = await ctx.call(ctx.store.active_subscriptions)
    chats = {sub.chat_id for sub in subscribers if sub.topic.id == topic.id}
    stopped = await ctx.call(ctx.store.topic_subscriber_count, topic.id)
    await ctx.call(ctx.store.delete_topic, topic.slug)
    _forget_topic_cache(ctx)
    await ctx.audit(req, "/deltopic", f"{topic.slug} ({stopped} subscriptions)")
    for chat_id in chats:
        await ctx.subscriptions_changed(chat_id)
    note = (
        " "
        + ngettext(
            "The digests of {count} chat stopped.", "The digests of {count} chats stopped.", stopped
        ).format(count=stopped)
        if stopped
        else ""
    )
    return Reply.say(
        Text.of(
            fill(_("Deleted topic {name} ({slug})."), name=bold(topic.name), slug=code(topic.slug)),
            note,
        ),
        edit=edit,
        toast=_("Deleted") if edit else None,
    )


async def _topic_for_button(ctx: Context, req: Request, payload: str) -> TopicView | Reply:
    """The topic a /deltopic button names, or the reply when the press cannot go on."""
    if not ctx.is_admin(req):
        await ctx.call(
            ctx.store.audit,
            "/deltopic",
            actor_id=req.user_id,
            chat_id=req.chat.id,
            detail=f"button {payload[:20]}",
            allowed=False,
        )
        return Reply.nothing(
            toast=_("Sorry, /{command} is for the bot's admins only.").format(command="deltopic")
        )
    topic_id = int(payload) if payload.isdigit() and len(payload) < 12 else 0
    topic = await ctx.call(ctx.store.get_topic, topic_id) if topic_id else None
    if topic is None:
        return Reply.say(_("That topic is gone already. See /topics."), edit=True)
    return topic


@callback(DELTOPIC_CONFIRM)
async def on_deltopic_confirm(ctx: Context, req: Request, payload: str) -> Reply:
    """The admin confirmed: delete the topic and its subscriptions."""
    topic = await _topic_for_button(ctx, req, payload)
    if isinstance(topic, Reply):
        return topic
    return await _delete_topic(ctx, req, topic, edit=True)


@callback(DELTOPIC_KEEP)
async def on_deltopic_keep(ctx: Context, req: Request, payload: str) -> Reply:
    """The admin changed their mind: nothing is deleted."""
    topic = await _topic_for_button(ctx, req, payload)
    if isinstance(topic, Reply):
        return topic
    return Reply.say(
        fill(_("Kept topic {name} ({slug})."), name=bold(topic.name), slug=code(topic.slug)),
        edit=True,
    )


@command(
    "delete",
    help=N_("delete an article"),
    usage=N_("/delete <article id>"),
    examples=("/delete 12",),
    admin=True,
)
async def delete(ctx: Context, req: Request) -> Reply:
    """Delete one stored article."""
    article_id = parse_article_id(req.args)
    if article_id is None:
        return Reply.say(fill(_("Which article? e.g. {example}."), example=code("/delete 12")))
    deleted = 0 < article_id <= MAX_ARTICLE_ID and await ctx.call(
        ctx.store.delete_article, article_id
    )
    if not deleted:
        shown = f"#{article_id}"[:60]
        return Reply.say(_("There is no article {id}.").format(id=shown))
    await ctx.audit(req, "/delete", f"#{article_id}")
    return Reply.say(_("Deleted article {id}.").format(id=f"#{article_id}"))


@command(
    "stats",
    help=N_("how many articles, topics, chats, subscriptions and recent deliveries"),
    usage="/stats",
    admin=True,
)
async def stats(ctx: Context, req: Request) -> Reply:
    """The store's counters."""
    figures = await ctx.call(ctx.store.stats, ctx.now())
    rows = [
        (_("Articles"), figures.articles),
        (_("Topics"), figures.topics),
        (_("Chats"), figures.chats),
        (_("Subscriptions"), figures.subscriptions),
        (_("Digests delivered in the last day"), figures.deliveries_last_day),
        (_("Feeds"), figures.feeds),
    ]
    rows += [(_stat_label(name), value) for name, value in sorted(figures.extra.items())]
    lines = [f"{label}: {format_number(value, locale=current_language())}" for label, value in rows]
    return Reply.say(Text.of(bold(_("Stats")), "\n", "\n".join(lines)))


# The store's extra counters (storage/admin.py), named for people. A counter added there
# without a name here is shown by its key, in English.
_EXTRA_STATS = {"blocked_chats": N_("Blocked chats")}


def _stat_label(name: str) -> str:
    label = _EXTRA_STATS.get(name)
    return _(label) if label else name.replace("_", " ").capitalize()
