"""Synthetic articles for the digest benchmarks: a topic with distinct, pronounceable news.

Words are made of syllables from a number, so every article and sentence differs (the
digest's story grouping sees no false duplicates) and a ``salt`` keeps two topics apart.
"""

from __future__ import annotations

import time

from storage.store import Store
from storage.views import ArticleDraft, TopicView

_SYLLABLES = ("ka", "lo", "mi", "nu", "pe", "ri", "so", "tu", "va", "ze")


def _word(number: int) -> str:
    return "".join(_SYLLABLES[int(digit)] for digit in f"{number % 10**7:07d}")


def bench_articles(slug: str, count: int, salt: int) -> list[ArticleDraft]:
    """``count`` articles tagged ``slug``, each with a summary of three sentences."""

    def words(index: int, n: int) -> str:
        base = salt * 100_000 + index * 997 + n * 61
        return " ".join(_word(base + k) for k in range(8))

    return [
        ArticleDraft(
            title=f"{words(index, 0).capitalize()} ({index})",
            body=" ".join(f"{words(index, n).capitalize()}." for n in range(12)),
            url=f"https://bench.example/{slug}/{index}",
            source=f"Wire {index % 7}",
            summary=tuple(f"{words(index, n + 1).capitalize()}." for n in range(3)),
            summary_algorithm="lsa",
            topic_slugs=(slug,),
        )
        for index in range(count)
    ]


def seed_topic(store: Store, slug: str, articles: int, salt: int) -> TopicView:
    """A topic ``slug`` with ``articles`` fresh articles (added just now)."""
    topic = store.upsert_topic(slug, f"Bench {slug}", slug)
    store.add_articles(bench_articles(slug, articles, salt % 10_000))
    time.sleep(0.01)  # windows end at the due instant, after the articles were added
    return topic
