"""NEWSBOT_LINK_LIMIT and NEWSBOT_LINK_WINDOW: defaults, values, and one clear line when wrong."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def test_defaults_are_ten_fetches_in_ten_minutes() -> None:
    settings = load_settings({}, env_file=None)
    assert (settings.link_limit, settings.link_window_minutes) == (10, 10)


def test_values_are_read_and_zero_means_no_limit() -> None:
    environ = {"NEWSBOT_LINK_LIMIT": "0", "NEWSBOT_LINK_WINDOW": "60"}
    settings = load_settings(environ, env_file=None)
    assert (settings.link_limit, settings.link_window_minutes) == (0, 60)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NEWSBOT_LINK_LIMIT", "-1"),
        ("NEWSBOT_LINK_LIMIT", "ten"),
        ("NEWSBOT_LINK_LIMIT", "99999999999"),
        ("NEWSBOT_LINK_WINDOW", "0"),
        ("NEWSBOT_LINK_WINDOW", "1.5"),
    ],
)
def test_a_bad_value_names_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings({variable: value}, env_file=None)
