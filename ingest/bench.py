"""Ingestion benchmark: bulk import with summarizing and tagging, and one round of feed polling.

``newsbot bench ingest`` (or ``python -m ingest.bench``) prints, with medians over the runs:
- bulk import of N generated articles (JSON Lines) through the real pipeline: articles/s and
  the share of time spent summarizing, tagging and storing, beside a baseline that stores the
  same rows without summarizing or tagging (same run, same storage layer), as a ratio;
- one full polling round of M feeds served by a local HTTP server (in another process): the
  round's time with the bounded concurrent pools, beside a sequential baseline, as a ratio,
  plus the time of a second round where every feed answers 304.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import random
import socket
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import ingest.pipeline as pipeline
from ingest.defaults import ensure_default_topics
from ingest.feeds import FeedPoller
from ingest.records import item_from_record
from storage import open_store
from storage.views import ArticleDraft

T = TypeVar("T")

TOPIC_WORDS = [
    "China",
    "Beijing",
    "Chinese",
    "Xi",
    "Russia",
    "Moscow",
    "Russian",
    "Putin",
    "Kremlin",
    "economy",
    "inflation",
    "trade",
    "tariff",
    "growth",
    "technology",
    "software",
    "chip",
    "semiconductor",
    "startup",
    "energy",
    "oil",
    "gas",
    "pipeline",
    "electricity",
    "solar",
    "climate",
    "emissions",
    "carbon",
    "military",
    "NATO",
    "missile",
    "health",
    "vaccine",
    "hospital",
]
FILLER_WORDS = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "that",
    "officials",
    "said",
    "on",
    "for",
    "with",
    "as",
    "was",
    "is",
    "by",
    "at",
    "from",
    "will",
    "after",
    "report",
    "week",
    "year",
    "government",
    "people",
    "city",
    "new",
    "plan",
    "talks",
    "minister",
    "meeting",
    "support",
    "deal",
    "market",
    "analysts",
    "country",
    "region",
    "program",
    "data",
    "project",
    "agreement",
    "summit",
    "statement",
    "local",
    "national",
    "company",
    "companies",
    "price",
    "prices",
    "share",
    "record",
    "higher",
    "lower",
    "expected",
    "sources",
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(FILLER_WORDS) for _ in range(rng.randint(10, 22))]
    for _ in range(rng.randint(0, 3)):
        words[rng.randrange(len(words))] = rng.choice(TOPIC_WORDS)
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def generate_article(index: int, rng: random.Random) -> dict[str, str]:
    """One synthetic article of roughly 300 words, unique by its index."""
    sentences = [_sentence(rng) for _ in range(rng.randint(12, 22))]
    sentences[0] = f"Report {index}: " + sentences[0]
    title = " ".join(rng.choice(TOPIC_WORDS + FILLER_WORDS) for _ in range(7)).capitalize()
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return {
        "title": f"{title} ({index})",
        "body": "\n\n".join(paragraphs),
        "url": f"https://bench.example/news/{index}?utm_source=bench",
        "source": "Bench Wire",
        "published_at": f"2026-01-{index % 28 + 1:02d}T{index % 24:02d}:00:00Z",
    }


def generate_jsonl(count: int, seed: int = 7) -> list[str]:
    """``count`` JSON Lines of generated articles."""
    rng = random.Random(seed)
    return [json.dumps(generate_article(n, rng)) for n in range(count)]


class _Timer:
    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, fn: Callable[..., T]) -> Callable[..., T]:
        @wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> T:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


@dataclass(frozen=True)
class ImportRun:
    articles: int
    seconds: float
    summarize: float
    tag: float
    store: float

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


def run_import(lines: Sequence[str], folder: Path) -> ImportRun:
    """The real pipeline (parse, summarize, tag, store in batches) on a fresh SQLite file."""
    store = open_store(f"sqlite:///{folder / 'pipeline.db'}")
    ensure_default_topics(store)
    ingestor = pipeline.Ingestor(store)
    summarize_timer, tag_timer, store_timer = _Timer(), _Timer(), _Timer()
    original = pipeline.summarize
    pipeline.summarize = summarize_timer.wrap(original)
    ingestor.tag = tag_timer.wrap(ingestor.tag)  # type: ignore[method-assign]
    store.add_articles = store_timer.wrap(store.add_articles)  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        items = (item_from_record(json.loads(line)) for line in lines)
        created = sum(1 for result in ingestor.add_many(items) if result.outcome is not None)
        seconds = time.perf_counter() - started
    finally:
        pipeline.summarize = original
        ingestor.close()
        store.close()
    return ImportRun(
        created, seconds, summarize_timer.seconds, tag_timer.seconds, store_timer.seconds
    )


def run_baseline(lines: Sequence[str], folder: Path) -> float:
    """Seconds to parse and store the same rows with no summary and no tags."""
    store = open_store(f"sqlite:///{folder / 'baseline.db'}")
    try:
        started = time.perf_counter()
        drafts = []
        for line in lines:
            item = item_from_record(json.loads(line))
            drafts.append(
                ArticleDraft(
                    title=item.title,
                    body=item.body,
                    url=item.url,
                    source=item.source,
                    published_at=item.published_at,
                    added_by=item.added_by,
                )
            )
            if len(drafts) >= 200:
                store.add_articles(drafts)
                drafts = []
        if drafts:
            store.add_articles(drafts)
        return time.perf_counter() - started
    finally:
        store.close()


# --- the feed server (runs in its own process so it does not compete for our GIL)

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
            text = "".join(f"<p>{_sentence(rng)}</p>" for _ in range(14))
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
    paragraphs = "".join(f"<p>{_sentence(rng)}</p>" for _ in range(12))
    return (
        f"<html><head><title>Page {feed}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Page {feed}</h1>{paragraphs}</article>"
        "<aside><h2>Related</h2><ul><li>Other</li></ul></aside></body></html>"
    ).encode()


def _serve(port_queue: Any) -> None:
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


@dataclass(frozen=True)
class FeedRun:
    seconds: float
    new_entries: int
    errors: int
    second_round: float = 0.0


def run_feed_round(base: str, feeds: int, folder: Path, name: str, *, sequential: bool) -> FeedRun:
    """Poll ``feeds`` local feeds once on a fresh database (and once more when concurrent)."""
    store = open_store(f"sqlite:///{folder / name}")
    ensure_default_topics(store)
    for number in range(feeds):
        store.add_feed(f"{base}/feed/{number}")
    workers = {"feed_workers": 1, "page_workers": 1} if sequential else {}
    try:
        with FeedPoller(store, allow_private_urls=True, **workers) as poller:
            started = time.perf_counter()
            results = poller.poll_many(store.list_feeds())
            seconds = time.perf_counter() - started
            second = 0.0
            if not sequential:
                started = time.perf_counter()
                poller.poll_many(store.list_feeds())
                second = time.perf_counter() - started
    finally:
        store.close()
    return FeedRun(
        seconds,
        sum(r.new_entries for r in results),
        sum(r.status == "error" for r in results),
        second,
    )


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def bench_import(count: int, runs: int) -> None:
    """Print the bulk import figures."""
    lines = generate_jsonl(count)
    pipeline_runs: list[ImportRun] = []
    baselines: list[float] = []
    for number in range(runs):
        with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
            pipeline_runs.append(run_import(lines, Path(tmp)))
            baselines.append(run_baseline(lines, Path(tmp)))
        run = pipeline_runs[-1]
        print(
            f"  run {number + 1}: pipeline {run.rate:.0f} articles/s, "
            f"baseline {count / baselines[-1]:.0f} rows/s"
        )
    seconds = _median([r.seconds for r in pipeline_runs])
    rate = count / seconds
    base_rate = count / _median(baselines)
    summarize = _median([r.summarize / r.seconds for r in pipeline_runs])
    tag = _median([r.tag / r.seconds for r in pipeline_runs])
    store = _median([r.store / r.seconds for r in pipeline_runs])
    print(f"Bulk import of {count} articles (JSON Lines, SQLite), median of {runs} runs")
    print(
        f"  pipeline (parse + summarize + tag + store): {rate:8.0f} articles/s  ({seconds:.1f} s)"
    )
    print(f"  baseline (parse + store, no summary/tags):  {base_rate:8.0f} articles/s")
    print(
        f"  ratio pipeline/baseline: {rate / base_rate:.2f}   target >= 200 articles/s: "
        f"{'met' if rate >= 200 else 'NOT met'}"
    )
    other = max(0.0, 1 - summarize - tag - store)
    print(
        f"  time share: summarizing {summarize:.0%}, tagging {tag:.0%}, storing {store:.0%}, "
        f"parsing and the rest {other:.0%}"
    )


def bench_feeds(feeds: int, runs: int) -> None:
    """Print the feed polling figures."""
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    server = context.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=30)}"
        concurrent: list[FeedRun] = []
        sequential: list[FeedRun] = []
        for number in range(runs):
            with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
                folder = Path(tmp)
                concurrent.append(run_feed_round(base, feeds, folder, "c.db", sequential=False))
                sequential.append(run_feed_round(base, feeds, folder, "s.db", sequential=True))
            print(
                f"  run {number + 1}: concurrent {concurrent[-1].seconds:.1f} s, "
                f"sequential {sequential[-1].seconds:.1f} s"
            )
    finally:
        server.terminate()
        server.join(timeout=10)
    round_s = _median([r.seconds for r in concurrent])
    base_s = _median([r.seconds for r in sequential])
    entries = concurrent[-1].new_entries
    print(
        f"Polling {feeds} local feeds ({ENTRIES_PER_FEED} entries each, 1 of them a teaser "
        f"whose page is fetched), median of {runs} runs"
    )
    print(
        f"  one full round, concurrent pools:  {round_s:6.1f} s  "
        f"({entries} new articles, {concurrent[-1].errors} feed errors)"
    )
    print(f"  sequential baseline (1 worker):    {base_s:6.1f} s")
    print(
        f"  speed-up: {base_s / round_s:.2f}x   target < 30 s: "
        f"{'met' if round_s < 30 else 'NOT met'}"
    )
    second = _median([r.second_round for r in concurrent])
    print(f"  second round (every feed answers 304): {second:.2f} s")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ingestion benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="newsbot bench ingest", description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="import runs (median)")
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--feed-runs", type=int, default=1, help="feed rounds (median)")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-feeds", action="store_true")
    args = parser.parse_args(list(argv) if argv is not None else None)
    for name in ("ingest", "storage", "trafilatura", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if not args.skip_import:
        bench_import(max(1, args.articles), max(1, args.runs))
    if not args.skip_feeds:
        bench_feeds(max(1, args.feeds), max(1, args.feed_runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
