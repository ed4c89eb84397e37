"""The ingestion benchmark's text: synthetic news articles of about 300 words.

Filler words with topic words mixed in, so the summarizer has sentences to rank and the
default topics' rules match some articles; deterministic for a seed, and unique by index
(the import stores every one). Used for the bulk import (ingest/bench.py) and for the local
feeds' entries and pages (ingest/bench_feed_server.py).
"""

from __future__ import annotations

import json
import random

TOPIC_WORDS = [
    "China", "Beijing", "Chinese", "Xi", "Russia", "Moscow", "Russian", "Putin", "Kremlin",
    "economy", "inflation", "trade", "tariff", "growth", "technology", "software", "chip",
    "semiconductor", "startup", "energy", "oil", "gas", "pipeline", "electricity", "solar",
    "climate", "emissions", "carbon", "military", "NATO", "missile", "health", "vaccine",
    "hospital",
]  # fmt: skip
FILLER_WORDS = [
    "the", "a", "of", "and", "to", "in", "that", "officials", "said", "on", "for", "with", "as",
    "was", "is", "by", "at", "from", "will", "after", "report", "week", "year", "government",
    "people", "city", "new", "plan", "talks", "minister", "meeting", "support", "deal",
    "market", "analysts", "country", "region", "program", "data", "project", "agreement",
    "summit", "statement", "local", "national", "company", "companies", "price", "prices",
    "share", "record", "higher", "lower", "expected", "sources",
]  # fmt: skip


def sentence(rng: random.Random) -> str:
    """10-22 filler words with up to three topic words: news-like enough for the summarizer."""
    words = [rng.choice(FILLER_WORDS) for _ in range(rng.randint(10, 22))]
    for _ in range(rng.randint(0, 3)):
        words[rng.randrange(len(words))] = rng.choice(TOPIC_WORDS)
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def generate_article(index: int, rng: random.Random) -> dict[str, str]:
    """One synthetic article of roughly 300 words, unique by its index."""
    sentences = [sentence(rng) for _ in range(rng.randint(12, 22))]
    sentences[0] = f"Report {index}: " + sentences[0]
    title = " ".join(rng.choice(TOPIC_WORDS + FILLER_WORDS) for _ in range(7)).capitalize()
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return {
        "title": f"{title} ({index})",
        "body": "\n\n".join(paragraphs),
        "url": f"https://bench.example/news/{index}?utm_source=bench",
        "source": "Bench Wire",
        "published_at": f"2026-01-{index % 28 + 1:02d}T{index % 24:02d}:00:00Z",
    }


def generate_jsonl(count: int, seed: int = 7) -> list[str]:
    """``count`` JSON Lines of generated articles."""
    rng = random.Random(seed)
    return [json.dumps(generate_article(n, rng)) for n in range(count)]
