"""/add: an admin adds one article, from a link, a title and its text, or a reply to a post.

The article is fetched (a link), cleaned like a fetched page (pasted text), summarized,
tagged and stored by the ingestor; the reply shows its id, title, topics and summary. Only
admins reach the handler (the core refuses and audits everyone else); each article added is
audited too.
"""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.format import bullets, is_url, shorten, title_span
from bot.core.progress import report_progress
from bot.core.registry import command
from bot.core.template import fill
from bot.core.types import Reply, Request, Text, bold, code, italic
from bot.i18n import N_, _
from ingest.extract import clean_text_article
from ingest.pipeline import AddOutcome

_OTHER_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):\S+$")
# A link typed without its scheme: "www.example.com", "example.org/news", "bbc.co.uk/x".
# A one-word title with a dot ("U.S.") has no letters-only TLD of 2+ after its last dot.
_BARE_HOST = re.compile(
    r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\.?(?:/\S*)?$", re.IGNORECASE
)


def add_usage() -> Text:
    """How /add is written, in the reply language."""
    return fill(
        _(
            "Usage: {url_form}, or {title_form} with the article text on the following lines, "
            "or {bare_form} as a reply to a message."
        ),
        url_form=code("/add <url>"),
        title_form=code("/add <title>"),
        bare_form=code("/add"),
    )


def _outcome_reply(outcome: AddOutcome) -> Reply:
    article = outcome.article
    if not outcome.created:
        return Reply.say(
            fill(
                _("Already stored as {id}: {title}"),
                id=bold(f"#{article.id}"),
                title=title_span(article),
            ),
            fill(_("See it with {command}."), command=code(f"/summary {article.id}")),
        )
    topics = ", ".join(outcome.topics or article.topic_slugs) or _("none")
    summary = bullets(article.summary) or _("(no summary)")
    return Reply.say(
        fill(_("Added {id}: {title}"), id=bold(f"#{article.id}"), title=title_span(article)),
        Text.of(italic(_("Topics: {topics}").format(topics=topics))),
        Text.of(bold(_("Summary")), "\n", summary),
    )


async def add_url(ctx: Context, req: Request, url: str) -> Reply:
    """Fetch, extract, summarize, tag and store ``url`` (admins only)."""
    from bot.core.commands.links import fetching_notice

    ingestor = ctx.ingestor
    await report_progress(fetching_notice(url))
    outcome = await ctx.fetching(ingestor.add_url, url, added_by=req.actor)
    await ctx.audit(req, "/add", f"#{outcome.article.id} {url}")
    return _outcome_reply(outcome)


def _not_a_fetchable_link(text: str) -> str | None:
    """Why a lone link that is not http(s) cannot be added, or None for anything else."""
    other_scheme = _OTHER_SCHEME.match(text)
    if other_scheme:
        return _("Only http and https links can be fetched (not {scheme}:).").format(
            scheme=other_scheme.group(1)[:20]
        )
    if _BARE_HOST.match(text):
        return _("Put http:// or https:// in front of the link, e.g. {example}").format(
            example=f"/add https://{text[:200]}"
        )
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
    usage=N_("/add <url> | /add <title> + text on the next lines"),
    examples=(
        "/add https://example.com/news/1",
        N_("/add Storm closes the port (text on the next lines)"),
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
            return Reply.say(add_usage())
    elif is_url(args):
        return await add_url(ctx, req, args)
    elif refusal := _not_a_fetchable_link(args):
        return Reply.say(refusal, add_usage())
    else:
        title, body = split_title_body(args)
        if not body and req.reply_to_text and req.reply_to_text.strip():
            body = req.reply_to_text.strip()
    if body:  # a pasted page: the same cleaning as a fetched one (site marks, bylines ...)
        title, body = clean_text_article(title, body)
    if not body:
        return Reply.say(
            _(
                "The article has no text: put the title on the first line and the article "
                "text on the lines after it, in the same message."
            ),
            add_usage(),
        )
    ingestor = ctx.ingestor
    outcome = await ctx.call(ingestor.add_text, title, body, added_by=req.actor)
    await ctx.audit(req, "/add", f"#{outcome.article.id} {title}")
    return _outcome_reply(outcome)
