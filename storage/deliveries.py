"""Store methods for digest deliveries: claimed once per (subscription, period), then sent.

The unique constraint on (subscription_id, period) is what makes a digest once-only across
processes: a claim is an INSERT ... ON CONFLICT DO NOTHING, so of two workers claiming the same
period only one gets a row back.

Every claim has one owner, ``claimed_by``: a worker that holds a lease (a ``worker_leases``
row it renews, a heartbeat). A claim is taken over only when its owner's lease has expired (or
is gone); the takeover is a single UPDATE whose candidate rows are locked with FOR UPDATE SKIP
LOCKED on PostgreSQL (SQLite serializes writers anyway). Every later write of a claim names its
owner, so a worker that lost its claim (it stalled past its lease) learns so and stops.

The crash window: a part is recorded as "sending" (``sending_part``) before the send call and
as sent (``parts_sent``, ``sending_part`` cleared) after it. A resume starts again at
``parts_sent``, so a part left "sending" is sent again: at least once, never lost, and at most
that one part repeated per chat after a crash.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from storage.base import StoreBase
from storage.convert import delivery_view
from storage.errors import StorageError
from storage.models import Delivery, Subscription, WorkerLease
from storage.timeutil import as_utc, utc_now
from storage.validation import clean_text, one_line
from storage.views import DeliveryView, LeaseView

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

    # --- leases
    def renew_lease(self, worker: str, *, host: str, pid: int, ttl: timedelta) -> LeaseView:
        """Take or extend the worker's lease until now + ``ttl`` (the heartbeat)."""
        now = utc_now()
        worker, host = one_line(worker, 64), one_line(host, 64)
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        insert = dialect_insert(WorkerLease).values(
            worker=worker, host=host, pid=pid, started_at=now, renewed_at=now, expires_at=now + ttl
        )
        statement = insert.on_conflict_do_update(
            index_elements=["worker"],
            set_={"renewed_at": now, "expires_at": now + ttl, "host": host, "pid": pid},
        ).returning(WorkerLease)
        with self._write() as session:
            row = session.scalars(statement).one()
            return _lease_view(row)

    def release_lease(self, worker: str) -> None:
        """Give the lease up (a clean stop): the worker's leftover claims may be resumed at once."""
        with self._write() as session:
            session.execute(delete(WorkerLease).where(WorkerLease.worker == worker))

    def leases(self, host: str | None = None) -> list[LeaseView]:
        """Every worker lease (of one host if given), oldest first."""
        query = select(WorkerLease).order_by(WorkerLease.started_at, WorkerLease.worker)
        if host is not None:
            query = query.where(WorkerLease.host == host)
        with self._read() as session:
            return [_lease_view(row) for row in session.scalars(query)]

    def expire_lease(self, worker: str, *, pid: int) -> bool:
        """End a lease whose process is known to be dead (only if it still names that pid)."""
        with self._write() as session:
            result = session.execute(
                delete(WorkerLease).where(WorkerLease.worker == worker, WorkerLease.pid == pid)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    # --- claims
    def claim_stale_deliveries(
        self, worker: str, own_older_than: datetime | None = None
    ) -> list[DeliveryView]:
        """Take over 'claimed' rows whose owner holds no live lease (SKIP LOCKED on PostgreSQL).

        With ``own_older_than``, the worker's own claims left over from an earlier pass (a send
        postponed by a network failure) and claimed before then are returned too.
        """
        with self._write() as session:
            rows = session.scalars(stale_takeover(worker, own_older_than)).all()
            return sorted((delivery_view(row) for row in rows), key=lambda d: d.id)

    def record_part_sending(self, delivery_id: int, index: int, *, worker: str) -> bool:
        """Part ``index`` is about to be sent; False when ``worker`` no longer owns the claim."""
        with self._write() as session:
            result = session.execute(
                update(Delivery)
                .where(
                    Delivery.id == delivery_id,
                    Delivery.claimed_by == worker,
                    Delivery.status == "claimed",
                )
                .values(sending_part=index)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def record_parts_sent(
        self, delivery_id: int, parts_sent: int, *, worker: str | None = None
    ) -> bool:
        """Parts before ``parts_sent`` went out (to resume, not repeat); clears "sending".

        With ``worker``, only while that worker owns the claim (False otherwise).
        """
        statement = update(Delivery).where(Delivery.id == delivery_id)
        if worker is not None:
            statement = statement.where(Delivery.claimed_by == worker)
        with self._write() as session:
            result = session.execute(statement.values(parts_sent=parts_sent, sending_part=None))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def mark_delivery(
        self,
        delivery_id: int,
        status: str,
        *,
        error: str = "",
        article_count: int = 0,
        worker: str | None = None,
    ) -> bool:
        """status 'sent' also sets sent_at and the subscription's last_digest_at.

        With ``worker``, only while that worker owns the claim; False when nothing was marked.
        """
        if status not in STATUSES:
            raise StorageError(f"Unknown delivery status {status!r}.")
        now = utc_now()
        with self._write() as session:
            row = session.get(Delivery, delivery_id)
            if row is None or (worker is not None and row.claimed_by != worker):
                return False
            row.status = status
            row.error = clean_text(error)[:2000]
            row.article_count = article_count
            row.sending_part = None
            if status == "sent":
                row.sent_at = now
                session.execute(
                    update(Subscription)
                    .where(Subscription.id == row.subscription_id)
                    .values(last_digest_at=now)
                )
            return True

    def deliveries_for(self, subscription_id: int) -> list[DeliveryView]:
        """A subscription's deliveries, oldest first."""
        with self._read() as session:
            rows = session.scalars(
                select(Delivery)
                .where(Delivery.subscription_id == subscription_id)
                .order_by(Delivery.claimed_at, Delivery.id)
            )
            return [delivery_view(row) for row in rows]


def stale_takeover(
    worker: str, own_older_than: datetime | None, limit: int | None = None
) -> Any:
    """The UPDATE ... RETURNING that gives ``worker`` the claims nobody live owns (at most
    ``limit``): candidates locked FOR UPDATE SKIP LOCKED, so two takers never share one."""
    worker = one_line(worker, 64)
    live = select(WorkerLease.worker).where(WorkerLease.expires_at > utc_now())
    orphaned = Delivery.claimed_by.not_in(live)
    if own_older_than is not None:
        own = (Delivery.claimed_by == worker) & (Delivery.claimed_at < as_utc(own_older_than))
        orphaned = orphaned | own
    candidates = select(Delivery.id).where(Delivery.status == "claimed", orphaned)
    if limit is not None:
        candidates = candidates.order_by(Delivery.id).limit(max(1, limit))
    return (
        update(Delivery)
        .where(
            Delivery.id.in_(candidates.with_for_update(skip_locked=True)),
            Delivery.status == "claimed",
            orphaned,
        )
        .values(claimed_by=worker, claimed_at=utc_now())
        .returning(Delivery)
        .execution_options(synchronize_session=False)
    )


def _lease_view(row: WorkerLease) -> LeaseView:
    return LeaseView(
        worker=row.worker,
        host=row.host,
        pid=row.pid,
        started_at=row.started_at,
        renewed_at=row.renewed_at,
        expires_at=row.expires_at,
    )
