"""``run_telegram`` failing at start: one clear line and an exit code, never a traceback."""

from __future__ import annotations

import dataclasses
import socket

import pytest

from bot.config import Settings
from bot.telegram.app import run_telegram, webhook_secret
from tests.support.bot_api_server import BotApiServer
from tests.support.ptb_runner import free_port


@pytest.fixture
def settings(telegram_settings: Settings) -> Settings:
    """The shared settings for the fake server, without admins."""
    return dataclasses.replace(telegram_settings, admin_ids=frozenset())


def test_a_token_telegram_refuses(
    settings: Settings, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    wrong = dataclasses.replace(settings, telegram_token="42:" + "w" * 35)
    assert run_telegram(wrong) == 2
    assert "refused TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    assert "Traceback" not in caplog.text and "w" * 35 not in caplog.text


def test_an_unreachable_api(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    gone = dataclasses.replace(settings, telegram_api_url=f"http://127.0.0.1:{free_port()}")
    assert run_telegram(gone) == 1
    assert "cannot reach the Telegram Bot API" in capsys.readouterr().err


def test_a_webhook_port_already_taken(
    settings: Settings, bot_api_server: BotApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = run_telegram(
            settings, webhook_url=f"http://127.0.0.1:{port}/hook", listen="127.0.0.1", port=port
        )
    assert code == 1
    assert "cannot serve the webhook" in capsys.readouterr().err


def test_webhook_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_WEBHOOK_SECRET", "Abc_123-x")
    assert webhook_secret() == "Abc_123-x"
    monkeypatch.setenv("NEWSBOT_WEBHOOK_SECRET", "no spaces allowed")
    with pytest.raises(ValueError, match="NEWSBOT_WEBHOOK_SECRET"):
        webhook_secret()
    monkeypatch.delenv("NEWSBOT_WEBHOOK_SECRET")
    generated = {webhook_secret(), webhook_secret()}
    assert len(generated) == 2 and all(len(secret) >= 32 for secret in generated)
