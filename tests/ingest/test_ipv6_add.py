"""/add of an IPv6 literal URL gets a real answer (it was "Sorry, something went wrong")."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.app import Core
from bot.core.types import Chat, Request
from storage.store import Store
from tests.ingest.conftest import ADMIN, core_settings
from tests.ingest.pages import article_page
from tests.ingest.site import Site
from tests.ingest.test_fetch_hostile import NEEDS_IPV6


def _settings(sqlite_url: str, tmp_path: Path, allow_private: bool) -> Settings:
    return core_settings(sqlite_url, tmp_path, allow_private_urls=allow_private)


async def _add(core: Core, url: str) -> str:
    request = Request(chat=Chat(ADMIN, "private"), user_id=ADMIN, command="add", args=url)
    reply = await core.handle(request)
    return "\n".join(item.plain_text for message in reply.messages for item in message.items)


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://[2001:db8::1]/news/1", "2001:db8::1"),
        ("http://[::1]:8080/news", "::1"),
        ("https://[fe80::1]/", "fe80::1"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1"),
    ],
)
async def test_a_private_ipv6_literal_is_refused_clearly(
    store: Store, sqlite_url: str, tmp_path: Path, url: str, address: str
) -> None:
    core = Core(store, _settings(sqlite_url, tmp_path, allow_private=False))
    try:
        answer = await _add(core, url)
    finally:
        await core.close()
    assert "Sorry" not in answer
    assert "private or local address" in answer and address in answer


@NEEDS_IPV6
async def test_an_ipv6_literal_url_is_added_and_stored_with_its_brackets(
    store: Store, sqlite_url: str, tmp_path: Path
) -> None:
    server = Site("::1")
    core = Core(store, _settings(sqlite_url, tmp_path, allow_private=True))
    try:
        url = server.add("/story", article_page())
        answer = await _add(core, url)
        assert answer.startswith("Added #1")
        [article] = list(store.iter_articles())
        assert article.url == url and article.url.startswith("http://[::1]:")
        assert (await _add(core, url)).startswith("Already stored as #1")
    finally:
        await core.close()
        server.close()
