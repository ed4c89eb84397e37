"""Digest grouping benchmark (``newsbot bench digest-quality --data DIR``).

Prints, for the previous grouping (baseline) and story clustering side by side, measured in
one run on the same windows: pairwise precision, recall and F1 of same-story grouping, the
share of articles wrongly merged (grouped with an article of another story) and the clustering
time (story clustering: cold, with empty caches, and warm). The windows are described in
bench_digest_data.py. With ``--cv K`` it also checks the decision threshold by K-fold
cross-validation: the threshold is chosen on K-1 folds of the stories and scored on the rest.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from summarizer.api import summarize
from summarizer.bench_digest_data import Window, bbc_categories, english_pairs, russian_pairs
from summarizer.clustering import (
    DEFAULT_SETTINGS,
    Settings,
    baseline_clusters,
    clear_caches,
    cluster_stories,
)
from summarizer.digest import DigestArticle

Clusterer = Callable[[Sequence[DigestArticle]], list[tuple[int, ...]]]
TARGETS = {"en": (0.95, 0.75), "ru": (0.95, 0.40)}
MAX_WRONG = 0.02


@dataclass(frozen=True, slots=True)
class Quality:
    """Pairwise grouping quality of one clustering of one window."""

    precision: float
    recall: float
    f1: float
    wrong: float  # share of articles grouped with at least one article of another story
    predicted: int
    true: int


def score(window: Window, groups: Sequence[tuple[int, ...]]) -> Quality:
    """Pairwise precision/recall/F1 and the wrongly merged share, rewrite pairs left out."""
    story = window.story
    true_pairs = 0
    by_story: dict[str, int] = {}
    for label in story.values():
        by_story[label] = by_story.get(label, 0) + 1
    ignored_true = sum(1 for a, b in window.ignored if story[a] == story[b])
    true_pairs = sum(n * (n - 1) // 2 for n in by_story.values()) - ignored_true
    predicted = correct = 0
    wrong: set[int] = set()
    for group in groups:
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                pair = (first, second) if first < second else (second, first)
                if pair in window.ignored:
                    continue
                predicted += 1
                if story[first] == story[second]:
                    correct += 1
                else:
                    wrong.update(pair)
    precision = correct / predicted if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Quality(precision, recall, f1, len(wrong) / max(1, len(story)), predicted, true_pairs)


def timed(clusterer: Clusterer, articles: Sequence[DigestArticle], runs: int) -> tuple[
    list[tuple[int, ...]], float
]:
    """The clustering and its median time in milliseconds over `runs` calls."""
    samples = []
    groups: list[tuple[int, ...]] = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        groups = clusterer(articles)
        samples.append((time.perf_counter() - start) * 1000)
    return groups, statistics.median(samples)


def _stored_summary(title: str, body: str, language: str) -> tuple[str, ...]:
    try:
        return summarize(body, title=title or None, language=language).sentences
    except Exception:
        return ()


def build_windows(data: Path, split: str) -> list[Window]:
    """Every benchmark window: (a) English, (a) Russian and (b) per BBC category."""
    windows = []
    if (data / "cnndm").is_dir() and (data / "bbc_news_summary").is_dir():
        windows.append(english_pairs(data, _stored_summary, split))
    if (data / "ru_rbc").is_dir():
        windows.append(russian_pairs(data, _stored_summary))
    if (data / "bbc_news_summary").is_dir():
        windows.extend(bbc_categories(data, _stored_summary, split))
    return windows


def _ours(settings: Settings) -> Clusterer:
    return partial(cluster_stories, settings=settings)


def without_text(windows: list[Window]) -> list[Window]:
    """The windows as a digest sees them when it is given stored summaries only."""
    bare = []
    for window in windows:
        copy = Window(window.name, ignored=window.ignored)
        for article in window.articles:
            copy.add(replace(article, text=""), window.story[article.id], window.unit[article.id])
        bare.append(copy)
    return bare


def _verdict(window: Window, quality: Quality) -> str:
    if window.name.startswith("(b)"):
        return "ok" if quality.wrong <= MAX_WRONG else f"over {MAX_WRONG:.0%} wrong"
    language = "ru" if " ru:" in window.name else "en"
    precision, recall = TARGETS[language]
    met = quality.precision >= precision and quality.recall >= recall
    return "ok" if met else f"target P>={precision} R>={recall}"


def report(windows: list[Window], settings: Settings, runs: int) -> None:
    """The side-by-side table of baseline and story clustering."""
    header = (f"{'window':<44}{'n':>5}  {'method':<9}{'P':>6}{'R':>6}{'F1':>6}{'wrong':>7}"
              f"{'ms':>9}{'cold ms':>9}  target")
    print(header)
    for window in windows:
        base_groups, base_ms = timed(baseline_clusters, window.articles, 1)
        clear_caches()
        _, cold_ms = timed(_ours(settings), window.articles, 1)
        groups, warm_ms = timed(_ours(settings), window.articles, runs)
        for method, grouping, ms, cold in (
            ("baseline", base_groups, base_ms, None), ("stories", groups, warm_ms, cold_ms)
        ):
            quality = score(window, grouping)
            cold_text = f"{cold:9.1f}" if cold is not None else f"{'':>9}"
            print(f"{window.name if method == 'baseline' else '':<44}"
                  f"{len(window.articles) if method == 'baseline' else '':>5}  {method:<9}"
                  f"{quality.precision:6.3f}{quality.recall:6.3f}{quality.f1:6.3f}"
                  f"{quality.wrong:7.1%}{ms:9.1f}{cold_text}  "
                  f"{_verdict(window, quality) if method == 'stories' else ''}")


def speed(windows: list[Window], settings: Settings, runs: int, size: int = 1000) -> None:
    """Clustering time of one window of `size` articles taken from all windows, both methods."""
    articles: list[DigestArticle] = []
    for window in windows:
        for article in window.articles:
            articles.append(replace(article, id=len(articles) + 1))
    articles = articles[:size]
    _, base_ms = timed(baseline_clusters, articles, 1)
    clear_caches()
    _, cold_ms = timed(_ours(settings), articles, 1)
    _, warm_ms = timed(_ours(settings), articles, runs)
    cpu = []
    for _ in range(max(1, runs)):
        start = time.process_time()
        cluster_stories(articles, settings)
        cpu.append((time.process_time() - start) * 1000)
    print(f"\nspeed, one window of {len(articles)} articles: baseline {base_ms:.0f} ms; "
          f"story clustering {warm_ms:.0f} ms warm (median of {runs}; CPU time "
          f"{statistics.median(cpu):.0f} ms), {cold_ms:.0f} ms cold (profiles not cached); "
          f"baseline/warm = {base_ms / max(warm_ms, 1e-9):.0f}x")


def _objective(windows: list[Window], settings: Settings) -> tuple[bool, float]:
    """Whether every target is met, then the mean recall of the (a) windows."""
    met = True
    recalls = []
    for window in windows:
        quality = score(window, cluster_stories(window.articles, settings))
        met = met and _verdict(window, quality) == "ok"
        if window.name.startswith("(a)"):
            recalls.append(quality.recall)
    return met, statistics.fmean(recalls) if recalls else 0.0


def cross_validate(
    windows: list[Window], folds: int, grid: Sequence[float], seed: int, field: str = "same_story"
) -> None:
    """K-fold check of a threshold (`field` of Settings): chosen on K-1 folds, scored on one."""
    rng = random.Random(seed)
    assignment: list[dict[str, int]] = []
    for window in windows:
        units = sorted(set(window.unit.values()))
        rng.shuffle(units)
        assignment.append({unit: i % folds for i, unit in enumerate(units)})
    print(f"\n{folds}-fold cross-validation of {field} (grid {min(grid)}..{max(grid)}); "
          f"each fold's windows are 1/{folds} of the full ones, so they hold fewer look-alikes")
    for fold in range(folds):
        train = [w.subset({u for u, f in a.items() if f != fold})
                 for w, a in zip(windows, assignment, strict=True)]
        test = [w.subset({u for u, f in a.items() if f == fold})
                for w, a in zip(windows, assignment, strict=True)]
        ranked = sorted(
            grid, key=lambda t: _objective(train, replace(DEFAULT_SETTINGS, **{field: t})),
            reverse=True,
        )
        chosen = replace(DEFAULT_SETTINGS, **{field: ranked[0]})
        parts = []
        for window in test:
            quality = score(window, cluster_stories(window.articles, chosen))
            parts.append(f"{window.name.split(':')[0]} P{quality.precision:.2f} "
                         f"R{quality.recall:.2f} W{quality.wrong:.1%}")
        print(f"fold {fold + 1}: threshold {ranked[0]:.2f} | " + "; ".join(parts))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options of the benchmark."""
    parser = argparse.ArgumentParser(prog="newsbot bench digest-quality", description=__doc__)
    parser.add_argument("--data", type=Path, required=True,
                        help="folder with bbc_news_summary/, cnndm/ and ru_rbc/")
    parser.add_argument("--split", default="dev", help="manifest split to use (default dev)")
    parser.add_argument("--runs", type=int, default=5, help="warm calls to time (median)")
    parser.add_argument("--threshold", type=float, default=None, help="same-story threshold")
    parser.add_argument("--summaries-only", action="store_true",
                        help="give the clusterers headlines and stored summaries, no text")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold check (K>=2)")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the windows, print the table (and the cross-validation); 0, or 2 on bad data."""
    args = parse_args(argv)
    if not args.data.is_dir():
        print(f"No data folder at {args.data}", file=sys.stderr)
        return 2
    settings = DEFAULT_SETTINGS
    field = "same_story_summaries" if args.summaries_only else "same_story"
    if args.threshold is not None:
        settings = replace(settings, **{field: args.threshold})
    start = time.perf_counter()
    windows = build_windows(args.data, args.split)
    if not windows:
        print(f"No benchmark data under {args.data}", file=sys.stderr)
        return 2
    if args.summaries_only:
        windows = without_text(windows)
    print(f"built {len(windows)} windows (stored summaries made) in "
          f"{time.perf_counter() - start:.1f} s\n")
    report(windows, settings, args.runs)
    speed(windows, settings, args.runs)
    if args.cv >= 2:
        grid = [round(0.40 + 0.05 * i, 2) for i in range(8)]
        cross_validate(windows, args.cv, grid, args.seed, field)
    return 0


if __name__ == "__main__":
    sys.exit(main())
