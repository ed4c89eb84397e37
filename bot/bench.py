"""Chat benchmark (``newsbot bench chat``): core handler time for /latest, /summary, /search.

It stores N synthetic articles with pre-made summaries (as ingestion leaves them), then 1,000
simulated users send a random mix of commands through ``Core.handle``. For each command it
prints the median and p99 handler time beside a baseline measured in the same run: the bare
Store call the command is built on, so the ratio is the cost of the core itself. Then inline
queries (``Core.handle_inline``): distinct two-word queries once each, then the same again
(answered from the core's 30-second cache), beside the bare 10-result search.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from bot.config import load_settings
from bot.core.app import Core
from bot.core.commandline import split_command
from bot.core.types import Chat, Request

WORD_LIST = (
    "government market energy gas pipeline oil bank inflation rates election minister court "
    "police storm port ship trade tariff chip factory software startup vaccine hospital river "
    "drought harvest grain price workers strike union talks summit border treaty army missile "
    "satellite launch science university students climate emissions solar wind coal city"
)
WORDS = tuple(WORD_LIST.split())
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "de", "po", "an", "el")
# A news-like vocabulary: a few frequent words and a long tail, drawn with Zipf weights.
VOCABULARY = WORDS + tuple(a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES)
CUMULATIVE = tuple(accumulate(1.0 / rank for rank in range(1, len(VOCABULARY) + 1)))
TOPICS = ("energy", "world-economy", "technology", "climate", "security", "health")
MIX = (("latest", 0.4), ("summary", 0.4), ("search", 0.2))
TARGET_MS = 20.0


def _words(rng: random.Random, count: int) -> list[str]:
    return rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=count)


def _sentence(rng: random.Random, words: int = 14) -> str:
    picked = _words(rng, words)
    return " ".join(picked).capitalize() + "."


def build_articles(store: Any, count: int, rng: random.Random, batch: int = 2000) -> float:
    """Store ``count`` articles with summaries and topics; returns the seconds it took."""
    from storage.views import ArticleDraft

    start = time.perf_counter()
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for first in range(0, count, batch):
        drafts = []
        for index in range(first, min(first + batch, count)):
            sentences = tuple(_sentence(rng) for _ in range(3))
            body = " ".join(sentences + tuple(_sentence(rng) for _ in range(5)))
            drafts.append(
                ArticleDraft(
                    title=f"{_sentence(rng, 7)[:-1]} #{index}",
                    body=f"{body} Serial {index}.",
                    url=f"https://news.example.com/{index}",
                    source="Bench Wire",
                    published_at=base + timedelta(minutes=index),
                    summary=sentences,
                    summary_algorithm="bench",
                    topic_slugs=(TOPICS[index % len(TOPICS)],),
                )
            )
        store.add_articles(drafts)
    return time.perf_counter() - start


def _request(user_id: int, text: str) -> Request:
    command, args, addressed, _ = split_command(text)
    return Request(
        chat=Chat(user_id, "private", "", f"user{user_id}"),
        user_id=user_id,
        user_name=f"user{user_id}",
        command=command,
        args=args,
        text=text,
        addressed=addressed,
    )


def _command_text(kind: str, rng: random.Random, max_id: int) -> str:
    if kind == "latest":
        return rng.choice(["/latest", "/latest 10", f"/latest {rng.choice(TOPICS)}", "/latest 3"])
    if kind == "summary":
        return f"/summary {rng.randint(1, max_id)}"
    return "/search " + " ".join(_words(rng, 2))


def _pick(rng: random.Random) -> str:
    roll = rng.random()
    for kind, share in MIX:
        if roll < share:
            return kind
        roll -= share
    return MIX[-1][0]


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _time_calls(fn: Callable[[], Any], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def baselines(store: Any, rng: random.Random, count: int, max_id: int) -> dict[str, list[float]]:
    """The bare Store calls behind each command, timed the same way."""
    return {
        "latest": _time_calls(lambda: store.latest_articles(5), count),
        "summary": _time_calls(lambda: store.get_article(rng.randint(1, max_id)), count),
        "search": _time_calls(
            lambda: store.search_articles(" ".join(_words(rng, 2)), 5), max(1, count // 4)
        ),
        "inline": _time_calls(
            lambda: store.search_articles(" ".join(_words(rng, 2)), 10), max(1, count // 4)
        ),
    }


async def drive(core: Core, rng: random.Random, users: int, per_user: int, max_id: int) -> dict:
    """Every user sends ``per_user`` commands (users interleaved); handler times by command."""
    times: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
    first_contact: list[float] = []
    order = [user for _ in range(per_user) for user in range(1, users + 1)]
    rng.shuffle(order)
    seen: set[int] = set()
    for user in order:
        kind = _pick(rng)
        request = _request(user, _command_text(kind, rng, max_id))
        start = time.perf_counter()
        reply = await core.handle(request)
        elapsed = (time.perf_counter() - start) * 1000
        if not reply.messages:
            raise RuntimeError(f"no answer to {request.text}")
        (times[kind] if user in seen else first_contact).append(elapsed)
        seen.add(user)
    times["first contact (any)"] = first_contact
    return times


async def drive_inline(core: Core, rng: random.Random, queries: int) -> dict[str, list[float]]:
    """Inline queries: each new query, then at once the same again (the core's cache)."""
    texts = list(dict.fromkeys(" ".join(_words(rng, 2)) for _ in range(queries)))
    times: dict[str, list[float]] = {"inline (new query)": [], "inline (same again)": []}
    for user, text in enumerate(texts, start=1):
        request = Request(chat=Chat(user, "private"), user_id=user, args=text, text=text)
        for label in times:
            start = time.perf_counter()
            await core.handle_inline(request)
            times[label].append((time.perf_counter() - start) * 1000)
    return times


def _row(name: str, ours: list[float], base: list[float] | None) -> str:
    median, p99 = statistics.median(ours), _percentile(ours, 0.99)
    if base:
        base_median = statistics.median(base)
        ratio = f"{median / base_median:6.1f}x" if base_median else "   n/a"
        baseline = f"{base_median:8.2f}"
    else:
        baseline, ratio = "       -", "      -"
    target = ""
    if name in {"latest", "summary"}:
        target = "ok" if p99 < TARGET_MS else f"over {TARGET_MS:.0f} ms"
    return f"{name:<20}{len(ours):>7}{median:>10.2f}{p99:>10.2f}{baseline:>12}{ratio:>9}  {target}"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options of the benchmark."""
    parser = argparse.ArgumentParser(prog="newsbot bench chat", description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--per-user", type=int, default=5, help="commands each user sends")
    parser.add_argument("--baseline-calls", type=int, default=2_000)
    parser.add_argument("--inline-queries", type=int, default=500, help="distinct inline queries")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table; returns 0."""
    args = parse_args(argv)
    from storage import open_store

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        store = open_store(url)
        try:
            existing = store.count_articles()
            if existing < args.articles:
                print(f"storing {args.articles - existing} articles ...", flush=True)
                seconds = build_articles(store, args.articles - existing, rng)
                print(f"stored in {seconds:.1f} s", flush=True)
            max_id = store.count_articles()
            settings = load_settings({"DATABASE_URL": url}, env_file=None)
            core = Core(store, settings)
            base = baselines(store, rng, args.baseline_calls, max_id)
            times = asyncio.run(drive(core, rng, args.users, args.per_user, max_id))
            times.update(asyncio.run(drive_inline(core, rng, args.inline_queries)))
            base_after = baselines(store, rng, args.baseline_calls, max_id)
        finally:
            store.close()
    print(
        f"\n{store.dialect}: {max_id} articles, {args.users} users, "
        f"{sum(len(v) for v in times.values())} commands; times in ms"
    )
    print(f"{'command':<20}{'n':>7}{'median':>10}{'p99':>10}{'store only':>12}{'ratio':>9}")
    for name, samples in times.items():
        if not samples:
            continue
        kind = "inline" if name.startswith("inline") else name  # a 10-result search
        baseline = (base.get(kind, []) + base_after.get(kind, [])) or None
        print(_row(name, samples, baseline))
    print(f"\ntarget: p99 < {TARGET_MS:.0f} ms for /latest and /summary of a stored article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
