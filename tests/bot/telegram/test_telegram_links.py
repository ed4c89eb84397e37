"""Link summaries for everyone over the fake Bot API: a real page from a local web site.

The answer replaces the "Fetching …" message (one message in the chat, edited), a typing
action is sent meanwhile, a second user's limit is their own, and the limit's answer is
one clear message.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.config import Settings
from storage.store import Store
from tests.bot.core.test_core_links import PAGE
from tests.ingest.site import Site
from tests.support.bot_api_server import BotApiServer
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import OTHER_USER, USER

PRIVATE = FakeChat.private(USER)


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    yield server
    server.close()


@pytest.fixture
def telegram_settings(telegram_settings: Settings) -> Settings:
    """The local site is on 127.0.0.1: the SSRF guard is off here (it has its own tests)."""
    return replace(telegram_settings, allow_private_urls=True, link_limit=2)


async def test_a_users_link_summary_replaces_the_fetching_message(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store, site: Site
) -> None:
    before = sample_store.count_articles()
    url = site.add("/story", PAGE)
    [answer] = await telegram_bot.send(PRIVATE, USER, f"/summary {url}")
    assert answer.text.startswith("Port of Tallinn reopens after the storm")
    assert "not stored" in answer.text
    assert answer.edits == ["Fetching 127.0.0.1 …"]  # the progress message, edited
    assert answer.buttons and answer.buttons[0]["url"] == url
    assert bot_api_server.calls("sendChatAction")[-1].params["action"] == "typing"
    assert sample_store.count_articles() == before


async def test_a_pasted_link_hits_the_limit_with_one_clear_message(
    telegram_bot: ChatDriver, site: Site
) -> None:
    urls = [site.add(f"/page{index}", PAGE) for index in range(3)]
    for url in urls[:2]:
        [answer] = await telegram_bot.send(PRIVATE, USER, url)
        assert answer.text.startswith("Port of Tallinn")
    refused = await telegram_bot.ask(PRIVATE, USER, urls[2])
    assert "2 links in the last 10 minutes" in refused.text and "try again" in refused.text
    assert site.hits_of("/page2") == []
    again = await telegram_bot.ask(PRIVATE, USER, urls[0])  # cached: answered, no fetch
    assert again.text.startswith("Port of Tallinn") and len(site.hits_of("/page0")) == 1
    other = FakeChat.private(OTHER_USER)
    [answer] = await telegram_bot.send(other, OTHER_USER, urls[2])
    assert answer.text.startswith("Port of Tallinn")


async def test_a_pdf_link_gets_one_clear_answer(telegram_bot: ChatDriver, site: Site) -> None:
    url = site.add("/report.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    [answer] = await telegram_bot.send(PRIVATE, USER, f"/summary {url}")
    assert answer.text == "That link is a PDF file. I summarize web pages and plain text."
