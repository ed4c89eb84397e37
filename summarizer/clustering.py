"""Story clustering for digests: which articles of a window report the same event.

The same story means the same event reported twice (two outlets, a rewrite, an update), not
the same subject: two central banks' rate decisions or two months of one statistic are
different stories although they share most of their words. So the decision rests on what tells
events apart rather than on plain word overlap:

- terms weighted by IDF over the window, with generic news words ("profit", "rates", "said")
  pushed down by a small background (clustering_profiles.py);
- containment: how much of the smaller article's weighted terms the other one has (a short
  rewrite of a long report is contained in it even when their cosine is low);
- names and figures shared, and calendar months that disagree ("March" against "April");
- headline overlap, publication-time proximity, and never two languages in one story;
- complete linkage: an article joins a story only if it matches every member (up to a few
  representatives), so A~B and B~C do not chain A into C's story.

Candidate pairs come from an inverted index over each article's most distinctive terms, so the
cost grows with the window, not with its square; per-article profiles are cached by content.
`baseline_clusters` keeps the grouping `build_digest` used before, for the benchmark.
"""

from __future__ import annotations

import gc
import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import TYPE_CHECKING

from summarizer.clustering_baseline import baseline_clusters, unique_articles
from summarizer.clustering_profiles import PROFILES, Profile, generic_terms

__all__ = ["DEFAULT_SETTINGS", "Settings", "baseline_clusters", "clear_caches", "cluster_stories"]

if TYPE_CHECKING:  # digest.py imports this module: the type only, no import cycle at run time
    from summarizer.digest import DigestArticle


@dataclass(frozen=True, slots=True)
class Settings:
    """The measured thresholds of the same-story decision (see docs/benchmarks.md)."""

    same_story: float = 0.70  # score at or above which two articles match (one has text)
    same_story_summaries: float = 0.65  # the same when neither has more than its summary
    containment_share: float = 1.0  # weight of containment (the rest: weighted cosine)
    # Added for overlapping headlines. Measured: any bonus here lowered precision (reworded
    # follow-ups share headline words more than two outlets' reports of one event do).
    title_bonus: float = 0.0
    name_bonus: float = 0.1  # added when the shared names carry all names of the smaller
    name_penalty: float = 0.2  # taken off when both name people or bodies and none agree
    figure_penalty: float = 0.2  # taken off when both give exact figures and none agree
    month_penalty: float = 1.0  # taken off when both name calendar months and none agree
    generic_factor: float = 0.25  # weight of a background generic word relative to its IDF
    min_shared: int = 3  # distinct specific (non-generic) terms two matching articles share
    max_hours: float = 96.0  # farther apart than this in time: never the same story
    hours_penalty: float = 0.1  # taken off at max_hours apart, proportionally below it


DEFAULT_SETTINGS = Settings()
_QUERY_TERMS = 12  # each article looks for partners through its most distinctive terms
_INDEXED_TERMS = 48  # and is found through these many of its rarest terms
_PARTNERS = 24  # and scores at most this many of the best-overlapping ones
_REPRESENTATIVES = 8  # complete linkage checks a story's first members, up to this many
_MIN_POSTING_CAP = 40


def cluster_stories(
    articles: Sequence[DigestArticle], settings: Settings = DEFAULT_SETTINGS
) -> list[tuple[int, ...]]:
    """Group article ids by story: every id once, groups ordered by their first article.

    Articles repeated by id count once. Within a group ids keep the input order.
    """
    unique = unique_articles(articles)
    if not unique:
        return []
    with _gc_paused():
        return _cluster(unique, settings)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while clustering.

    The call allocates tens of thousands of small lists and tuples and no reference cycles;
    in a process with a large heap the collections they trigger cost more than the work
    itself (measured: 250 ms -> 100 ms for indexing 1,000 articles).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _cluster(unique: list[DigestArticle], settings: Settings) -> list[tuple[int, ...]]:
    profiles = [
        PROFILES.get(a.title or "", tuple(a.summary or ()), a.text or "", a.language or "")
        for a in unique
    ]
    units, unit_of = _exact_units(profiles)
    heads = [members[0] for members in units]
    window = _Window([profiles[i] for i in heads], [unique[i].published_at for i in heads],
                     settings)
    pairs = window.scored_candidates()
    parent = _link(window, pairs)
    return _collect(unique, units, unit_of, parent)


def _exact_units(profiles: list[Profile]) -> tuple[list[list[int]], list[int]]:
    """Articles with identical, substantial content form one unit before any comparison.

    This keeps a window of many copies of one wire story linear; short contents ("Live
    updates" with no summary) are never merged this way.
    """
    units: list[list[int]] = []
    unit_of: list[int] = []
    by_content: dict[tuple[str, frozenset[str]], int] = {}
    for index, profile in enumerate(profiles):
        key = (profile.language, profile.terms)
        found = by_content.get(key) if len(profile.terms) >= 8 else None
        if found is None:
            found = len(units)
            units.append([])
            if len(profile.terms) >= 8:
                by_content[key] = found
        units[found].append(index)
        unit_of.append(found)
    return units, unit_of


class _Window:
    """The profiles of one window with their IDF weights, and the pairwise score."""

    def __init__(
        self, profiles: list[Profile], times: list[datetime | None], settings: Settings
    ) -> None:
        self.profiles = profiles
        self.times = times
        self.settings = settings
        self.df: Counter[str] = Counter(chain.from_iterable(p.terms for p in profiles))
        count = len(profiles)
        generic: frozenset[str] = frozenset().union(
            *(generic_terms(code) for code in {p.language for p in profiles})
        )
        self.generic = generic
        idf_of = {df: math.log(1.0 + (count + 1.0) / (df + 0.5)) for df in set(self.df.values())}
        self.weights: dict[str, float] = {term: idf_of[df] for term, df in self.df.items()}
        for term in generic.intersection(self.df):
            self.weights[term] *= settings.generic_factor
        # Terms in more than 5% of a large window are this window's common words.
        common_df = max(3, int(0.05 * count))
        self.specific = {t for t, df in self.df.items() if df <= common_df}.difference(generic)
        weight = self.weights.__getitem__
        self.totals = [sum(map(weight, p.terms)) for p in profiles]
        self.title_totals = (
            [sum(map(weight, p.title)) for p in profiles] if settings.title_bonus else []
        )

    def scored_candidates(self) -> dict[tuple[int, int], float]:
        """Scores of the pairs worth comparing, found through the inverted index.

        Each article queries the index with its most distinctive terms (leaving out those in
        too many articles); a pair is scored when two of them or more are shared.
        """
        count = len(self.profiles)
        cap = max(_MIN_POSTING_CAP, int(4 * math.sqrt(count)))
        rarity = self.df.__getitem__
        postings: dict[str, list[int]] = defaultdict(list)
        queries: list[list[str]] = []
        for index, profile in enumerate(self.profiles):
            # The rarest non-generic terms (weight falls as document frequency rises).
            ranked = sorted(profile.content, key=rarity)[:_INDEXED_TERMS]
            usable = [t for t in ranked if rarity(t) <= cap]
            for term in usable:
                postings[term].append(index)
            queries.append(usable[:_QUERY_TERMS])
        scores: dict[tuple[int, int], float] = {}
        languages = [p.language for p in self.profiles]
        for index, query in enumerate(queries):
            overlap = Counter(chain.from_iterable(map(postings.__getitem__, query)))
            del overlap[index]
            for other, shared in overlap.most_common(_PARTNERS):
                if shared < 2:
                    break
                if languages[other] != languages[index]:
                    continue
                pair = (index, other) if index < other else (other, index)
                if pair not in scores:
                    scores[pair] = self.score(*pair)
        return scores

    def score(self, first: int, second: int) -> float:
        """How strongly two articles look like one event: 0 when they cannot be."""
        a, b = self.profiles[first], self.profiles[second]
        if a.language != b.language:
            return 0.0
        settings = self.settings
        shared = a.terms & b.terms
        if len(shared & self.specific) < settings.min_shared:
            return 0.0
        shared_weight = sum(map(self.weights.__getitem__, shared))
        total_a, total_b = self.totals[first], self.totals[second]
        if total_a <= 0 or total_b <= 0:
            return 0.0
        containment = shared_weight / min(total_a, total_b)
        cosine = shared_weight / math.sqrt(total_a * total_b)
        score = settings.containment_share * containment + (
            1.0 - settings.containment_share
        ) * cosine
        if settings.title_bonus:
            score += settings.title_bonus * self._title_overlap(first, second)
        cover = _name_cover(a, b)
        if cover is None:
            score -= settings.name_penalty
        else:
            score += settings.name_bonus * cover
        if a.figures and b.figures and not a.figures & b.figures:
            score -= settings.figure_penalty
        if a.months and b.months and not a.months & b.months:
            score -= settings.month_penalty
        if not (a.has_text or b.has_text):
            # Two summaries overlap less than a summary and a text: a threshold of their own,
            # applied by shifting the score so that linkage compares with one threshold.
            score += settings.same_story - settings.same_story_summaries
        return score - self._time_penalty(first, second)

    def _title_overlap(self, first: int, second: int) -> float:
        a, b = self.profiles[first], self.profiles[second]
        shared = a.title & b.title
        # Short generic headlines ("Live updates") say nothing: three specific words at least.
        if len(shared - self.generic) < 3:
            return 0.0
        smaller = min(self.title_totals[first], self.title_totals[second])
        return sum(map(self.weights.__getitem__, shared)) / smaller if smaller > 0 else 0.0

    def _time_penalty(self, first: int, second: int) -> float:
        a, b = self.times[first], self.times[second]
        if a is None or b is None:
            return 0.0
        try:
            hours = abs((a - b).total_seconds()) / 3600.0
        except TypeError:  # one naive, one aware: treat both as UTC wall times
            hours = abs((a.replace(tzinfo=None) - b.replace(tzinfo=None)).total_seconds()) / 3600
        if hours > self.settings.max_hours:
            return math.inf
        return self.settings.hours_penalty * hours / self.settings.max_hours


def _name_cover(a: Profile, b: Profile) -> float | None:
    """Share of the smaller side's name spans found in the other; None when none agree.

    Spans match when one's words contain the other's ("jet airway" and "jet"), so that
    "Federal Reserve" and "Reserve Bank of Australia" do not.
    """
    if not a.names or not b.names:
        return 0.0
    small, large = (a.names, b.names) if len(a.names) <= len(b.names) else (b.names, a.names)
    matched = sum(1 for words in small if any(words <= other or other <= words for other in large))
    return matched / len(small) if matched else None


def _link(window: _Window, scores: dict[tuple[int, int], float]) -> list[int]:
    """Complete-link agglomeration over the candidate pairs, strongest first."""
    threshold = window.settings.same_story
    count = len(window.profiles)
    parent = list(range(count))
    members: dict[int, list[int]] = {i: [i] for i in range(count)}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def pair_score(x: int, y: int) -> float:
        pair = (x, y) if x < y else (y, x)
        found = scores.get(pair)
        if found is None:
            found = scores[pair] = window.score(*pair)
        return found

    ordered = sorted(
        ((s, pair) for pair, s in scores.items() if s >= threshold), key=lambda p: (-p[0], p[1])
    )
    for _, (x, y) in ordered:
        rx, ry = root(x), root(y)
        if rx == ry:
            continue
        left = members[rx][:_REPRESENTATIVES]
        right = members[ry][:_REPRESENTATIVES]
        if all(pair_score(i, j) >= threshold for i in left for j in right):
            keep, drop = (rx, ry) if rx < ry else (ry, rx)
            parent[drop] = keep
            members[keep].extend(members.pop(drop))
    return [root(i) for i in range(count)]


def _collect(
    unique: list[DigestArticle], units: list[list[int]], unit_of: list[int], parent: list[int]
) -> list[tuple[int, ...]]:
    by_story: dict[int, list[int]] = {}
    for index, article in enumerate(unique):
        story = parent[unit_of[index]]
        by_story.setdefault(story, []).append(article.id)
    return [tuple(ids) for ids in by_story.values()]


def clear_caches() -> None:
    """Forget cached profiles and stems (the benchmark times cold calls)."""
    from summarizer.stemmers import clear_stem_caches

    PROFILES.clear()
    clear_stem_caches()
