"""Who administers a group, asked of Telegram (getChatMember) and remembered for a minute.

The core's permission rule (bot/core/permissions.py) asks this before a group's subscriptions
or settings change. A change of administrators reaches the bot only as a service it does not
get by default, so answers are kept for ``ttl`` seconds (a user promoted or demoted waits at
most that long), in a bounded table: a busy bot in many groups never grows it without limit.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from telegram import Bot
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, TelegramError

log = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
DEFAULT_TTL = 60.0
DEFAULT_MAX_ENTRIES = 4096


class TelegramChatAdmins:
    """``await is_admin(chat_id, user_id)``: True, False, or None when Telegram did not say."""

    def __init__(
        self,
        bot: Bot,
        *,
        ttl: float = DEFAULT_TTL,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot = bot
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        # (chat, user) -> (is admin, when the answer expires); oldest first, for eviction.
        self._answers: OrderedDict[tuple[int, int], tuple[bool, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    async def is_admin(self, chat_id: int, user_id: int) -> bool | None:
        """Whether ``user_id`` is an administrator (or the owner) of ``chat_id``."""
        key = (chat_id, user_id)
        now = self.clock()
        cached = self._answers.get(key)
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except (BadRequest, Forbidden) as error:
            # "user not found", "member list is inaccessible": not an administrator we can see.
            log.info("getChatMember(%s, %s) refused: %s", chat_id, user_id, error)
            answer = False
        except TelegramError as error:  # network trouble, flood control: ask again next time
            log.warning("getChatMember(%s, %s) failed: %s", chat_id, user_id, error)
            return None
        else:
            answer = member.status in ADMIN_STATUSES
        self._remember(key, answer, self.clock())
        return answer

    def _remember(self, key: tuple[int, int], answer: bool, now: float) -> None:
        self._answers.pop(key, None)
        self._answers[key] = (answer, now + self.ttl)
        while len(self._answers) > self.max_entries:
            self._answers.popitem(last=False)
