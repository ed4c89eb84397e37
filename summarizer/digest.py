"""Multi-document digests: group near-duplicate articles and pick their most central sentences.

Works from the stored summaries only (cheap: no article is summarized again). Two articles are
the same story when their headline and summary words overlap strongly; within a group the
sentences closest to the group's term centroid are kept, each labelled with its article.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from summarizer import languages
from summarizer.clustering import cluster_stories
from summarizer.stemmers import stemmer_for
from summarizer.stopwords import stop_words

SAME_STORY = 0.35
SAME_SENTENCE = 0.6
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_FALLBACK_CHARS = 1500


@dataclass(frozen=True, slots=True)
class DigestArticle:
    """An article as the digest sees it: id, title and its stored summary sentences.

    The optional fields help tell stories apart: the body, where it came from, when it was
    published and its language ("" when unknown).
    """

    id: int
    title: str
    summary: tuple[str, ...]
    text: str = ""
    source: str = ""
    url: str | None = None
    published_at: datetime | None = None
    language: str = ""


@dataclass(frozen=True, slots=True)
class DigestSentence:
    """One digest sentence and the article it came from."""

    text: str
    article_id: int


@dataclass(frozen=True, slots=True)
class DigestGroup:
    """One story: its articles (the lead shown first) and the chosen sentences."""

    article_ids: tuple[int, ...]
    lead: DigestArticle
    sentences: tuple[DigestSentence, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """Story groups, most covered first; `omitted` counts groups beyond max_items."""

    groups: tuple[DigestGroup, ...]
    omitted: int


def build_digest(
    articles: Sequence[DigestArticle], *, max_items: int = 10, sentences_per_item: int = 3
) -> Digest:
    """Group near-duplicate articles and pick each group's most central summary sentences."""
    unique = _dedupe_ids(articles)
    position = {article.id: index for index, article in enumerate(unique)}
    groups = [[position[i] for i in story] for story in cluster_stories(unique)]
    groups.sort(key=lambda members: (-len(members), members[0]))
    shown = groups[: max(0, max_items)]
    built = tuple(
        _build_group([unique[i] for i in members], max(1, sentences_per_item)) for members in shown
    )
    return Digest(groups=built, omitted=len(groups) - len(shown))


def _dedupe_ids(articles: Sequence[DigestArticle]) -> list[DigestArticle]:
    seen: set[int] = set()
    unique = []
    for article in articles:
        if article.id not in seen:
            seen.add(article.id)
            unique.append(article)
    return unique


def _sentences_of(article: DigestArticle) -> tuple[str, ...]:
    summary = tuple(s.strip() for s in article.summary if s and s.strip())
    if summary or not article.text.strip():
        return summary
    head = article.text.strip()[:_FALLBACK_CHARS]
    parts = re.split(r"(?<=[.!?。！？])\s+", head)
    return tuple(p.strip() for p in parts[:3] if p.strip())


def _terms(text: str) -> Counter[str]:
    lang = languages.detect(text) if text.strip() else languages.neutral()
    stem = stemmer_for(lang.name)
    ignored = stop_words(lang.name) if lang.name else frozenset()
    words = (w.lower() for w in _WORD.findall(text))
    return Counter(stem(w) for w in words if w not in ignored and len(w) > 1)


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b[t] for t, v in a.items() if t in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _group_indices(profiles: list[Counter[str]]) -> list[list[int]]:
    """Leader clustering: an article joins the group whose first article it most resembles.

    Comparing with the group's first article (not with any member) avoids chains of
    loosely related stories merging into one big group.
    """
    groups: list[list[int]] = []
    for index, profile in enumerate(profiles):
        best, best_similarity = None, SAME_STORY
        for group in groups:
            similarity = _cosine(profile, profiles[group[0]])
            if similarity >= best_similarity:
                best, best_similarity = group, similarity
        if best is None:
            groups.append([index])
        else:
            best.append(index)
    return groups


def _build_group(group: list[DigestArticle], wanted: int) -> DigestGroup:
    candidates = [
        (article_index, order, sentence, _terms(sentence))
        for article_index, article in enumerate(group)
        for order, sentence in enumerate(_sentences_of(article))
    ]
    centroid: Counter[str] = Counter()
    for *_, terms in candidates:
        centroid.update(terms)
    ranked = sorted(
        candidates, key=lambda c: (-(_cosine(c[3], centroid) + 0.15 / (1 + c[1])), c[0], c[1])
    )
    chosen: list[tuple[int, int, str, Counter[str]]] = []
    for candidate in ranked:
        if len(chosen) >= wanted:
            break
        if any(_cosine(candidate[3], other[3]) >= SAME_SENTENCE for other in chosen):
            continue
        chosen.append(candidate)
    chosen.sort(key=lambda c: (c[0], c[1]))
    sentences = tuple(DigestSentence(text=c[2], article_id=group[c[0]].id) for c in chosen)
    if not sentences and group[0].title.strip():
        sentences = (DigestSentence(text=group[0].title.strip(), article_id=group[0].id),)
    return DigestGroup(article_ids=tuple(a.id for a in group), lead=group[0], sentences=sentences)
