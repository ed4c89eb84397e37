"""What ``/start <payload>`` opens: the deep links of ``bot.core.deeplinks``.

``t.me/<bot>?start=sum_<id>`` shows an article's summary (the buttons under a channel digest
lead here); ``?start=sub_<slug>`` offers a Subscribe button for the topic. The payload is
whatever the link said, so anything this bot did not make (an unknown id, garbage, a topic
that was deleted) gets the normal welcome plus one line saying the link did not work.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.deeplinks import ArticleLink, NotADeepLink, TopicLink, WelcomeLink, parse_start
from bot.core.format import MAX_ARTICLE_ID
from bot.core.template import fill
from bot.core.types import Button, Message, Reply, Request, Text, bold, code
from bot.i18n import _


async def deep_link_reply(ctx: Context, req: Request, payload: str) -> Reply | Text | None:
    """The reply a deep link opens, or one line to add to the welcome when it opens nothing
    (None: the plain welcome)."""
    try:
        link = parse_start(payload)
    except NotADeepLink:
        return Text.of(_("That link is not one of mine, so here is the usual welcome."))
    if isinstance(link, WelcomeLink):
        return None
    if isinstance(link, ArticleLink):
        return await _article(ctx, req, link)
    return await _topic_offer(ctx, req, link)


async def _article(ctx: Context, req: Request, link: ArticleLink) -> Reply | Text:
    from bot.core.commands.articles import summary_by_id

    exists = link.article_id <= MAX_ARTICLE_ID and (
        await ctx.call(ctx.store.get_article, link.article_id)
    ) is not None
    if not exists:
        return fill(
            _("The link named article {id}, which is not here (any more)."),
            id=bold(f"#{link.article_id}"),
        )
    return await summary_by_id(ctx, req, link.article_id)


async def _topic_offer(ctx: Context, req: Request, link: TopicLink) -> Reply | Text:
    topic = await ctx.call(ctx.store.find_topic, link.slug)
    if topic is None or topic.slug != link.slug:
        return fill(
            _("The link named the topic {topic}, which is not here (any more). See /topics."),
            topic=code(link.slug),
        )
    subscriptions = await ctx.call(ctx.store.chat_subscriptions, req.chat.id)
    if any(sub.topic.id == topic.id for sub in subscriptions):
        return Reply.say(
            fill(
                _("You are already subscribed to {topic}. /subscriptions shows when it comes."),
                topic=bold(topic.name),
            )
        )
    label = _("Subscribe: {topic}").format(topic=topic.name)[:60]
    offer = Message.of(
        fill(_("Get a daily digest of {topic}?"), topic=bold(topic.name)),
        fill(
            _("The button subscribes at the usual time; {command} picks another."),
            command=code(f"/subscribe {topic.slug} HH:MM"),
        ),
        keyboard=[[Button(label, f"sub:{topic.id}")]],
    )
    return Reply((offer,))
