"""The scope of a 429 (issue 11, case 7): one chat's flood wait never holds other users.

End to end against the fake Bot API, which injects the 429s. The bounds are generous
behaviour bounds (2 s against a 40 s retry_after), not benchmarks.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from telegram.ext import ExtBot

from bot.config import Settings
from bot.digests.pacing import Pacer
from bot.digests.telegram import build_engine
from bot.telegram.app import build_application
from bot.telegram.ratelimit import BULK, ChatRateLimiter, chat_limiter_of
from storage.store import Store
from tests.bot.digests.conftest import FakeClock, add_articles, make_topic, subscribe_due
from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeChat, FakeUser
from tests.support.ptb_runner import running_polling

ANN, BEN = FakeUser(7101, "Ann", username="ann"), FakeUser(7202, "Ben", username="ben")
ANN_CHAT, BEN_CHAT = FakeChat.private(ANN), FakeChat.private(BEN)
FLOOD_WAIT = 40


def _limiter(application_or_bot: object) -> ChatRateLimiter:
    limiter = chat_limiter_of(getattr(application_or_bot, "bot", application_or_bot))
    assert limiter is not None
    return limiter


async def test_another_users_help_is_answered_while_one_chat_waits_40_s(
    bot_api_server: BotApiServer, telegram_settings: Settings, sample_store: Store
) -> None:
    server = bot_api_server
    # The production set-up: the default rate limiter and concurrent updates.
    application = build_application(telegram_settings, sample_store, digests=False, feeds=False)
    async with running_polling(application):
        await server.async_wait_for_calls("setMyCommands")
        server.fail_next("sendMessage", error_code=429, retry_after=FLOOD_WAIT, chat_id=ANN.id)
        server.post_message(ANN_CHAT, ANN, "/help")
        assert await server.async_wait_until(lambda: server.too_many_requests >= 1)

        started = time.monotonic()
        server.post_message(BEN_CHAT, BEN, "/help")
        (answer,) = await server.async_wait_for_messages(BEN_CHAT.id, 1, timeout=FLOOD_WAIT)
        waited = time.monotonic() - started
        assert "/latest" in answer.text
        assert waited < 2.0, f"Ben waited {waited:.1f} s behind Ann's flood wait"
        assert server.texts(ANN.id) == []  # Ann's chat is still held, not given up

        # Ann's answer is retried, not lost (released early: the test need not sit out 40 s).
        limiter = _limiter(application)
        assert await server.async_wait_until(lambda: limiter.held_until(ANN.id) > 0)
        limiter.release()
        (late,) = await server.async_wait_for_messages(ANN_CHAT.id, 1)
        assert "/latest" in late.text
    server.assert_no_bad_requests()


async def test_a_digest_under_a_flood_wait_does_not_hold_other_chats_digests(
    bot_api_server: BotApiServer, telegram_settings: Settings, sample_store: Store
) -> None:
    server = bot_api_server
    topic = make_topic(sample_store, "flood-news", "Flood news")
    add_articles(sample_store, topic, 2)
    clock = FakeClock()
    due = clock.now + timedelta(seconds=30)  # after the articles, so the digest has them
    subscribe_due(sample_store, topic, [ANN.id, BEN.id], due=due)
    clock.now = due + timedelta(seconds=1)
    application = build_application(telegram_settings, sample_store, digests=False, feeds=False)
    pacer = Pacer(private_interval=0, group_interval=0)
    engine = build_engine(application, sample_store, telegram_settings, clock=clock, pacer=pacer)
    async with running_polling(application):
        await server.async_wait_for_calls("setMyCommands")
        server.fail_next("sendMessage", error_code=429, retry_after=FLOOD_WAIT, chat_id=ANN.id)
        started = time.monotonic()
        run = asyncio.create_task(engine.run_once())
        await server.async_wait_for_messages(BEN_CHAT.id, 1, timeout=FLOOD_WAIT)
        waited = time.monotonic() - started
        assert waited < 2.0, f"Ben's digest waited {waited:.1f} s behind Ann's flood wait"
        assert "Flood news" in server.texts(BEN.id)[0]
        limiter = _limiter(application)
        # The engine holds Ann's chat, and so do replies to her (the bot's limiter was told).
        assert await server.async_wait_until(lambda: pacer.held_until(ANN.id) > 0)
        assert limiter.held_until(ANN.id) > 0
        assert server.texts(ANN.id) == []

        limiter.release()
        pacer.release()
        report = await asyncio.wait_for(run, 10)
        assert report.sent == 2 and report.failed == 0
        assert any("Flood news" in text for text in server.texts(ANN.id))


async def test_a_held_chat_waits_its_turn_instead_of_asking_again(
    bot_api_server: BotApiServer,
) -> None:
    server = bot_api_server
    bot = ExtBot(server.token, base_url=server.base_url, rate_limiter=ChatRateLimiter())
    async with bot:
        server.fail_next("sendMessage", error_code=429, retry_after=2, chat_id=ANN.id)
        started = time.monotonic()
        await asyncio.gather(*(bot.send_message(ANN.id, f"part {n}") for n in range(3)))
        waited = time.monotonic() - started
    assert sorted(server.texts(ANN.id)) == ["part 0", "part 1", "part 2"]
    assert server.too_many_requests == 1  # the held chat did not knock again during its wait
    assert waited >= 2.0


async def test_a_global_flood_wait_pauses_digests_first_and_replies_go_on(
    bot_api_server: BotApiServer,
) -> None:
    server = bot_api_server
    limiter = ChatRateLimiter(global_chats=3)
    bot = ExtBot(server.token, base_url=server.base_url, rate_limiter=limiter)
    flooded = [8101, 8102, 8103]
    async with bot:
        for chat_id in flooded:
            server.fail_next("sendMessage", error_code=429, retry_after=3, chat_id=chat_id)
        # Several chats refused at once: the overall limit, not one chat's.
        retried = asyncio.gather(*(bot.send_message(chat_id, "hello") for chat_id in flooded))
        assert await server.async_wait_until(lambda: limiter.bulk_held_until > 0)
        assert server.too_many_requests == 3
        loop = asyncio.get_running_loop()
        assert limiter.bulk_held_until > loop.time() + 2

        started = time.monotonic()
        digest = asyncio.create_task(bot.send_message(9001, "a digest", rate_limit_args=BULK))
        await bot.send_message(9002, "a reply")
        reply_took = time.monotonic() - started
        assert reply_took < 1.0
        assert server.texts(9001) == []  # the digest waits out the global pause
        await digest
        digest_took = time.monotonic() - started
        await retried
    assert digest_took >= 2.0
    assert server.texts(9001) == ["a digest"] and server.texts(9002) == ["a reply"]


async def test_replies_go_before_digests_under_the_overall_limit(
    bot_api_server: BotApiServer,
) -> None:
    server = bot_api_server
    bot = ExtBot(
        server.token,
        base_url=server.base_url,
        rate_limiter=ChatRateLimiter(overall_per_second=10),
    )
    async with bot:
        await bot.send_message(9100, "warm-up")
        digests = [
            asyncio.create_task(bot.send_message(9200 + n, "digest", rate_limit_args=BULK))
            for n in range(30)
        ]
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await bot.send_message(9300, "a reply")
        reply_took = time.monotonic() - started
        pending = sum(not task.done() for task in digests)
        await asyncio.gather(*digests)
    # 30 digests queued first take 3 s at 10/s; the reply overtakes most of them.
    assert reply_took < 1.5 and pending >= 10
