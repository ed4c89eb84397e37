"""Buttons that follow, over Telegram: /topics buttons switch in place
(editMessageReplyMarkup), and "More ▸" / "◂ Back" edit the /latest and /search lists in place
instead of sending a new message each time."""

from __future__ import annotations

from storage.store import Store
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER

PRIVATE = FakeChat.private(USER)


def _labels(message_buttons: list[dict[str, str]]) -> list[str]:
    return [button["text"] for button in message_buttons]


async def test_topic_buttons_switch_between_subscribe_and_unsubscribe(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    server = telegram_bot.server
    topics = await telegram_bot.ask(PRIVATE, USER, "/topics")
    assert "Subscribe: Energy" in _labels(topics.buttons)
    answer, after, new = await telegram_bot.press(PRIVATE, USER, topics, "Subscribe: Energy")
    assert new == []  # no new message: the pressed one changed
    assert answer.text == "Subscribed to Energy: daily at 08:00 (UTC)."
    labels = _labels(after.buttons)
    assert "✓ Energy — unsubscribe" in labels and "Subscribe: Energy" not in labels
    assert len(labels) == len(topics.buttons) and after.text == topics.text
    assert [s.topic.slug for s in sample_store.chat_subscriptions(PRIVATE.id)] == ["energy"]
    assert len(server.calls("editMessageReplyMarkup")) == 1
    answer, back, new = await telegram_bot.press(PRIVATE, USER, after, "✓ Energy")
    assert new == [] and answer.text == "Unsubscribed from Energy"
    assert back.reply_markup == topics.reply_markup
    assert sample_store.chat_subscriptions(PRIVATE.id) == []
    # /subscriptions' Unsubscribe buttons follow too.
    await telegram_bot.send(PRIVATE, USER, "/subscribe health")
    listing = await telegram_bot.ask(PRIVATE, USER, "/subscriptions")
    answer, switched, new = await telegram_bot.press(PRIVATE, USER, listing, "Unsubscribe: Health")
    assert new == [] and _labels(switched.buttons) == ["Subscribe: Health"]


async def test_more_and_back_edit_the_latest_list_in_place(telegram_bot: ChatDriver) -> None:
    first = await telegram_bot.ask(PRIVATE, USER, "/latest 3")
    assert _labels(first.buttons)[-1] == "More ▸"
    _answer, second, new = await telegram_bot.press(PRIVATE, USER, first, "More ▸")
    assert new == []  # the same message, now the next page
    assert second.message_id == first.message_id and second.text != first.text
    assert "(from 4)" in second.text
    assert _labels(second.buttons)[-2:] == ["◂ Back", "More ▸"]
    _answer, third, new = await telegram_bot.press(PRIVATE, USER, second, "More ▸")
    assert new == [] and "(from 7)" in third.text
    _answer, again, new = await telegram_bot.press(PRIVATE, USER, third, "◂ Back")
    assert new == [] and again.text == second.text
    _answer, start, new = await telegram_bot.press(PRIVATE, USER, again, "◂ Back")
    assert new == [] and start.text == first.text and "◂ Back" not in _labels(start.buttons)
    (only,) = telegram_bot.server.messages(PRIVATE.id)  # /latest's answer, edited 4 times
    assert len(only.edits) == 4


async def test_more_edits_the_search_results_in_place(telegram_bot: ChatDriver) -> None:
    first = await telegram_bot.ask(PRIVATE, USER, "/search year")  # 7 sample articles
    if "More ▸" not in _labels(first.buttons):
        raise AssertionError(f"expected more than one page of results: {first.text[:300]}")
    _answer, second, new = await telegram_bot.press(PRIVATE, USER, first, "More ▸")
    assert new == [] and second.message_id == first.message_id and "(from 6)" in second.text
    assert "◂ Back" in _labels(second.buttons)
    _answer, back, new = await telegram_bot.press(PRIVATE, USER, second, "◂ Back")
    assert new == [] and back.text == first.text
