"""Store methods for the audit log of admin actions and the bot's statistics."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from storage.base import StoreBase
from storage.models import Article, AuditEntry, Chat, Delivery, Feed, Subscription, Topic
from storage.timeutil import as_utc, utc_now
from storage.validation import clean_text, one_line
from storage.views import AuditView, Stats


class AdminMethods(StoreBase):
    """Audit entries and counts for admins."""

    def audit(
        self,
        action: str,
        *,
        actor_id: int | None,
        chat_id: int | None,
        detail: str = "",
        allowed: bool = True,
    ) -> None:
        """Record an admin action, or a refused attempt at one."""
        with self._write() as session:
            session.add(
                AuditEntry(
                    at=utc_now(),
                    actor_id=actor_id,
                    chat_id=chat_id,
                    action=one_line(action, 64),
                    detail=clean_text(detail)[:4000],
                    allowed=allowed,
                )
            )

    def recent_audit(self, limit: int = 20) -> list[AuditView]:
        """The latest audit entries, newest first."""
        with self._read() as session:
            rows = session.scalars(
                select(AuditEntry)
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(max(1, limit))
            )
            return [
                AuditView(
                    id=row.id,
                    at=row.at,
                    actor_id=row.actor_id,
                    chat_id=row.chat_id,
                    action=row.action,
                    detail=row.detail,
                    allowed=row.allowed,
                )
                for row in rows
            ]

    def stats(self, now: datetime | None = None) -> Stats:
        """Counts for admins: unblocked chats, their active subscriptions, last-day digests."""
        since = as_utc(now or utc_now()) - timedelta(days=1)

        def count(*what: object) -> object:
            return select(func.count()).select_from(*what).scalar_subquery()  # type: ignore[arg-type]

        query = select(
            count(Article),
            count(Topic),
            select(func.count()).where(Chat.blocked_at.is_(None)).scalar_subquery(),
            select(func.count())
            .where(
                Subscription.active.is_(True),
                Subscription.chat_id.in_(select(Chat.id).where(Chat.blocked_at.is_(None))),
            )
            .scalar_subquery(),
            select(func.count())
            .where(Delivery.status == "sent", Delivery.sent_at >= since)
            .scalar_subquery(),
            count(Feed),
            select(func.count()).where(Chat.blocked_at.is_not(None)).scalar_subquery(),
        )
        with self._read() as session:
            row = session.execute(query).one()
        articles, topics, chats, subscriptions, digests, feeds, blocked = (int(v) for v in row)
        return Stats(
            articles=articles,
            topics=topics,
            chats=chats,
            subscriptions=subscriptions,
            deliveries_last_day=digests,
            feeds=feeds,
            extra={"blocked_chats": blocked},
        )
