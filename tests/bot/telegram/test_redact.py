"""Secrets never survive into log records: message, arguments, traceback; others untouched."""

from __future__ import annotations

import logging

import pytest

from bot.telegram.redact import MASK, hide_secrets

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
