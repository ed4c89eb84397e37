"""Link summaries for everyone, through the core with the real fetcher and a local web site.

The pages come from ``tests.ingest.site.Site`` (a real HTTP server on 127.0.0.1), so every
fetch is counted on the server: the cache is proven by a hit count that does not move.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.core.app import Core
from bot.core.types import Text
from ingest.fetch import FetchOptions
from ingest.pipeline import Ingestor
from storage.store import Store
from tests.bot.core.conftest import ADMIN_ID, ARTICLE_BODY, reply_text, send
from tests.ingest.conftest import TEST_LIMITS
from tests.ingest.site import Site

PAGE = (
    "<html><head><title>Port of Tallinn reopens after the storm</title></head><body>"
    "<article><h1>Port of Tallinn reopens after the storm</h1>"
    + "".join(f"<p>{sentence}</p>" for sentence in ARTICLE_BODY.split(". "))
    + "</article></body></html>"
)


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    yield server
    server.close()


class Clock:
    """The core's injectable clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def _core(store: Store, settings: Settings, clock: Clock, *, private: bool) -> Core:
    ingestor = Ingestor(
        store, allow_private_urls=private, options=FetchOptions(limits=TEST_LIMITS)
    )
    return Core(store, replace(settings, link_limit=3, link_window_minutes=10), ingestor, now=clock)


@pytest.fixture
async def link_core(store: Store, settings: Settings, clock: Clock) -> AsyncIterator[Core]:
    """A core whose fetcher may reach the local site (the SSRF guard off), limit 3 per 10 min."""
    core = await _core(store, settings, clock, private=True)
    yield core
    await core.close()
    core.ctx.ingestor.close()


async def test_anyone_gets_a_link_summary_that_is_not_stored(
    link_core: Core, store: Store, site: Site
) -> None:
    url = site.add("/story", PAGE)
    reply = await send(link_core, f"/summary {url}")
    text = reply_text(reply)
    assert "Port of Tallinn reopens" in text and "• " in text
    assert "not stored" in text and "/add" not in text  # the /add hint is for admins
    assert [b.url for m in reply.messages for b in m.buttons] == [url]
    assert store.count_articles() == 0


async def test_a_link_pasted_alone_in_a_private_chat_is_summarized(
    link_core: Core, site: Site
) -> None:
    url = site.add("/pasted", PAGE)
    assert "Port of Tallinn reopens" in reply_text(await send(link_core, url))


async def test_an_admins_summary_of_a_link_no_longer_stores_it(
    link_core: Core, store: Store, site: Site
) -> None:
    url = site.add("/admin", PAGE)
    text = reply_text(await send(link_core, f"/summary {url}", user_id=ADMIN_ID))
    assert "Port of Tallinn reopens" in text and "/add" in text
    assert store.count_articles() == 0
    assert "Added #" in reply_text(await send(link_core, f"/add {url}", user_id=ADMIN_ID))
    assert store.count_articles() == 1


async def test_the_same_link_within_an_hour_is_not_fetched_again(
    link_core: Core, site: Site, clock: Clock
) -> None:
    url = site.add("/cached", PAGE)
    first = reply_text(await send(link_core, f"/summary {url}"))
    clock.now += timedelta(minutes=59)
    second = reply_text(await send(link_core, url))
    assert second == first
    assert len(site.hits_of("/cached")) == 1
    clock.now += timedelta(minutes=2)
    await send(link_core, f"/summary {url}")
    assert len(site.hits_of("/cached")) == 2


async def test_the_per_user_limit_answers_clearly_and_lifts(
    link_core: Core, site: Site, clock: Clock
) -> None:
    urls = [site.add(f"/page{index}", PAGE) for index in range(5)]
    for url in urls[:3]:
        assert "Port of Tallinn" in reply_text(await send(link_core, f"/summary {url}"))
    refused = reply_text(await send(link_core, f"/summary {urls[3]}"))
    assert "3 links in the last 10 minutes" in refused and "try again in 10 minutes" in refused
    assert site.hits_of("/page3") == []
    cached = reply_text(await send(link_core, f"/summary {urls[0]}"))
    assert "Port of Tallinn" in cached  # a cached link costs nothing
    other_user = reply_text(await send(link_core, f"/summary {urls[3]}", user_id=201))
    assert "Port of Tallinn" in other_user
    admin = reply_text(await send(link_core, f"/summary {urls[4]}", user_id=ADMIN_ID))
    assert "Port of Tallinn" in admin
    clock.now += timedelta(minutes=10)
    assert "Port of Tallinn" in reply_text(await send(link_core, f"/summary {urls[3]}"))


@pytest.mark.parametrize(
    ("body", "content_type", "answer"),
    [
        (b"%PDF-1.7\n%binary", "application/pdf", "is a PDF file"),
        (b"%PDF-1.7\n%binary", None, "is a PDF file"),  # no Content-Type: sniffed
        (b"\x89PNG\r\n\x1a\n....", "image/png", "is an image"),
        (b"\xff\xd8\xff\xe0....", None, "is an image"),
        (b"PK\x03\x04", "application/zip", "is not a web page (application/zip)"),
    ],
)
async def test_a_link_to_a_pdf_or_an_image_gets_one_clear_answer(
    link_core: Core, site: Site, body: bytes, content_type: str | None, answer: str
) -> None:
    url = site.add("/file", body, content_type=content_type)
    text = reply_text(await send(link_core, f"/summary {url}"))
    assert answer in text
    assert text.count("\n") <= 1


async def test_a_private_address_is_refused_by_the_guard(
    store: Store, settings: Settings, clock: Clock, site: Site
) -> None:
    core = await _core(store, settings, clock, private=False)
    try:
        url = site.add("/inside", PAGE)
        text = reply_text(await send(core, f"/summary {url}"))
        assert "127.0.0.1" in text and "private or local address" in text
        assert site.hits_of("/inside") == []
    finally:
        await core.close()
        core.ctx.ingestor.close()


async def test_the_fetch_reports_progress(link_core: Core, site: Site) -> None:
    from bot.core.progress import reporting_progress

    reported: list[str] = []

    async def hook(text: Text) -> None:
        reported.append(text.plain_text)

    url = site.add("/progress", PAGE)
    with reporting_progress(hook):
        await send(link_core, f"/summary {url}")
        await send(link_core, f"/summary {url}")  # cached: nothing to wait for
    assert reported == ["Fetching 127.0.0.1 …"]


async def test_the_answer_is_in_russian_for_a_russian_user(link_core: Core, site: Site) -> None:
    url = site.add("/ru.pdf", b"%PDF-1.4", content_type="application/pdf")
    from bot.core.commandline import split_command
    from bot.core.types import Request
    from tests.bot.core.conftest import PRIVATE

    command, args, _addressed, _ = split_command(f"/summary {url}", "NewsBot")
    reply = await link_core.handle(
        Request(chat=PRIVATE, user_id=PRIVATE.id, command=command, args=args, language="ru")
    )
    assert "PDF" in reply_text(reply) and "страниц" in reply_text(reply)
