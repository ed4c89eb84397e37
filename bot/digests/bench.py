"""Benchmark: one topic's digest fanned out to N subscribers through the fake Bot API.

The fake server (tests/support, so run this from the source checkout) enforces Telegram's
limits: 30 messages/s overall, 1/s per chat, 20/min per group, answering 429 past them. A
worker subprocess runs the real delivery engine with the PTB sender; the parent counts what
arrived. Printed: messages/s as a fraction of 30, 429s, duplicates, missing, the time to build
every subscriber's digest (cached per topic and window) against building each from scratch,
and the worker's peak memory. Then the same again with the worker killed (SIGKILL) once at a
random moment and restarted.

    newsbot bench digest [--subscribers 10000] [--database-url URL] [--skip-kill]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.digests.compose import DigestComposer, window_start
from storage import open_store
from storage.store import Store
from storage.views import ArticleDraft, SubscriptionView, TopicView

TELEGRAM_RATE = 30.0
FIRST_CHAT_ID = 10_000_000
_SYLLABLES = ("ka", "lo", "mi", "nu", "pe", "ri", "so", "tu", "va", "ze")


def _word(number: int) -> str:
    return "".join(_SYLLABLES[int(digit)] for digit in f"{number % 10**7:07d}")


def _articles(slug: str, count: int, salt: int) -> list[ArticleDraft]:
    def words(index: int, n: int) -> str:
        base = salt * 100_000 + index * 997 + n * 61
        return " ".join(_word(base + k) for k in range(8))

    return [
        ArticleDraft(
            title=f"{words(index, 0).capitalize()} ({index})",
            body=" ".join(f"{words(index, n).capitalize()}." for n in range(12)),
            url=f"https://bench.example/{slug}/{index}",
            source=f"Wire {index % 7}",
            summary=tuple(f"{words(index, n + 1).capitalize()}." for n in range(3)),
            summary_algorithm="lsa",
            topic_slugs=(slug,),
        )
        for index in range(count)
    ]


def seed(
    store: Store, slug: str, subscribers: int, first_chat: int, articles: int, salt: int
) -> tuple[TopicView, list[int]]:
    """A topic with articles and ``subscribers`` private chats subscribed, all due now."""
    topic = store.upsert_topic(slug, f"Bench {slug}", slug)
    store.add_articles(_articles(slug, articles, salt))
    time.sleep(0.01)
    due = datetime.now(UTC)
    chat_ids = list(range(first_chat, first_chat + subscribers))
    for chat_id in chat_ids:
        store.upsert_chat(chat_id)
        store.subscribe(chat_id, topic.id, local_time="08:00", next_due_at=due)
    return topic, chat_ids


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


@dataclass
class FanoutFigures:
    messages: int
    seconds: float
    too_many: int
    duplicates: int
    missing: int
    peak_rss_mb: float
    killed_at: float | None = None

    @property
    def fraction(self) -> float:
        rate = self.messages / self.seconds if self.seconds > 0 else 0.0
        return rate / TELEGRAM_RATE


def _worker_command(database_url: str, server: Any) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bot.digests.bench",
        "--worker",
        "--database-url",
        database_url,
        "--api-url",
        server.url,
        "--token",
        server.token,
    ]


def _run_worker(command: list[str], kill_after: float | None, logs: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    with logs.open("ab") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, env=env)
        if kill_after is not None:
            try:
                process.wait(kill_after)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                return {"killed": True}
        output, _ = process.communicate()
    lines = [line for line in output.decode().splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def fan_out(
    database_url: str, chat_ids: list[int], parts: int, *, kill: bool, logs: Path
) -> FanoutFigures:
    """Run the worker (killed once at a random moment if asked) and count what arrived."""
    from tests.support.bot_api_server import BotApiServer

    with BotApiServer() as server:
        server.enforce_rate_limits(TELEGRAM_RATE, 1.0, 20.0)
        command = _worker_command(database_url, server)
        killed_at = None
        peak = 0.0
        if kill:
            expected = len(chat_ids) * parts / TELEGRAM_RATE
            killed_at = random.uniform(0.2, 0.8) * expected + 2.0
            _run_worker(command, killed_at, logs)
        result = _run_worker(command, None, logs)
        peak = float(result.get("peak_rss_mb", 0.0))
        calls = [call for call in server.calls("sendMessage") if call.ok]
        counts = server.message_counts()
        wanted = set(chat_ids)
        seconds = calls[-1].at - calls[0].at if len(calls) > 1 else 0.0
        return FanoutFigures(
            messages=len(calls),
            seconds=seconds,
            too_many=server.too_many_requests,
            duplicates=sum(max(0, counts.get(c, 0) - parts) for c in wanted),
            missing=sum(max(0, parts - counts.get(c, 0)) for c in wanted),
            peak_rss_mb=peak,
            killed_at=killed_at,
        )


async def _worker_async(args: argparse.Namespace) -> dict[str, Any]:
    from telegram.ext import AIORateLimiter, ExtBot
    from telegram.request import HTTPXRequest

    from bot.digests.delivery import DeliveryEngine, Pacer, utc_now
    from bot.digests.telegram import OVERALL_PER_SECOND, TelegramSender

    store = open_store(args.database_url)
    bot = ExtBot(
        args.token,
        base_url=f"{args.api_url}/bot",
        request=HTTPXRequest(connection_pool_size=16),
        rate_limiter=AIORateLimiter(max_retries=5),
    )
    totals = {"sent": 0, "resumed": 0, "retries": 0, "failed": 0}
    async with bot:
        engine = DeliveryEngine(
            store,
            TelegramSender(bot),
            pacer=Pacer(overall_per_second=OVERALL_PER_SECOND),
        )
        while True:
            report = await engine.run_once()
            for key in totals:
                totals[key] += getattr(report, key)
            if not await asyncio.to_thread(store.subscriptions_due, utc_now(), 1):
                break
        await engine.close()
    store.close()
    totals["peak_rss_mb"] = peak_rss_mb()
    return totals


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM where Linux has it: ru_maxrss of a child also counts its parent's memory at fork.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def _print_fanout(label: str, figures: FanoutFigures) -> None:
    killed = f", killed at {figures.killed_at:.1f} s" if figures.killed_at is not None else ""
    print(f"{label}{killed}:")
    print(
        f"  {figures.messages} messages in {figures.seconds:.1f} s = "
        f"{figures.messages / max(figures.seconds, 1e-9):.2f}/s = {figures.fraction:.3f} of 30 "
        "(target >= 0.9)"
    )
    print(
        f"  429 responses: {figures.too_many}   duplicates: {figures.duplicates}   "
        f"missing: {figures.missing}   worker peak RSS: {figures.peak_rss_mb:.0f} MB"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (or, with --worker, one delivery worker) and print the figures."""
    parser = argparse.ArgumentParser(prog="newsbot bench digest", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--skip-kill", action="store_true", help="only the uninterrupted run")
    parser.add_argument("--seed", type=int, default=None, help="random seed for the kill moment")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(asyncio.run(_worker_async(args))), flush=True)
        return 0
    if args.subscribers < 1:
        parser.error("--subscribers must be at least 1")
    try:
        import tests.support.bot_api_server  # noqa: F401
    except ImportError:
        print("The digest benchmark needs tests/support: run it from the source checkout.")
        return 2
    random.seed(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="newsbot-digest-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    logs = workdir / "workers.log"
    store = open_store(database_url)
    try:
        started = time.perf_counter()
        topic, chat_ids = seed(store, "fanout", args.subscribers, FIRST_CHAT_ID, args.articles, 1)
        print(
            f"digest fan-out benchmark: {args.subscribers} subscribers of one topic, "
            f"{args.articles} articles, {store.dialect}; seeded in "
            f"{time.perf_counter() - started:.1f} s"
        )
        subs = store.subscriptions_due(datetime.now(UTC) + timedelta(seconds=1), args.subscribers)
        build = measure_builds(store, topic, subs)
        _print_build(build)
        _print_fanout(
            "fan-out", fan_out(database_url, chat_ids, build.parts, kill=False, logs=logs)
        )
        if not args.skip_kill:
            first = FIRST_CHAT_ID + args.subscribers + 1000
            seed(store, "fanout-kill", args.subscribers, first, args.articles, 2)
            chat_ids = list(range(first, first + args.subscribers))
            figures = fan_out(database_url, chat_ids, build.parts, kill=True, logs=logs)
            _print_fanout("fan-out with the worker killed once and restarted", figures)
    finally:
        store.close()
    print(f"worker logs: {logs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
