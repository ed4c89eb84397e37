"""Helpers for digest tests: a store with a topic and tagged articles, a fake Sender, a clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.render import render_plain
from bot.core.types import Message
from storage import open_store
from storage.store import Store
from storage.views import ArticleDraft, SubscriptionView, TopicView
from tests.support.fixtures import bot_api_server  # noqa: F401  (a fixture, found by name)


class Crash(BaseException):
    """Stands for the process dying: nothing in the engine may catch it."""


@dataclass
class FakeClock:
    """A settable clock."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Sent:
    chat_id: int
    text: str


class FakeSender:
    """Records what it sends; ``script[chat_id]`` lists exceptions to raise first, in order."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.script: dict[int, list[BaseException]] = {}
        self.attempts = 0
        self.crash_on_attempt: int | None = None

    async def send(self, chat_id: int, message: Message) -> None:
        self.attempts += 1
        if self.crash_on_attempt is not None and self.attempts == self.crash_on_attempt:
            raise Crash()
        queue = self.script.get(chat_id)
        if queue:
            raise queue.pop(0)
        self.sent.append(Sent(chat_id, render_plain(message)[0]))

    def to(self, chat_id: int) -> list[str]:
        return [item.text for item in self.sent if item.chat_id == chat_id]


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    """A Store on a fresh SQLite database only."""
    opened = open_store(sqlite_url)
    yield opened
    opened.close()


def make_topic(
    store: Store, slug: str = "china-russia", name: str = "China–Russia relations"
) -> TopicView:
    return store.upsert_topic(slug, name, "China; Russia")


_SYLLABLES = ("ka", "lo", "mi", "nu", "pe", "ri", "so", "tu", "va", "ze")


def word(number: int) -> str:
    """A made-up word, distinct for every number (so articles never look alike)."""
    return "".join(_SYLLABLES[int(digit)] for digit in f"{number % 10**7:07d}")


def add_articles(
    store: Store,
    topic: TopicView,
    count: int,
    *,
    prefix: str = "Story",
    sentences: int = 3,
    words_per_sentence: int = 5,
) -> None:
    def words(index: int, n: int) -> str:
        base = sum(map(ord, prefix)) * 7919 + index * 997 + n * 61
        return " ".join(word(base + k) for k in range(words_per_sentence))

    drafts = [
        ArticleDraft(
            title=f"{prefix} {index}: {words(index, 0)} <b>&</b>",
            body=" ".join(f"{words(index, n).capitalize()}." for n in range(8)),
            url=f"https://news.example/{prefix.lower()}/{index}",
            source=f"Source {index}",
            summary=tuple(f"{words(index, n + 1).capitalize()}." for n in range(sentences)),
            summary_algorithm="lsa",
            topic_slugs=(topic.slug,),
        )
        for index in range(count)
    ]
    store.add_articles(drafts)


def subscribe_due(
    store: Store,
    topic: TopicView,
    chat_ids: list[int],
    *,
    due: datetime,
    chat_type: str = "private",
    timezone: str = "UTC",
    notify_empty: bool = False,
    local_time: str | None = None,
) -> list[SubscriptionView]:
    """Subscriptions due at ``due``; their daily time is the due instant's own local time.

    (A fixed "08:00" made the next due time fall in the same daily period as a due instant
    before 08:00, so tests run between midnight and 08:00 UTC never saw a second digest.)
    """
    if local_time is None:
        local_time = f"{due.astimezone(ZoneInfo(timezone)):%H:%M}"
    subs = []
    for chat_id in chat_ids:
        store.upsert_chat(chat_id, type=chat_type, default_timezone=timezone)
        if notify_empty:
            store.update_chat_settings(chat_id, notify_empty=True)
        sub, _ = store.subscribe(chat_id, topic.id, local_time=local_time, next_due_at=due)
        subs.append(sub)
    return subs


SubscribeFn = Callable[..., list[SubscriptionView]]
