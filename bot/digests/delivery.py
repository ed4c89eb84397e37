"""The digest delivery engine: claim due digests by the batch, send them in rounds, record the
progress by the batch.

Transport-agnostic: it talks to a ``Sender`` whose typed errors say what happened
(bot/digests/sending.py). Claims live in the database (one row per subscription and period),
each owned by the worker that made it while that worker's lease lives (bot/digests/lease.py):
processes sharing a database never send one digest twice, and a restart resumes a half-sent
digest from the parts it recorded.

A pass runs a few lanes at once. A lane claims a batch of due digests in one transaction
(storage/delivery_batches.py: disjoint between workers, and the claim moves each digest's due
time on), composes each distinct digest of the batch once (compose.py caches by topic, window,
length, zone and language) and sends it in rounds: round k sends part k of every digest of
the batch that has one, paced overall and per chat (the Pacer). The progress goes to a
write-behind recorder (bot/digests/recorder.py), flushed before the next round starts, so a
crash repeats at most one part per chat (README, "Exactly once").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.core.types import Message
from bot.digests.compose import ComposedDigest, DigestComposer
from bot.digests.lease import DEFAULT_TTL, Lease
from bot.digests.pacing import Pacer, Sleep
from bot.digests.planning import claim_plan, compose_batch, plan_chat, plan_unscheduled
from bot.digests.recorder import ProgressRecorder
from bot.digests.sending import (
    ChatBlocked,
    ChatMigrated,
    ClaimLost,
    PermanentSendError,
    RetryAfter,
    RunReport,
    Sender,
    SendError,
    SendGate,
    TransientSendError,
    default_worker_id,
    is_group_chat,
    utc_now,
)
from storage.store import Store
from storage.views import ChatView, ClaimedDigest, DeliveryOutcome, DeliveryView, DueDigest

__all__ = [  # the engine's vocabulary, importable from here
    "ChatBlocked", "ChatMigrated", "ClaimLost", "Clock", "DeliveryEngine", "Pacer",
    "PermanentSendError", "RetryAfter", "RunReport", "SendError", "SendGate", "Sender",
    "TransientSendError", "default_worker_id", "is_group_chat", "plan_chat", "plan_unscheduled",
    "utc_now",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], datetime]
DUE_BATCH = 250
LANES = 3
TRANSIENT_ATTEMPTS = 5
MAX_BACKOFF = 30.0
STATUS_SENT, STATUS_SKIPPED, STATUS_FAILED, STATUS_BLOCKED = "sent", "skipped", "failed", "blocked"
BLOCKED_NOTE = "chat blocked the bot"
EMPTY_NOTE = "nothing new"


@dataclass(slots=True)
class _InFlight:
    """A claimed digest being sent: its parts, the next one, and where it goes."""

    claimed: ClaimedDigest
    digest: ComposedDigest
    next_part: int
    chat_id: int
    open: bool = True

    @property
    def delivery(self) -> DeliveryView:
        return self.claimed.delivery


class DeliveryEngine:
    """Delivers each due digest once (README, "Exactly once"); call ``run_once`` periodically."""

    def __init__(
        self,
        store: Store,
        sender: Sender,
        *,
        worker: str | None = None,
        clock: Clock = utc_now,
        composer: DigestComposer | None = None,
        pacer: Pacer | None = None,
        concurrency: int = 32,
        batch_size: int = DUE_BATCH,
        lanes: int = LANES,
        stale_after: timedelta = timedelta(minutes=5),
        lease_ttl: timedelta = DEFAULT_TTL,
        sleep: Sleep = asyncio.sleep,
        on_claimed: Callable[[DeliveryView], None] | None = None,
        # Called once a part is sent and recorded (parts sent so far); tests crash there.
        on_part_sent: Callable[[DeliveryView, int], None] | None = None,
        only_chat: int | None = None,
        gate: SendGate | None = None,
    ) -> None:
        self.store = store
        self.gate = gate  # channels: may the bot still post, and the message as they get it
        self.sender = sender
        self.worker = worker or default_worker_id()
        self.clock = clock
        self.composer = composer or DigestComposer(store)
        self.pacer = pacer or Pacer(sleep=sleep)
        self.concurrency = max(1, concurrency)  # sends in flight at once
        self.batch_size = max(1, batch_size)
        self.lanes = max(1, lanes)
        # Own claims left by a postponed send are retried after this; others' by their lease.
        self.stale_after = stale_after
        self.lease = Lease(store, self.worker, lease_ttl)
        self.recorder = ProgressRecorder(store, self.worker)
        self._sleep = sleep
        self._on_claimed = on_claimed
        self._on_part_sent = on_part_sent
        self.only_chat = only_chat
        self._unrecorded: list[tuple[DeliveryView, int]] = []  # for on_part_sent, once written
        self._first_pass = True
        self.passes = 0
        self._running = asyncio.Lock()
        # Set at shutdown: no new digest or part starts; a claim keeps the parts it recorded
        # and is resumed from there by the next start.
        self.stopping = False
        self.report_hooks: list[Callable[[RunReport], None]] = []  # metrics, after each pass

    @property
    def busy(self) -> bool:
        """True while a pass is running."""
        return self._running.locked()

    async def run_once(self) -> RunReport:
        """Resume stale claims, then deliver every due subscription (one pass at a time)."""
        report = RunReport()
        if self._running.locked():
            report.skipped += 1
            return report
        async with self._running, self.lease.kept(), self.recorder.running():
            if self._first_pass:
                await self._call(plan_unscheduled, self.store, self.clock())
            await self._resume_stale(report)
            await _all(self._lane(report) for _ in range(self.lanes))
            await self._flush(report)
            self.passes += 1
        for hook in self.report_hooks:
            hook(report)
        return report

    async def idle(self) -> bool:
        """True when nothing is due and no delivery is claimed by anyone."""
        if await self._call(self.store.subscriptions_due, self.clock(), 1):
            return False
        return not await self._call(self.store.has_open_claims)

    async def close(self) -> None:
        """A clean stop: give up the lease, so any leftover claim is resumed without waiting.

        Never while a pass still runs (its claims must stay ours): the lease then expires.
        """
        if self._running.locked():
            log.info("a digest pass is still running: the lease is left to expire")
            return
        await self.lease.release()

    async def replan(self, chat_id: int) -> int:
        """Re-plan a chat's upcoming digests (its time zone changed, say)."""
        return await self._call(plan_chat, self.store, chat_id, self.clock())

    async def _call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def _resume_stale(self, report: RunReport) -> None:
        self._first_pass = False
        if self.only_chat is not None:
            return  # a console engine leaves other chats' interrupted deliveries alone
        await self.lease.end_dead_neighbours()
        # claimed_at is stamped by storage with the real time, whatever clock we were given.
        own_older_than = utc_now() - self.stale_after
        while not self.stopping:
            stale = await self._call(
                self.store.claim_stale_batch, self.worker, own_older_than, self.batch_size
            )
            if not stale:
                return
            log.info("resuming %d interrupted digest deliveries", len(stale))
            report.resumed += len(stale)
            await self._send_batch(stale, report)

    async def _lane(self, report: RunReport) -> None:
        """Claim a batch, send it, and again, until nothing is due (or we are stopping)."""
        backoff = 1.0
        while not self.stopping:
            now = self.clock()

            def plan(item: DueDigest, now: datetime = now) -> Any:
                return claim_plan(item, now)

            try:
                batch = await self._call(
                    self.store.claim_due_batch,
                    now,
                    self.batch_size,
                    worker=self.worker,
                    plan=plan,
                    only_chat=self.only_chat,
                )
            except Exception as error:  # the database is away: wait for it, keep our place
                log.warning("could not claim due digests (%s); trying again", error)
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            if not batch:
                return
            await self._send_batch(batch, report)

    async def _send_batch(self, batch: list[ClaimedDigest], report: RunReport) -> None:
        composed = await self._call(compose_batch, self.composer, batch, self.clock)
        flights = []
        for claimed, digest in zip(batch, composed, strict=True):
            if self._on_claimed is not None:
                self._on_claimed(claimed.delivery)
            delivery = claimed.delivery
            if claimed.chat.blocked_at is not None:
                self._finish(delivery, STATUS_BLOCKED, delivery.parts_sent, error=BLOCKED_NOTE)
                report.blocked += 1
            elif not digest.parts:
                self._finish(delivery, STATUS_SKIPPED, 0, error=EMPTY_NOTE)
                report.empty += 1
            elif delivery.parts_sent >= len(digest.parts):  # every part went out: a crash came
                self._finish(delivery, STATUS_SENT, delivery.parts_sent, digest.article_count)
                report.sent += 1
            elif self.gate is not None and not await self.gate.may_send(claimed.chat):
                await self._pause(delivery, claimed.chat, claimed.chat.id, 0, report)
            else:
                flights.append(_InFlight(claimed, digest, delivery.parts_sent, claimed.chat.id))
        while flights and not self.stopping:
            await self._round(flights, report)
            await self._flush(report)
            flights = [f for f in flights if f.open and f.delivery.id not in self.recorder.lost]

    async def _round(self, flights: list[_InFlight], report: RunReport) -> None:
        """Part ``next_part`` of every digest in flight, ``concurrency`` sends at a time."""
        slots = asyncio.Semaphore(self.concurrency)

        async def one(flight: _InFlight) -> None:
            try:
                await self._send_next(flight, report)
            finally:
                slots.release()

        tasks = []
        try:
            for flight in flights:
                if self.stopping:
                    break
                await slots.acquire()
                tasks.append(asyncio.ensure_future(one(flight)))
        finally:
            await _all(tasks)

    async def _send_next(self, flight: _InFlight, report: RunReport) -> None:
        delivery, chat = flight.delivery, flight.claimed.chat
        part = flight.digest.parts[flight.next_part]
        if self.gate is not None:
            part = self.gate.adapt(chat, part)
        try:
            outcome = await self._send_part(flight.chat_id, chat, part, report)
        except TransientSendError as error:
            # The claim stays; stale recovery resumes it from the parts recorded.
            flight.open = False
            report.errors.append(f"subscription {delivery.subscription_id}: {error}")
            log.warning("digest for subscription %s postponed: %s", delivery.subscription_id, error)
            return
        except PermanentSendError as error:
            flight.open = False
            self._finish(delivery, STATUS_FAILED, flight.next_part, error=str(error))
            report.failed += 1
            report.errors.append(f"subscription {delivery.subscription_id}: {error}")
            log.warning("digest for subscription %s refused: %s", delivery.subscription_id, error)
            return
        if outcome == "blocked":
            flight.open = False
            await self._pause(delivery, chat, flight.chat_id, flight.next_part, report)
            return
        if isinstance(outcome, int):
            flight.chat_id = outcome
            report.migrated += 1
        flight.next_part += 1
        report.parts += 1
        self._unrecorded.append((delivery, flight.next_part))
        if flight.next_part < len(flight.digest.parts):
            self.recorder.part_sent(delivery.id, flight.next_part)
            return
        flight.open = False
        self._finish(delivery, STATUS_SENT, flight.next_part, flight.digest.article_count)
        report.sent += 1

    async def _pause(
        self, delivery: DeliveryView, chat: ChatView, chat_id: int, parts: int, report: RunReport
    ) -> None:
        """Blocked, kicked, or no longer allowed to post: pause the chat, settle this claim."""
        changed = await self._call(self.store.set_chat_blocked, chat_id, True)
        self._finish(delivery, STATUS_BLOCKED, parts, error=BLOCKED_NOTE)
        report.blocked += 1
        if changed and self.gate is not None:
            await self.gate.paused(chat)

    def _finish(
        self,
        delivery: DeliveryView,
        status: str,
        parts_sent: int,
        article_count: int = 0,
        *,
        error: str = "",
    ) -> None:
        self.recorder.finish(
            DeliveryOutcome(delivery.id, status, parts_sent, article_count, error)
        )

    async def _flush(self, report: RunReport) -> None:
        """Write the progress before anything more is sent; wait for the database if away."""
        backoff = 1.0
        while True:
            written, self._unrecorded = self._unrecorded, []
            try:
                lost = await self.recorder.flush()
            except Exception as error:
                self._unrecorded = written + self._unrecorded
                if self.stopping:
                    log.warning("stopping with digest progress unrecorded: %s", error)
                    return
                log.warning("could not record digest progress (%s); trying again", error)
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            for delivery_id in sorted(lost):
                report.lost += 1
                log.warning("digest %s was taken over by another worker: stopped", delivery_id)
            for delivery, parts in written if self._on_part_sent is not None else ():
                self._on_part_sent(delivery, parts)
            return

    async def _send_part(
        self, chat_id: int, chat: ChatView, message: Message, report: RunReport
    ) -> str | int | None:
        """Send one part; 'blocked', the new chat id after a migration, or None when sent."""
        migrated_to: int | None = None
        transient = 0
        while True:
            async with self.pacer.chat_lock(chat_id):
                await self.pacer.wait(chat_id, is_group_chat(chat, chat_id))
                try:
                    await self.sender.send(chat_id, message)
                except RetryAfter as error:
                    report.retries += 1
                    log.info("flood control for chat %s: waiting %.1f s", chat_id, error.seconds)
                    # The pacer holds this chat (every chat, if the 429s look global) and
                    # slows its pace; its next wait sits the hold out.
                    self.pacer.hold(max(error.seconds, 0.05), chat_id)
                    continue
                except ChatBlocked:
                    return "blocked"
                except ChatMigrated as error:
                    await self._call(self.store.migrate_chat, chat_id, error.new_chat_id)
                    chat_id = migrated_to = error.new_chat_id
                    continue
                except TransientSendError:
                    transient += 1
                    if transient >= TRANSIENT_ATTEMPTS:
                        raise
                    await self._sleep(min(2.0**transient, 30.0))
                    continue
                finally:
                    self.pacer.sent(chat_id)
            return migrated_to


async def _all(work: Iterable[Awaitable[None] | Coroutine[Any, Any, None]]) -> None:
    """Run these together; when one fails, the others are cancelled (no task outlives us)."""
    tasks = [asyncio.ensure_future(item) for item in work]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
