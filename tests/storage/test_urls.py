"""URL normalization: one spelling per article URL, IPv6 literals included."""

from __future__ import annotations

import pytest

from storage.urls import normalize_url


@pytest.mark.parametrize(
    ("url", "normalized"),
    [
        ("HTTP://Example.COM:80/News?utm_source=x&id=7#top", "http://example.com/News?id=7"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://[2001:db8::1]/news/1", "http://[2001:db8::1]/news/1"),
        ("http://[2001:DB8::1]:8080/news/1?fbclid=1", "http://[2001:db8::1]:8080/news/1"),
        ("https://[::1]:443/x", "https://[::1]/x"),
        ("http://user:pw@[::1]:81/", "http://user:pw@[::1]:81/"),
    ],
)
def test_normalize_url(url: str, normalized: str) -> None:
    assert normalize_url(url) == normalized


def test_normalized_ipv6_url_parses_again_to_the_same_url() -> None:
    once = normalize_url("http://[2001:db8::1]/news/1")
    assert normalize_url(once) == once
