"""NEWSBOT_BROADCAST_RATE and NEWSBOT_PAID_BROADCAST: bad values stop ``newsbot run`` at start
with one line (exit 1), before anything is sent; good ones reach the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from tests.bot.test_cli_run import _env, _newsbot

TOKEN = "123456:" + "A" * 35


@pytest.mark.parametrize(
    ("rate", "paid", "expected"),
    [
        ("0", "", "expected messages a second above 0"),
        ("-5", "", "expected messages a second above 0"),
        ("fast", "", "expected messages a second above 0"),
        ("1500", "", "expected messages a second above 0, at most 30"),
        ("1500", "1", "or 1,000 with NEWSBOT_PAID_BROADCAST=1"),
        ("100", "", "set NEWSBOT_PAID_BROADCAST=1"),
        ("30", "sometimes", "NEWSBOT_PAID_BROADCAST='sometimes': expected 1 or 0"),
    ],
)
def test_a_bad_broadcast_setting_stops_newsbot_run_with_one_line(
    tmp_path: Path, rate: str, paid: str, expected: str
) -> None:
    env = _env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        # Nothing listens here: a bad setting must stop the bot before it calls Telegram.
        TELEGRAM_API_URL="http://127.0.0.1:9",
        NEWSBOT_BROADCAST_RATE=rate,
        NEWSBOT_PAID_BROADCAST=paid,
    )
    result = _newsbot("run", env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("newsbot: ") and expected in lines[0]
    assert "NEWSBOT_BROADCAST_RATE" in lines[0] or "NEWSBOT_PAID_BROADCAST" in lines[0]
    assert "Traceback" not in result.stderr and "A" * 35 not in result.stderr


def test_good_broadcast_settings() -> None:
    assert load_settings({}).broadcast_rate == 30.0
    assert not load_settings({}).paid_broadcast
    paid = load_settings({"NEWSBOT_BROADCAST_RATE": "1000", "NEWSBOT_PAID_BROADCAST": "1"})
    assert (paid.broadcast_rate, paid.paid_broadcast) == (1000.0, True)
    assert load_settings({"NEWSBOT_BROADCAST_RATE": "12.5"}).broadcast_rate == 12.5
    assert not paid.warnings


def test_paid_broadcasts_default_to_the_paid_ceiling_and_warn_when_slower_than_free() -> None:
    assert load_settings({"NEWSBOT_PAID_BROADCAST": "1"}).broadcast_rate == 1000.0
    slow = load_settings({"NEWSBOT_PAID_BROADCAST": "1", "NEWSBOT_BROADCAST_RATE": "20"})
    assert slow.broadcast_rate == 20.0
    assert any("no faster than the free limit" in warning for warning in slow.warnings)
