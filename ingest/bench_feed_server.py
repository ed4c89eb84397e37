"""The ingestion benchmark's local feed server: RSS feeds and article pages over HTTP.

``serve`` runs in a process of its own (so it does not compete for the benchmark's GIL):
``/feed/<n>`` is an RSS feed of ENTRIES_PER_FEED entries (the last one a teaser whose page,
``/page/<n>``, the poller fetches), answering 304 to its own ETag; anything else is a 404.
"""

from __future__ import annotations

import random
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ingest.bench_text import TOPIC_WORDS, sentence

ENTRIES_PER_FEED = 4


def _feed_xml(feed: int, base: str) -> bytes:
    rng = random.Random(feed)
    items = []
    for entry in range(ENTRIES_PER_FEED):
        title = f"Feed {feed} story {entry}: " + " ".join(rng.choice(TOPIC_WORDS) for _ in range(4))
        if entry == ENTRIES_PER_FEED - 1:
            body = f"<description>Teaser of story {entry} of feed {feed}.</description>"
            link = f"{base}/page/{feed}"
        else:
            text = "".join(f"<p>{sentence(rng)}</p>" for _ in range(14))
            body = f"<content:encoded><![CDATA[{text}]]></content:encoded>"
            link = f"https://bench.example/feed-{feed}/{entry}"
        items.append(
            f"<item><title>{title}</title><link>{link}</link>"
            f"<guid>feed-{feed}-{entry}</guid>{body}</item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Bench feed {feed}</title>{''.join(items)}</channel></rss>"
    ).encode()


def _page_html(feed: int) -> bytes:
    rng = random.Random(10_000 + feed)
    paragraphs = "".join(f"<p>{sentence(rng)}</p>" for _ in range(12))
    return (
        f"<html><head><title>Page {feed}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Page {feed}</h1>{paragraphs}</article>"
        "<aside><h2>Related</h2><ul><li>Other</li></ul></aside></body></html>"
    ).encode()


def serve(port_queue: Any) -> None:
    """Serve the feeds and pages until killed; the port it listens on goes to ``port_queue``."""
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every keep-alive request.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            kind, _, number = self.path.strip("/").partition("/")
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if kind == "feed" and number.isdigit():
                etag = f'"{number}-v1"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", "", etag)
                    return
                self._send(200, _feed_xml(int(number), base), "application/rss+xml", etag)
            elif kind == "page" and number.isdigit():
                self._send(200, _page_html(int(number)), "text/html; charset=utf-8", "")
            else:
                self._send(404, b"missing", "text/plain", "")

        def _send(self, status: int, body: bytes, content_type: str, etag: str) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    port_queue.put(server.server_address[1])
    server.serve_forever()
