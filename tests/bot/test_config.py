"""Configuration: defaults, every variable, and one clear error naming a bad variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_API_URL, ConfigError, load_settings

TOKEN = "123456:ABCdefGhIJKlmnOPQrstUVwxyz_0123456789"


def test_defaults_use_sqlite_in_data_dir_and_official_api() -> None:
    settings = load_settings({})
    assert settings.telegram_token is None
    assert settings.telegram_api_url == DEFAULT_API_URL
    assert settings.database_url == f"sqlite:///{Path('data') / 'newsbot.db'}"
    assert settings.admin_ids == frozenset()
    assert settings.default_timezone == "UTC"
    assert settings.allow_private_urls is False


def test_every_variable_is_read() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "DATABASE_URL": "postgresql://user@db/news",
            "NEWSBOT_ADMIN_IDS": "42, 1001",
            "NEWSBOT_TZ": "Europe/Moscow",
            "NEWSBOT_ALLOW_PRIVATE_URLS": "1",
        }
    )
    assert settings.telegram_token == TOKEN
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.database_url == "postgresql://user@db/news"
    assert settings.admin_ids == frozenset({42, 1001})
    assert settings.default_timezone == "Europe/Moscow"
    assert settings.allow_private_urls is True


def test_repr_never_shows_the_token() -> None:
    assert TOKEN not in repr(load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}))


def test_repr_never_shows_the_database_password() -> None:
    url = "postgresql://newsbot:s3cret-pw@db.example:5432/news"
    shown = repr(load_settings({"DATABASE_URL": url}))
    assert "s3cret-pw" not in shown
    assert "postgresql://newsbot:***@db.example:5432/news" in shown


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NEWSBOT_ADMIN_IDS", "42,alice"),
        ("NEWSBOT_TZ", "Mars/Olympus"),
        ("TELEGRAM_API_URL", "api.telegram.org"),
        ("DATABASE_URL", "mysql://localhost/news"),
        ("NEWSBOT_ALLOW_PRIVATE_URLS", "maybe"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
    ],
)
def test_bad_value_names_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({variable: value})
    assert variable in str(error.value)
