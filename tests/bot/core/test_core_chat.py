"""/topics and /settings through Core, and the hooks the digest scheduler relies on."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.config import Settings
from bot.core.app import Core
from bot.core.types import Chat
from storage.store import Store
from tests.bot.core.conftest import PRIVATE, reply_text, request, send


async def test_topics_lists_topics_with_subscribe_buttons(core: Core, store: Store) -> None:
    reply = await send(core, "/topics")
    text = reply_text(reply)
    assert "China–Russia relations" in text and "world-economy" in text
    data = [button.callback_data for button in reply.messages[0].buttons]
    topic_ids = {topic.id for topic in store.list_topics()}
    assert {int(d.split(":")[1]) for d in data if d} == topic_ids
    assert all(d and d.startswith("sub:") for d in data)


async def test_topics_shows_unsubscribe_for_subscribed_topics(core: Core, store: Store) -> None:
    await send(core, "/start")
    energy = store.find_topic("energy")
    assert energy is not None
    store.subscribe(PRIVATE.id, energy.id)
    reply = await send(core, "/topics")
    assert f"unsub:{energy.id}" in [b.callback_data for b in reply.messages[0].buttons]
    assert "✓ Energy — unsubscribe" in reply_text(reply)  # the state is on the button


async def test_topic_buttons_switch_in_place(core: Core, store: Store) -> None:
    listing = await send(core, "/topics")
    keyboard = listing.messages[0].keyboard
    energy = store.find_topic("energy")
    assert energy is not None
    pressed = await core.handle_callback(
        replace(request(""), keyboard=keyboard), f"sub:{energy.id}"
    )
    assert pressed.messages == ()  # no new message: the keyboard follows
    assert pressed.toast == "Subscribed to Energy: daily at 08:00 (UTC)."
    assert pressed.markup is not None
    switched = [b for row in pressed.markup for b in row if b.callback_data == f"unsub:{energy.id}"]
    assert [b.label for b in switched] == ["✓ Energy — unsubscribe"]
    assert len(pressed.markup) == len(keyboard)  # every other button as it was
    assert [s.topic.slug for s in store.chat_subscriptions(PRIVATE.id)] == ["energy"]
    back = await core.handle_callback(
        replace(request(""), keyboard=pressed.markup), f"unsub:{energy.id}"
    )
    assert back.markup == keyboard and back.toast == "Unsubscribed from Energy"
    assert store.chat_subscriptions(PRIVATE.id) == []
    # A stale keyboard (someone else already subscribed) is put right, with the state.
    store.subscribe(PRIVATE.id, energy.id)
    stale = await core.handle_callback(replace(request(""), keyboard=keyboard), f"sub:{energy.id}")
    assert stale.markup == pressed.markup and "Already subscribed" in (stale.toast or "")


async def test_topics_when_there_are_none(core: Core, store: Store) -> None:
    for topic in store.list_topics():
        store.delete_topic(topic.slug)
    assert "no topics yet" in reply_text(await send(core, "/topics"))


async def test_settings_show_and_change(core: Core, store: Store) -> None:
    shown = reply_text(await send(core, "/settings"))
    assert "Time zone: UTC" in shown and "Summary length: 3" in shown
    changed = reply_text(await send(core, "/settings tz europe/moscow"))
    assert "Time zone set to Europe/Moscow" in changed
    assert "Summaries now have up to 5" in reply_text(await send(core, "/settings length 5"))
    chat = store.get_chat(PRIVATE.id)
    assert chat is not None and chat.timezone == "Europe/Moscow" and chat.summary_length == 5
    assert "Saved" in reply_text(await send(core, "/settings empty on"))
    assert store.get_chat(PRIVATE.id).notify_empty is True  # type: ignore[union-attr]


async def test_settings_length_one_is_singular(core: Core) -> None:
    answer = reply_text(await send(core, "/settings length 1"))
    assert "up to 1 sentence." in answer and "Summary length: 1 sentence\n" in answer + "\n"
    assert "1 sentences" not in answer


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("Mars/Olympus", "not a time zone I know"),
        ("tz Mars/Olympus", "not a time zone I know"),
        ("tz", "Which time zone"),
        ("tz <b>x</b>", "not a time zone I know"),
        ("length 0", "from 1 to 10"),
        ("length abc", "from 1 to 10"),
        ("length 99999999999", "from 1 to 10"),
        ("empty maybe", "Say on or off"),
        ("colour blue", "I don't know the setting"),
    ],
)
async def test_settings_bad_values(core: Core, store: Store, args: str, expected: str) -> None:
    assert expected in reply_text(await send(core, f"/settings {args}"))
    chat = store.get_chat(PRIVATE.id)
    assert chat is not None and chat.timezone == "UTC" and chat.summary_length == 3


async def test_timezone_change_calls_the_subscriptions_hook(
    store: Store, settings: Settings
) -> None:
    calls: list[int] = []

    async def hook(chat_id: int) -> None:
        calls.append(chat_id)

    core = Core(store, settings, on_subscriptions_changed=hook)
    await send(core, "/settings tz Asia/Tokyo")
    assert calls == [PRIVATE.id]


async def test_start_resumes_a_blocked_chat(store: Store, settings: Settings) -> None:
    calls: list[int] = []
    core = Core(store, settings, on_subscriptions_changed=calls.append)
    await send(core, "/start")
    store.set_chat_blocked(PRIVATE.id, True)
    assert "Welcome back" in reply_text(await send(core, "/start"))
    assert store.get_chat(PRIVATE.id).blocked_at is None  # type: ignore[union-attr]
    assert calls == [PRIVATE.id]


async def test_chats_are_recorded_with_their_type(core: Core, store: Store) -> None:
    group = Chat(-100123, "supergroup", "Readers <club>", "")
    await core.handle(request("/help", chat=group, user_id=7))
    chat = store.get_chat(-100123)
    assert chat is not None and chat.type == "supergroup" and chat.title == "Readers <club>"


async def test_a_failing_handler_answers_with_an_apology(core: Core, store: Store) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("SELECT secret FROM tokens")

    store.latest_articles = broken  # type: ignore[method-assign]
    answer = reply_text(await send(core, "/latest"))
    assert "Sorry, something went wrong" in answer and "SELECT" not in answer
    pressed = await core.handle_callback(request(""), "more:5:-")
    assert pressed.toast and "SELECT" not in pressed.toast


async def test_subscribe_daily_keeps_the_time_already_chosen(core: Core, store: Store) -> None:
    """``/subscribe climate daily`` turns a weekly digest daily without moving it to 08:00."""
    await send(core, "/subscribe climate 18:30 friday")
    reply = reply_text(await send(core, "/subscribe climate daily"))
    assert "18:30" in reply and "08:00" not in reply
    [sub] = store.chat_subscriptions(PRIVATE.id)
    assert (sub.local_time, sub.weekday) == ("18:30", None)
    await send(core, "/subscribe energy")  # a new subscription without a time: the default
    assert {s.topic.slug: s.local_time for s in store.chat_subscriptions(PRIVATE.id)} == {
        "climate": "18:30",
        "energy": "08:00",
    }
