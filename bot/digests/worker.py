"""``newsbot worker``: the digest engine alone (no polling), any number beside the bot.

Every worker claims its own batches of due digests in the database (FOR UPDATE SKIP LOCKED, so
workers take disjoint batches), so workers add up. PostgreSQL only: SQLite has one writer, so a
worker there is refused with one line (the bot's own engine delivers digests on SQLite).

A worker that loses the database keeps its place: the pass that failed is logged in one line
and tried again with a growing pause, and the parts it sent meanwhile are recorded once the
database answers (bot/digests/recorder.py); claims it no longer owns (its lease ran out while
the database was away and another worker took over) are dropped, never sent twice.

``--until-idle`` ends the worker once nothing is due and nothing of its own is left (for batch
runs and the benchmark); ``--stats-file`` writes what the run cost (CPU seconds, database
transactions, messages, peak memory) as JSON at exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import resource
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.config import Settings
from bot.digests.delivery import DeliveryEngine, RunReport
from bot.digests.pacing import Pacer, claim_sizes, in_flight_for
from storage.store import Store

log = logging.getLogger(__name__)

IDLE_PAUSE = 5.0
BUSY_PAUSE = 0.2
MAX_BACKOFF = 30.0
MAX_RATE = 1000.0
OPEN_PACE_IN_FLIGHT = 64  # sends in flight with no overall pace (a Bot API server without one)
SQLITE_REFUSAL = (
    "newsbot worker needs PostgreSQL (DATABASE_URL): SQLite has one writer, so on SQLite "
    "`newsbot run` delivers the digests itself."
)


@dataclass
class WorkerStats:
    """What a worker's run cost; written by ``--stats-file``."""

    started_at: float = field(default_factory=time.time)
    engine_started_at: float = 0.0
    warm_up_seconds: float = 0.0
    cpu_at_engine_start: float = 0.0
    transactions: int = 0
    messages: int = 0
    digests: int = 0
    resumed: int = 0
    retries: int = 0
    lost_claims: int = 0
    database_errors: int = 0

    def add(self, report: RunReport) -> None:
        self.messages += report.parts
        self.digests += report.sent
        self.resumed += report.resumed
        self.retries += report.retries
        self.lost_claims += report.lost

    def as_dict(self) -> dict[str, Any]:
        cpu = process_cpu_seconds()
        return {
            **self.__dict__,
            "cpu_seconds": cpu,
            "engine_cpu_seconds": cpu - self.cpu_at_engine_start,
            "peak_rss_mb": peak_rss_mb(),
            "ended_at": time.time(),
        }


def process_cpu_seconds() -> float:
    """User and system CPU seconds of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (VmHWM where Linux has it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_transactions(store: Store, stats: WorkerStats) -> None:
    """Count every transaction the store begins (the benchmark's transactions per message)."""

    def on_begin(_connection: Any) -> None:
        stats.transactions += 1

    event.listen(store.engine, "begin", on_begin)


async def run_worker(
    engine: DeliveryEngine,
    *,
    until_idle: bool = False,
    stats: WorkerStats | None = None,
    idle_pause: float = IDLE_PAUSE,
) -> WorkerStats:
    """Run passes until stopped (SIGTERM/SIGINT: the pass in flight ends its current round)."""
    stats = stats or WorkerStats()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, _stopper(engine, stop))
    stats.engine_started_at = time.time()
    stats.cpu_at_engine_start = process_cpu_seconds()
    backoff = 1.0
    while not stop.is_set():
        try:
            report = await engine.run_once()
        except Exception as error:  # the database went away: keep the place, try again
            stats.database_errors += 1
            log.warning("digest pass failed (%s); trying again in %.0f s", _short(error), backoff)
            await _pause(stop, backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        backoff = 1.0
        stats.add(report)
        worked = bool(report.parts or report.resumed or report.empty or report.blocked)
        if until_idle and not worked and await engine.idle():
            break
        await _pause(stop, BUSY_PAUSE if worked else idle_pause)
    await engine.close()
    return stats


def _stopper(engine: DeliveryEngine, stop: asyncio.Event) -> Any:
    def handler() -> None:
        log.info("stopping: the digests in flight end their current part")
        engine.stopping = True
        stop.set()

    return handler


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__


def worker_command(
    settings: Settings, *, until_idle: bool, stats_file: str | None, rate: float | None
) -> int:
    """The ``newsbot worker`` command: 0 when stopped cleanly, 1 on a refusal."""
    from storage.db import resolve_url

    if resolve_url(settings.database_url).get_backend_name() != "postgresql":
        print(f"newsbot: {SQLITE_REFUSAL}", file=sys.stderr)
        return 1
    return serve_digests(settings, until_idle=until_idle, stats_file=stats_file, rate=rate)


def serve_digests(
    settings: Settings, *, until_idle: bool, stats_file: str | None, rate: float | None
) -> int:
    """Run one digest engine in this process (the worker; the benchmark's SQLite engine)."""
    if not settings.telegram_token:
        print("newsbot: a digest worker needs TELEGRAM_BOT_TOKEN to send digests.", file=sys.stderr)
        return 1
    if rate is not None and not 0 <= rate <= MAX_RATE:
        print(
            f"newsbot: --rate must be 0 (no overall pace) to {MAX_RATE:g} messages a second.",
            file=sys.stderr,
        )
        return 1
    return asyncio.run(_serve(settings, until_idle, stats_file, rate))


async def _serve(
    settings: Settings, until_idle: bool, stats_file: str | None, rate: float | None
) -> int:
    from bot.digests.bulk_sender import BulkSender
    from summarizer.languages import load_detector

    store = Store(settings.database_url)
    stats = WorkerStats()
    count_transactions(store, stats)
    pace = settings.broadcast_rate if rate is None else rate
    in_flight = in_flight_for(pace) if pace else OPEN_PACE_IN_FLIGHT
    batch, lanes = claim_sizes(pace)
    try:
        # The language detector loads in a second or more: before the engine, not on its clock.
        await asyncio.to_thread(load_detector)
        # The imports and the detector are ~160,000 objects the collector would walk at every
        # full collection (about 100 ms each, 14 in a 3-minute run at R = 300) and none of
        # them is garbage: park them in the permanent generation.
        gc.collect()
        gc.freeze()
        stats.warm_up_seconds = time.time() - stats.started_at
        async with BulkSender.for_settings(settings, connections=in_flight) as sender:
            engine = DeliveryEngine(
                store,
                sender,
                pacer=Pacer(overall_per_second=pace or None),
                concurrency=in_flight,
                batch_size=batch,
                lanes=lanes,
            )
            log.info("digest worker %s started (pace %s msg/s)", engine.worker, pace or "open")
            await run_worker(engine, until_idle=until_idle, stats=stats)
    finally:
        store.close()
        if stats_file:
            Path(stats_file).write_text(json.dumps(stats.as_dict()))
    return 0
