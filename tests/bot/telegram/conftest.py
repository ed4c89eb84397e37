"""Fixtures of the Telegram tests: the fake Bot API, a store with sample articles, the bot.

``telegram_bot`` runs the real Application (polling, or webhook when parametrized with
``mode``) in the test's event loop against the fake server, and hands the test a
``ChatDriver`` that plays users and reads what reached each chat.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.telegram.app import build_application
from storage import open_store
from storage.store import Store
from tests.support import fixtures as shared
from tests.support.bot_api_server import BotApiServer
from tests.support.chat_driver import ChatDriver
from tests.support.ptb_runner import (
    running_polling,
    running_webhook,
    track_processed,
    unthrottled,
)

ADMIN = shared.ADMIN
# Shared fixtures, re-exported so pytest finds them in this directory.
bot_api_server = shared.bot_api_server
admin_user = shared.admin_user
plain_user = shared.plain_user
group_chat = shared.group_chat
bot_env = shared.bot_env

SAMPLES = Path(__file__).resolve().parents[3] / "bot" / "sample_data" / "articles.jsonl"
TRICKY_ARTICLES = (
    ("<b>Bold</b> claims & <script>alert(1)</script> in a title", "Markup in titles"),
    ("Émojis 🚀🔥 and עברית ‏שלום‏ in one headline", "Emoji and right-to-left text"),
)


def _tricky_body(topic: str) -> str:
    return (
        f"{topic} arrive in newsrooms every day. Editors check every <tag> & entity before "
        "publication. Readers expect clean text without broken markup. The bot must escape "
        'angle brackets, ampersands and quotes like "this" in every message it sends. '
        "Right-to-left scripts such as עברית and العربية mix with emoji 🚀 in modern news."
    )


@pytest.fixture
def telegram_settings(bot_api_server: BotApiServer, sqlite_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the fake server, with ``ADMIN`` as the only admin."""
    return Settings(
        telegram_token=bot_api_server.token,
        telegram_api_url=bot_api_server.url,
        database_url=sqlite_url,
        admin_ids=frozenset({ADMIN.id}),
        default_timezone="UTC",
        allow_private_urls=False,
        data_dir=tmp_path / "data",
    )


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the default topics, sample articles and two tricky ones (built once)."""
    from ingest.defaults import ensure_default_topics
    from ingest.pipeline import Ingestor

    path = tmp_path_factory.mktemp("sample-db") / "newsbot.db"
    store = open_store(f"sqlite:///{path}")
    ensure_default_topics(store)
    ingestor = Ingestor(store)
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()
    for line in lines[:8]:
        item = json.loads(line)
        ingestor.add_text(item["title"], item["body"], source=item.get("source", ""))
    for title, topic in TRICKY_ARTICLES:
        ingestor.add_text(title, _tricky_body(topic), source="Tricky & <Co>")
    ingestor.close()
    store.close()
    return path


@pytest.fixture
def sample_store(telegram_settings: Settings, sample_database: Path) -> Iterator[Store]:
    """This test's copy of the sample database, opened."""
    target = Path(telegram_settings.database_url.removeprefix("sqlite:///"))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample_database, target)
    store = open_store(telegram_settings.database_url)
    yield store
    store.close()


@pytest.fixture(params=["polling"])
def mode(request: pytest.FixtureRequest) -> str:
    """How the bot gets updates (tests parametrize this to add "webhook")."""
    return str(request.param)


@pytest.fixture
def bot_options() -> dict[str, Any]:
    """Extra build_application arguments (digests and feed polling are off unless a test
    module overrides this fixture)."""
    return {}


@pytest.fixture
async def telegram_bot(
    bot_api_server: BotApiServer,
    telegram_settings: Settings,
    sample_store: Store,
    mode: str,
    bot_options: dict[str, Any],
) -> AsyncIterator[ChatDriver]:
    """The real Application running against the fake server; yields a ChatDriver."""
    options = {"digests": False, "feeds": False, **bot_options}
    application = build_application(
        telegram_settings,
        sample_store,
        concurrent_updates=1,
        rate_limiter=unthrottled(),
        **options,
    )
    processed = track_processed(application)
    runner = running_webhook(application) if mode == "webhook" else running_polling(application)
    async with runner:
        driver = ChatDriver(bot_api_server, processed, sample_store, application=application)
        await bot_api_server.async_wait_for_calls("setMyCommands")
        yield driver
    bot_api_server.assert_no_bad_requests()
