"""Benchmark: one topic's digest fanned out to N subscribers through a fake Bot API.

The fan-out itself is ``newsbot bench fanout`` (bot/digests/bench_fanout.py: its own fake Bot
API enforcing Telegram's limits, real engine processes, counts of what arrived); this bench
runs it with issue 5's defaults (10,000 subscribers, 30 messages/s, SQLite) and adds the time
to build every subscriber's digest (cached per topic and window) against building each from
scratch. Then the same fan-out again with the engine killed (SIGKILL) once and restarted.

    newsbot bench digest [--subscribers 10000] [--db sqlite|postgresql] [--skip-kill]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.bench_bot_api import BotApiProcess
from bot.digests.bench_data import seed_topic
from bot.digests.bench_fanout import FIRST_CHAT_ID, bench_database, describe, fan_out
from bot.digests.compose import DigestComposer, window_start
from storage import open_store
from storage.store import Store
from storage.views import SubscriptionView, TopicView

TELEGRAM_RATE = 30.0


@dataclass
class BuildFigures:
    subscribers: int
    cached_seconds: float
    baseline_per_digest: float
    baseline_sample: int
    builds: int
    parts: int

    @property
    def baseline_seconds(self) -> float:
        return self.baseline_per_digest * self.subscribers


def measure_builds(store: Store, topic: TopicView, subs: list[SubscriptionView]) -> BuildFigures:
    """Every subscriber's digest through the cache vs. a sample built from scratch each time."""
    timings = []
    builds = parts = 0
    for _ in range(3):
        composer = DigestComposer(store)
        started = time.perf_counter()
        for sub in subs:
            assert sub.next_due_at is not None
            digest = composer.compose(topic, window_start(store, sub), sub.next_due_at)
            parts = len(digest.parts)
        timings.append(time.perf_counter() - started)
        builds = composer.builds
    sample = subs[: min(len(subs), 200)]
    fresh = DigestComposer(store)
    per_digest = []
    for sub in sample:
        assert sub.next_due_at is not None
        started = time.perf_counter()
        fresh.build(topic, window_start(store, sub), sub.next_due_at)
        per_digest.append(time.perf_counter() - started)
    return BuildFigures(
        len(subs),
        statistics.median(timings),
        statistics.median(per_digest),
        len(sample),
        builds,
        parts,
    )


def _print_build(build: BuildFigures) -> None:
    ratio = build.baseline_seconds / build.cached_seconds if build.cached_seconds else 0.0
    print(
        f"build all digests: {build.cached_seconds:.3f} s for {build.subscribers} subscribers "
        f"({build.builds} build(s), {build.parts} part(s) each; target < 5 s)"
    )
    print(
        f"  baseline, each built from scratch: {build.baseline_per_digest * 1000:.2f} ms median "
        f"per digest (sample {build.baseline_sample}) = {build.baseline_seconds:.1f} s "
        f"-> {ratio:.0f}x faster"
    )


def build_figures(url: str, subscribers: int, articles: int) -> BuildFigures:
    """Seed a topic of its own and time building every subscriber's digest.

    The subscribers are records only (never stored, so never sent): a first digest's window
    needs nothing from the database but the topic's articles.
    """
    store = open_store(url)
    try:
        topic = seed_topic(store, "digest-build", articles, salt=1)
        created = datetime.now(UTC) - timedelta(seconds=1)
        due = datetime.now(UTC)
        subs = [
            SubscriptionView(
                id=number,
                chat_id=FIRST_CHAT_ID // 2 + number,
                topic=topic,
                local_time="08:00",
                weekday=None,
                active=True,
                created_at=created,
                last_digest_at=None,
                next_due_at=due,
            )
            for number in range(subscribers)
        ]
        return measure_builds(store, topic, subs)
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(prog="newsbot bench digest", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=None, help="default: a fresh database")
    parser.add_argument("--skip-kill", action="store_true", help="only the uninterrupted run")
    args = parser.parse_args(argv)
    if args.subscribers < 1:
        parser.error("--subscribers must be at least 1")
    with bench_database(args.db, args.database_url) as url:
        started = time.perf_counter()
        open_store(url).close()
        build = build_figures(url, args.subscribers, args.articles)
        print(
            f"digest fan-out benchmark: {args.subscribers} subscribers of one topic, "
            f"{args.articles} articles, {url.split(':')[0]} "
            f"({time.perf_counter() - started:.1f} s to seed and build)"
        )
        _print_build(build)
        server = BotApiProcess(TELEGRAM_RATE)
        try:
            options = {"subscribers": args.subscribers, "workers": 1, "rate": TELEGRAM_RATE}
            run = fan_out(url, server, first_chat=FIRST_CHAT_ID, articles=args.articles, **options)
            print(describe("fan-out", run))
            if not args.skip_kill:
                first = FIRST_CHAT_ID + args.subscribers + 1000
                killed = fan_out(
                    url, server, first_chat=first, articles=args.articles, kill=True, **options
                )
                print(describe("fan-out with the engine killed once and restarted", killed))
        finally:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
