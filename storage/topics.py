"""Store methods for topics: the named keyword rules articles are tagged with."""

from __future__ import annotations

import re

from sqlalchemy import delete, select

from storage.base import StoreBase
from storage.convert import topic_view
from storage.errors import StorageError
from storage.models import Topic
from storage.timeutil import utc_now
from storage.validation import check_slug, clean_text, one_line
from storage.views import TopicView

_LOOSE = re.compile(r"[\W_]+")


def _loose(value: str) -> str:
    return _LOOSE.sub("", value.casefold())


class TopicMethods(StoreBase):
    """Creating, listing, finding and deleting topics."""

    def upsert_topic(self, slug: str, name: str, rule: str) -> TopicView:
        """Create the topic or update its name and rule."""
        slug = check_slug(slug)
        name = one_line(name, 200)
        if not name:
            raise StorageError("A topic needs a name.")
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

    def delete_topic(self, slug: str) -> bool:
        """Delete a topic with its article links and subscriptions; False when there was none."""
        with self._write() as session:
            result = session.execute(
                delete(Topic.__table__).where(Topic.__table__.c.slug == slug.strip().lower())
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]
