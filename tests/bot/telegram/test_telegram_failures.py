"""Telegram failing the bot: 429 is retried, 403 marks the chat blocked, other errors end in
an apology and a log line with the update id, and the token never reaches the logs.
"""

from __future__ import annotations

import logging

import pytest

from bot.core.app import APOLOGY
from bot.telegram.redact import MASK
from storage.store import Store
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER

PRIVATE = FakeChat.private(USER)


async def test_a_429_is_retried_and_the_message_arrives_once(telegram_bot: ChatDriver) -> None:
    server = telegram_bot.server
    server.fail_next("sendMessage", error_code=429, retry_after=1, chat_id=PRIVATE.id)
    answer = await telegram_bot.ask(PRIVATE, USER, "/latest 1")
    assert answer.text.count("\n#") == 1
    sends = server.calls("sendMessage")
    assert [(c.ok, c.error_code) for c in sends] == [(False, 429), (True, None)]


async def test_a_403_marks_the_chat_blocked(telegram_bot: ChatDriver, sample_store: Store) -> None:
    server = telegram_bot.server
    await telegram_bot.send(PRIVATE, USER, "/start")
    server.block_chat(PRIVATE.id)
    assert await telegram_bot.send(PRIVATE, USER, "/latest") == []
    assert [c.error_code for c in server.calls("sendMessage")][-1] == 403
    chat = sample_store.get_chat(PRIVATE.id)
    assert chat is not None and chat.blocked_at is not None


async def test_an_unexpected_failure_is_logged_with_the_update_id_and_apologized(
    telegram_bot: ChatDriver, caplog: pytest.LogCaptureFixture
) -> None:
    server = telegram_bot.server
    server.fail_next("sendMessage", error_code=500, description="Internal Server Error")
    with caplog.at_level(logging.ERROR, logger="bot.telegram"):
        [apology] = await telegram_bot.send(PRIVATE, USER, "/latest 1")
    assert apology.text == APOLOGY
    failures = [r for r in caplog.records if r.name == "bot.telegram.handlers"]
    assert failures and f"update {server.last_update_id} failed" in failures[0].getMessage()
    assert failures[0].exc_info is not None


async def test_the_token_never_reaches_the_logs(
    telegram_bot: ChatDriver, caplog: pytest.LogCaptureFixture
) -> None:
    server = telegram_bot.server
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")
    server.fail_next(
        "sendMessage", error_code=500, description=f"Internal error for bot{server.token}"
    )
    await telegram_bot.send(PRIVATE, USER, "/latest 1")
    await telegram_bot.send(PRIVATE, USER, "/help")
    logged = caplog.text + "".join(record.exc_text or "" for record in caplog.records)
    assert caplog.records, "nothing was logged: the test would prove nothing"
    assert MASK in logged
    assert server.token not in logged
    secret_part = server.token.split(":", 1)[1]
    assert secret_part not in logged
