"""Stand-ins for the digest commands until bot/core/commands/subscriptions.py registers them.

Registered as ``fallback``: the real module's registrations replace these.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.registry import callback, command
from bot.core.types import Reply, Request

COMING = "Topic digests are coming soon: this command is not available yet."


@command(
    "subscribe",
    help="a daily digest of a topic at a time of your choice",
    usage="/subscribe <topic> [HH:MM]",
    examples=("/subscribe world 08:30",),
    fallback=True,
)
async def subscribe(ctx: Context, req: Request) -> Reply:
    """Placeholder for /subscribe."""
    return Reply.say(COMING)


@command(
    "unsubscribe",
    help="stop a topic's digest",
    usage="/unsubscribe <topic>",
    examples=("/unsubscribe world",),
    fallback=True,
)
async def unsubscribe(ctx: Context, req: Request) -> Reply:
    """Placeholder for /unsubscribe."""
    return Reply.say(COMING)


@command(
    "subscriptions",
    help="your digests and when the next one comes",
    usage="/subscriptions",
    fallback=True,
)
async def subscriptions(ctx: Context, req: Request) -> Reply:
    """Placeholder for /subscriptions."""
    return Reply.say(COMING)


@command(
    "digest",
    help="a digest of a topic right now",
    usage="/digest [topic]",
    examples=("/digest", "/digest world"),
    fallback=True,
)
async def digest(ctx: Context, req: Request) -> Reply:
    """Placeholder for /digest."""
    return Reply.say(COMING)


@callback("sub", fallback=True)
async def on_subscribe(ctx: Context, req: Request, payload: str) -> Reply:
    """Placeholder for the Subscribe button."""
    return Reply.nothing(toast=COMING)


@callback("unsub", fallback=True)
async def on_unsubscribe(ctx: Context, req: Request, payload: str) -> Reply:
    """Placeholder for the Unsubscribe button."""
    return Reply.nothing(toast=COMING)
