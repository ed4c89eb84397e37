"""Choosing sentences from a ranking: a count, a character budget and no near-repeats.

sumy's summarizers accept a callable as the sentence count; it gets the sentences sorted by
rating (best first) and returns the ones to keep. Selection passes that callable to every
algorithm, so the budget applies alike to all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_REPEAT_OVERLAP = 0.7


@dataclass(slots=True)
class Selection:
    """Keep up to `count` best-rated sentences within `max_chars`, skipping near-repeats."""

    count: int
    max_chars: int | None = None

    def __call__(self, infos: Sequence[Any]) -> list[Any]:
        """Pick from SentenceInfo tuples sorted best first (sumy's count protocol)."""
        chosen: list[Any] = []
        chosen_words: list[frozenset[str]] = []
        used = 0
        for info in infos:
            if len(chosen) >= self.count:
                break
            text = str(info.sentence)
            words = frozenset(word.lower() for word in info.sentence.words)
            if any(_overlap(words, other) > _REPEAT_OVERLAP for other in chosen_words):
                continue
            cost = len(text) + (1 if chosen else 0)
            if self.max_chars is not None and chosen and used + cost > self.max_chars:
                continue
            if self.max_chars is not None and not chosen and cost > self.max_chars:
                continue
            chosen.append(info)
            chosen_words.append(words)
            used += cost
        if not chosen and infos:
            chosen.append(infos[0])
        return chosen


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
