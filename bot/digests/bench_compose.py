"""Benchmark: composing one digest from 10, 100 and 1,000 articles, against the old composer.

The window is built from the development data (``--data DIR``, see /work/shared/eval/data):
the CNN/DailyMail articles each with a second item made of its highlights (the same story in
other words), every BBC article, then RBC articles with their overviews to reach 1,000,
shuffled with a fixed seed; each stored summary is the article's first three sentences (what
matters here is the composer's cost, not the summary). Timed, in one run, on the same
articles: the old composer (term-count leader grouping, centroid sentences, "Also:" lines; run
over all the articles, as the issue measured it) and ours (story clustering, lead-first
stories, the layout and its parts). "Cold" is the first call after clearing the clustering's
per-article caches, "warm" the median of the next calls. Also printed: building the digest of
a 1,000-article window from SQLite (the query included).

    newsbot bench digest-compose --data DIR [--runs 5] [--sizes 10,100,1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.render import render_html
from bot.digests.compose import DigestComposer
from bot.digests.layout import messages_for
from bot.digests.legacy_compose import legacy_messages
from storage import open_store
from storage.views import ArticleDraft, TopicView
from summarizer import DigestArticle, build_digest
from summarizer.bench_digest_data import english_pairs, russian_pairs, split_sentences
from summarizer.clustering import clear_caches

_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _lead3(title: str, body: str, language: str) -> tuple[str, ...]:
    return split_sentences(body)[:3]


def window_articles(data: Path, count: int, seed: int) -> list[DigestArticle]:
    """``count`` articles for one window, newest first, with sources and publication times."""
    english = english_pairs(data, _lead3).articles
    russian = russian_pairs(data, _lead3).articles if len(english) < count else []
    pool = english + russian[: max(0, count - len(english))]
    random.Random(seed).shuffle(pool)
    chosen = pool[:count]
    return [
        DigestArticle(
            id=index + 1,
            title=article.title or (article.summary[0] if article.summary else ""),
            summary=article.summary,
            source=article.source,
            url=f"https://bench.example/{index + 1}",
            published_at=_NOW - timedelta(minutes=index),
            language=article.language,
        )
        for index, article in enumerate(chosen)
    ]


def _median_ms(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def ours(topic: TopicView, articles: Sequence[DigestArticle]) -> int:
    """Compose our digest (grouping, stories, layout, parts) and render it; the part count."""
    digest = build_digest(articles, max_items=10, sentences_per_item=3)
    start = _NOW - timedelta(days=1)
    messages = messages_for(topic, digest, len(articles), len(articles), start, _NOW, "UTC")
    return sum(len(render_html(message)) for message in messages)


def old(topic: TopicView, articles: Sequence[DigestArticle]) -> int:
    """Compose the old digest over all the articles and render it; the part count."""
    messages = legacy_messages(topic.name, topic.slug, articles, fetch_limit=None)
    return sum(len(render_html(message)) for message in messages)


def from_store(articles: Sequence[DigestArticle], runs: int) -> tuple[float, float]:
    """Median ms to build the 1,000-article digest from SQLite: (ours, ours cold)."""
    with tempfile.TemporaryDirectory(prefix="newsbot-compose-bench-") as folder:
        store = open_store(f"sqlite:///{folder}/bench.db")
        try:
            topic = store.upsert_topic("bench", "Bench", "bench")
            store.add_articles(
                [
                    ArticleDraft(
                        title=a.title or "Untitled",
                        body=" ".join(a.summary) or a.title or "-",
                        url=a.url,
                        source=a.source,
                        summary=a.summary,
                        summary_algorithm="lead",
                        published_at=a.published_at,
                        topic_slugs=("bench",),
                    )
                    for a in articles
                ]
            )
            start, end = datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC)
            composer = DigestComposer(store)
            clear_caches()
            started = time.perf_counter()
            composer.build(topic, start, end)
            cold = (time.perf_counter() - started) * 1000
            warm = _median_ms(lambda: composer.build(topic, start, end), runs)
        finally:
            store.close()
    return warm, cold


def main(argv: Sequence[str] | None = None) -> int:
    """Print the composing table; 0, or 2 without the data."""
    parser = argparse.ArgumentParser(prog="newsbot bench digest-compose", description=__doc__)
    parser.add_argument(
        "--data", type=Path, required=True, help="folder with bbc_news_summary/, cnndm/ and ru_rbc/"
    )
    parser.add_argument("--runs", type=int, default=5, help="warm calls to time (median)")
    parser.add_argument("--sizes", default="10,100,1000", help="window sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"No data folder at {args.data}", file=sys.stderr)
        return 2
    sizes = [int(size) for size in args.sizes.split(",") if size.strip().isdigit()]
    topic = TopicView(id=1, slug="bench", name="Bench", rule="bench")
    print(f"composing one digest (median of {args.runs} warm calls; old = previous composer)")
    print(
        f"{'articles':>8} {'old ms':>10} {'ours cold':>10} {'ours warm':>10} {'old/ours':>9}"
        f" {'stories':>8} {'parts':>6}"
    )
    articles: list[DigestArticle] = []
    for size in sizes:
        articles = window_articles(args.data, size, args.seed)
        old_ms = _median_ms(
            lambda a=articles: old(topic, a), max(1, args.runs if size < 1000 else 3)
        )
        clear_caches()
        started = time.perf_counter()
        parts = ours(topic, articles)
        cold_ms = (time.perf_counter() - started) * 1000
        warm_ms = _median_ms(lambda a=articles: ours(topic, a), args.runs)
        stories = build_digest(articles, max_items=0).story_count
        print(
            f"{size:>8} {old_ms:>10.1f} {cold_ms:>10.1f} {warm_ms:>10.1f} "
            f"{old_ms / warm_ms:>8.1f}x {stories:>8} {parts:>6}"
        )
    if articles:
        warm, cold = from_store(articles, args.runs)
        print(
            f"from SQLite, {len(articles)} articles (query + compose): "
            f"{warm:.1f} ms warm, {cold:.1f} ms cold"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
