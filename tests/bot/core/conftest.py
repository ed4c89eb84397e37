"""Fixtures for the core tests: a real SQLite store with default topics and a Core over it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings, load_settings
from bot.core.app import Core
from bot.core.commandline import split_command
from bot.core.types import Chat, Reply, Request
from ingest.defaults import ensure_default_topics
from ingest.pipeline import Ingestor
from storage import open_store
from storage.store import Store
from storage.views import ArticleDraft

ADMIN_ID = 100
USER_ID = 200
PRIVATE = Chat(USER_ID, "private", "", "reader")
ADMIN_CHAT = Chat(ADMIN_ID, "private", "", "boss")
GROUP = Chat(-1001, "supergroup", "News fans", "")

ARTICLE_BODY = (
    "China and Russia signed a package of energy agreements in Beijing on Wednesday. "
    "The documents cover long-term gas supplies through a new pipeline route. "
    "Officials in Moscow said trade between the two countries had grown again. "
    "Analysts noted that the pipeline talks had stalled for years over price. "
    "The Kremlin said the presidents would review progress next year."
)


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return load_settings(
        {"DATABASE_URL": sqlite_url, "NEWSBOT_ADMIN_IDS": str(ADMIN_ID)}, env_file=None
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    store = open_store(settings.database_url)
    ensure_default_topics(store)
    yield store
    store.close()


@pytest.fixture
async def core(store: Store, settings: Settings) -> AsyncIterator[Core]:
    ingestor = Ingestor(store)
    core = Core(store, settings, ingestor, bot_username="NewsBot")
    yield core
    await core.close()
    ingestor.close()


def request(
    text: str,
    *,
    chat: Chat = PRIVATE,
    user_id: int | None = None,
    reply_to: str | None = None,
    edited: bool = False,
) -> Request:
    """A Request as an adapter would build it from a message text."""
    command, args, addressed, _ = split_command(text, "NewsBot")
    return Request(
        chat=chat,
        user_id=user_id if user_id is not None else chat.id if chat.id > 0 else USER_ID,
        user_name="tester",
        command=command,
        args=args,
        text=text,
        reply_to_text=reply_to,
        edited=edited,
        addressed=addressed,
    )


async def send(core: Core, text: str, **kwargs: object) -> Reply:
    """Send ``text`` through the core and return its reply."""
    return await core.handle(request(text, **kwargs))  # type: ignore[arg-type]


def reply_text(reply: Reply) -> str:
    """Every message of the reply as plain text."""
    from bot.core.render import render_plain_all

    return render_plain_all(reply.messages)[0]


def add_articles(store: Store, count: int, *, topic: str = "") -> list[int]:
    """Store ``count`` articles with summaries, oldest first; returns their ids."""
    first = store.count_articles()
    drafts = [
        ArticleDraft(
            title=f"Article number {index} about gas",
            body=f"{ARTICLE_BODY} Serial {index}.",
            source="Test Wire",
            published_at=datetime(2026, 1, 1, 12, 0, tzinfo=UTC) + timedelta(hours=index),
            summary=(f"First sentence of {index}.", "Second sentence.", "Third sentence."),
            summary_algorithm="test",
            topic_slugs=(topic,) if topic else (),
            url=f"https://example.com/news/{index}",
        )
        for index in range(first, first + count)
    ]
    return [result.article.id for result in store.add_articles(drafts)]
