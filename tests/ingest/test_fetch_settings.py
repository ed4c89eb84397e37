"""The operator's fetch settings: User-Agent, timeouts, proxy (HTTP and SOCKS), feed interval."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.core.app import Core
from bot.core.types import Chat, Request
from ingest.errors import IngestError
from ingest.fetch import USER_AGENT, Fetcher
from ingest.pipeline import Ingestor
from storage.store import Store
from tests.ingest.conftest import ADMIN, core_settings
from tests.ingest.pages import article_page, long_html, rss
from tests.ingest.site import Site
from tests.support.proxies import HttpForwardProxy, Socks5Proxy


def test_settings_shape_the_fetches(site: Site, store: Store) -> None:
    settings = load_settings(
        {
            "NEWSBOT_USER_AGENT": "ExampleNewsBot/2.0 (+https://example.org/bot)",
            "NEWSBOT_FETCH_TIMEOUT": "2",
            "NEWSBOT_FETCH_CONNECT_TIMEOUT": "1.5",
            "NEWSBOT_ALLOW_PRIVATE_URLS": "1",
        },
        env_file=None,
    )
    options = settings.fetch_options()
    assert options.limits.total_timeout == 2.0 and options.limits.connect_timeout == 1.5
    ingestor = Ingestor(store, allow_private_urls=True, options=options)
    try:
        ingestor.add_url(site.add("/story", article_page()))
        [hit] = site.hits_of("/story")
        assert hit.headers["user-agent"] == "ExampleNewsBot/2.0 (+https://example.org/bot)"
        started = time.monotonic()
        with pytest.raises(IngestError, match="over 2 s in all"):
            ingestor.add_url(site.add("/drip", drip_seconds=10.0))
        assert time.monotonic() - started <= 3.0
    finally:
        ingestor.close()


def test_the_defaults() -> None:
    settings = load_settings({}, env_file=None)
    options = settings.fetch_options()
    assert options.user_agent == USER_AGENT and options.proxy is None
    assert options.limits.total_timeout == 30.0 and options.limits.connect_timeout == 5.0
    assert settings.feed_every_minutes == 15


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NEWSBOT_FETCH_TIMEOUT", "soon"),
        ("NEWSBOT_FETCH_TIMEOUT", "0"),
        ("NEWSBOT_FETCH_TIMEOUT", "nan"),
        ("NEWSBOT_FETCH_TIMEOUT", "100000"),
        ("NEWSBOT_FETCH_CONNECT_TIMEOUT", "-1"),
        ("NEWSBOT_USER_AGENT", "bot\r\nX-Injected: 1"),
        ("NEWSBOT_USER_AGENT", "ботик"),
        ("NEWSBOT_USER_AGENT", "a" * 201),
        ("NEWSBOT_FEED_INTERVAL", "0"),
        ("NEWSBOT_FEED_INTERVAL", "1.5"),
        ("NEWSBOT_FEED_INTERVAL", "99999"),
    ],
)
def test_bad_fetch_settings_are_one_line_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: value}, env_file=None)
    assert variable in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("kind", ["http", "socks5"])
def test_fetches_go_through_the_proxy(site: Site, kind: str) -> None:
    url = site.add("/story", article_page())
    with HttpForwardProxy() if kind == "http" else Socks5Proxy() as proxy:
        with Fetcher(allow_private_urls=True, proxy=proxy.url) as fetcher:
            assert b"Putin and Xi" in fetcher.fetch(url).content
        relayed = proxy.requests if isinstance(proxy, HttpForwardProxy) else proxy.connections
        assert relayed and site.base.split("//")[1] in relayed[0]


def test_no_proxy_hosts_are_fetched_directly(site: Site) -> None:
    url = site.add("/story", article_page())
    with (
        HttpForwardProxy() as proxy,
        Fetcher(allow_private_urls=True, proxy=proxy.url, no_proxy="127.0.0.1") as fetcher,
    ):
        assert fetcher.fetch(url).status == 200
        assert proxy.requests == []


def test_through_a_proxy_the_guard_still_refuses_private_hosts(site: Site) -> None:
    url = site.add("/story", article_page())
    with HttpForwardProxy() as proxy, Fetcher(proxy=proxy.url) as fetcher:
        for target in (url, url.replace("127.0.0.1", "localhost"), "http://[::1]/"):
            with pytest.raises(IngestError, match="private or local address"):
                fetcher.fetch(target)
        assert proxy.requests == [] and site.hits_of("/story") == []


async def test_addfeed_without_every_uses_the_configured_interval(
    site: Site, store: Store, sqlite_url: str, tmp_path: Path
) -> None:
    settings = core_settings(sqlite_url, tmp_path, feed_every_minutes=45)
    items = [
        {
            "title": "Grid",
            "link": "http://example.com/g",
            "guid": "g",
            "content": long_html("power grid"),
        }
    ]
    feed = site.add("/rss", rss("Grid Wire", items), content_type="application/rss+xml")
    core = Core(store, settings)
    try:
        request = Request(chat=Chat(ADMIN, "private"), user_id=ADMIN, command="addfeed", args=feed)
        reply = await core.handle(request)
        text = " ".join(item.plain_text for m in reply.messages for item in m.items)
        assert "every 45 min" in text
    finally:
        await core.close()
