"""Pytest fixtures for tests that talk to the fake Bot API server.

Import them into a conftest.py: ``from tests.support.fixtures import bot_api_server, ...``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeChat, FakeUser

ADMIN = FakeUser(1001, "Ada", username="ada_admin")
USER = FakeUser(2002, "Bob", username="bob")
OTHER_USER = FakeUser(3003, "Chloé", username=None, language_code="fr")
GROUP = FakeChat.group(-4004, "News fans")


@pytest.fixture
def bot_api_server() -> Iterator[BotApiServer]:
    """A fresh fake Bot API server on 127.0.0.1 for this test."""
    with BotApiServer() as server:
        yield server


@pytest.fixture
def admin_user() -> FakeUser:
    """A user listed in NEWSBOT_ADMIN_IDS (see ``bot_env``)."""
    return ADMIN


@pytest.fixture
def plain_user() -> FakeUser:
    """A user who is not an admin."""
    return USER


@pytest.fixture
def group_chat() -> FakeChat:
    """A group the bot was added to."""
    return GROUP


@pytest.fixture
def bot_env(bot_api_server: BotApiServer, sqlite_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment for a bot process against the fake server (admins: ``ADMIN``)."""
    return {
        "TELEGRAM_BOT_TOKEN": bot_api_server.token,
        "TELEGRAM_API_URL": bot_api_server.url,
        "DATABASE_URL": sqlite_url,
        "NEWSBOT_ADMIN_IDS": str(ADMIN.id),
        "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
        "NEWSBOT_TZ": "UTC",
    }
