"""When digests are due, what a claimed digest covers, and its messages.

``claim_plan`` is what a batch claim (storage/delivery_batches.py) asks for each due
subscription: the period key (one digest per period), the window of articles (from where the
last sent digest ended to the due time, or to now when the bot was down for long), and the
next due instant, which the claim stores at once so that no worker finds the digest due again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.digests.compose import ComposedDigest, DigestComposer, first_window_start, window_start
from bot.digests.schedule import next_due, period_key
from bot.i18n import resolve_language
from storage.store import Store
from storage.views import ChatView, ClaimedDigest, ClaimPlan, DueDigest, SubscriptionView

LATE_AFTER = timedelta(hours=1)
PLAN_PAGE = 1000


def claim_plan(item: DueDigest, now: datetime) -> ClaimPlan:
    """The period, window and next due instant of a digest found due at ``now``."""
    sub, chat = item.subscription, item.chat
    due = sub.next_due_at or now
    if item.last_window_end is not None:
        start = item.last_window_end
    elif sub.last_digest_at is not None:
        start = sub.last_digest_at
    else:
        start = first_window_start(sub.created_at)
    # Late (the bot was down): cover everything up to now, not just up to the due time.
    end = due if now - due <= LATE_AFTER else now.replace(second=0, microsecond=0)
    return ClaimPlan(
        period=period_key(due, chat.timezone, sub.weekday is not None),
        window_start=start,
        window_end=max(end, start),
        next_due_at=next_due(sub.local_time, sub.weekday, chat.timezone, max(now, due)),
    )


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
    """Give every active subscription without a due instant its next one (at start).

    Page by page, so that start-up never loads every subscription.
    """

    def due_time(sub: SubscriptionView, chat: ChatView) -> datetime:
        return next_due(sub.local_time, sub.weekday, chat.timezone, now)

    planned = 0
    while True:
        page = store.plan_unscheduled_batch(due_time, PLAN_PAGE)
        planned += page
        if page < PLAN_PAGE:
            return planned


def compose_batch(
    composer: DigestComposer, batch: list[ClaimedDigest], clock: Callable[[], datetime]
) -> list[ComposedDigest]:
    """Each claimed digest's messages (blocking); the composer builds each distinct one once."""
    composed = []
    for claimed in batch:
        sub, chat, delivery = claimed.subscription, claimed.chat, claimed.delivery
        start = delivery.window_start or window_start(composer.store, sub)
        end = delivery.window_end or clock()
        composed.append(
            composer.compose(
                sub.topic,
                start,
                end,
                notify_empty=chat.notify_empty,
                first=sub.last_digest_at is None,
                sentences=chat.summary_length,
                timezone=chat.timezone,
                language=resolve_language(chat.reply_language, chat.language),
            )
        )
    return composed
