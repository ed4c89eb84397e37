"""Channel digests end to end: managed from a private chat, rights checked, paused when lost.

The real Application runs against the fake Bot API with digests installed; the digest engine
is driven with a clock set before and after the due time (its JobQueue tick keeps running
with the real clock and finds nothing due).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.digests.delivery import DeliveryEngine, RunReport
from bot.telegram.app import ALLOWED_UPDATES
from storage.store import Store
from tests.support.bot_api_server import BotApiServer
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat, FakeUser
from tests.support.fixtures import GROUP

OWNER = FakeUser(7001, "Olga", username="olga")
EDITOR = FakeUser(7002, "Ivan", username="ivan", language_code="ru")
STRANGER = FakeUser(7003, "Sam")
CHANNEL = FakeChat.channel(-1001234567890, "Newswire", username="newswire")
PRIVATE_CHANNEL = FakeChat.channel(-1009876543210, "Backroom")
SUPERGROUP = FakeChat.group(-1005555555555, "Readers", supergroup=True)


@pytest.fixture
def bot_options() -> dict[str, Any]:
    return {"digests": True}


@pytest.fixture
def channel(bot_api_server: BotApiServer) -> FakeChat:
    """@newswire: OWNER created it, EDITOR administers it, the bot may post."""
    bot_api_server.add_chat(CHANNEL)
    bot_api_server.set_member(CHANNEL, OWNER, "creator")
    bot_api_server.set_member(CHANNEL, EDITOR, "administrator", can_post_messages=True)
    bot_api_server.set_bot_member(CHANNEL, "administrator", can_post_messages=True)
    return CHANNEL


def engine_of(driver: ChatDriver) -> DeliveryEngine:
    return driver.application.bot_data["digest_engine"]


async def run_at(driver: ChatDriver, when: datetime) -> RunReport:
    """One full delivery pass with the engine's clock at ``when`` (the repeating JobQueue pass
    is switched off, and a pass started by a command is waited for, so the report is ours)."""
    for job in driver.application.job_queue.get_jobs_by_name("digests"):
        job.enabled = False
    engine = engine_of(driver)
    while engine.busy:
        await asyncio.sleep(0.05)
    engine.clock = lambda: when
    while True:
        report = await engine.run_once()
        if not report.skipped:
            return report
        await asyncio.sleep(0.05)  # the JobQueue's own pass is running: ours comes next


def member_checks(server: BotApiServer) -> list[tuple[Any, Any]]:
    return [(c.chat_id, c.params.get("user_id")) for c in server.calls("getChatMember")]


async def test_a_channel_digest_arrives_once_at_its_time_after_both_rights_were_checked(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store, channel: FakeChat
) -> None:
    private = FakeChat.private(OWNER)
    answer = await telegram_bot.ask(private, OWNER, "/subscribe @newswire energy 08:00")
    assert "Channel @newswire" in answer.text and "Subscribed to Energy" in answer.text
    assert not answer.buttons  # a button here would act on this private chat
    assert "/settings @newswire tz" in answer.text and "/digest" not in answer.text
    # Both rights were asked of Telegram before anything was stored.
    assert (CHANNEL.id, bot_api_server.bot_id) in member_checks(bot_api_server)
    assert (CHANNEL.id, OWNER.id) in member_checks(bot_api_server)
    [sub] = sample_store.chat_subscriptions(CHANNEL.id)
    assert sub.topic.slug == "energy" and sub.local_time == "08:00"
    assert sample_store.chat_subscriptions(private.id) == []
    stored = sample_store.get_chat(CHANNEL.id)
    assert stored is not None and stored.type == "channel" and stored.managed_by == OWNER.id
    assert sub.next_due_at is not None

    # Send time checks the bot's right again (the cache is made to expire at once here).
    telegram_bot.application.bot_data["newsbot"].channels.ttl = 0
    checks_before = len(member_checks(bot_api_server))
    early = await run_at(telegram_bot, sub.next_due_at - timedelta(minutes=1))
    assert early.sent == 0 and bot_api_server.messages(CHANNEL.id) == []

    report = await run_at(telegram_bot, sub.next_due_at + timedelta(seconds=30))
    assert report.sent == 1
    posts = bot_api_server.messages(CHANNEL.id)
    assert posts and "Energy" in posts[0].text
    assert (CHANNEL.id, bot_api_server.bot_id) in member_checks(bot_api_server)[checks_before:]
    buttons = [button for post in posts for button in post.buttons]
    assert buttons and all("callback_data" not in button for button in buttons)
    assert all(
        button["url"].startswith("https://t.me/newsbot_test_bot?start=sum_") for button in buttons
    )
    # A reader who follows a button lands in the bot's private chat with that summary.
    payload = buttons[0]["url"].split("?start=", 1)[1]
    reader = FakeUser(7100, "Reader")
    opened = await telegram_bot.send(FakeChat.private(reader), reader, f"/start {payload}")
    article = sample_store.get_article(int(payload.removeprefix("sum_")))
    assert article is not None and any(article.title in m.text for m in opened)
    # Once: the same period is not sent again, and nothing went to the owner's chat.
    again = await run_at(telegram_bot, sub.next_due_at + timedelta(minutes=2))
    assert again.sent == 0 and len(bot_api_server.messages(CHANNEL.id)) == len(posts)
    assert len(bot_api_server.messages(private.id)) == 1


async def test_numeric_ids_work_and_subscriptions_and_settings_are_the_channels(
    telegram_bot: ChatDriver, sample_store: Store, channel: FakeChat
) -> None:
    private = FakeChat.private(EDITOR)
    await telegram_bot.ask(private, EDITOR, f"/subscribe {CHANNEL.id} technology 18:30 friday")
    zone = await telegram_bot.ask(private, EDITOR, f"/settings {CHANNEL.id} tz Moscow")
    assert "@newswire" in zone.text
    listing = await telegram_bot.ask(private, EDITOR, "/subscriptions @newswire")
    assert "Technology" in listing.text and not listing.buttons
    stored = sample_store.get_chat(CHANNEL.id)
    assert stored is not None and stored.timezone == "Europe/Moscow"
    own = sample_store.get_chat(private.id)
    assert own is not None and own.timezone == "UTC"
    gone = await telegram_bot.ask(private, EDITOR, "/unsubscribe @newswire all")
    assert "@newswire" in gone.text
    assert sample_store.chat_subscriptions(CHANNEL.id) == []


async def test_losing_the_right_to_post_pauses_the_channel_and_tells_its_manager_once(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store, channel: FakeChat
) -> None:
    private = FakeChat.private(OWNER)
    await telegram_bot.ask(private, OWNER, "/subscribe @newswire energy 08:00")
    await telegram_bot.ask(private, OWNER, "/subscribe @newswire climate 08:00")
    [first, _second] = sample_store.chat_subscriptions(CHANNEL.id)
    assert first.next_due_at is not None
    bot_api_server.set_bot_member(CHANNEL, "administrator", can_post_messages=False)
    telegram_bot.application.bot_data["newsbot"].channels.ttl = 0

    report = await run_at(telegram_bot, first.next_due_at + timedelta(seconds=30))
    assert report.sent == 0 and report.blocked == 2
    assert bot_api_server.messages(CHANNEL.id) == []
    assert sample_store.get_chat(CHANNEL.id).blocked_at is not None
    notices = bot_api_server.messages(private.id)[2:]
    assert len(notices) == 1 and "@newswire" in notices[0].text
    assert "digests are paused" in notices[0].text
    # Paused: the next day brings neither a post nor another notice.
    later = await run_at(telegram_bot, first.next_due_at + timedelta(days=1, seconds=30))
    assert later.sent == 0 and bot_api_server.messages(CHANNEL.id) == []
    assert len(bot_api_server.messages(private.id)) == 3
    refused = await telegram_bot.ask(private, OWNER, "/subscribe @newswire energy")
    assert "may not post messages" in refused.text

    # The right comes back: subscribing again (both rights checked) resumes the digests.
    bot_api_server.set_bot_member(CHANNEL, "administrator", can_post_messages=True)
    await telegram_bot.ask(private, OWNER, "/subscribe @newswire energy 08:00")
    assert sample_store.get_chat(CHANNEL.id).blocked_at is None


async def test_a_403_from_a_channel_pauses_it_with_one_notice(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store, channel: FakeChat
) -> None:
    private = FakeChat.private(OWNER)
    await telegram_bot.ask(private, OWNER, "/subscribe @newswire energy 08:00")
    [sub] = sample_store.chat_subscriptions(CHANNEL.id)
    assert sub.next_due_at is not None
    # Kicked between two checks: the cached right still says yes, Telegram says 403.
    bot_api_server.block_chat(CHANNEL.id, "Forbidden: bot is not a member of the channel chat")
    report = await run_at(telegram_bot, sub.next_due_at + timedelta(seconds=30))
    assert report.blocked == 1 and report.sent == 0
    assert sample_store.get_chat(CHANNEL.id).blocked_at is not None
    [_confirmation, notice] = bot_api_server.messages(private.id)
    assert "can no longer post" in notice.text


async def test_my_chat_member_posts_nothing_and_a_demotion_pauses_a_subscribed_channel(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store
) -> None:
    added = await telegram_bot.exchange(
        CHANNEL,
        lambda: bot_api_server.post_my_chat_member(CHANNEL, OWNER, "administrator", "left"),
    )
    assert added == []
    stored = sample_store.get_chat(CHANNEL.id)
    assert stored is not None and stored.type == "channel" and stored.blocked_at is None
    assert sample_store.chat_subscriptions(CHANNEL.id) == []

    bot_api_server.set_member(CHANNEL, OWNER, "creator")
    private = FakeChat.private(OWNER)
    await telegram_bot.ask(private, OWNER, "/subscribe @newswire energy")
    demoted = await telegram_bot.exchange(
        private,
        lambda: bot_api_server.post_my_chat_member(
            CHANNEL, OWNER, "administrator", "administrator", can_post_messages=False
        ),
    )
    assert len(demoted) == 1 and "can no longer post" in demoted[0].text
    assert sample_store.get_chat(CHANNEL.id).blocked_at is not None
    # Promoted again: the digests resume without anyone being told twice.
    again = await telegram_bot.exchange(
        private,
        lambda: bot_api_server.post_my_chat_member(
            CHANNEL, OWNER, "administrator", "administrator"
        ),
    )
    assert again == [] and sample_store.get_chat(CHANNEL.id).blocked_at is None
    assert bot_api_server.messages(CHANNEL.id) == []


async def test_channel_posts_never_get_replies(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, channel: FakeChat
) -> None:
    for text in ("/subscribe energy", "/help", "Just some news https://example.com"):
        answered = await telegram_bot.exchange(
            CHANNEL, lambda text=text: bot_api_server.post_channel_post(CHANNEL, text)
        )
        assert answered == []
    assert bot_api_server.calls("sendMessage") == []
    # `newsbot run` asks Telegram for both (polling and webhook pass ALLOWED_UPDATES).
    assert {"channel_post", "my_chat_member"} <= set(ALLOWED_UPDATES)


@pytest.mark.parametrize(
    ("user", "command", "expected"),
    [
        (STRANGER, "/subscribe @newswire energy", "Only the administrators of @newswire"),
        (OWNER, "/subscribe @nosuchchannel energy", "I can't find the channel @nosuchchannel"),
        (OWNER, f"/subscribe {SUPERGROUP.id} energy", "is not a channel"),
        (OWNER, "/subscribe @newswire", "Name the topic too"),
        (STRANGER, "/settings @newswire tz Moscow", "Only the administrators of @newswire"),
        (STRANGER, "/subscriptions @newswire", "Only the administrators of @newswire"),
    ],
)
async def test_bad_channel_requests_get_one_clear_answer_and_store_nothing(
    telegram_bot: ChatDriver,
    bot_api_server: BotApiServer,
    sample_store: Store,
    channel: FakeChat,
    user: FakeUser,
    command: str,
    expected: str,
) -> None:
    bot_api_server.add_chat(SUPERGROUP)
    answer = await telegram_bot.ask(FakeChat.private(user), user, command)
    assert expected in answer.text
    assert sample_store.chat_subscriptions(CHANNEL.id) == []
    assert sample_store.get_chat(CHANNEL.id) is None
    assert bot_api_server.messages(CHANNEL.id) == []


@pytest.mark.parametrize(
    ("bot_status", "rights", "expected"),
    [
        ("member", {}, "I am not an administrator of @newswire"),
        ("left", {}, "I am not an administrator of @newswire"),
        ("administrator", {"can_post_messages": False}, "may not post messages"),
    ],
)
async def test_a_channel_where_the_bot_may_not_post_is_refused(
    telegram_bot: ChatDriver,
    bot_api_server: BotApiServer,
    sample_store: Store,
    channel: FakeChat,
    bot_status: str,
    rights: dict[str, bool],
    expected: str,
) -> None:
    bot_api_server.set_bot_member(CHANNEL, bot_status, **rights)
    answer = await telegram_bot.ask(FakeChat.private(OWNER), OWNER, "/subscribe @newswire energy")
    assert expected in answer.text
    assert sample_store.chat_subscriptions(CHANNEL.id) == []
    assert bot_api_server.messages(CHANNEL.id) == []


async def test_a_private_channel_unknown_to_the_bot_does_not_resolve(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store
) -> None:
    # The bot was never added: Telegram neither finds it nor lets the bot read its members.
    answer = await telegram_bot.ask(
        FakeChat.private(OWNER), OWNER, f"/subscribe {PRIVATE_CHANNEL.id} energy"
    )
    assert "I can't find the channel" in answer.text
    assert sample_store.chat_subscriptions(PRIVATE_CHANNEL.id) == []


async def test_a_user_who_lost_admin_rights_can_no_longer_change_the_channel(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store, channel: FakeChat
) -> None:
    private = FakeChat.private(EDITOR)
    await telegram_bot.ask(private, EDITOR, "/subscribe @newswire energy")
    bot_api_server.set_member(CHANNEL, EDITOR, "member")
    answer = await telegram_bot.ask(private, EDITOR, "/unsubscribe @newswire energy")
    # EDITOR writes in Russian: the refusal is in Russian.
    assert "@newswire" in answer.text and "администратор" in answer.text
    assert [s.topic.slug for s in sample_store.chat_subscriptions(CHANNEL.id)] == ["energy"]


async def test_a_channel_is_managed_only_from_a_private_chat(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store, channel: FakeChat
) -> None:
    answer = await telegram_bot.ask(GROUP, OWNER, "/subscribe @newswire energy")
    assert "private chat" in answer.text
    assert sample_store.chat_subscriptions(CHANNEL.id) == []
    assert sample_store.chat_subscriptions(GROUP.id) == []
