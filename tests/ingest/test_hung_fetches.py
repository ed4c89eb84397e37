"""Slow servers never hold up anyone else: other users' commands, other feeds, shutdown.

The defects: fetches and every storage call shared asyncio's default executor (6 threads on
2 cores), so six admin /add's of a URL whose server drips its headers left every user's
commands unanswered and shutdown hung; and one feed stuck like that stopped all feed polling
(a round waited for its slowest feed before the next could start).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.telegram.app import build_application
from ingest.feed_polling import start_feed_polling
from ingest.feeds import FeedPoller
from storage.store import Store
from tests.ingest.conftest import core_settings, make_store
from tests.ingest.pages import long_html, rss
from tests.ingest.site import Site
from tests.support import fixtures as shared
from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeChat
from tests.support.ptb_runner import running_polling, unthrottled

bot_api_server = shared.bot_api_server
HUNG_FETCHES = 6
REPLY_BOUND = 2.0  # seconds; the bench holds /help to 1 s on a quiet machine
DRIP_SECONDS = 60.0  # far past the test: the fetches stay hung until shutdown cancels them


@pytest.fixture
def feed_store(sqlite_url: str) -> Iterator[Store]:
    store = make_store(sqlite_url)
    try:
        yield store
    finally:
        store.close()


async def test_other_users_are_answered_while_six_fetches_hang(
    bot_api_server: BotApiServer, site: Site, sqlite_url: str, tmp_path: Path
) -> None:
    settings = core_settings(
        sqlite_url,
        tmp_path,
        telegram_token=bot_api_server.token,
        telegram_api_url=bot_api_server.url,
        admin_ids=frozenset({shared.ADMIN.id}),
    )
    store = make_store(sqlite_url)
    application = build_application(
        settings, store, digests=False, feeds=False, rate_limiter=unthrottled()
    )
    admin_chat = FakeChat.private(shared.ADMIN)
    stopped_at = 0.0
    try:
        async with running_polling(application):
            await bot_api_server.async_wait_for_calls("setMyCommands")
            for number in range(HUNG_FETCHES):
                url = site.add(f"/drip{number}", drip_seconds=DRIP_SECONDS)
                bot_api_server.post_message(admin_chat, shared.ADMIN, f"/add {url}")
            deadline = time.monotonic() + 10
            while sum(len(site.hits_of(f"/drip{n}")) for n in range(HUNG_FETCHES)) < HUNG_FETCHES:
                assert time.monotonic() < deadline, "the /add fetches never started"
                await asyncio.sleep(0.05)
            for user in (shared.USER, shared.OTHER_USER):
                chat = FakeChat.private(user)
                asked = time.monotonic()
                bot_api_server.post_message(chat, user, "/help")
                [help_reply] = await bot_api_server.async_wait_for_messages(
                    chat.id, 1, timeout=15.0
                )
                assert time.monotonic() - asked <= REPLY_BOUND
                assert "/latest" in help_reply.text
                asked = time.monotonic()
                bot_api_server.post_message(chat, user, "/latest 1")
                await bot_api_server.async_wait_for_messages(chat.id, 2, timeout=15.0)
                assert time.monotonic() - asked <= REPLY_BOUND
            progress = [m.text for m in bot_api_server.messages(admin_chat.id)]
            assert progress == ["Fetching 127.0.0.1 …"] * HUNG_FETCHES  # still fetching
            stopped_at = time.monotonic()
        # Shutdown cancels the hung fetches instead of waiting out their deadline, and each
        # /add still gets its answer (edited into its "Fetching …" message).
        assert time.monotonic() - stopped_at < 5.0
        answers = bot_api_server.texts(admin_chat.id)
        assert len(answers) == HUNG_FETCHES
        assert all("shutting down" in answer for answer in answers)
    finally:
        store.close()


def _feed(site: Site, path: str, title: str) -> str:
    items = [
        {
            "title": f"{title} story",
            "link": f"http://example.com{path}/story",
            "guid": f"{path}-1",
            "content": long_html(f"{title.lower()} grid"),
        }
    ]
    return site.add(path, rss(title, items), content_type="application/rss+xml")


def _titles(store: Store) -> set[str]:
    return {article.title for article in store.iter_articles()}


def _wait_for(predicate: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_one_stuck_feed_never_stops_the_polling_of_the_others(
    site: Site, feed_store: Store
) -> None:
    stuck = site.add("/stuck", drip_seconds=DRIP_SECONDS)
    feed_store.add_feed(stuck, every_minutes=1)
    feed_store.add_feed(_feed(site, "/first", "First"), every_minutes=1)
    polling = start_feed_polling(feed_store, interval=0.2, allow_private_urls=True)
    try:
        assert _wait_for(lambda: "First story" in _titles(feed_store), 10.0)
        # A feed added later is polled on the next tick while the stuck one still hangs.
        feed_store.add_feed(_feed(site, "/second", "Second"), every_minutes=1)
        assert _wait_for(lambda: "Second story" in _titles(feed_store), 5.0)
        assert len(site.hits_of("/stuck")) == 1  # in flight, not started twice
        [stuck_feed] = [feed for feed in feed_store.list_feeds() if feed.url == stuck]
        # The second feed's poll stores its story a moment before it leaves the in-flight set.
        assert _wait_for(lambda: polling.poller.in_flight() == {stuck_feed.id}, 5.0), (
            polling.poller.in_flight()
        )
    finally:
        started = time.monotonic()
        polling.stop()
        assert time.monotonic() - started < 5.0


def test_a_tick_returns_at_once_and_the_stuck_feed_is_cut_at_its_deadline(
    site: Site, feed_store: Store
) -> None:
    from ingest.fetch import FetchLimits, FetchOptions

    limits = FetchLimits(connect_timeout=1.0, read_timeout=1.0, total_timeout=2.0)
    feed_store.add_feed(site.add("/stuck", drip_seconds=DRIP_SECONDS), every_minutes=1)
    with FeedPoller(
        feed_store, allow_private_urls=True, options=FetchOptions(limits=limits)
    ) as poller:
        started = time.monotonic()
        [future] = poller.start_due()
        assert time.monotonic() - started < 1.0
        assert poller.start_due() == []  # still in flight: not started twice
        result = future.result(timeout=limits.total_timeout + 2.0)
        assert result.status == "error" and "took too long" in result.error
    [feed] = feed_store.list_feeds()
    assert feed.error_count == 1
    assert feed.next_poll_at is not None
    assert feed.next_poll_at > datetime.now(UTC) + timedelta(seconds=30)
