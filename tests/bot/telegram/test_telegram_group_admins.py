"""Group admins over Telegram: only a group's administrators change its subscriptions and
settings (getChatMember, cached), an anonymous administrator counts as one, and every member
can still read."""

from __future__ import annotations

from storage.store import Store
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import GROUP_ANONYMOUS_BOT, FakeChat, FakeUser
from tests.support.fixtures import GROUP, OTHER_USER, USER

SUPERGROUP = FakeChat.group(-1005005005, "Newsroom", supergroup=True)
CHANNEL = FakeChat(-1006006006, "channel", title="Linked channel")
SUBSCRIPTIONS_REFUSAL = "Only this group's administrators can change its subscriptions."
SETTINGS_REFUSAL = "Only this group's administrators can change its settings."


def _member_lookups(driver: ChatDriver, user: FakeUser) -> int:
    calls = driver.server.calls("getChatMember")
    return sum(1 for call in calls if call.params.get("user_id") == user.id)


async def test_a_member_who_is_not_an_admin_is_refused_and_can_still_read(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    server = telegram_bot.server
    server.set_member(GROUP, USER, "member")
    refused = await telegram_bot.ask(GROUP, USER, "/subscribe energy 07:15")
    assert SUBSCRIPTIONS_REFUSAL in refused.text
    assert refused.reply_to_message_id is not None
    assert SUBSCRIPTIONS_REFUSAL in (await telegram_bot.ask(GROUP, USER, "/unsubscribe all")).text
    assert SETTINGS_REFUSAL in (await telegram_bot.ask(GROUP, USER, "/settings tz Berlin")).text
    assert SETTINGS_REFUSAL in (await telegram_bot.ask(GROUP, USER, "/settings length 5")).text
    assert sample_store.chat_subscriptions(GROUP.id) == []
    chat = sample_store.get_chat(GROUP.id)
    assert chat is not None and chat.timezone == "UTC" and chat.summary_length == 3
    # Reading works for everyone.
    assert "Latest articles" in (await telegram_bot.ask(GROUP, USER, "/latest 2")).text
    assert "Time zone: UTC" in (await telegram_bot.ask(GROUP, USER, "/settings")).text
    assert "no subscriptions" in (await telegram_bot.ask(GROUP, USER, "/subscriptions")).text
    found = await telegram_bot.ask(GROUP, USER, "/search pipeline")
    assert "Search:" in found.text
    assert "#1 " in (await telegram_bot.ask(GROUP, USER, "/summary 1")).text
    topics = await telegram_bot.ask(GROUP, USER, "/topics")
    # The topic buttons answer the press with the refusal, and change nothing.
    answer, after, new = await telegram_bot.press(GROUP, USER, topics, "Subscribe: Energy")
    assert answer.text is not None and SUBSCRIPTIONS_REFUSAL in answer.text
    assert new == [] and after.reply_markup == topics.reply_markup
    assert sample_store.chat_subscriptions(GROUP.id) == []
    # One getChatMember for all of that: the answer is remembered for a while.
    assert _member_lookups(telegram_bot, USER) == 1


async def test_an_administrator_changes_the_group(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    server = telegram_bot.server
    server.set_member(GROUP, USER, "administrator")
    server.set_member(GROUP, OTHER_USER, "creator")
    done = await telegram_bot.ask(GROUP, USER, "/subscribe energy 07:15")
    assert "Subscribed to Energy" in done.text
    changed = await telegram_bot.ask(GROUP, OTHER_USER, "/settings tz Berlin")
    assert "Time zone set to" in changed.text
    assert [s.topic.slug for s in sample_store.chat_subscriptions(GROUP.id)] == ["energy"]
    chat = sample_store.get_chat(GROUP.id)
    assert chat is not None and chat.timezone == "Europe/Berlin"
    topics = await telegram_bot.ask(GROUP, USER, "/topics")
    answer, after, new = await telegram_bot.press(GROUP, USER, topics, "✓ Energy")
    assert answer.text == "Unsubscribed from Energy" and new == []
    assert "Subscribe: Energy" in [b["text"] for b in after.buttons]
    assert sample_store.chat_subscriptions(GROUP.id) == []


async def test_an_anonymous_administrator_is_let_through(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    server = telegram_bot.server
    done = await telegram_bot.exchange(
        SUPERGROUP,
        lambda: server.post_message(
            SUPERGROUP, GROUP_ANONYMOUS_BOT, "/subscribe energy", sender_chat=SUPERGROUP
        ),
    )
    assert len(done) == 1 and "Subscribed to Energy" in done[0].text
    assert [s.topic.slug for s in sample_store.chat_subscriptions(SUPERGROUP.id)] == ["energy"]
    assert server.calls("getChatMember") == []  # the sender chat says it all
    # A linked channel writing in its discussion group is not one of the group's admins.
    refused = await telegram_bot.exchange(
        SUPERGROUP,
        lambda: server.post_message(
            SUPERGROUP, FakeUser(777000, "Telegram"), "/unsubscribe all", sender_chat=CHANNEL
        ),
    )
    assert len(refused) == 1 and SUBSCRIPTIONS_REFUSAL in refused[0].text
    assert len(sample_store.chat_subscriptions(SUPERGROUP.id)) == 1


async def test_when_telegram_cannot_say_the_change_waits(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    server = telegram_bot.server
    server.set_member(GROUP, USER, "administrator")
    server.fail_next("getChatMember", error_code=502)
    answer = await telegram_bot.ask(GROUP, USER, "/subscribe energy")
    assert "could not check whether you are an administrator" in answer.text
    assert sample_store.chat_subscriptions(GROUP.id) == []
    # Not remembered: the next try asks again and goes through.
    assert "Subscribed to Energy" in (await telegram_bot.ask(GROUP, USER, "/subscribe energy")).text


async def test_private_chats_need_no_lookup(telegram_bot: ChatDriver) -> None:
    private = FakeChat.private(USER)
    assert "Subscribed to" in (await telegram_bot.ask(private, USER, "/subscribe energy")).text
    assert telegram_bot.server.calls("getChatMember") == []
