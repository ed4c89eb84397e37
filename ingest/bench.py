"""Ingestion benchmark: bulk import with summarizing and tagging, and one round of feed polling.

``newsbot bench ingest`` (or ``python -m ingest.bench``) prints, with medians over the runs:
- bulk import of N generated articles (JSON Lines) through the real pipeline: articles/s and
  the share of time spent summarizing, tagging and storing, beside a baseline that stores the
  same rows without summarizing or tagging (same run, same storage layer), as a ratio;
- one full polling round of M feeds served by a local HTTP server (in another process): the
  round's time with the bounded concurrent pools, beside a sequential baseline, as a ratio,
  plus the time of a second round where every feed answers 304.
The articles are ingest/bench_text.py's; the feeds are served by ingest/bench_feed_server.py.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import ingest.pipeline as pipeline
from ingest.bench_feed_server import ENTRIES_PER_FEED, serve
from ingest.bench_text import generate_jsonl
from ingest.defaults import ensure_default_topics
from ingest.feeds import FeedPoller
from ingest.records import item_from_record
from storage import open_store
from storage.views import ArticleDraft

T = TypeVar("T")

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
    server = context.Process(target=serve, args=(ports,), daemon=True)
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
