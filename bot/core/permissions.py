"""Who may change a chat's subscriptions and settings.

In a private chat (and the console) the one user owns the chat. In a group or supergroup only
the group's administrators change its subscriptions and settings; every member may still read
(/latest, /summary, /search, /digest, /topics, /subscriptions, /settings without arguments).
A group's anonymous administrators write as the group itself (``sender_chat`` is the group),
so such a message counts as an administrator's.

The rule lives here, transport-free; whether a user administers a chat is a question for the
adapter (Telegram: getChatMember, cached for a minute), given to the core as ``ChatAdmins``.
"""

from __future__ import annotations

import logging
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from bot.core.types import Request
from bot.i18n import _

if TYPE_CHECKING:
    from bot.core.context import Context

log = logging.getLogger(__name__)

GROUP_TYPES = frozenset({"group", "supergroup"})


class ChatAdmins(Protocol):
    """The adapter's answer to "does this user administer this chat?"."""

    async def is_admin(self, chat_id: int, user_id: int) -> bool | None:
        """True or False; None when it could not be told (the API did not answer)."""
        ...


class Change(Enum):
    """What a request would change in its chat (the refusal names it)."""

    SUBSCRIPTIONS = "subscriptions"
    SETTINGS = "settings"


def refusal_text(change: Change) -> str:
    """The answer to a group member who is not an administrator: who can make the change."""
    if change is Change.SUBSCRIPTIONS:
        return _(
            "Only this group's administrators can change its subscriptions. "
            "/subscriptions shows them; /latest and /digest work for everyone."
        )
    return _(
        "Only this group's administrators can change its settings. "
        "/settings shows them."
    )


def unknown_text() -> str:
    """The answer when the administrators could not be asked (Telegram did not answer)."""
    return _(
        "I could not check whether you are an administrator of this group. "
        "Please try again in a minute."
    )


async def sender_may_change(ctx: Context, req: Request) -> bool | None:
    """True when the sender may change the chat's subscriptions and settings.

    None when a group's administrators could not be asked.
    """
    if req.chat.type not in GROUP_TYPES:
        return True
    if req.sender_chat_id is not None:
        # Written on behalf of a chat: the group itself is its anonymous administrators;
        # any other chat (a linked channel) is not one of the group's administrators.
        return req.sender_chat_id == req.chat.id
    if req.user_id is None or ctx.chat_admins is None:
        return False
    try:
        return await ctx.chat_admins.is_admin(req.chat.id, req.user_id)
    except Exception:
        log.exception("could not ask whether %s administers chat %s", req.user_id, req.chat.id)
        return None


async def change_refusal(ctx: Context, req: Request, change: Change) -> str | None:
    """None when the sender may make the change; otherwise the one answer to give."""
    allowed = await sender_may_change(ctx, req)
    if allowed:
        return None
    return unknown_text() if allowed is None else refusal_text(change)
