"""The lean digest sender against the fake Bot API: the same messages and the same typed errors
as the PTB-based TelegramSender, for every answer Telegram gives a digest send."""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from telegram import error as tg_error
from telegram.ext import ExtBot

from bot.config import Settings
from bot.core.types import Button, Message
from bot.digests.bulk_sender import BulkSender
from bot.digests.delivery import (
    ChatBlocked,
    ChatMigrated,
    PermanentSendError,
    RetryAfter,
    TransientSendError,
)
from bot.digests.telegram import TelegramSender
from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeChat, FakeUser
from tests.support.proxies import HttpForwardProxy, Socks5Proxy
from tests.support.ptb_runner import free_port

USER = FakeUser(5150, "Dana", username="dana")
CHAT = USER.id
GROUP = FakeChat.group(-5151, "Readers")
DIGEST = Message.of(
    "Energy digest",
    "Prices fell <sharply> & steadily",
    keyboard=[[Button("More", callback_data="more:energy")], [Button("Site", url="https://e.x")]],
)
Setup = Callable[[BotApiServer], int]  # prepares the server, returns the chat to send to


def _blocked(server: BotApiServer) -> int:
    server.block_chat(CHAT)
    return CHAT


def _migrated(server: BotApiServer) -> int:
    server.post_group_migration(GROUP, USER, -1005151)
    return GROUP.id


def _flood(server: BotApiServer) -> int:
    server.fail_next("sendMessage", error_code=429, retry_after=7, chat_id=CHAT)
    return CHAT


def _server_error(code: int) -> Setup:
    def setup(server: BotApiServer) -> int:
        server.fail_next("sendMessage", error_code=code, chat_id=CHAT, description="Oops")
        return CHAT

    return setup


def _bad_request(description: str) -> Setup:
    def setup(server: BotApiServer) -> int:
        server.fail_next("sendMessage", error_code=400, chat_id=CHAT, description=description)
        return CHAT

    return setup


CASES: dict[str, tuple[Setup, type[Exception]]] = {
    "blocked 403": (_blocked, ChatBlocked),
    "migrated 400": (_migrated, ChatMigrated),
    "429 retry_after": (_flood, RetryAfter),
    "500 transient": (_server_error(500), TransientSendError),
    "502 transient": (_server_error(502), TransientSendError),
    "bad HTML 400": (
        _bad_request('Bad Request: can\'t parse entities: Unsupported start tag "x"'),
        PermanentSendError,
    ),
    "chat not found 400": (_bad_request("Bad Request: chat not found"), ChatBlocked),
}


def _detail(error: BaseException) -> Any:
    if isinstance(error, RetryAfter):
        return error.seconds
    if isinstance(error, ChatMigrated):
        return error.new_chat_id
    return str(error)


async def _outcome(sender: Any, chat_id: int) -> tuple[type[BaseException] | None, Any]:
    try:
        await sender.send(chat_id, DIGEST)
    except Exception as error:
        return type(error), _detail(error)
    return None, None


@pytest.fixture
async def senders(bot_api_server: BotApiServer) -> AsyncIterator[tuple[TelegramSender, BulkSender]]:
    """The PTB sender (a bare bot: no rate limiter retrying 429s) and the lean one."""
    bot = ExtBot(bot_api_server.token, base_url=bot_api_server.base_url)
    async with bot, BulkSender(bot_api_server.token, bot_api_server.url) as lean:
        yield TelegramSender(bot), lean


@pytest.mark.parametrize("case", list(CASES))
async def test_the_lean_sender_maps_each_answer_like_the_ptb_sender(
    bot_api_server: BotApiServer, senders: tuple[TelegramSender, BulkSender], case: str
) -> None:
    setup, expected = CASES[case]
    ptb, lean = senders
    ptb_outcome = await _outcome(ptb, setup(bot_api_server))
    lean_outcome = await _outcome(lean, setup(bot_api_server))
    assert ptb_outcome[0] is expected
    assert lean_outcome == ptb_outcome
    if expected is RetryAfter:
        assert lean_outcome[1] == 7
    if expected is ChatMigrated:
        assert lean_outcome[1] == -1005151


async def test_a_sent_digest_looks_the_same_from_both_senders(
    bot_api_server: BotApiServer, senders: tuple[TelegramSender, BulkSender]
) -> None:
    ptb, lean = senders
    await ptb.send(CHAT, DIGEST)
    await lean.send(CHAT, DIGEST)
    await lean.send(CHAT, DIGEST)  # the prepared body again, for the same chat
    await lean.send(GROUP.id, DIGEST)  # and for another
    first, second, third = bot_api_server.messages(CHAT)
    (in_group,) = bot_api_server.messages(GROUP.id)
    for sent in (second, third, in_group):
        assert (sent.text, sent.html, sent.reply_markup) == (
            first.text,
            first.html,
            first.reply_markup,
        )
    assert "<sharply> & steadily" in first.text
    assert [button.get("callback_data") or button.get("url") for button in first.buttons] == [
        "more:energy",
        "https://e.x",
    ]
    calls = bot_api_server.calls("sendMessage")
    assert [call.params.get("link_preview_options") for call in calls[1:]] == [
        {"is_disabled": True}
    ] * 3
    assert not any("allow_paid_broadcast" in call.params for call in calls)
    bot_api_server.assert_no_bad_requests()


async def test_paid_broadcast_is_asked_for_on_every_part(bot_api_server: BotApiServer) -> None:
    long_digest = Message.of(*(f"Story {n}: " + "word " * 300 for n in range(8)))
    async with BulkSender(bot_api_server.token, bot_api_server.url, paid_broadcast=True) as lean:
        await lean.send(CHAT, long_digest)
    calls = bot_api_server.calls("sendMessage")
    assert len(calls) > 1  # the digest was split into parts
    assert all(call.params.get("allow_paid_broadcast") is True for call in calls)


async def test_a_refused_token_and_a_dead_server_are_answered_like_ptb_does(
    bot_api_server: BotApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "42:" + "w" * 35
    for api in (bot_api_server.url, f"http://127.0.0.1:{free_port()}"):
        async with BulkSender(wrong, api) as lean:  # it registers the token as a secret
            lean_outcome = await _outcome(lean, CHAT)
        bot = ExtBot(wrong, base_url=f"{api}/bot")
        ptb_outcome = await _outcome(TelegramSender(bot), CHAT)
        assert lean_outcome[0] is ptb_outcome[0]
        assert lean_outcome[0] in (tg_error.InvalidToken, TransientSendError)
        assert "w" * 35 not in str(lean_outcome[1])
    # The token is in every request URL, and in no log line (PTB's debug lines included).
    assert "w" * 35 not in caplog.text


async def test_closing_the_sender_closes_its_connections(bot_api_server: BotApiServer) -> None:
    lean = BulkSender(bot_api_server.token, bot_api_server.url)
    await lean.send(CHAT, DIGEST)
    await lean.aclose()
    assert lean.closed
    with pytest.raises(RuntimeError):  # httpx refuses a closed client: nothing leaks open
        await lean.send(CHAT, DIGEST)


def _settings(server: BotApiServer, proxy: str, no_proxy: str = "") -> Settings:
    return Settings(
        telegram_token=server.token,
        telegram_api_url=server.url,
        database_url="sqlite://",
        admin_ids=frozenset(),
        default_timezone="UTC",
        allow_private_urls=False,
        data_dir=Path("data"),
        proxy_url=proxy,
        no_proxy=no_proxy,
    )


async def test_digests_go_through_the_bots_http_and_socks5_proxies(
    bot_api_server: BotApiServer,
) -> None:
    with HttpForwardProxy() as http_proxy, Socks5Proxy() as socks_proxy:
        for proxy in (http_proxy.url, socks_proxy.url):
            async with BulkSender.for_settings(_settings(bot_api_server, proxy)) as lean:
                await lean.send(CHAT, DIGEST)
        # A proxy with a password, as NEWSBOT_PROXY may carry one.
        with_password = http_proxy.url.replace("http://", "http://ann:s%40cret@")
        async with BulkSender.for_settings(_settings(bot_api_server, with_password)) as lean:
            await lean.send(CHAT, DIGEST)
        # NO_PROXY exempts the API host: straight there, as the bot's own requests go.
        exempt = _settings(bot_api_server, http_proxy.url, no_proxy="127.0.0.1")
        async with BulkSender.for_settings(exempt) as lean:
            await lean.send(CHAT, DIGEST)
    assert len(bot_api_server.messages(CHAT)) == 4
    assert [url.rsplit("/", 1)[-1] for url in http_proxy.requests] == ["sendMessage"] * 2
    assert http_proxy.authorizations == [None, f"Basic {base64.b64encode(b'ann:s@cret').decode()}"]
    assert socks_proxy.connections == [bot_api_server.url.removeprefix("http://")]
