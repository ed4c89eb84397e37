"""The Telegram Application with digests and feed polling installed (as ``newsbot run`` has).

Scheduling and exactly-once delivery are tested with the digests; here: the jobs are on the
JobQueue, subscription changes reach the scheduler, and /digest answers over Telegram.
"""

from __future__ import annotations

from typing import Any

import pytest

from storage.store import Store
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER

PRIVATE = FakeChat.private(USER)


@pytest.fixture
def bot_options() -> dict[str, Any]:
    return {"digests": True, "feeds": True}


async def test_digest_and_feed_jobs_are_scheduled(telegram_bot: ChatDriver) -> None:
    application = telegram_bot.application
    names = {job.name for job in application.job_queue.jobs()}
    assert {"digests", "feeds"} <= names
    assert application.bot_data["newsbot"].core.ctx.on_subscriptions_changed is not None


async def test_digest_now_and_subscribing_by_button(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    energy = sample_store.latest_articles(20, topic_slug="energy").items
    parts = await telegram_bot.send(PRIVATE, USER, "/digest energy")
    digest = "\n".join(part.text for part in parts)
    assert energy[0].title in digest
    picker = await telegram_bot.ask(PRIVATE, USER, "/subscribe")
    answer, _, _ = await telegram_bot.press(PRIVATE, USER, picker, label="Energy")
    [subscription] = sample_store.chat_subscriptions(PRIVATE.id)
    assert subscription.topic.slug == "energy" and subscription.next_due_at is not None
    assert answer.text is None or len(answer.text) <= 200
