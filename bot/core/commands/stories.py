"""The "N more stories" button under a digest: lists the stories the digest did not show.

The button carries the topic and the digest's window (``stories:<topic>:<start>:<end>:<from>``,
see ``bot.digests.compose.stories_data``), so the list is rebuilt from the same articles the
digest grouped, a page at a time, each story with its sources and a Summary button.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.registry import callback
from bot.core.types import Button, Message, Reply, Request, Text, bold
from bot.digests.compose import (
    STORIES_PREFIX,
    DigestComposer,
    decode_instant,
    headline,
    sources_line,
    stories_data,
)

PAGE = 20
_BUTTONS_PER_ROW = 4
_MAX_OFFSET = 100_000


@callback(STORIES_PREFIX)
async def on_more_stories(ctx: Context, req: Request, payload: str) -> Reply:
    """List the window's stories from ``offset`` on (a page of PAGE), with a Next button."""
    fields = payload.split(":")
    if len(fields) != 4 or not fields[0].isdigit() or not fields[3].isdigit():
        return Reply.nothing(toast="This button no longer works.")
    start, end = decode_instant(fields[1]), decode_instant(fields[2])
    offset = int(fields[3]) if len(fields[3]) < 7 else _MAX_OFFSET
    topic = await ctx.topic_by_id(int(fields[0])) if len(fields[0]) < 12 else None
    if start is None or end is None or topic is None:
        return Reply.nothing(toast="This button no longer works.")
    stories = await ctx.call(DigestComposer(ctx.store).stories, topic, start, end)
    page = stories[offset : offset + PAGE]
    if not page:
        return Reply.say(Text.of("No more stories in ", bold(topic.name), " for that digest."))
    last = offset + len(page)
    items = [
        Text.of(bold(f"More in {topic.name}"), f" (stories {offset + 1}–{last} of {len(stories)})")
    ]
    items += [Text.of(headline(group), f"\n{sources_line(group)}") for group in page]
    buttons = [Button(f"Summary #{group.lead.id}", f"sum:{group.lead.id}") for group in page]
    rows = [buttons[i : i + _BUTTONS_PER_ROW] for i in range(0, len(buttons), _BUTTONS_PER_ROW)]
    if last < len(stories):
        rows.append(
            [
                Button(
                    f"Next {min(PAGE, len(stories) - last)}",
                    stories_data(topic.id, start, end, last),
                )
            ]
        )
    return Reply((Message.of(*items, keyboard=rows),))
