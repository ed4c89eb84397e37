"""Secrets never survive into log records: message, arguments, traceback; others untouched."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.telegram.app import run_telegram
from bot.telegram.redact import MASK, hide_secrets, hide_url_credentials, mask_credentials
from tests.support.ptb_runner import free_port

SECRET = "987654321:SECRET-token_for_redaction_tests_xyz"


def test_secrets_are_scrubbed_from_messages_args_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hide_secrets(SECRET)
    logger = logging.getLogger("tests.redact")
    with caplog.at_level(logging.DEBUG, logger="tests.redact"):
        logger.info("GET https://api.telegram.org/bot%s/getMe", SECRET)
        logger.warning(f"inline {SECRET}")
        try:
            raise RuntimeError(f"failed calling bot{SECRET}/sendMessage")
        except RuntimeError:
            logger.exception("request failed")
    text = caplog.text + "".join(record.exc_text or "" for record in caplog.records)
    assert SECRET not in text
    assert text.count(MASK) >= 3


def test_records_without_secrets_keep_their_template(caplog: pytest.LogCaptureFixture) -> None:
    hide_secrets(SECRET)
    with caplog.at_level(logging.INFO, logger="tests.redact"):
        logging.getLogger("tests.redact").info("polled %d feeds", 3)
    [record] = caplog.records
    assert (record.msg, record.args, record.getMessage()) == (
        "polled %d feeds",
        (3,),
        "polled 3 feeds",
    )


def test_httpx_request_lines_are_quieted() -> None:
    logging.getLogger("httpx").setLevel(logging.NOTSET)
    hide_secrets(SECRET)
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


# --- URL credentials (issue 11, case 9): masked wherever a URL is printed or logged ---

PASSWORD = "s3cret-passw0rd"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("http://bob:s3cret@10.0.0.1:8081", "http://bob:***@10.0.0.1:8081"),
        ("postgresql://news:p@ss@db.example.org/news", "postgresql://news:***@db.example.org/news"),
        ("http://bob@x.org:pw@10.0.0.1/", "http://bob@x.org:***@10.0.0.1/"),
        ("at 'https://token@proxy:3128/x?a=b@c' now", "at 'https://***@proxy:3128/x?a=b@c' now"),
        ("no URL, mail bob@example.org", "no URL, mail bob@example.org"),
        ("http://example.org/path@not-userinfo", "http://example.org/path@not-userinfo"),
    ],
)
def test_mask_credentials(text: str, masked: str) -> None:
    assert mask_credentials(text) == masked


def test_log_records_never_show_url_credentials(caplog: pytest.LogCaptureFixture) -> None:
    hide_url_credentials(f"postgresql://news:{PASSWORD}@db/news")
    logger = logging.getLogger("tests.redact")
    with caplog.at_level(logging.DEBUG, logger="tests.redact"):
        logger.info("Set Bot API URL: %s", f"http://api:{PASSWORD}@10.0.0.1/bot")
        logger.warning("the driver said: password %s was refused", PASSWORD)
        try:
            raise ConnectionError(f"proxy http://proxy:{PASSWORD}@10.0.0.2:3128 refused")
        except ConnectionError:
            logger.exception("fetch failed")
    text = caplog.text + "".join(record.exc_text or "" for record in caplog.records)
    assert PASSWORD not in text
    assert "http://api:***@10.0.0.1/bot" in text and "http://proxy:***@10.0.0.2:3128" in text


def test_the_unreachable_api_error_does_not_print_its_credentials(
    telegram_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = f"http://apiuser:{PASSWORD}@127.0.0.1:{free_port()}"
    settings = dataclasses.replace(telegram_settings, telegram_api_url=api)
    with caplog.at_level(logging.DEBUG):
        assert run_telegram(settings) == 1
    err = capsys.readouterr().err
    assert "cannot reach the Telegram Bot API at http://apiuser:***@127.0.0.1:" in err
    assert PASSWORD not in err and PASSWORD not in caplog.text
    assert PASSWORD not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TELEGRAM_API_URL", f"ftp://apiuser:{PASSWORD}@files.example.org"),
        ("DATABASE_URL", f"mysql://dbuser:{PASSWORD}@127.0.0.1/news"),
        ("DATABASE_URL", f"postgresql://dbuser:{PASSWORD}@127.0.0.1:notaport/news"),
    ],
)
def test_start_up_errors_never_print_url_credentials(
    variable: str,
    value: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, value)
    code = main(["db", "check"])
    err = capsys.readouterr().err
    assert code in (1, 2) and variable in err
    assert PASSWORD not in err


def test_an_unreachable_proxy_does_not_print_its_credentials(
    telegram_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    proxy = f"http://proxyuser:{PASSWORD}@127.0.0.1:{free_port()}"
    settings = dataclasses.replace(telegram_settings, proxy_url=proxy)
    with caplog.at_level(logging.DEBUG):
        assert run_telegram(settings) == 1
    err = capsys.readouterr().err
    assert "cannot reach the Telegram Bot API" in err
    assert PASSWORD not in err and PASSWORD not in caplog.text
