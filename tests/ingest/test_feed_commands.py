"""The admin feed commands and /add <url> through the transport-free core."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.app import Core
from bot.core.types import Chat, Reply, Request
from storage.store import Store
from tests.ingest.conftest import ADMIN, core_settings, make_store
from tests.ingest.pages import article_page, long_html, rss
from tests.ingest.site import Site

USER = 8


@pytest.fixture
async def core(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Core]:
    store = make_store(sqlite_url)
    app = Core(store, core_settings(sqlite_url, tmp_path))
    try:
        yield app
    finally:
        await app.close()
        store.close()


def text_of(reply: Reply) -> str:
    return "\n\n".join(item.plain_text for message in reply.messages for item in message.items)


async def send(core: Core, command: str, args: str = "", user: int = ADMIN) -> str:
    request = Request(chat=Chat(user, "private"), user_id=user, command=command, args=args)
    return text_of(await core.handle(request))


def feed_body(count: int) -> str:
    items = [
        {
            "title": f"Grid story {n}",
            "link": f"http://example.com/grid-{n}",
            "guid": f"grid-{n}",
            "content": long_html(f"power grid {n}"),
        }
        for n in range(count)
    ]
    return rss("Grid News", items)


async def test_addfeed_reports_the_first_poll(core: Core, site: Site) -> None:
    url = site.add("/rss", feed_body(3), content_type="application/rss+xml")
    answer = await send(core, "addfeed", f"{url} every=30")
    assert "Following feed #1: Grid News" in answer
    assert "3 new entries came in" in answer and "every 30 min" in answer
    assert "Already following" in await send(core, "addfeed", url)
    listing = await send(core, "feeds")
    assert "#1" in listing and url in listing and "3 entries" in listing
    assert "last poll: never" not in listing
    store: Store = core.ctx.store
    assert store.count_articles() == 3


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", "Usage: /addfeed"),
        ("every=5", "Usage: /addfeed"),
        ("http://a.example/rss every=abc", "number of minutes"),
        ("http://a.example/rss every=0", "between 1 and"),
        ("http://a.example/rss extra words", "Too many arguments"),
        ("ftp://a.example/rss", "not ftp:"),
        ("javascript:alert(1)", "not javascript:"),
    ],
)
async def test_addfeed_bad_arguments(core: Core, args: str, expected: str) -> None:
    assert expected in await send(core, "addfeed", args)


async def test_addfeed_of_a_broken_feed_says_why(core: Core, site: Site) -> None:
    url = site.add("/broken", "<rss><<<", content_type="application/rss+xml")
    answer = await send(core, "addfeed", url)
    assert "not added" in answer and "RSS or Atom" in answer
    assert "No feeds yet" in await send(core, "feeds")


async def test_feed_commands_are_for_admins(core: Core) -> None:
    for command in ("addfeed", "feeds", "delfeed"):
        assert "admins only" in await send(core, command, "http://a.example/rss", user=USER)


async def test_delfeed_by_id_and_url(core: Core, site: Site) -> None:
    url = site.add("/rss", feed_body(1), content_type="application/rss+xml")
    await send(core, "addfeed", url)
    assert "No feed" in await send(core, "delfeed", "42")
    assert "Usage" in await send(core, "delfeed", "")
    assert "Stopped following feed #1" in await send(core, "delfeed", url + "?utm_source=x")
    assert "No feeds yet" in await send(core, "feeds")
    assert core.ctx.store.count_articles() == 1


async def test_add_url_goes_through_the_ingestor(core: Core, site: Site) -> None:
    url = site.add("/pact", article_page())
    answer = await send(core, "add", url)
    assert "Putin and Xi sign energy and trade pact" in answer
    assert "404" in await send(core, "add", site.url("/missing"))
