"""The storage benchmarks' workload and stopwatch: synthetic articles, queries, timings.

Shared by the storage benchmark (storage/bench.py, with its raw-driver baseline in
storage/bench_raw.py) and the search benchmark (storage/bench_search.py, storage/
bench_corpus.py), so every figure is measured on the same kind of text the same way.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from storage import ArticleDraft

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
TOPICS = ("china-russia", "economy", "technology", "energy", "climate", "health", "sport")
_NEWS_TEXT = (
    "china russia putin xi moscow beijing summit trade gas oil pipeline sanctions energy "
    "market inflation bank rates chip semiconductor export climate emissions vaccine "
    "election minister talks border security grain wheat currency yuan rouble growth"
)
NEWS_WORDS = tuple(_NEWS_TEXT.split())
QUERY_PAIRS = [
    ("putin", "summit"),
    ("china", "gas"),
    ("oil", "sanctions"),
    ("chip", "export"),
    ("bank", "rates"),
    ("grain", "border"),
    ("climate", "emissions"),
    ("yuan", "rouble"),
]


@dataclass(frozen=True, slots=True)
class Timing:
    """Median and 99th percentile of one operation, in milliseconds."""

    median_ms: float
    p99_ms: float


def make_drafts(count: int, seed: int = 7) -> list[ArticleDraft]:
    """Deterministic synthetic articles: Zipf-like vocabulary with news words mixed in."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ten", "sar", "vo", "rin", "de", "pul", "ost", "ex", "na"]
    vocabulary = list(
        dict.fromkeys("".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(30_000))
    )
    weights = [1 / (rank + 10) for rank in range(len(vocabulary))]
    cumulative = _cumulative(weights)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    drafts = []
    for n in range(count):
        words = rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(60, 140))
        for _ in range(rng.randint(1, 6)):
            words.insert(rng.randrange(len(words)), rng.choice(NEWS_WORDS))
        title_words = rng.choices(vocabulary, cum_weights=cumulative, k=6)
        title_words.insert(rng.randrange(7), rng.choice(NEWS_WORDS))
        drafts.append(
            ArticleDraft(
                title=" ".join(title_words).capitalize() + f" #{n}",
                body=" ".join(words) + ".",
                url=f"https://news.example.com/{n}/{rng.randrange(10**9)}",
                source="Bench News",
                language="en",
                published_at=start + timedelta(minutes=5 * n + rng.randint(0, 60)),
                added_by="bench",
                topic_slugs=tuple(rng.sample(TOPICS, rng.randint(1, 2))),
            )
        )
    return drafts


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def time_calls(call: Callable[[int], Any], repeats: int) -> Timing:
    """Time ``call(i)`` for i in range(repeats) after a short warm-up."""
    for i in range(min(20, repeats)):
        call(i)
    samples = []
    for i in range(repeats):
        started = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return Timing(
        statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    )
