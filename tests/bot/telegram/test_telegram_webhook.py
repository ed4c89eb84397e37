"""Webhook mode: updates arrive by POST with the secret header; a wrong or missing secret is
refused and never reaches the bot.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.support.bot_api_server import BotApiServer
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER

PRIVATE = FakeChat.private(USER)


@pytest.fixture
def mode() -> str:
    return "webhook"


def forged_update(text: str) -> dict[str, object]:
    return {
        "update_id": 900001,
        "message": {
            "message_id": 4242,
            "date": 1_700_000_000,
            "chat": PRIVATE.to_dict(),
            "from": USER.to_dict(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_webhook_is_set_with_a_secret_and_serves_updates(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    hook = bot_api_server.webhook
    assert hook is not None and hook["url"].startswith("http://127.0.0.1:")
    assert hook["secret_token"]
    answer = await telegram_bot.ask(PRIVATE, USER, "/latest 1")
    assert answer.callback_data
    assert {d.status for d in bot_api_server.webhook_deliveries()} == {200}
    assert bot_api_server.calls("getUpdates") == []


@pytest.mark.parametrize("secret", ["wrong-secret", None])
async def test_a_wrong_or_missing_secret_is_refused(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, secret: str | None
) -> None:
    status = await asyncio.to_thread(
        bot_api_server.post_to_webhook, forged_update("/start"), secret=secret
    )
    assert status == 403
    await telegram_bot.send(PRIVATE, USER, "/help")
    assert not any("Hello" in text for text in bot_api_server.texts(PRIVATE.id))


# --- Hostile requests (issue 11, case 2): refused on their headers, never read into memory ---

MEGABYTE = 1024 * 1024


async def _raw_post(
    url: str, headers: dict[str, str], body: bytes, *, timeout: float = 5.0
) -> tuple[bytes, asyncio.StreamReader, asyncio.StreamWriter]:
    """POST ``body`` (possibly a small part of what Content-Length announces) and read the
    status line; (status line, reader, writer). A server that waits for the rest of an
    announced body never answers, and the read times out."""
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    head = [f"POST /{path} HTTP/1.1", f"Host: {host_port}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    try:
        status = await asyncio.wait_for(reader.readline(), timeout)
    except TimeoutError:
        status = b"(no answer while the client was still sending)"
    return status, reader, writer


async def _closed_by_server(reader: asyncio.StreamReader) -> bool:
    try:
        while await asyncio.wait_for(reader.read(65536), 5.0):
            pass
    except ConnectionError:
        pass
    return True


async def test_a_post_without_the_secret_is_refused_before_its_body_is_read(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    hook = bot_api_server.webhook
    assert hook is not None
    announced = 95 * MEGABYTE
    headers = {"Content-Type": "application/json", "Content-Length": str(announced)}
    status, reader, writer = await _raw_post(hook["url"], headers, b"x" * 65536)
    # The answer comes while 95 MB are still unsent: the body is never read.
    assert status.startswith(b"HTTP/1.1 403"), status
    assert await _closed_by_server(reader)
    writer.close()
    messages = await telegram_bot.send(PRIVATE, USER, "/help")
    assert messages and "/latest" in messages[0].text


async def test_a_wrong_secret_with_a_huge_body_is_refused_on_the_headers(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    hook = bot_api_server.webhook
    assert hook is not None
    headers = {
        "Content-Type": "application/json",
        "Content-Length": str(95 * MEGABYTE),
        "X-Telegram-Bot-Api-Secret-Token": "not-" + hook["secret_token"],
    }
    status, _, writer = await _raw_post(hook["url"], headers, b"")
    writer.close()
    assert status.startswith(b"HTTP/1.1 403"), status


async def test_a_body_over_one_megabyte_is_refused_with_413(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    hook = bot_api_server.webhook
    assert hook is not None
    headers = {
        "Content-Type": "application/json",
        "Content-Length": str(MEGABYTE + 1),
        "X-Telegram-Bot-Api-Secret-Token": hook["secret_token"],
    }
    status, reader, writer = await _raw_post(hook["url"], headers, b"{" * 4096)
    assert status.startswith(b"HTTP/1.1 413"), status
    assert await _closed_by_server(reader)
    writer.close()
    messages = await telegram_bot.send(PRIVATE, USER, "/help")
    assert messages and "/latest" in messages[0].text


async def test_a_chunked_body_growing_past_one_megabyte_is_cut_off(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    hook = bot_api_server.webhook
    assert hook is not None
    headers = {
        "Content-Type": "application/json",
        "Transfer-Encoding": "chunked",
        "X-Telegram-Bot-Api-Secret-Token": hook["secret_token"],
    }
    chunk = b"a" * (256 * 1024)
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    status, _reader, writer = await _raw_post(hook["url"], headers, framed * 5, timeout=5.0)
    writer.close()
    # Tornado cuts the connection (400) once the chunks pass the cap; nothing reaches the bot.
    assert not status.startswith(b"HTTP/1.1 200"), status
    messages = await telegram_bot.send(PRIVATE, USER, "/help")
    assert messages and "/latest" in messages[0].text


async def test_a_body_that_is_not_an_update_gets_400_and_the_bot_goes_on(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    hook = bot_api_server.webhook
    assert hook is not None
    body = b'{"update_id": "not json'
    headers = {
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "X-Telegram-Bot-Api-Secret-Token": hook["secret_token"],
    }
    status, _, writer = await _raw_post(hook["url"], headers, body)
    writer.close()
    assert status.startswith(b"HTTP/1.1 400"), status
    messages = await telegram_bot.send(PRIVATE, USER, "/help")
    assert messages and "/latest" in messages[0].text
