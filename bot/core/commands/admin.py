"""Admin commands: /add (text, reply or URL), /addtopic, /deltopic, /delete, /stats.

Only admins reach these handlers (the core refuses and audits everyone else); each action an
admin takes is audited too.
"""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.format import MAX_ARTICLE_ID, bullets, is_url, parse_article_id, shorten, title_span
from bot.core.progress import report_progress
from bot.core.registry import callback, command
from bot.core.types import Button, Reply, Request, Text, bold, code, italic
from bot.i18n import N_
from ingest.extract import clean_text_article
from ingest.pipeline import AddOutcome, retag_all
from ingest.tagging import RuleError, format_rule, parse_rule
from storage.views import TopicView

DELTOPIC_CONFIRM, DELTOPIC_KEEP = "deltopic", "keeptopic"  # callback prefixes
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_TOPIC_NAME = 200
_OTHER_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):\S+$")
# A link typed without its scheme: "www.example.com", "example.org/news", "bbc.co.uk/x".
# A one-word title with a dot ("U.S.") has no letters-only TLD of 2+ after its last dot.
_BARE_HOST = re.compile(
    r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\.?(?:/\S*)?$", re.IGNORECASE
)
ADD_USAGE = Text.of(
    "Usage: ",
    code("/add <url>"),
    ", or ",
    code("/add <title>"),
    " with the article text on the following lines, or ",
    code("/add"),
    " as a reply to a message.",
)
ADDTOPIC_USAGE = Text.of(
    "Usage: ",
    code("/addtopic <slug> <display name> | <rule>"),
    ", e.g. ",
    code(
        "/addtopic china-russia China–Russia relations | China, Chinese, Beijing; "
        "Russia, Russian, Moscow"
    ),
    ". Groups are separated by ';', words within a group by ','; an article must match every "
    "group.",
)


def _forget_topic_cache(ctx: Context) -> None:
    """New articles are tagged with the changed topics at once, not after the cache expires."""
    ctx.ingestor.refresh_topics()


async def _audit(ctx: Context, req: Request, action: str, detail: str) -> None:
    await ctx.call(
        ctx.store.audit, action, actor_id=req.user_id, chat_id=req.chat.id, detail=detail[:200]
    )


def _outcome_reply(outcome: AddOutcome) -> Reply:
    article = outcome.article
    if not outcome.created:
        return Reply.say(
            Text.of("Already stored as ", bold(f"#{article.id}"), ": ", title_span(article)),
            Text.of("See it with ", code(f"/summary {article.id}"), "."),
        )
    topics = ", ".join(outcome.topics or article.topic_slugs) or "none"
    summary = bullets(article.summary) or "(no summary)"
    return Reply.say(
        Text.of("Added ", bold(f"#{article.id}"), ": ", title_span(article)),
        Text.of(italic(f"Topics: {topics}")),
        Text.of(bold("Summary"), "\n", summary),
    )


async def add_url(ctx: Context, req: Request, url: str) -> Reply:
    """Fetch, extract, summarize, tag and store ``url`` (admins only)."""
    from bot.core.commands.links import fetching_notice

    ingestor = ctx.ingestor
    await report_progress(fetching_notice(url))
    outcome = await ctx.fetching(ingestor.add_url, url, added_by=req.actor)
    await _audit(ctx, req, "/add", f"#{outcome.article.id} {url}")
    return _outcome_reply(outcome)


def _not_a_fetchable_link(text: str) -> str | None:
    """Why a lone link that is not http(s) cannot be added, or None for anything else."""
    other_scheme = _OTHER_SCHEME.match(text)
    if other_scheme:
        return f"Only http and https links can be fetched (not {other_scheme.group(1)[:20]}:)."
    if _BARE_HOST.match(text):
        return f"Put http:// or https:// in front of the link, e.g. /add https://{text[:200]}"
    return None


def split_title_body(text: str) -> tuple[str, str]:
    """Title on the first non-empty line, body after it (a one-paragraph post: first sentence)."""
    lines = text.strip().split("\n")
    title = lines[0].strip()
    body = "\n".join(lines[1:]).strip()
    return title, body


def _title_of_post(text: str) -> tuple[str, str]:
    title, body = split_title_body(text)
    if body and len(title) <= 300:
        return title, body
    first_sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return shorten(first_sentence, 150), text.strip()


@command(
    "add",
    help=N_("add an article: a link, or a title and its text, or a reply to a post"),
    usage="/add <url> | /add <title> + text on the next lines",
    examples=(
        "/add https://example.com/news/1",
        "/add Storm closes the port (text on the next lines)",
    ),
    admin=True,
)
async def add(ctx: Context, req: Request) -> Reply:
    """Store an article and answer with its id, title, topics and summary."""
    args = req.args.strip()
    if not args:
        if req.reply_to_text and req.reply_to_text.strip():
            title, body = _title_of_post(req.reply_to_text)
        else:
            return Reply.say(ADD_USAGE)
    elif is_url(args):
        return await add_url(ctx, req, args)
    elif refusal := _not_a_fetchable_link(args):
        return Reply.say(refusal, ADD_USAGE)
    else:
        title, body = split_title_body(args)
        if not body and req.reply_to_text and req.reply_to_text.strip():
            body = req.reply_to_text.strip()
    if body:  # a pasted page: the same cleaning as a fetched one (site marks, bylines ...)
        title, body = clean_text_article(title, body)
    if not body:
        return Reply.say(
            "The article has no text: put the title on the first line and the article text "
            "on the lines after it, in the same message.",
            ADD_USAGE,
        )
    ingestor = ctx.ingestor
    outcome = await ctx.call(ingestor.add_text, title, body, added_by=req.actor)
    await _audit(ctx, req, "/add", f"#{outcome.article.id} {title}")
    return _outcome_reply(outcome)


def _parse_topic_args(args: str) -> tuple[str, str, str] | str:
    """(slug, name, rule) or an error message."""
    head, bar, rule = args.partition("|")
    words = head.split()
    if not bar or not words:
        return "Missing parts."
    slug = words[0].lower()
    if not SLUG_PATTERN.match(slug):
        return (
            f"{shorten(words[0], 64)!r} can't be a slug: use lower-case letters, digits and "
            "'-' (up to 64), e.g. china-russia."
        )
    name = " ".join(words[1:]) or slug
    if len(name) > MAX_TOPIC_NAME:
        return f"The display name is too long (at most {MAX_TOPIC_NAME} characters)."
    return slug, name, rule.strip()


@command(
    "addtopic",
    help=N_("add or change a topic and its keyword rule"),
    usage="/addtopic <slug> <display name> | <rule>",
    examples=("/addtopic energy Energy | oil, gas, pipeline",),
    admin=True,
)
async def addtopic(ctx: Context, req: Request) -> Reply:
    """Validate the rule, save the topic, retag the stored articles in the background."""
    parsed = _parse_topic_args(req.args)
    if isinstance(parsed, str):
        return Reply.say(parsed, ADDTOPIC_USAGE)
    slug, name, raw_rule = parsed
    try:
        rule = parse_rule(raw_rule)
    except RuleError as error:
        return Reply.say(f"The rule is not valid: {error}.", ADDTOPIC_USAGE)
    existing = await ctx.call(ctx.store.find_topic, name)
    if existing is not None and existing.slug != slug:
        return Reply.say(
            Text.of("The name ", bold(name), " is taken by topic ", code(existing.slug), ".")
        )
    previous = await ctx.call(ctx.store.find_topic, slug)
    previous = previous if previous is not None and previous.slug == slug else None
    topic = await ctx.call(ctx.store.upsert_topic, slug, name, format_rule(rule))
    _forget_topic_cache(ctx)
    await _audit(ctx, req, "/addtopic", f"{slug} | {topic.rule}")
    ctx.background(retag_all, ctx.store, topic.slug, label=f"retag after /addtopic {slug}")
    if previous is None:
        headline = Text.of("Topic ", bold(topic.name), " (", code(topic.slug), ") saved.")
    else:
        headline = Text.of(
            "Topic ", code(topic.slug), " updated: it was ", bold(previous.name), " | ",
            shorten(previous.rule, 300), "; now ", bold(topic.name), ".",
        )
    return Reply.say(
        headline,
        Text.of(italic("Rule: "), topic.rule),
        "Stored articles are being tagged with it in the background; "
        f"see them soon with /latest {topic.slug}.",
    )


@command(
    "deltopic",
    help=N_("delete a topic (and its subscriptions, after a confirmation)"),
    usage="/deltopic <topic>",
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
        return Reply.say(Text.of("Which topic? e.g. ", code("/deltopic energy"), ". See /topics."))
    topic = await ctx.call(ctx.store.find_topic, name)
    if topic is None:
        return Reply.say(Text.of("There is no topic ", bold(shorten(name, 64)), ". See /topics."))
    subscribers = await ctx.call(ctx.store.topic_subscriber_count, topic.id)
    if not subscribers:
        return await _delete_topic(ctx, req, topic)
    chats = _chats(subscribers)
    return Reply.say(
        Text.of(
            bold(topic.name),
            " (",
            code(topic.slug),
            f") has {chats} subscribed. Deleting it stops their digests of it and removes "
            "their subscriptions. Delete it?",
        ),
        keyboard=[
            [
                Button(f"Delete, stop {chats}"[:60], f"{DELTOPIC_CONFIRM}:{topic.id}"),
                Button("Keep it", f"{DELTOPIC_KEEP}:{topic.id}"),
            ]
        ],
    )


def _chats(count: int) -> str:
    return "1 chat" if count == 1 else f"{count} chats"


async def _delete_topic(
    ctx: Context, req: Request, topic: TopicView, *, edit: bool = False
) -> Reply:
    subscribers = await ctx.call(ctx.store.active_subscriptions)
    chats = {sub.chat_id for sub in subscribers if sub.topic.id == topic.id}
    stopped = await ctx.call(ctx.store.topic_subscriber_count, topic.id)
    await ctx.call(ctx.store.delete_topic, topic.slug)
    _forget_topic_cache(ctx)
    await _audit(ctx, req, "/deltopic", f"{topic.slug} ({stopped} subscriptions)")
    for chat_id in chats:
        await ctx.subscriptions_changed(chat_id)
    note = f" The digests of {_chats(stopped)} stopped." if stopped else ""
    return Reply.say(
        Text.of("Deleted topic ", bold(topic.name), " (", code(topic.slug), ").", note),
        edit=edit,
        toast="Deleted" if edit else None,
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
        return Reply.nothing(toast="Sorry, /deltopic is for the bot's admins only.")
    topic_id = int(payload) if payload.isdigit() and len(payload) < 12 else 0
    topic = await ctx.call(ctx.store.get_topic, topic_id) if topic_id else None
    if topic is None:
        return Reply.say("That topic is gone already. See /topics.", edit=True)
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
        Text.of("Kept topic ", bold(topic.name), " (", code(topic.slug), ")."), edit=True
    )


@command(
    "delete",
    help=N_("delete an article"),
    usage="/delete <article id>",
    examples=("/delete 12",),
    admin=True,
)
async def delete(ctx: Context, req: Request) -> Reply:
    """Delete one stored article."""
    article_id = parse_article_id(req.args)
    if article_id is None:
        return Reply.say(Text.of("Which article? e.g. ", code("/delete 12"), "."))
    deleted = 0 < article_id <= MAX_ARTICLE_ID and await ctx.call(
        ctx.store.delete_article, article_id
    )
    if not deleted:
        return Reply.say(f"There is no article #{article_id}"[:80] + ".")
    await _audit(ctx, req, "/delete", f"#{article_id}")
    return Reply.say(f"Deleted article #{article_id}.")


@command(
    "stats",
    help=N_("how many articles, topics, chats, subscriptions and recent deliveries"),
    usage="/stats",
    admin=True,
)
async def stats(ctx: Context, req: Request) -> Reply:
    """The store's counters."""
    figures = await ctx.call(ctx.store.stats, ctx.now())
    lines = [
        f"Articles: {figures.articles}",
        f"Topics: {figures.topics}",
        f"Chats: {figures.chats}",
        f"Subscriptions: {figures.subscriptions}",
        f"Digests delivered in the last day: {figures.deliveries_last_day}",
        f"Feeds: {figures.feeds}",
    ]
    lines += [
        f"{name.replace('_', ' ').capitalize()}: {value}"
        for name, value in sorted(figures.extra.items())
    ]
    return Reply.say(Text.of(bold("Stats"), "\n", "\n".join(lines)))
