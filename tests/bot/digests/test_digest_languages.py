"""A scheduled digest is written in its chat's language, over the fake Bot API.

A Russian user (Telegram language_code "ru") gets the subscription answer and then the digest
in Russian: the opening line's counts with Russian plurals, the period with CLDR day and month
names, the buttons. /settings lang en switches the next digest to English.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.digests.compose import DigestComposer
from bot.i18n import use_language
from storage.store import Store
from tests.bot.digests.conftest import add_articles, make_topic
from tests.bot.digests.test_end_to_end import LiveBot, live_bot  # noqa: F401
from tests.support.fake_telegram import FakeChat, FakeUser

IVAN = FakeUser(6006, "Иван", username="ivan", language_code="ru")
IVAN_CHAT = FakeChat.private(IVAN)
MARK = "China–Russia relations — "


def _digests(bot: LiveBot) -> list[str]:
    return [text for text in bot.server.texts(IVAN.id) if MARK in text]


async def test_a_russian_user_gets_the_scheduled_digest_in_russian(
    live_bot: LiveBot,  # noqa: F811 (the fixture, imported above)
) -> None:
    server = live_bot.server
    server.post_message(IVAN_CHAT, IVAN, "/subscribe china-russia 08:00")
    (answer,) = await server.async_wait_for_messages(IVAN_CHAT.id, 1)
    assert "Вы подписаны на" in answer.text
    (sub,) = live_bot.store.chat_subscriptions(IVAN.id)
    assert sub.next_due_at is not None

    live_bot.clock.now = sub.next_due_at + timedelta(seconds=30)
    assert await server.async_wait_until(lambda: len(_digests(live_bot)) == 1)
    (digest,) = _digests(live_bot)
    assert "📰 China–Russia relations — 3 новые статьи в 3 сюжетах · " in digest
    weekday = sub.next_due_at.strftime("%a")
    assert weekday not in digest.splitlines()[0]  # the period is not in English
    message = next(m for m in server.messages(IVAN.id) if MARK in m.text)
    labels = [button.get("text", "") for button in message.buttons]
    assert len(labels) == 3 and all(label.startswith("Выжимка #") for label in labels)
    server.assert_no_bad_requests()

    # The chat switches to English and asks to hear about empty digests: the next scheduled
    # message (nothing new since) is in English.
    server.post_message(IVAN_CHAT, IVAN, "/settings lang en")
    assert await server.async_wait_for_messages(IVAN_CHAT.id, 3)
    server.post_message(IVAN_CHAT, IVAN, "/settings empty on")
    assert await server.async_wait_for_messages(IVAN_CHAT.id, 4)
    (sub,) = live_bot.store.chat_subscriptions(IVAN.id)
    assert sub.next_due_at is not None
    live_bot.clock.now = sub.next_due_at + timedelta(seconds=30)
    note = "Nothing new on China–Russia relations since the last digest."
    assert await server.async_wait_until(lambda: note in server.texts(IVAN.id))
    server.assert_no_bad_requests()


def test_one_window_is_composed_once_per_language(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 5)
    composer = DigestComposer(store)
    start = datetime.now(UTC) - timedelta(hours=1)
    end = start + timedelta(hours=2)
    russian = composer.compose(topic, start, end, language="ru")
    english = composer.compose(topic, start, end, language="en")
    with use_language("ru"):
        again = composer.compose(topic, start, end)  # the current language when none is named
    assert again is russian and composer.builds == 2
    russian_text = russian.parts[0].items[0].plain_text
    assert "5 новых статей в 5 сюжетах" in russian_text
    assert "5 new articles in 5 stories" in english.parts[0].items[0].plain_text
    assert "сюжет" not in english.parts[0].items[0].plain_text
