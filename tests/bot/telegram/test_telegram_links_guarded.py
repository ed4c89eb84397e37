"""A link summary over Telegram with the SSRF guard on (the default): a private address is
refused by name, in one message, and the server behind it never hears from the bot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ingest.site import Site
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER

PRIVATE = FakeChat.private(USER)


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    yield server
    server.close()


@pytest.mark.parametrize("how", ["/summary {url}", "{url}"])
async def test_a_link_to_a_private_address_is_refused(
    telegram_bot: ChatDriver, site: Site, how: str
) -> None:
    url = site.add("/admin/panel", "<html><title>inside</title></html>")
    [answer] = await telegram_bot.send(PRIVATE, USER, how.format(url=url))
    assert answer.text == (
        "I can't fetch 127.0.0.1: it is a private or local address, not a public web page."
    )
    assert answer.edits == ["Fetching 127.0.0.1 …"]
    assert site.hits_of("/admin/panel") == []
