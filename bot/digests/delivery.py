"""The digest delivery engine: claim in the database, send, record, mark, reschedule.

Transport-agnostic: it talks to a ``Sender`` (Telegram, the console, a test fake) whose
typed errors say what happened. Claims live in the database (one row per subscription and
period), never in memory, and each belongs to the worker that made it while that worker's
lease lives (bot/digests/lease.py). So two processes on one database never send the same
digest twice, and a restarted process resumes a half-sent digest from the parts it recorded.

The guarantee after a crash (README, "Exactly once"): each part is recorded as "sending" before
the send call and as sent after it; a resume sends a part left "sending" again. A chat thus
gets every part, and at most one part twice (the one in flight when the process died).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from bot.core.types import Message
from bot.digests.compose import ComposedDigest, DigestComposer, window_start
from bot.digests.lease import DEFAULT_TTL, Lease
from bot.digests.pacing import Pacer, Sleep
from bot.digests.schedule import next_due, period_key
from bot.i18n import resolve_language
from storage.store import Store
from storage.views import ChatView, DeliveryView, SubscriptionView

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], datetime]
DUE_BATCH = 1000
TRANSIENT_ATTEMPTS = 5
LATE_AFTER = timedelta(hours=1)
STATUS_SENT, STATUS_SKIPPED, STATUS_FAILED, STATUS_BLOCKED = "sent", "skipped", "failed", "blocked"
BLOCKED_NOTE = "chat blocked the bot"
EMPTY_NOTE = "nothing new"


class SendError(Exception):
    """Base of the typed errors a Sender raises."""


class RetryAfter(SendError):
    """Flood control: wait ``seconds`` and try again (nothing is dropped)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = float(seconds)


class ChatBlocked(SendError):
    """The bot was blocked, kicked, or the chat is gone: pause the chat's subscriptions."""


class ChatMigrated(SendError):
    """The group became a supergroup with ``new_chat_id``."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"chat migrated to {new_chat_id}")
        self.new_chat_id = int(new_chat_id)


class TransientSendError(SendError):
    """A network failure or timeout: worth retrying later."""


class PermanentSendError(SendError):
    """The message was refused for good (a bad request): record the failure."""


class ClaimLost(Exception):
    """Another worker took the claim over (this one outlived its lease): stop sending it."""


class SendGate(Protocol):
    """A check before a chat's digest goes out, for chats whose rights can change (channels).

    The Telegram adapter's gate asks whether the bot may still post in a channel, turns the
    digest's buttons into links (a callback button in a channel would answer nobody) and tells
    the channel's manager when its digests are paused.
    """

    async def may_send(self, chat: ChatView) -> bool:
        """False: the chat's digests must pause (the bot lost its right to post)."""
        ...

    def adapt(self, chat: ChatView, message: Message) -> Message:
        """The message as this chat should get it."""
        ...

    async def paused(self, chat: ChatView) -> None:
        """The chat's digests were just paused (called once per pause)."""
        ...


class Sender(Protocol):
    """Sends one message to one chat, raising the typed errors above."""

    async def send(self, chat_id: int, message: Message) -> None:
        """Deliver ``message`` to ``chat_id``."""
        ...


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def default_worker_id() -> str:
    """A name for this process in claim rows: host, pid and a random suffix."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class RunReport:
    """What one engine pass did."""

    sent: int = 0
    parts: int = 0
    empty: int = 0
    blocked: int = 0
    migrated: int = 0
    failed: int = 0
    resumed: int = 0
    skipped: int = 0
    retries: int = 0
    lost: int = 0
    errors: list[str] = field(default_factory=list)


def plan_chat(store: Store, chat_id: int, now: datetime) -> int:
    """Recompute the chat's future due instants in its current zone; how many moved.

    A subscription already due keeps its instant: it is delivered as planned.
    """
    chat = store.get_chat(chat_id)
    if chat is None:
        return 0
    moved = 0
    for sub in store.chat_subscriptions(chat_id):
        if not sub.active or (sub.next_due_at is not None and sub.next_due_at <= now):
            continue
        planned = next_due(sub.local_time, sub.weekday, chat.timezone, now)
        if planned != sub.next_due_at:
            store.set_next_due(sub.id, planned)
            moved += 1
    return moved


def plan_unscheduled(store: Store, now: datetime) -> int:
    """Give every active subscription without a due instant its next one (at start)."""
    planned = 0
    for sub in store.active_subscriptions():
        if sub.next_due_at is None:
            chat = store.get_chat(sub.chat_id)
            timezone = chat.timezone if chat is not None else "UTC"
            store.set_next_due(sub.id, next_due(sub.local_time, sub.weekday, timezone, now))
            planned += 1
    return planned


def is_group_chat(chat: ChatView | None, chat_id: int) -> bool:
    """Groups (20 messages a minute) by stored type, else by Telegram's negative ids."""
    if chat is not None and chat.type in {"group", "supergroup", "channel"}:
        return True
    return chat_id < 0


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
        stale_after: timedelta = timedelta(minutes=5),
        lease_ttl: timedelta = DEFAULT_TTL,
        sleep: Sleep = asyncio.sleep,
        on_claimed: Callable[[DeliveryView], None] | None = None,
        on_part_sent: Callable[[DeliveryView, int], None] | None = None,
        only_chat: int | None = None,
        gate: SendGate | None = None,
    ) -> None:
        self.store = store
        self.gate = gate
        self.sender = sender
        self.worker = worker or default_worker_id()
        self.clock = clock
        self.composer = composer or DigestComposer(store)
        self.pacer = pacer or Pacer(sleep=sleep)
        self.concurrency = max(1, concurrency)
        # Own claims left by a postponed send are retried after this; others' by their lease.
        self.stale_after = stale_after
        self.lease = Lease(store, self.worker, lease_ttl)
        self._sleep = sleep
        self._on_claimed = on_claimed
        self._on_part_sent = on_part_sent
        self.only_chat = only_chat
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
        async with self._running, self.lease.kept():
            if self._first_pass:
                await self._call(plan_unscheduled, self.store, self.clock())
            await self._resume_stale(report)
            await self._deliver_due(report)
            self.passes += 1
        for hook in self.report_hooks:
            hook(report)
        return report

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

    async def _pool(self, jobs: list[Callable[[], Awaitable[None]]]) -> None:
        queue: asyncio.Queue[Callable[[], Awaitable[None]]] = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)

        async def worker() -> None:
            while not self.stopping:
                try:
                    job = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                await job()

        await asyncio.gather(*(worker() for _ in range(min(self.concurrency, len(jobs)))))

    async def _resume_stale(self, report: RunReport) -> None:
        self._first_pass = False
        if self.only_chat is not None:
            return  # a console engine leaves other chats' interrupted deliveries alone
        await self.lease.end_dead_neighbours()
        # claimed_at is stamped by storage with the real time, whatever clock we were given.
        own_older_than = utc_now() - self.stale_after
        stale = await self._call(self.store.claim_stale_deliveries, self.worker, own_older_than)
        if stale:
            log.info("resuming %d interrupted digest deliveries", len(stale))

        def job(delivery: DeliveryView) -> Callable[[], Awaitable[None]]:
            async def run() -> None:
                report.resumed += 1
                await self._guarded(
                    self._resume(delivery, report), report, delivery.subscription_id
                )

            return run

        await self._pool([job(delivery) for delivery in stale])

    async def _deliver_due(self, report: RunReport) -> None:
        seen: set[int] = set()
        while not self.stopping:
            now = self.clock()
            due = await self._call(self.store.subscriptions_due, now, DUE_BATCH)
            fresh = [
                sub for sub in due if sub.id not in seen and self.only_chat in (None, sub.chat_id)
            ]
            if not fresh:
                return
            seen.update(sub.id for sub in fresh)

            def job(sub: SubscriptionView) -> Callable[[], Awaitable[None]]:
                async def run() -> None:
                    await self._guarded(self._deliver(sub, report), report, sub.id)

                return run

            await self._pool([job(sub) for sub in fresh])
            if len(due) < DUE_BATCH:
                return

    async def _guarded(
        self, work: Awaitable[None], report: RunReport, subscription_id: int
    ) -> None:
        try:
            await work
        except ClaimLost:
            report.lost += 1
            log.warning(
                "digest for subscription %s was taken over by another worker: stopped",
                subscription_id,
            )
        except TransientSendError as error:
            # The claim stays; stale recovery picks it up from the parts already recorded.
            report.errors.append(f"subscription {subscription_id}: {error}")
            log.warning("digest for subscription %s postponed: %s", subscription_id, error)
        except Exception as error:
            report.failed += 1
            report.errors.append(f"subscription {subscription_id}: {type(error).__name__}")
            log.exception("digest for subscription %s failed", subscription_id)

    async def _deliver(self, sub: SubscriptionView, report: RunReport) -> None:
        if sub.next_due_at is None:
            return
        chat = await self._call(self.store.get_chat, sub.chat_id)
        if chat is None or chat.blocked_at is not None or not sub.active:
            return
        due = sub.next_due_at
        period = period_key(due, chat.timezone, sub.weekday is not None)
        start = await self._call(window_start, self.store, sub)
        now = self.clock()
        # Late (the bot was down): cover everything up to now, not just up to the due time.
        end = due if now - due <= LATE_AFTER else now.replace(second=0, microsecond=0)
        end = max(end, start)
        delivery = await self._call(
            self.store.claim_delivery,
            sub.id,
            period,
            worker=self.worker,
            window_start=start,
            window_end=end,
        )
        if delivery is None:
            await self._settle_claimed_elsewhere(sub, period, chat)
            return
        if self._on_claimed is not None:
            self._on_claimed(delivery)
        await self._send(delivery, sub, chat, report)

    async def _settle_claimed_elsewhere(
        self, sub: SubscriptionView, period: str, chat: ChatView
    ) -> None:
        """Someone has this period: if it is finished, only the reschedule may be missing."""
        rows = await self._call(self.store.deliveries_for, sub.id)
        row = next((row for row in rows if row.period == period), None)
        if row is not None and row.status != "claimed":
            await self._reschedule(sub.id)

    async def _resume(self, delivery: DeliveryView, report: RunReport) -> None:
        sub = await self._call(self.store.get_subscription, delivery.subscription_id)
        if sub is None:
            await self._mark(delivery, STATUS_FAILED, error="unsubscribed")
            return
        chat = await self._call(self.store.get_chat, sub.chat_id)
        if chat is None or chat.blocked_at is not None:
            await self._mark(delivery, STATUS_BLOCKED, error=BLOCKED_NOTE)
            return
        if delivery.sending_part is not None:
            log.info(
                "digest %s: part %d may have reached chat %s before the interruption; "
                "sending it again (at least once)",
                delivery.id,
                delivery.sending_part + 1,
                chat.id,
            )
        await self._send(delivery, sub, chat, report)

    async def _mark(self, delivery: DeliveryView, status: str, **details: Any) -> None:
        """Finish the claim, if it is still ours."""
        marked = await self._call(
            self.store.mark_delivery, delivery.id, status, worker=self.worker, **details
        )
        if not marked:
            raise ClaimLost()

    async def _send(
        self, delivery: DeliveryView, sub: SubscriptionView, chat: ChatView, report: RunReport
    ) -> None:
        start = delivery.window_start or await self._call(window_start, self.store, sub)
        end = delivery.window_end or self.clock()
        digest: ComposedDigest = await self._call(
            self.composer.compose,
            sub.topic,
            start,
            end,
            notify_empty=chat.notify_empty,
            first=sub.last_digest_at is None,
            sentences=chat.summary_length,
            timezone=chat.timezone,
            language=resolve_language(chat.reply_language, chat.language),
        )
        chat_id = chat.id
        if self.gate is not None and not await self.gate.may_send(chat):
            await self._pause(delivery, sub, chat, chat.id, report)
            return
        for index in range(delivery.parts_sent, len(digest.parts)):
            if self.stopping:
                log.info("stopping: digest %s left at part %d to resume", delivery.id, index)
                return
            # "sending" before the call, "sent" after it: a crash in between is resent.
            if not await self._call(
                self.store.record_part_sending, delivery.id, index, worker=self.worker
            ):
                raise ClaimLost()
            part = digest.parts[index]
            if self.gate is not None:
                part = self.gate.adapt(chat, part)
            outcome = await self._send_part(chat_id, chat, part, report)
            if outcome == "blocked":
                await self._pause(delivery, sub, chat, chat_id, report)
                return
            if isinstance(outcome, int):
                chat_id = outcome
                report.migrated += 1
            if not await self._call(
                self.store.record_parts_sent, delivery.id, index + 1, worker=self.worker
            ):
                raise ClaimLost()
            report.parts += 1
            if self._on_part_sent is not None:
                self._on_part_sent(delivery, index + 1)
        if digest.parts:
            await self._mark(delivery, STATUS_SENT, article_count=digest.article_count)
        else:
            await self._mark(delivery, STATUS_SKIPPED, error=EMPTY_NOTE)
        await self._reschedule(sub.id, chat.timezone)
        if digest.parts:
            report.sent += 1
        else:
            report.empty += 1

    async def _pause(
        self,
        delivery: DeliveryView,
        sub: SubscriptionView,
        chat: ChatView,
        chat_id: int,
        report: RunReport,
    ) -> None:
        """Blocked, kicked, or no longer allowed to post: pause the chat, settle this claim."""
        changed = await self._call(self.store.set_chat_blocked, chat_id, True)
        await self._mark(delivery, STATUS_BLOCKED, error=BLOCKED_NOTE)
        await self._reschedule(sub.id, chat.timezone)
        report.blocked += 1
        if changed and self.gate is not None:
            await self.gate.paused(chat)

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

    async def _reschedule(self, subscription_id: int, timezone: str | None = None) -> None:
        """Move next_due_at past now, unless it already points to the future."""
        sub = await self._call(self.store.get_subscription, subscription_id)
        if sub is None:
            return
        now = self.clock()
        if sub.next_due_at is not None and sub.next_due_at > now:
            return
        if timezone is None:
            chat = await self._call(self.store.get_chat, sub.chat_id)
            timezone = chat.timezone if chat is not None else "UTC"
        after = max(now, sub.next_due_at) if sub.next_due_at is not None else now
        await self._call(
            self.store.set_next_due, sub.id, next_due(sub.local_time, sub.weekday, timezone, after)
        )
