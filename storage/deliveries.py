"""Store methods for digest deliveries: claimed once per (subscription, period), then sent.

The unique constraint on (subscription_id, period) is what makes a digest exactly-once across
processes: a claim is an INSERT ... ON CONFLICT DO NOTHING, so of two workers claiming the same
period only one gets a row back. Taking over stale claims is a single UPDATE whose candidate
rows are locked with FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite serializes writers anyway).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from storage.base import StoreBase
from storage.convert import delivery_view
from storage.errors import StorageError
from storage.models import Delivery, Subscription
from storage.timeutil import as_utc, utc_now
from storage.validation import clean_text, one_line
from storage.views import DeliveryView

STATUSES = ("claimed", "sent", "failed", "skipped", "blocked")


class DeliveryMethods(StoreBase):
    """Claiming, taking over, and finishing digest deliveries."""

    def claim_delivery(
        self,
        subscription_id: int,
        period: str,
        *,
        worker: str,
        window_start: datetime,
        window_end: datetime,
    ) -> DeliveryView | None:
        """Insert the (subscription, period) row; None when another worker already has it.

        None too when the subscription is gone (unsubscribed since it was found due).
        """
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = (
            dialect_insert(Delivery)
            .values(
                subscription_id=subscription_id,
                period=one_line(period, 32),
                status="claimed",
                claimed_at=utc_now(),
                claimed_by=one_line(worker, 64),
                window_start=as_utc(window_start),
                window_end=as_utc(window_end),
                parts_sent=0,
                article_count=0,
                error="",
            )
            .on_conflict_do_nothing(index_elements=["subscription_id", "period"])
            .returning(Delivery)
        )
        try:
            with self._write() as session:
                row = session.scalars(statement).first()
                return None if row is None else delivery_view(row)
        except IntegrityError:
            return None

    def claim_stale_deliveries(self, worker: str, older_than: datetime) -> list[DeliveryView]:
        """Take over 'claimed' rows left by a crashed worker (SKIP LOCKED on PostgreSQL)."""
        cutoff = as_utc(older_than)
        candidates = (
            select(Delivery.id)
            .where(Delivery.status == "claimed", Delivery.claimed_at < cutoff)
            .with_for_update(skip_locked=True)
        )
        statement = (
            update(Delivery)
            .where(Delivery.id.in_(candidates), Delivery.status == "claimed")
            .values(claimed_by=one_line(worker, 64), claimed_at=utc_now())
            .returning(Delivery)
            .execution_options(synchronize_session=False)
        )
        with self._write() as session:
            rows = session.scalars(statement).all()
            return sorted((delivery_view(row) for row in rows), key=lambda d: d.id)

    def record_parts_sent(self, delivery_id: int, parts_sent: int) -> None:
        """Remember how many message parts of a digest went out (to resume, not repeat)."""
        with self._write() as session:
            session.execute(
                update(Delivery).where(Delivery.id == delivery_id).values(parts_sent=parts_sent)
            )

    def mark_delivery(
        self, delivery_id: int, status: str, *, error: str = "", article_count: int = 0
    ) -> None:
        """status 'sent' also sets sent_at and the subscription's last_digest_at."""
        if status not in STATUSES:
            raise StorageError(f"Unknown delivery status {status!r}.")
        now = utc_now()
        with self._write() as session:
            row = session.get(Delivery, delivery_id)
            if row is None:
                return
            row.status = status
            row.error = clean_text(error)[:2000]
            row.article_count = article_count
            if status == "sent":
                row.sent_at = now
                session.execute(
                    update(Subscription)
                    .where(Subscription.id == row.subscription_id)
                    .values(last_digest_at=now)
                )

    def deliveries_for(self, subscription_id: int) -> list[DeliveryView]:
        """A subscription's deliveries, oldest first."""
        with self._read() as session:
            rows = session.scalars(
                select(Delivery)
                .where(Delivery.subscription_id == subscription_id)
                .order_by(Delivery.claimed_at, Delivery.id)
            )
            return [delivery_view(row) for row in rows]
