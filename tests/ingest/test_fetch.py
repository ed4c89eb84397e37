"""Fetching: schemes, malformed URLs, the SSRF guard, redirects, timeouts, size cap, types."""

from __future__ import annotations

import pytest

import ingest.guard as guard_module
from ingest.errors import IngestError
from ingest.fetch import Fetcher, FetchLimits, check_url, is_public_address
from tests.ingest.conftest import TEST_LIMITS
from tests.ingest.pages import article_page
from tests.ingest.site import Site


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "No URL"),
        ("   ", "No URL"),
        ("example.com/news", "start with http"),
        ("file:///etc/passwd", "not file:"),
        ("ftp://example.com/a.txt", "not ftp:"),
        ("javascript:alert(1)", "not javascript:"),
        ("data:text/html,hi", "not data:"),
        ("http://", "no host"),
        ("http://exa mple.com/", "spaces"),
        ("http://example.com:99999/", "not a valid URL"),
        ("http://example.com/" + "a" * 3000, "too long"),
    ],
)
def test_malformed_urls_and_other_schemes_are_refused(url: str, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        check_url(url)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.5.5",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "100.64.0.1",
        "224.0.0.1",
        "fc00::1",
    ],
)
def test_non_public_addresses_are_recognised(address: str) -> None:
    assert not is_public_address(address)


def test_public_addresses_pass() -> None:
    assert is_public_address("93.184.216.34")
    assert is_public_address("2606:2800:220:1:248:1893:25c8:1946")


def test_loopback_and_private_hosts_are_refused_by_default(site: Site) -> None:
    url = site.add("/story", article_page())
    with Fetcher(limits=TEST_LIMITS) as guarded:
        for target in (
            url,
            url.replace("127.0.0.1", "localhost"),
            "http://10.0.0.1/",
            "http://[::1]/",
        ):
            with pytest.raises(IngestError, match="private or local address"):
                guarded.fetch(target)
    assert site.hits_of("/story") == []


def test_private_urls_are_allowed_with_the_flag(site: Site, fetcher: Fetcher) -> None:
    url = site.add("/story", article_page())
    result = fetcher.fetch(url)
    assert result.status == 200
    assert result.content_type == "text/html"
    assert b"Putin and Xi" in result.content


def test_every_redirect_hop_is_checked(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """127.0.0.1 plays a public host, 127.0.0.2 a private one: a redirect there is refused."""
    port = site.base.rsplit(":", 1)[1]
    site.add("/story", article_page())
    site.redirect("/hop", f"http://127.0.0.2:{port}/story")
    monkeypatch.setattr(guard_module, "is_public_address", lambda address: address == "127.0.0.1")
    with Fetcher(limits=TEST_LIMITS) as guarded:
        with pytest.raises(IngestError, match=r"127\.0\.0\.2"):
            guarded.fetch(site.url("/hop"))
        site.redirect("/ok", "/story")
        assert guarded.fetch(site.url("/ok")).url.endswith("/story")


def test_redirects_are_followed_up_to_the_limit(site: Site, fetcher: Fetcher) -> None:
    site.add("/story", article_page())
    site.redirect("/r1", "/r2", 301)
    site.redirect("/r2", site.url("/story"), 308)
    assert fetcher.fetch(site.url("/r1")).url == site.url("/story")
    for number in range(6):
        site.redirect(f"/loop{number}", f"/loop{number + 1}")
    with pytest.raises(IngestError, match="Too many redirects"):
        fetcher.fetch(site.url("/loop0"))


def test_a_redirect_to_another_scheme_is_refused(site: Site, fetcher: Fetcher) -> None:
    site.redirect("/evil", "file:///etc/passwd")
    with pytest.raises(IngestError, match="not file:"):
        fetcher.fetch(site.url("/evil"))


def test_slow_answers_time_out(site: Site, fetcher: Fetcher) -> None:
    url = site.add("/slow", article_page(), delay=2.0)
    with pytest.raises(IngestError, match="took too long"):
        fetcher.fetch(url)


def test_huge_answers_are_cut_off(site: Site, fetcher: Fetcher) -> None:
    declared = site.add("/huge", b"x" * (TEST_LIMITS.max_bytes + 10))
    with pytest.raises(IngestError, match="too large"):
        fetcher.fetch(declared)
    streamed = site.add("/stream", b"", stream_bytes=20 * TEST_LIMITS.max_bytes)
    with pytest.raises(IngestError, match="too large"):
        fetcher.fetch(streamed)


def test_the_default_size_cap_is_five_megabytes() -> None:
    assert FetchLimits().max_bytes == 5 * 1024 * 1024
    assert FetchLimits().max_redirects <= 10


@pytest.mark.parametrize(
    "content_type", ["application/pdf", "image/png", "application/json", "video/mp4"]
)
def test_non_html_content_is_refused(site: Site, fetcher: Fetcher, content_type: str) -> None:
    url = site.add("/file", b"%PDF-1.4 binary", content_type=content_type)
    with pytest.raises(IngestError, match="not a web page"):
        fetcher.fetch(url)


@pytest.mark.parametrize(("status", "reason"), [(404, "404"), (500, "500"), (403, "403")])
def test_http_errors_are_one_clear_line(
    site: Site, fetcher: Fetcher, status: int, reason: str
) -> None:
    url = site.add("/error", b"oops", status=status, content_type="text/plain")
    with pytest.raises(IngestError, match=f"answered {reason}") as caught:
        fetcher.fetch(url)
    assert "\n" not in str(caught.value)


def test_unreachable_and_unknown_hosts(fetcher: Fetcher) -> None:
    # httpx's own words are "All connection attempts failed"; the reader gets the reason, coded
    # so that it is said in their language.
    with pytest.raises(IngestError, match="the connection was refused") as refused:
        fetcher.fetch("http://127.0.0.1:9/")
    assert refused.value.code == "fetch.refused"
    assert "All connection attempts" not in str(refused.value)
    with pytest.raises(IngestError, match="does not resolve"):
        fetcher.fetch("http://no-such-host.invalid/")


def test_conditional_get_returns_not_modified(site: Site, fetcher: Fetcher) -> None:
    url = site.add("/feed", b"<rss/>", content_type="application/rss+xml", etag='"v1"')
    from ingest.fetch import FEED_TYPES

    first = fetcher.fetch(url, accept=FEED_TYPES)
    assert first.headers["etag"] == '"v1"'
    again = fetcher.fetch(url, accept=FEED_TYPES, headers={"If-None-Match": '"v1"'})
    assert again.not_modified
    assert again.content == b""
