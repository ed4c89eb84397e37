"""The console over link summaries and deep links: a fetch shows its progress line, /start with
a payload opens what it names (the console's user is the local admin, not limited)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.config import Settings, load_settings
from bot.console import run_console
from tests.bot.core.test_core_links import PAGE
from tests.ingest.site import Site


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    loaded = load_settings({"DATABASE_URL": sqlite_url}, env_file=None)
    return replace(loaded, allow_private_urls=True)  # the page is on 127.0.0.1


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    yield server
    server.close()


def chat(settings: Settings, script: str) -> str:
    stdout = io.StringIO()
    assert run_console(settings, True, stdin=io.StringIO(script), stdout=stdout) == 0
    return stdout.getvalue()


def test_a_pasted_link_prints_progress_then_the_summary_once(
    settings: Settings, site: Site
) -> None:
    url = site.add("/story", PAGE)
    out = chat(settings, f"{url}\n/summary {url}\n/quit\n")
    assert out.count("Fetching 127.0.0.1 …") == 1  # the second answer came from the cache
    assert out.count("Port of Tallinn reopens after the storm") == 2
    assert "Store it with /add <url>." in out  # the local admin is told how to keep it
    assert len(site.hits_of("/story")) == 1


def test_start_payloads_in_the_console(settings: Settings) -> None:
    out = chat(settings, "/start sum_1\n/start sub_energy\n/start sum_zzz\n/quit\n")
    opened = out.split("> /start sub_energy")[0]
    assert "#1 " in opened and "• " in opened and "Hello" not in opened
    assert "Get a daily digest of Energy?" in out and "Subscribe: Energy" in out
    assert "That link is not one of mine" in out
