"""The digest commands through the transport-free core, with a real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_settings
from bot.core.app import Core
from bot.core.render import render_html, render_plain_all
from bot.core.types import Chat, Reply, Request
from bot.digests.delivery import DeliveryEngine, Pacer
from storage.store import Store
from tests.bot.digests.conftest import FakeClock, FakeSender, add_articles, make_topic

CHAT = Chat(42, "private", username="ann")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))


@pytest.fixture
def core(sqlite_store: Store, clock: FakeClock) -> Core:
    settings = load_settings({"DATABASE_URL": "sqlite://", "NEWSBOT_TZ": "Europe/Berlin"})
    return Core(sqlite_store, settings, now=clock)


async def say(core: Core, text: str, chat: Chat = CHAT) -> str:
    command, _, args = text.lstrip("/").partition(" ")
    reply = await core.handle(Request(chat=chat, user_id=chat.id, command=command, args=args))
    return plain(reply)


def plain(reply: Reply) -> str:
    for message in reply.messages:
        for part in render_html(message):
            assert 0 < len(part.text) <= 4096
    return render_plain_all(reply.messages)[0]


async def test_subscribe_default_time_in_the_chat_zone(core: Core, sqlite_store: Store) -> None:
    make_topic(sqlite_store)
    answer = await say(core, "/subscribe china-russia")
    assert "Subscribed to China–Russia relations: daily at 08:00 (Europe/Berlin)" in answer
    assert "Next digest: Sun 29 Nov 08:00" in answer
    (sub,) = sqlite_store.chat_subscriptions(42)
    assert sub.next_due_at == datetime(2026, 11, 29, 7, 0, tzinfo=UTC)


async def test_subscribe_by_name_with_time_and_weekday(core: Core, sqlite_store: Store) -> None:
    make_topic(sqlite_store)
    answer = await say(core, "/subscribe China–Russia relations 18:30 friday")
    assert "every Friday at 18:30" in answer
    again = await say(core, "/subscribe china-russia mon 07:05")
    assert "Updated your digest" in again and "every Monday at 07:05" in again
    (sub,) = sqlite_store.chat_subscriptions(42)
    assert (sub.local_time, sub.weekday) == ("07:05", 0)
    back = await say(core, "/subscribe china-russia daily 07:05")
    assert "Updated your digest" in back and "daily at 07:05" in back
    assert sqlite_store.chat_subscriptions(42)[0].weekday is None
    assert "I can't read" in await say(core, "/subscribe china-russia daily monday")


@pytest.mark.parametrize(
    "args, expected",
    [
        ("china-russia 25:00", "hours go 00–23"),
        ("china-russia 8am", "use 24-hour HH:MM"),
        ("china-russia 12:75", "minutes 00–59"),
        ("mars", "There is no topic “mars”. Topics: china-russia"),
        ("08:00", "Which topic?"),
        ("<b>x</b> 08:00", "There is no topic “<b>x</b>”"),
        ("china-russia 08:00 funday", "I can't read “08:00 funday” after China–Russia"),
        ("china-russia 08:00 monday tuesday", "“08:00 monday” after China–Russia relations"),
        ("China–Russia relations 08:00:00", "“08:00:00” after China–Russia relations"),
    ],
)
async def test_subscribe_bad_input(
    core: Core, sqlite_store: Store, args: str, expected: str
) -> None:
    make_topic(sqlite_store)
    assert expected in await say(core, f"/subscribe {args}")
    assert sqlite_store.chat_subscriptions(42) == []


async def test_subscribe_without_argument_offers_buttons(core: Core, sqlite_store: Store) -> None:
    topic = make_topic(sqlite_store)
    reply = await core.handle(Request(chat=CHAT, user_id=42, command="subscribe"))
    (button,) = reply.messages[0].buttons
    assert button.callback_data == f"sub:{topic.id}"
    pressed = await core.handle_callback(Request(chat=CHAT, user_id=42), f"sub:{topic.id}")
    assert "Subscribed to China–Russia relations" in plain(pressed)
    assert len(sqlite_store.chat_subscriptions(42)) == 1
    twice = await core.handle_callback(Request(chat=CHAT, user_id=42), f"sub:{topic.id}")
    assert twice.toast is not None and "Already subscribed" in twice.toast
    off = await core.handle_callback(Request(chat=CHAT, user_id=42), f"unsub:{topic.id}")
    assert "Unsubscribed from China–Russia relations" in plain(off)
    gone = await core.handle_callback(Request(chat=CHAT, user_id=42), "unsub:99999")
    assert gone.toast is not None and "no longer exists" in gone.toast


async def test_subscriptions_list_and_unsubscribe(core: Core, sqlite_store: Store) -> None:
    make_topic(sqlite_store)
    assert "no subscriptions yet" in await say(core, "/subscriptions")
    await say(core, "/subscribe china-russia 06:45")
    listing = await say(core, "/subscriptions")
    assert "China–Russia relations (china-russia) — daily at 06:45" in listing
    assert "next: Sun 29 Nov 06:45 (Europe/Berlin)" in listing
    assert "Unsubscribed" in await say(core, "/unsubscribe China–Russia relations")
    assert "not subscribed" in await say(core, "/unsubscribe china-russia")
    assert "no topic" in await say(core, "/unsubscribe nothing-here")


async def test_digest_now_does_not_count_as_the_scheduled_one(
    core: Core, sqlite_store: Store, clock: FakeClock
) -> None:
    topic = make_topic(sqlite_store)
    add_articles(sqlite_store, topic, 2)
    clock.now = datetime.now(UTC) + timedelta(seconds=1)
    unsubscribed = await say(core, "/digest china-russia")
    assert "2 new articles" in unsubscribed and "Story 1" in unsubscribed
    await say(core, "/subscribe china-russia")
    on_demand = await say(core, "/digest")
    assert "2 new articles" in on_demand
    (sub,) = sqlite_store.chat_subscriptions(42)
    assert sub.last_digest_at is None and sqlite_store.deliveries_for(sub.id) == []


async def test_digest_with_nothing_new(core: Core, sqlite_store: Store) -> None:
    make_topic(sqlite_store)
    assert "Nothing new on China–Russia relations since" in await say(core, "/digest china-russia")
    assert "Which topic?" in await say(core, "/digest")


async def test_digest_of_many_subscriptions_names_the_ones_left_out(
    core: Core, sqlite_store: Store
) -> None:
    for number in range(7):
        make_topic(sqlite_store, f"topic-{number}", f"Topic {number}")
        await say(core, f"/subscribe topic-{number}")
    answer = await say(core, "/digest")
    assert answer.count("Nothing new on Topic") == 5
    assert "Those were 5 of your 7 digests. The others: /digest topic-5, /digest topic-6." in answer


async def test_unsubscribe_all(core: Core, sqlite_store: Store) -> None:
    assert "You have no subscriptions" in await say(core, "/unsubscribe all")
    for number in range(3):
        make_topic(sqlite_store, f"topic-{number}", f"Topic {number}")
        await say(core, f"/subscribe topic-{number}")
    answer = await say(core, "/unsubscribe ALL")
    assert "Unsubscribed from all your digests (Topic 0, Topic 1, Topic 2)." in answer
    assert sqlite_store.chat_subscriptions(42) == []
    make_topic(sqlite_store, "all", "All the news")
    await say(core, "/subscribe all")
    assert "Unsubscribed from All the news" in await say(core, "/unsubscribe all")


async def test_a_subscription_takes_effect_at_the_next_tick(
    core: Core, sqlite_store: Store, clock: FakeClock
) -> None:
    topic = make_topic(sqlite_store)
    add_articles(sqlite_store, topic, 1)
    clock.now = datetime.now(UTC)
    local = (clock.now + timedelta(minutes=2)).astimezone(ZoneInfo("Europe/Berlin"))
    await say(core, f"/subscribe china-russia {local:%H:%M}")
    sender = FakeSender()
    engine = DeliveryEngine(
        sqlite_store, sender, clock=clock, pacer=Pacer(private_interval=0, group_interval=0)
    )
    assert (await engine.run_once()).sent == 0
    clock.advance(minutes=3)
    assert (await engine.run_once()).sent == 1
    assert (await engine.run_once()).sent == 0
    assert len(sender.to(42)) == 1


async def test_the_more_stories_button_lists_the_rest_a_page_at_a_time(
    core: Core, sqlite_store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.core.commands import stories

    monkeypatch.setattr(stories, "PAGE", 3)
    topic = make_topic(sqlite_store)
    add_articles(sqlite_store, topic, 15)
    clock.now = datetime.now(UTC) + timedelta(seconds=1)
    reply = await core.handle(Request(chat=CHAT, user_id=42, command="digest", args="china-russia"))
    assert "…and 5 more stories." in plain(reply)
    data = reply.messages[-1].buttons[-1].callback_data
    assert data is not None and data.startswith("stories:") and data.endswith(":10")
    listing = await core.handle_callback(Request(chat=CHAT, user_id=42), data)
    text = plain(listing)
    assert "More in China–Russia relations (stories 11–13 of 15)" in text
    assert text.count("https://news.example/story/") == 3
    assert not listing.edit  # the digest stays; the list comes as a new message
    labels = [b.label for b in listing.messages[0].buttons]
    assert labels == [*(f"Summary #{n}" for n in (5, 4, 3)), "More ▸"]  # no Back to the digest
    last = await core.handle_callback(
        Request(chat=CHAT, user_id=42), listing.messages[0].buttons[3].callback_data or ""
    )
    assert last.edit  # the list's own buttons edit it in place
    assert "(stories 14–15 of 15)" in plain(last)
    labels = [b.label for b in last.messages[0].buttons]
    assert labels == ["Summary #2", "Summary #1", "◂ Back"]
    back = await core.handle_callback(
        Request(chat=CHAT, user_id=42), last.messages[0].buttons[-1].callback_data or ""
    )
    assert back.edit and "(stories 11–13 of 15)" in plain(back)
    assert [b.label for b in back.messages[0].buttons][-1] == "More ▸"


@pytest.mark.parametrize(
    "data",
    [
        "stories:",
        "stories:1:x:y:0",
        "stories:99999:1:2:0",
        "stories:1:zzzzzzzzzzzzzz:1:0",
        "stories:a:b:c:d",
        "storypage:1:1:2:0",
        "storypage:1:x:y:0:0",
    ],
)
async def test_a_forged_more_stories_button_gets_a_toast(
    core: Core, sqlite_store: Store, data: str
) -> None:
    make_topic(sqlite_store)
    reply = await core.handle_callback(Request(chat=CHAT, user_id=42), data)
    assert reply.messages == () or "No more stories" in plain(reply)
    toast = reply.toast or ""
    assert reply.toast is None or "no longer works" in toast or "No more stories" in toast
