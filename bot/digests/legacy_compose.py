"""The digest composer as it was before story-by-story digests, kept as a benchmark baseline.

Frozen on purpose (do not improve it): leader grouping by plain term-count cosine
(``summarizer.clustering.baseline_clusters``), the sentences nearest each group's term
centroid from any of its articles, "Also: ..." lines, the 50 newest articles only. Used by
``newsbot bench digest-compose`` to measure the current composer against it in the same run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.core.types import Message, Span, Text, bold, italic, link, plain
from bot.digests.layout import split_items
from summarizer.clustering import baseline_clusters
from summarizer.clustering_baseline import baseline_cosine, baseline_terms
from summarizer.digest import DigestArticle

FETCH_LIMIT = 50
SAME_SENTENCE = 0.6
_ITEM_LIMIT = 1500


def _sentences(group: list[DigestArticle], wanted: int) -> list[tuple[int, str]]:
    candidates = [
        (index, order, sentence, baseline_terms(sentence))
        for index, article in enumerate(group)
        for order, sentence in enumerate(s for s in article.summary if s.strip())
    ]
    centroid: Counter[str] = Counter()
    for *_, terms in candidates:
        centroid.update(terms)

    def rank(candidate: tuple[int, int, str, Counter[str]]) -> tuple[float, int, int]:
        index, order, _, terms = candidate
        return (-(baseline_cosine(terms, centroid) + 0.15 / (1 + order)), index, order)

    ranked = sorted(candidates, key=rank)
    chosen: list[tuple[int, int, str, Counter[str]]] = []
    for candidate in ranked:
        if len(chosen) >= wanted:
            break
        if any(baseline_cosine(candidate[3], other[3]) >= SAME_SENTENCE for other in chosen):
            continue
        chosen.append(candidate)
    chosen.sort(key=lambda c: (c[0], c[1]))
    return [(group[c[0]].id, c[2]) for c in chosen]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _item(group: list[DigestArticle], wanted: int) -> Text:
    lead = group[0]
    title = _clip(lead.title or "Untitled", 300)
    spans: list[Span | str | Text] = [link(title, lead.url) if lead.url else bold(title)]
    if lead.source:
        spans.append(plain(f" — {_clip(lead.source, 80)}"))
    spans.append(plain(f" · #{lead.id}"))
    sentences = [text for _, text in _sentences(group, wanted)]
    if sentences:
        spans.append(plain("\n" + _clip(" ".join(sentences), _ITEM_LIMIT)))
    others = group[1:]
    if others:
        spans.append(italic("\nAlso: "))
        for index, other in enumerate(others[:3]):
            label = _clip(other.source or f"#{other.id}", 60)
            spans.append(link(label, other.url) if other.url else plain(label))
            spans.append(plain(", " if index < min(len(others), 3) - 1 else ""))
        if len(others) > 3:
            spans.append(plain(f" and {len(others) - 3} more"))
    return Text.of(*spans)


def legacy_messages(
    topic_name: str,
    slug: str,
    articles: Sequence[DigestArticle],
    *,
    max_items: int = 10,
    fetch_limit: int | None = FETCH_LIMIT,
) -> tuple[Message, ...]:
    """The old digest of ``articles`` (newest first); it grouped the 50 newest only.

    ``fetch_limit=None`` groups them all, as the issue's measurement (1.9 s for 1,000) did.
    """
    window = list(articles if fetch_limit is None else articles[:fetch_limit])
    by_id = {article.id: article for article in window}
    groups = [[by_id[i] for i in ids] for ids in baseline_clusters(window)]
    groups.sort(key=lambda members: -len(members))
    total = len(articles)
    header = Text.of(bold(f"📰 {topic_name}"), f" — {total} new articles")
    items = [header] + [_item(group, 3) for group in groups[:max_items]]
    more = max(0, len(groups) - max_items) + max(0, total - len(window))
    if more:
        items.append(Text.of(italic(f"…and {more} more: "), f"/latest {slug}"))
    return tuple(Message(items=part) for part in split_items(items))
