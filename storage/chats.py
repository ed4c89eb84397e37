"""Store methods for chats and their digest subscriptions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.base import StoreBase
from storage.convert import chat_view, subscription_view
from storage.errors import StorageError
from storage.models import Chat, Subscription, Topic
from storage.timeutil import as_utc, utc_now
from storage.validation import (
    check_language_choice,
    check_local_time,
    check_timezone,
    is_row_id,
    one_line,
)
from storage.views import ChatView, SubscriptionView

MAX_SUMMARY_LENGTH = 10


def _subscriptions(
    session: Session, *conditions: object, limit: int | None = None
) -> list[SubscriptionView]:
    query = (
        select(Subscription, Topic)
        .join(Topic, Topic.id == Subscription.topic_id)
        .join(Chat, Chat.id == Subscription.chat_id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(Subscription.next_due_at, Subscription.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [subscription_view(sub, topic) for sub, topic in session.execute(query)]


_UNBLOCKED_ACTIVE = (
    Subscription.active.is_(True),
    Chat.blocked_at.is_(None),
)


class ChatMethods(StoreBase):
    """Chats (created on first contact, with their settings) and their subscriptions."""

    def upsert_chat(
        self,
        chat_id: int,
        *,
        type: str = "private",
        title: str = "",
        username: str = "",
        language: str = "",
        default_timezone: str = "UTC",
    ) -> ChatView:
        """Create the chat on first contact; refresh title/username later; keeps settings."""
        try:
            return self._upsert_chat(chat_id, type, title, username, language, default_timezone)
        except IntegrityError:
            # Two first messages of one chat raced (two workers, or an update and a digest):
            # the other insert won, so the retry finds the row and only refreshes it.
            return self._upsert_chat(chat_id, type, title, username, language, default_timezone)

    def _upsert_chat(
        self,
        chat_id: int,
        type: str,
        title: str,
        username: str,
        language: str,
        default_timezone: str,
    ) -> ChatView:
        with self._write() as session:
            row = session.get(Chat, chat_id)
            if row is None:
                row = Chat(
                    id=chat_id,
                    type=one_line(type, 16) or "private",
                    timezone=check_timezone(default_timezone or "UTC"),
                    language=one_line(language, 8),
                    summary_length=3,
                    notify_empty=False,
                    created_at=utc_now(),
                )
                session.add(row)
            row.type = one_line(type, 16) or row.type
            row.title = one_line(title, 255)
            row.username = one_line(username, 64)
            if language:
                row.language = one_line(language, 8)
            session.flush()
            return chat_view(row)

    def get_chat(self, chat_id: int) -> ChatView | None:
        """One chat, or None."""
        with self._read() as session:
            row = session.get(Chat, chat_id)
            return None if row is None else chat_view(row)

    def update_chat_settings(
        self,
        chat_id: int,
        *,
        timezone: str | None = None,
        summary_length: int | None = None,
        notify_empty: bool | None = None,
        reply_language: str | None = None,
    ) -> ChatView:
        """Change the given settings (a time zone must be a known IANA name)."""
        with self._write() as session:
            row = session.get(Chat, chat_id)
            if row is None:
                raise StorageError("This chat is not known yet.", code="chat.unknown")
            if timezone is not None:
                row.timezone = check_timezone(timezone)
            if summary_length is not None:
                if not 1 <= summary_length <= MAX_SUMMARY_LENGTH:
                    raise StorageError(
                        f"A summary has between 1 and {MAX_SUMMARY_LENGTH} sentences.",
                        code="chat.summary_length",
                        limit=MAX_SUMMARY_LENGTH,
                    )
                row.summary_length = summary_length
            if notify_empty is not None:
                row.notify_empty = notify_empty
            if reply_language is not None:
                row.reply_language = check_language_choice(reply_language)
            session.flush()
            return chat_view(row)

    def set_chat_blocked(self, chat_id: int, blocked: bool) -> bool:
        """Blocked: set blocked_at and pause subscriptions; unblocked: clear and resume.

        Pausing is blocked_at itself: due and active listings skip blocked chats, and each
        subscription keeps its own active flag for when the chat comes back. True when this
        call changed the state (one conditional UPDATE, so of two workers pausing a chat at
        once exactly one is told it did: whoever tells the chat's manager does so once).
        """
        table = Chat.__table__
        if blocked:
            query = (
                update(table)
                .where(table.c.id == chat_id, table.c.blocked_at.is_(None))
                .values(blocked_at=utc_now())
            )
        else:
            query = (
                update(table)
                .where(table.c.id == chat_id, table.c.blocked_at.is_not(None))
                .values(blocked_at=None)
            )
        with self._write() as session:
            return bool(session.execute(query).rowcount)  # type: ignore[attr-defined]

    def set_chat_manager(self, chat_id: int, user_id: int | None) -> None:
        """Record who manages the chat's digests (a channel's: the admin who subscribed it)."""
        with self._write() as session:
            session.execute(
                update(Chat.__table__)
                .where(Chat.__table__.c.id == chat_id)
                .values(managed_by=user_id)
            )

    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: move the chat and its subscriptions to the new id."""
        if old_chat_id == new_chat_id:
            return
        with self._write() as session:
            old = session.get(Chat, old_chat_id)
            if old is None:
                return
            new = session.get(Chat, new_chat_id)
            if new is None:
                new = Chat(
                    id=new_chat_id,
                    type="supergroup",
                    title=old.title,
                    username=old.username,
                    language=old.language,
                    timezone=old.timezone,
                    summary_length=old.summary_length,
                    notify_empty=old.notify_empty,
                    created_at=old.created_at,
                    blocked_at=old.blocked_at,
                    reply_language=old.reply_language,
                    managed_by=old.managed_by,
                )
                session.add(new)
                session.flush()
            taken = set(
                session.scalars(
                    select(Subscription.topic_id).where(Subscription.chat_id == new_chat_id)
                )
            )
            moving = Subscription.chat_id == old_chat_id
            if taken:
                moving = moving & Subscription.topic_id.not_in(taken)
            session.execute(update(Subscription).where(moving).values(chat_id=new_chat_id))
            session.execute(delete(Chat.__table__).where(Chat.__table__.c.id == old_chat_id))

    def subscribe(
        self,
        chat_id: int,
        topic_id: int,
        *,
        local_time: str = "08:00",
        weekday: int | None = None,
        next_due_at: datetime | None = None,
    ) -> tuple[SubscriptionView, bool]:
        """Create or update (time, weekday, active); True when newly created."""
        local_time = check_local_time(local_time)
        if weekday is not None and not 0 <= weekday <= 6:
            raise StorageError("A weekday is 0 (Monday) to 6 (Sunday).", code="chat.weekday")
        due = as_utc(next_due_at) if next_due_at else None
        if not is_row_id(topic_id):
            raise StorageError("There is no such topic.", code="topic.missing")
        with self._write() as session:
            topic = session.get(Topic, topic_id)
            if topic is None:
                raise StorageError("There is no such topic.", code="topic.missing")
            if session.get(Chat, chat_id) is None:
                raise StorageError("This chat is not known yet.", code="chat.unknown")
            row = session.scalars(
                select(Subscription).where(
                    Subscription.chat_id == chat_id, Subscription.topic_id == topic_id
                )
            ).first()
            created = row is None
            if row is None:
                row = Subscription(chat_id=chat_id, topic_id=topic_id, created_at=utc_now())
                session.add(row)
            row.local_time, row.weekday, row.active = local_time, weekday, True
            if due is not None or created:
                row.next_due_at = due
            session.flush()
            return subscription_view(row, topic), created

    def unsubscribe(self, chat_id: int, topic_id: int) -> bool:
        """Remove the subscription (its delivery history goes with it); False if none."""
        if not is_row_id(topic_id):
            return False
        with self._write() as session:
            table = Subscription.__table__
            result = session.execute(
                delete(table).where(table.c.chat_id == chat_id, table.c.topic_id == topic_id)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def chat_subscriptions(self, chat_id: int) -> list[SubscriptionView]:
        """Every subscription of the chat."""
        with self._read() as session:
            return _subscriptions(session, Subscription.chat_id == chat_id)

    def get_subscription(self, subscription_id: int) -> SubscriptionView | None:
        """One subscription, or None."""
        if not is_row_id(subscription_id):
            return None
        with self._read() as session:
            found = _subscriptions(session, Subscription.id == subscription_id)
            return found[0] if found else None

    def active_subscriptions(self) -> list[SubscriptionView]:
        """Active subscriptions of chats that are not blocked."""
        with self._read() as session:
            return _subscriptions(session, *_UNBLOCKED_ACTIVE)

    def subscriptions_due(self, now: datetime, limit: int = 1000) -> list[SubscriptionView]:
        """Active, unblocked subscriptions whose next_due_at <= now (index-backed)."""
        with self._read() as session:
            return _subscriptions(
                session, *_UNBLOCKED_ACTIVE, Subscription.next_due_at <= as_utc(now), limit=limit
            )

    def count_due_subscriptions(self, now: datetime) -> int:
        """How many active, unblocked subscriptions are due at ``now`` (the digest backlog)."""
        with self._read() as session:
            query = (
                select(func.count())
                .select_from(Subscription)
                .join(Chat, Chat.id == Subscription.chat_id)
                .where(*_UNBLOCKED_ACTIVE, Subscription.next_due_at <= as_utc(now))
            )
            return int(session.scalar(query) or 0)

    def set_next_due(self, subscription_id: int, next_due_at: datetime | None) -> None:
        """Set when the subscription's next digest is due (None: not scheduled)."""
        with self._write() as session:
            session.execute(
                update(Subscription)
                .where(Subscription.id == subscription_id)
                .values(next_due_at=as_utc(next_due_at) if next_due_at else None)
            )
