"""Store methods for topics: the named keyword rules articles are tagged with.

Default topics are seeded once: the ``meta`` row ``default_topics_seeded`` lists every default
slug ever offered to this database, so one an admin deleted is not created again at the next
start, while a default that a newer version adds still appears (once).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from storage.base import StoreBase
from storage.convert import topic_view
from storage.errors import StorageError
from storage.models import Meta, Subscription, Topic
from storage.timeutil import utc_now
from storage.validation import check_slug, clean_text, one_line
from storage.views import TopicView

_LOOSE = re.compile(r"[\W_]+")
SEEDED_KEY = "default_topics_seeded"


def _loose(value: str) -> str:
    return _LOOSE.sub("", value.casefold())


class TopicMethods(StoreBase):
    """Creating, listing, finding and deleting topics."""

    def upsert_topic(self, slug: str, name: str, rule: str) -> TopicView:
        """Create the topic or update its name and rule."""
        slug = check_slug(slug)
        name = one_line(name, 200)
        if not name:
            raise StorageError("A topic needs a name.", code="topic.no_name")
        rule = clean_text(rule).strip()
        with self._write() as session:
            row = session.scalars(select(Topic).where(Topic.slug == slug)).first()
            if row is None:
                row = Topic(slug=slug, name=name, rule=rule, created_at=utc_now())
                session.add(row)
            else:
                row.name, row.rule = name, rule
            session.flush()
            return topic_view(row)

    def seed_default_topics(self, defaults: Sequence[tuple[str, str, str]]) -> list[str]:
        """Create each (slug, name, rule) default never offered before; the slugs created.

        One transaction, with the meta row locked, so concurrent starts seed once between them.
        A default whose slug exists already (an admin made it) is only recorded as offered.
        """
        now = utc_now()
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        created: list[str] = []
        with self._write() as session:
            session.execute(
                dialect_insert(Meta)
                .values(key=SEEDED_KEY, value="", updated_at=now)
                .on_conflict_do_nothing(index_elements=["key"])
            )
            meta = session.scalars(
                select(Meta).where(Meta.key == SEEDED_KEY).with_for_update()
            ).one()
            offered = {slug for slug in meta.value.split(",") if slug}
            existing = set(session.scalars(select(Topic.slug)))
            for slug, name, rule in defaults:
                slug = check_slug(slug)
                if slug in offered:
                    continue
                offered.add(slug)
                if slug not in existing:
                    session.add(
                        Topic(slug=slug, name=one_line(name, 200), rule=rule, created_at=now)
                    )
                    created.append(slug)
            value = ",".join(sorted(offered))
            if value != meta.value:
                meta.value, meta.updated_at = value, now
        return created

    def list_topics(self) -> list[TopicView]:
        """Every topic, by name."""
        with self._read() as session:
            return [topic_view(row) for row in session.scalars(select(Topic).order_by(Topic.name))]

    def find_topic(self, slug_or_name: str) -> TopicView | None:
        """By slug or display name, case-insensitive."""
        wanted = (slug_or_name or "").strip().casefold()
        if not wanted:
            return None
        topics = self.list_topics()
        for topic in topics:
            if wanted in (topic.slug, topic.name.casefold()):
                return topic
        loose = _loose(wanted)
        matches = [t for t in topics if loose and loose in (_loose(t.slug), _loose(t.name))]
        return matches[0] if matches else None

    def topic_subscriber_count(self, topic_id: int) -> int:
        """How many chats subscribe to the topic (paused subscriptions included)."""
        with self._read() as session:
            count = session.scalar(
                select(func.count())
                .select_from(Subscription)
                .where(Subscription.topic_id == topic_id)
            )
            return int(count or 0)

    def get_topic(self, topic_id: int) -> TopicView | None:
        """A topic by id."""
        with self._read() as session:
            row = session.get(Topic, topic_id)
            return None if row is None else topic_view(row)

    def delete_topic(self, slug: str) -> bool:
        """Delete a topic with its article links and subscriptions; False when there was none."""
        with self._write() as session:
            result = session.execute(
                delete(Topic.__table__).where(Topic.__table__.c.slug == slug.strip().lower())
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]
