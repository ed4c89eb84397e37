"""The "N more stories" button under a digest: lists the stories the digest did not show.

The button carries the topic and the digest's window (``stories:<topic>:<start>:<end>:<from>``,
see ``bot.digests.compose.stories_data``), so the list is rebuilt from the same articles the
digest grouped, a page at a time, each story with its sources and a Summary button. The
digest's button sends the list as a new message (the digest stays); the list's own "◂ Back"
and "More ▸" (``storypage:...``, the same fields and the list's first offset) edit the list
in place.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.context import Context
from bot.core.registry import callback
from bot.core.template import fill
from bot.core.types import Button, Message, Reply, Request, Text, bold
from bot.digests.compose import DigestComposer
from bot.digests.layout import headline, sources_line
from bot.digests.story_buttons import STORIES_PREFIX, decode_instant, stories_data
from bot.i18n import _
from storage.views import TopicView

PAGE = 20
PAGE_PREFIX = "storypage"
_BUTTONS_PER_ROW = 4
_MAX_OFFSET = 100_000


def _number(raw: str) -> int:
    return int(raw) if len(raw) < 7 else _MAX_OFFSET


async def _parse(
    ctx: Context, payload: str, *, paging: bool
) -> tuple[TopicView, datetime, datetime, int, int] | None:
    """(topic, window start, window end, offset, first offset of the list) from a button's
    payload (the list's paging buttons add the first offset); None if forged."""
    fields = payload.split(":")
    if len(fields) != (5 if paging else 4) or not fields[0].isdigit():
        return None
    if not all(field.isdigit() for field in fields[3:]):
        return None
    start, end = decode_instant(fields[1]), decode_instant(fields[2])
    offset = _number(fields[3])
    origin = min(_number(fields[4]), offset) if paging else offset
    topic = await ctx.topic_by_id(int(fields[0])) if len(fields[0]) < 12 else None
    if start is None or end is None or topic is None:
        return None
    return topic, start, end, offset, origin


async def _stories_page(ctx: Context, payload: str, *, edit: bool) -> Reply:
    parsed = await _parse(ctx, payload, paging=edit)
    if parsed is None:
        return Reply.nothing(toast=_("This button no longer works."))
    topic, start, end, offset, origin = parsed

    def page_data(at: int) -> str:
        return stories_data(topic.id, start, end, at, PAGE_PREFIX) + f":{origin}"
    stories = await ctx.call(DigestComposer(ctx.store).stories, topic, start, end)
    page = stories[offset : offset + PAGE]
    if not page:
        if edit:  # keep the list that is shown
            return Reply.nothing(toast=_("No more stories."))
        return Reply.say(
            fill(_("No more stories in {topic} for that digest."), topic=bold(topic.name))
        )
    last = offset + len(page)
    items = [
        Text.of(
            bold(_("More in {topic}").format(topic=topic.name)),
            " "
            + _("(stories {first}–{last} of {total})").format(
                first=offset + 1, last=last, total=len(stories)
            ),
        )
    ]
    items += [Text.of(headline(group), f"\n{sources_line(group)}") for group in page]
    buttons = [
        Button(_("Summary #{id}").format(id=group.lead.id), f"sum:{group.lead.id}")
        for group in page
    ]
    rows = [buttons[i : i + _BUTTONS_PER_ROW] for i in range(0, len(buttons), _BUTTONS_PER_ROW)]
    paging: list[Button] = []
    if offset > origin:  # the stories before the list's first were in the digest itself
        paging.append(Button(_("◂ Back"), page_data(max(origin, offset - PAGE))))
    if last < len(stories):
        paging.append(Button(_("More ▸"), page_data(last)))
    rows.append(paging)
    return Reply((Message.of(*items, keyboard=rows),), edit=edit)


@callback(STORIES_PREFIX)
async def on_more_stories(ctx: Context, req: Request, payload: str) -> Reply:
    """The digest's button: the window's stories from ``offset`` on, as a new message."""
    return await _stories_page(ctx, payload, edit=False)


@callback(PAGE_PREFIX)
async def on_stories_page(ctx: Context, req: Request, payload: str) -> Reply:
    """◂ Back and More ▸ of the stories list: the list is edited in place."""
    return await _stories_page(ctx, payload, edit=True)
