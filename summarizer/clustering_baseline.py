"""The grouping build_digest used before story clustering, kept as the benchmark's baseline.

Leader clustering: an article joins the group whose first article's headline + summary it
most resembles by plain term-count cosine, at 0.35 or more. No IDF, names, figures or time.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from summarizer import languages
from summarizer.stemmers import stemmer_for
from summarizer.stopwords import stop_words

if TYPE_CHECKING:
    from summarizer.digest import DigestArticle

_BASELINE_SAME_STORY = 0.35
_BASELINE_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_BASELINE_FALLBACK_CHARS = 1500


def baseline_clusters(articles: Sequence[DigestArticle]) -> list[tuple[int, ...]]:
    """The previous leader clustering (term-count cosine >= 0.35 against a group's first)."""
    unique = unique_articles(articles)
    profiles = [
        baseline_terms(f"{a.title} {' '.join(_baseline_sentences(a))}") for a in unique
    ]
    groups: list[list[int]] = []
    for index, profile in enumerate(profiles):
        best, best_similarity = None, _BASELINE_SAME_STORY
        for group in groups:
            similarity = baseline_cosine(profile, profiles[group[0]])
            if similarity >= best_similarity:
                best, best_similarity = group, similarity
        if best is None:
            groups.append([index])
        else:
            best.append(index)
    return [tuple(unique[i].id for i in group) for group in groups]


def _baseline_sentences(article: DigestArticle) -> tuple[str, ...]:
    summary = tuple(s.strip() for s in article.summary if s and s.strip())
    if summary or not article.text.strip():
        return summary
    head = article.text.strip()[:_BASELINE_FALLBACK_CHARS]
    parts = re.split(r"(?<=[.!?。！？])\s+", head)
    return tuple(p.strip() for p in parts[:3] if p.strip())


def baseline_terms(text: str) -> Counter[str]:
    """Stemmed term counts of ``text`` (the frozen baseline's profile; also the old composer's)."""
    lang = languages.detect(text) if text.strip() else languages.neutral()
    stem = stemmer_for(lang.name)
    ignored = stop_words(lang.name) if lang.name else frozenset()
    words = (w.lower() for w in _BASELINE_WORD.findall(text))
    return Counter(stem(w) for w in words if w not in ignored and len(w) > 1)


def baseline_cosine(a: Counter[str], b: Counter[str]) -> float:
    """Cosine of two term-count profiles."""
    if not a or not b:
        return 0.0
    dot = sum(v * b[t] for t, v in a.items() if t in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def unique_articles(articles: Sequence[DigestArticle]) -> list[DigestArticle]:
    """The articles with repeated ids dropped (the first one kept), in input order."""
    seen: set[int] = set()
    unique = []
    for article in articles:
        if article.id not in seen:
            seen.add(article.id)
            unique.append(article)
    return unique
