"""Digest fan-out as the bot runs it (build_engine: the lean sender, paced by the settings).

Paid broadcasts flag digest sends only, never replies; 429s lower the pace, which climbs back;
per-chat and per-group spacing hold at a high overall rate. Against the fake Bot API, with the
production Application (its reply rate limiter included).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Collection
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.core.types import Message
from bot.digests.delivery import ChatBlocked, RetryAfter
from bot.digests.pacing import Pacer
from bot.digests.telegram import build_engine
from bot.observability.service import BOT_DATA_KEY as OBSERVABILITY_KEY
from bot.telegram.app import build_application
from storage.store import Store
from tests.bot.digests.conftest import FakeClock, add_articles, make_topic, subscribe_due
from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeChat, FakeUser
from tests.support.ptb_runner import running_polling

EVE = FakeUser(7301, "Eve", username="eve")
EVE_CHAT = FakeChat.private(EVE)


def _paid(settings: Settings, rate: float) -> Settings:
    return dataclasses.replace(settings, paid_broadcast=True, broadcast_rate=rate)


def _due_digests(
    store: Store, chats: dict[str, list[int]], *, group: Collection[int] = ()
) -> FakeClock:
    """Topics named by ``chats`` with articles, each subscribed by its chats; a clock past due."""
    clock = FakeClock()
    due = clock.now + timedelta(seconds=30)  # after the articles, so the digests have them
    for name, chat_ids in chats.items():
        topic = make_topic(store, name.lower().replace(" ", "-"), name)
        add_articles(store, topic, 2, prefix=name)
        privates = [chat for chat in chat_ids if chat not in group]
        groups = [chat for chat in chat_ids if chat in group]
        if privates:
            subscribe_due(store, topic, privates, due=due)
        if groups:
            subscribe_due(store, topic, groups, due=due, chat_type="group")
    clock.now = due + timedelta(seconds=1)
    return clock


async def test_paid_broadcast_is_asked_for_on_digests_and_never_on_replies(
    bot_api_server: BotApiServer, telegram_settings: Settings, sample_store: Store
) -> None:
    server = bot_api_server
    settings = _paid(telegram_settings, 500)
    clock = _due_digests(sample_store, {"Paid news": [EVE.id]})
    application = build_application(settings, sample_store, digests=False, feeds=False)
    engine = build_engine(application, sample_store, settings, clock=clock)
    async with running_polling(application):
        await server.async_wait_for_calls("setMyCommands")
        server.post_message(EVE_CHAT, EVE, "/help")
        await server.async_wait_for_messages(EVE.id, 1)
        report = await engine.run_once()
        server.post_message(EVE_CHAT, EVE, "/help")
        await server.async_wait_for_messages(EVE.id, 3)
    await engine.sender.aclose()
    assert report.sent == 1
    calls = [call for call in server.calls("sendMessage") if call.chat_id == EVE.id]
    digests = [call for call in calls if "Paid news" in str(call.params.get("text"))]
    replies = [call for call in calls if "/latest" in str(call.params.get("text"))]
    assert len(digests) == 1 and len(replies) == 2
    assert all(call.params.get("allow_paid_broadcast") is True for call in digests)
    assert not any("allow_paid_broadcast" in call.params for call in replies)
    server.assert_no_bad_requests()


async def test_429s_lower_the_pace_and_it_climbs_back(
    bot_api_server: BotApiServer, telegram_settings: Settings, sample_store: Store
) -> None:
    server = bot_api_server
    settings = _paid(telegram_settings, 100)
    chats = list(range(9100, 9130))
    clock = _due_digests(sample_store, {"Flood news": chats})
    # Recovers 50 msg/s a second: the 1 s hold after the 429s leaves time to climb back.
    pacer = Pacer(overall_per_second=100, recovery_per_second=50)
    application = build_application(settings, sample_store, digests=False, feeds=False)
    engine = build_engine(application, sample_store, settings, clock=clock, pacer=pacer)
    async with running_polling(application):
        await server.async_wait_for_calls("setMyCommands")
        server.fail_next("sendMessage", error_code=429, retry_after=1, count=4)
        report = await engine.run_once()
    await engine.sender.aclose()
    assert report.sent == len(chats) and report.failed == 0
    assert report.retries == 4 and server.too_many_requests == 4
    assert pacer.slowdowns >= 1 and pacer.lowest_rate <= 50  # multiplicative decrease
    assert pacer.rate == pacer.ceiling == 100  # additive increase, back to the ceiling
    delivered = [message.chat_id for message in server.all_messages()]
    assert sorted(delivered) == chats  # each chat exactly once, none lost to the 429s


async def test_per_chat_and_per_group_spacing_hold_at_1000_a_second(
    bot_api_server: BotApiServer, telegram_settings: Settings, sample_store: Store
) -> None:
    server = bot_api_server
    server.enforce_rate_limits(overall_per_second=1000, per_chat_per_second=1)
    settings = _paid(telegram_settings, 1000)
    group = -9200
    others = list(range(9300, 9360))
    # Eve has three digests due at once, the group two: each chat's sends must be spaced.
    clock = _due_digests(
        sample_store,
        {"Alpha": [EVE.id, group, *others], "Beta": [EVE.id, group], "Gamma": [EVE.id]},
        group=[group],
    )
    application = build_application(settings, sample_store, digests=False, feeds=False)
    engine = build_engine(application, sample_store, settings, clock=clock)
    async with running_polling(application):
        await server.async_wait_for_calls("setMyCommands")
        report = await engine.run_once()
    await engine.sender.aclose()
    assert report.sent == 5 + len(others) and report.failed == 0
    assert server.too_many_requests == 0
    eve = [message.sent_at for message in server.messages(EVE.id)]
    in_group = [message.sent_at for message in server.messages(group)]
    assert len(eve) == 3 and len(in_group) == 2
    assert min(b - a for a, b in itertools.pairwise(eve)) >= 0.95  # 1 a second
    assert in_group[1] - in_group[0] >= 2.95  # 20 a minute: 3 s apart
    server.assert_no_bad_requests()


async def test_digest_sends_are_counted_in_the_bots_metrics_and_closed_at_shutdown(
    bot_api_server: BotApiServer, telegram_settings: Settings, sample_store: Store
) -> None:
    server = bot_api_server
    application = build_application(telegram_settings, sample_store, digests=True, feeds=False)
    engine = application.bot_data["digest_engine"]
    metrics = application.bot_data[OBSERVABILITY_KEY].metrics
    server.block_chat(9402)
    server.fail_next("sendMessage", error_code=429, retry_after=3, chat_id=9403)
    async with running_polling(application):
        await server.async_wait_for_calls("setMyCommands")
        message = Message.of("A digest")
        await engine.sender.send(9401, message)
        for refused in (9402, 9403):
            with pytest.raises((ChatBlocked, RetryAfter)):
                await engine.sender.send(refused, message)
    assert engine.sender.closed  # the bot's shutdown closed its connections
    sample = metrics.registry.get_sample_value
    assert sample("newsbot_messages_total", {"outcome": "sent"}) == 1
    assert sample("newsbot_messages_total", {"outcome": "blocked"}) == 1
    assert sample("newsbot_telegram_rate_limited_total") == 1
    assert sample("newsbot_telegram_retry_after_seconds_total") == 3
    assert sample("newsbot_digest_pace") == telegram_settings.broadcast_rate
