"""Pacing digest sends: an overall pace that adapts to flood control, and per-chat spacing.

Telegram's broadcast limits (https://core.telegram.org/bots/faq#broadcasting-to-users): about
30 messages a second overall (up to 1,000 with paid broadcasts), 1 a second to one chat, 20 a
minute to one group or channel. The Pacer keeps all three:

- the overall pace starts at the configured rate (``NEWSBOT_BROADCAST_RATE``, its ceiling);
- a 429 halves it (multiplicative decrease, at most once per ``decrease_every`` seconds, since
  one burst over the limit answers several sends in flight at once) and every second without
  one adds ``recovery_per_second`` back (additive increase), up to the ceiling again: AIMD, the
  way TCP finds the pace a link allows without a fixed guess;
- a 429 also holds the chat it was for until its retry_after (the send is then retried), and
  429s for several chats within a moment (what the overall limit looks like) hold every chat;
- per-chat spacing (1 s, 3 s for groups and channels: 20 a minute) holds whatever the pace.

aiolimiter (which the reply rate limiter uses) has no way to change a limiter's rate while it
runs, and AIMD needs exactly that, so this pacer keeps its own next-slot arithmetic.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

FREE_BROADCAST_RATE = 30.0  # Telegram's free limit, messages a second
PAID_BROADCAST_RATE = 1000.0  # with allow_paid_broadcast (Bot API 7.11)
GROUP_PER_MINUTE = 20.0
DECREASE_FACTOR = 0.5
# A long flood wait is slept in naps, so that a released hold (shutdown, tests) is seen soon.
NAP_SECONDS = 0.25
# 429s for this many distinct chats within GLOBAL_WINDOW seconds: the overall limit was hit.
GLOBAL_CHATS = 3
GLOBAL_WINDOW = 2.0
MAX_TRACKED_CHATS = 50_000
# The overall pace releases sends on ticks: the slots of one tick go out together. One timer
# per send woke the loop once a send, most of a paced worker's CPU beyond the sends themselves
# (issue 14). A tick lasts SENDS_PER_TICK slots, from TICK to MAX_TICK seconds (7 sends at
# 147 a second, 4 at 30, 3.7 at 15). Still no send before its slot; a tick's burst is far
# inside the second's worth Telegram's overall bucket allows.
TICK = 0.05
MAX_TICK = 0.25
SENDS_PER_TICK = 4.0
# Slots missed by a stall shorter than this are made up (a burst of rate x CATCH_UP at most):
# between a worker's rounds and batches its sends pause for a write or a claim.
CATCH_UP = 0.1
# A worker claims about CLAIM_AHEAD seconds of its pace in digests at once, in lanes of at
# least MIN_LANE_BATCH: each claim is a transaction, and so is each round's progress write.
CLAIM_AHEAD = 6.0
MIN_LANE_BATCH = 100
MIN_LANES = 2
MAX_LANES = 3
MAX_BATCH = 500


def in_flight_for(rate: float) -> int:
    """How many digests to send at once so that ``rate`` is reachable.

    Each send waits about one round trip (and the engine's database work); a quarter of a
    second's worth of sends in flight covers a slow link, with 32 at least (the old fixed value)
    and 512 at most (one kept-alive connection each).
    """
    return max(32, min(512, math.ceil(rate * 0.25)))


def tick_for(rate: float) -> float:
    """Seconds between two releases of sends at an overall pace of ``rate`` (see TICK)."""
    return min(MAX_TICK, max(TICK, SENDS_PER_TICK / rate)) if rate else TICK


def claim_sizes(rate: float) -> tuple[int, int]:
    """Digests per claim and lanes for an overall pace of ``rate`` (0: none).

    About ``CLAIM_AHEAD`` seconds of digests claimed at once, so that workers sharing a
    database share the tail evenly. Two lanes at least (each claims and sends its own batch,
    so that one lane's claim and round-end write overlap the other's sends: one lane alone
    lost 1-2% of the pace in those pauses), a third while a lane's batch stays at
    ``MIN_LANE_BATCH`` or more: at R = 300 over two workers, 3 lanes of 294; at 15 a second,
    2 lanes of 44 (3 lanes of 29 cost 0.05 transactions a message in claims and round-end
    writes alone). With no pace, 3 lanes of 500.
    """
    if not rate:
        return MAX_BATCH, MAX_LANES
    total = rate * CLAIM_AHEAD
    lanes = max(MIN_LANES, min(MAX_LANES, int(total // MIN_LANE_BATCH)))
    return max(20, min(MAX_BATCH, int(total / lanes))), lanes


class Pacer:
    """Spacing between sends: an adaptive overall pace and per-chat gaps (see the module)."""

    def __init__(
        self,
        *,
        overall_per_second: float | None = None,
        private_interval: float = 1.0,
        group_interval: float = 60.0 / GROUP_PER_MINUTE,
        recovery_per_second: float | None = None,
        floor_per_second: float = 1.0,
        decrease_every: float = 1.0,
        tick: float | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.ceiling = overall_per_second or 0.0
        self.rate = self.ceiling
        self.floor = min(floor_per_second, self.ceiling) if self.ceiling else 0.0
        # Back from half the ceiling to all of it in about 10 s without a 429.
        self.recovery_per_second = (
            recovery_per_second if recovery_per_second is not None else self.ceiling / 20.0
        )
        self.decrease_every = decrease_every
        self.private_interval = private_interval
        self.group_interval = group_interval
        # None: by the pace (tick_for); 0: each send wakes at its own slot (the old way,
        # the benchmark's baseline).
        self.tick = tick
        self.slowdowns = 0  # how many times a 429 lowered the pace
        self.lowest_rate = self.rate
        self._sleep = sleep
        self._next_overall = 0.0
        self._rate_stamp: float | None = None
        self._last_decrease = -math.inf
        self._global_hold = 0.0
        self._chat_holds: dict[int, float] = {}
        self._recent_429s: deque[tuple[float, int]] = deque()
        self._last_by_chat: dict[int, float] = {}
        self._chat_locks: dict[int, asyncio.Lock] = {}

    @property
    def overall_interval(self) -> float:
        """Seconds between two sends at the current pace (0: no overall pace)."""
        return 1.0 / self.rate if self.rate else 0.0

    def chat_lock(self, chat_id: int) -> asyncio.Lock:
        """One sender at a time per chat, so per-chat spacing holds across tasks."""
        lock = self._chat_locks.get(chat_id)
        if lock is None:
            lock = self._chat_locks[chat_id] = asyncio.Lock()
        return lock

    def held_until(self, chat_id: int) -> float:
        """The loop time until which flood control holds ``chat_id`` (0 when it does not)."""
        return max(self._chat_holds.get(chat_id, 0.0), self._global_hold)

    async def wait(self, chat_id: int, is_group: bool) -> None:
        """Sleep until flood holds, the chat's spacing and the overall pace allow one more."""
        loop = asyncio.get_running_loop()
        while (remaining := self.held_until(chat_id) - loop.time()) > 0:
            await self._sleep(min(remaining, NAP_SECONDS))
        interval = self.group_interval if is_group else self.private_interval
        last = self._last_by_chat.get(chat_id)
        if last is not None:
            delay = last + interval - loop.time()
            if delay > 0:
                await self._sleep(delay)
        if self.rate:
            now = loop.time()
            self._recover(now)
            # A slot may lie up to CATCH_UP in the past: the pace makes up a short stall
            # (a round-end write, a claim) instead of losing its slots.
            slot = max(now - CATCH_UP, self._next_overall)
            self._next_overall = slot + self.overall_interval
            if slot > now:
                # Woken on the tick at or after the slot: the sends of one tick leave
                # together, one wake-up of the loop for them all (see TICK).
                tick = tick_for(self.rate) if self.tick is None else self.tick
                wake = math.ceil(slot / tick) * tick if tick > 0 else slot
                await self._sleep(wake - now)

    def _recover(self, now: float) -> None:
        """Additive increase: the pace regains ``recovery_per_second`` each second."""
        if self._rate_stamp is not None and self.rate < self.ceiling:
            gained = (now - self._rate_stamp) * self.recovery_per_second
            self.rate = min(self.ceiling, self.rate + gained)
        self._rate_stamp = now

    def hold(self, seconds: float, chat_id: int | None = None) -> None:
        """Flood control said wait ``seconds`` (for ``chat_id``; for everyone without one).

        The chat is held, the pace is halved (once per ``decrease_every``), and 429s for several
        chats within a moment hold every chat, as Telegram's overall limit asks.
        """
        now = asyncio.get_running_loop().time()
        until = now + seconds
        if chat_id is None:
            self._global_hold = max(self._global_hold, until)
        else:
            self._chat_holds[chat_id] = max(self._chat_holds.get(chat_id, 0.0), until)
            self._recent_429s.append((now, chat_id))
            while self._recent_429s and self._recent_429s[0][0] < now - GLOBAL_WINDOW:
                self._recent_429s.popleft()
            if len({chat for _, chat in self._recent_429s}) >= GLOBAL_CHATS:
                self._global_hold = max(self._global_hold, until)
        self._slow_down(now)

    def _slow_down(self, now: float) -> None:
        """Multiplicative decrease, once per burst of 429s."""
        if not self.rate or now - self._last_decrease < self.decrease_every:
            return
        self._recover(now)
        self.rate = max(self.floor, self.rate * DECREASE_FACTOR)
        self._last_decrease = now
        self.slowdowns += 1
        self.lowest_rate = min(self.lowest_rate, self.rate)
        log.info("flood control: digest pace lowered to %.1f msg/s", self.rate)

    def release(self) -> None:
        """Forget every flood hold now (shutdown; tests that need not sit out a retry_after)."""
        self._chat_holds.clear()
        self._global_hold = 0.0

    def sent(self, chat_id: int) -> None:
        """Remember when the chat last got a message."""
        now = asyncio.get_running_loop().time()
        self._last_by_chat[chat_id] = now
        if len(self._last_by_chat) > MAX_TRACKED_CHATS:
            horizon = now - max(self.private_interval, self.group_interval)
            self._last_by_chat = {k: v for k, v in self._last_by_chat.items() if v > horizon}
            self._chat_holds = {k: v for k, v in self._chat_holds.items() if v > now}
            self._chat_locks = {
                k: v for k, v in self._chat_locks.items() if k in self._last_by_chat or v.locked()
            }
