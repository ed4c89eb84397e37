"""Benchmark: one topic's digest fanned out to N subscribers by W ``newsbot worker`` processes.

    newsbot bench fanout --subscribers 100000 --rate 300 --workers 2 --db postgresql
        [--kill] [--compare-workers] [--articles 30] [--database-url URL]

It starts its own fake Bot API (bot/bench_bot_api.py, a process of its own) that
enforces R messages a second overall (``--rate 0``: no overall limit) and 1 a second per chat,
answering 429 past them, and counts what arrived. The workers are real ``newsbot worker``
processes (on SQLite, where a worker refuses, one engine process of the same code). Printed:
msg/s as a fraction of R, 429s, duplicates, lost messages, CPU ms per message of the workers
(the server's CPU is not theirs), database transactions per message (counted by a SQLAlchemy
event in each worker), the workers' peak memory and the time to the first message.

``--kill``: one worker is killed (SIGKILL) once 40% of the messages arrived, and restarted.
``--compare-workers``: a run with one worker first, then the run with W (the ratio of msg/s).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.bench_bot_api import BotApiProcess
from bot.digests.bench_data import seed_topic
from bot.digests.compose import DigestComposer, first_window_start
from storage import open_store
from storage.bench_fanout import analyze, bulk_subscribe, fresh_postgres_database
from storage.store import Store

TOKEN = "123456789:BENCH-fanout_token-abcdefghijklmnopqrstuv"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
KILL_AT = 0.4
HEADROOM = 0.98
FIRST_CHAT_ID = 10_000_000
_SALTS = itertools.count(2)  # each run's articles differ (the store would drop repeats)


@dataclass
class FanoutRun:
    """The figures of one fan-out."""

    subscribers: int
    parts: int
    workers: int
    rate: float
    delivered: int = 0
    seconds: float = 0.0
    too_many: int = 0
    duplicates: int = 0
    lost: int = 0
    cpu_seconds: float = 0.0
    cpu_with_startup: float = 0.0
    transactions: int = 0
    peak_rss_mb: float = 0.0
    first_message_s: float = 0.0
    first_after_engine_s: float = 0.0
    killed: bool = False
    per_worker: list[dict[str, Any]] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds > 0 else 0.0

    @property
    def fraction(self) -> float:
        return self.per_second / self.rate if self.rate else 0.0

    @property
    def cpu_ms_per_message(self) -> float:
        return 1000 * self.cpu_seconds / max(self.delivered, 1)

    @property
    def transactions_per_message(self) -> float:
        return self.transactions / max(self.delivered, 1)


def worker_argv() -> list[str]:
    """``newsbot worker`` as installed beside this interpreter, else through ``bot.cli``."""
    script = Path(sys.executable).with_name("newsbot")
    if script.exists():
        return [str(script), "worker"]
    found = shutil.which("newsbot")
    if found:
        return [found, "worker"]
    code = "import sys; from bot.cli import main; sys.exit(main())"
    return [sys.executable, "-c", code, "worker"]


def engine_argv(database_url: str) -> list[str]:
    """A worker on PostgreSQL; on SQLite (one writer, workers refuse) the same engine here."""
    if database_url.startswith("sqlite"):
        return [sys.executable, "-m", "bot.digests.bench_fanout", "--engine"]
    return worker_argv()


class Workers:
    """W engine processes with their stats files."""

    def __init__(
        self, database_url: str, server: BotApiProcess, rate: float, workdir: Path
    ) -> None:
        self.database_url = database_url
        self.server = server
        self.rate = rate
        self.workdir = workdir
        self.processes: list[tuple[subprocess.Popen[bytes], Path, float]] = []

    def start(self, share: float) -> None:
        number = len(self.processes)
        stats = self.workdir / f"worker-{number}.json"
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.server.url,
            "LOG_LEVEL": "WARNING",
        }
        argv = [
            *engine_argv(self.database_url),
            "--until-idle",
            "--rate",
            f"{share:g}",
            "--stats-file",
            str(stats),
        ]
        with (self.workdir / "workers.log").open("ab") as log:
            process = subprocess.Popen(argv, env=env, stdout=log, stderr=log)
        self.processes.append((process, stats, time.time()))

    def kill(self, index: int) -> None:
        process = self.processes[index][0]
        process.send_signal(signal.SIGKILL)
        process.wait()

    def wait(self) -> list[dict[str, Any]]:
        figures = []
        for process, stats, started in self.processes:
            if process.wait() == -signal.SIGKILL:
                continue
            if not stats.exists():
                raise RuntimeError(f"a worker failed: see {self.workdir / 'workers.log'}")
            figures.append({**json.loads(stats.read_text()), "spawned_at": started})
        return figures


def expected_parts(store: Store, topic_slug: str, created: datetime, due: datetime) -> int:
    """How many messages each subscriber's digest has (all share one window)."""
    topic = store.find_topic(topic_slug)
    assert topic is not None
    return len(DigestComposer(store).compose(topic, first_window_start(created), due).parts)


def fan_out(
    database_url: str,
    server: BotApiProcess,
    *,
    subscribers: int,
    workers: int,
    rate: float,
    first_chat: int,
    articles: int,
    kill: bool = False,
) -> FanoutRun:
    """Seed a topic with ``subscribers`` due now, run the workers, count what arrived."""
    store = open_store(database_url)
    try:
        slug = f"fanout-{first_chat}"
        topic = seed_topic(store, slug, articles, salt=next(_SALTS))
        created = datetime.now(UTC)
        due = created + timedelta(milliseconds=50)
        chat_ids = range(first_chat, first_chat + subscribers)
        bulk_subscribe(store, topic.id, chat_ids, next_due_at=due, created_at=created)
        parts = expected_parts(store, slug, created, due)
    finally:
        store.close()
    analyze(database_url)
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
    run = FanoutRun(subscribers, parts, workers, rate)
    server.reset()
    scratch = tempfile.mkdtemp(prefix="newsbot-fanout-")  # kept if a worker fails: its log
    pool = Workers(database_url, server, rate, Path(scratch))
    # Each worker paces at its share of R less 2%: independent processes never line their
    # sends up exactly, and the server's buckets forgive only 50 ms of jitter.
    share = HEADROOM * rate / workers if rate else 0.0
    for _ in range(workers):
        pool.start(share)
    if kill:
        target = KILL_AT * subscribers * parts
        while server.stats()["delivered"] < target and pool.processes[0][0].poll() is None:
            time.sleep(0.1)
        pool.kill(0)
        run.killed = True
        pool.start(share)
    run.per_worker = pool.wait()
    shutil.rmtree(scratch, ignore_errors=True)
    stats = server.stats()
    _fill(run, stats, subscribers * parts)
    return run


def _fill(run: FanoutRun, stats: dict[str, Any], expected: int) -> None:
    run.delivered = int(stats["delivered"])
    run.too_many = int(stats["too_many"])
    run.duplicates = int(stats["duplicates"])
    got = sum(min(int(k), run.parts) * v for k, v in stats["distinct_per_chat"].items())
    run.lost = expected - got
    first, last = stats["first_at"] or 0.0, stats["last_at"] or 0.0
    run.seconds = last - first
    workers = run.per_worker
    run.cpu_seconds = sum(w["engine_cpu_seconds"] for w in workers)
    run.cpu_with_startup = sum(w["cpu_seconds"] for w in workers)
    run.transactions = sum(w["transactions"] for w in workers)
    run.peak_rss_mb = max((w["peak_rss_mb"] for w in workers), default=0.0)
    if workers and first:
        run.first_message_s = first - min(w["spawned_at"] for w in workers)
        run.first_after_engine_s = first - min(w["engine_started_at"] for w in workers)


def describe(label: str, run: FanoutRun) -> str:
    """The run as a few lines of the report."""
    rate = f"{run.fraction:.3f} of R={run.rate:g}" if run.rate else "no overall limit"
    with_startup = 1000 * run.cpu_with_startup / max(run.delivered, 1)
    cpus = ", ".join(
        f"{1000 * w['engine_cpu_seconds'] / max(w['messages'], 1):.2f}" for w in run.per_worker
    )
    return "\n".join(
        [
            f"{label}: {run.subscribers:,} subscribers x {run.parts} part(s), "
            f"{run.workers} worker(s){', one killed and restarted' if run.killed else ''}",
            f"  {run.delivered:,} messages in {run.seconds:.1f} s = {run.per_second:.1f}/s "
            f"({rate})",
            f"  429s: {run.too_many}   duplicates: {run.duplicates}   lost: {run.lost}",
            f"  CPU per message: {run.cpu_ms_per_message:.3f} ms (engine + sender; each worker: "
            f"{cpus}; with interpreter start-up {with_startup:.3f})",
            f"  transactions per message: {run.transactions_per_message:.4f} "
            f"({run.transactions:,} in all)",
            f"  peak memory (largest worker): {run.peak_rss_mb:.0f} MB   first message: "
            f"{run.first_after_engine_s:.2f} s after the engine started "
            f"({run.first_message_s:.2f} s after the process was spawned)",
        ]
    )


@contextmanager
def bench_database(db: str, database_url: str | None) -> Iterator[str]:
    """The database URL to run on: a fresh SQLite file or a fresh PostgreSQL database."""
    if database_url:
        yield database_url
    elif db == "sqlite":
        with tempfile.TemporaryDirectory(prefix="newsbot-fanout-db-") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
    else:
        admin = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
        with fresh_postgres_database(admin, "newsbot_fanout") as url:
            yield url


def _engine_main() -> int:
    """The SQLite engine process: ``newsbot worker`` without its PostgreSQL check."""
    from bot.config import load_settings
    from bot.digests.worker import serve_digests

    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", action="store_true")
    parser.add_argument("--until-idle", action="store_true")
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--stats-file", default=None)
    args = parser.parse_args()
    return serve_digests(
        load_settings(), until_idle=args.until_idle, stats_file=args.stats_file, rate=args.rate
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="newsbot bench fanout", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0, help="R msg/s; 0: no limit")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--database-url", default=None, help="default: a fresh database")
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--kill", action="store_true", help="kill -9 one worker mid-run")
    parser.add_argument("--compare-workers", action="store_true", help="1 worker, then W")
    args = parser.parse_args(argv)
    if args.subscribers < 1 or args.workers < 1 or args.rate < 0:
        parser.error("--subscribers and --workers must be at least 1, --rate at least 0")
    if args.db == "sqlite" and args.workers > 1 and not args.database_url:
        parser.error("SQLite has one writer: one engine only (--workers 1)")
    with bench_database(args.db, args.database_url) as url:
        open_store(url).close()  # the schema
        server = BotApiProcess(args.rate)
        try:
            print(f"fan-out benchmark on {url.split(':')[0]}, fake Bot API at {server.url}")
            first = FIRST_CHAT_ID
            options = {"rate": args.rate, "articles": args.articles}
            if args.compare_workers and args.workers > 1:
                one = fan_out(url, server, subscribers=args.subscribers, workers=1,
                              first_chat=first, **options)  # fmt: skip
                print(describe("one worker", one), flush=True)
                first += args.subscribers + 1000
            run = fan_out(url, server, subscribers=args.subscribers, workers=args.workers,
                          first_chat=first, kill=args.kill, **options)  # fmt: skip
            print(describe(f"{args.workers} worker(s)", run))
            if args.compare_workers and args.workers > 1:
                print(f"scaling: {run.per_second / max(one.per_second, 1e-9):.2f}x one worker")
        finally:
            server.close()
    return 0


if __name__ == "__main__":
    if "--engine" in sys.argv:
        sys.exit(_engine_main())
    sys.exit(main())
