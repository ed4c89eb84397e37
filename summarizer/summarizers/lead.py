"""LEAD: the first sentences of the article, the classic news baseline."""

from __future__ import annotations

from typing import Any

from sumy.summarizers._summarizer import AbstractSummarizer


class LeadSummarizer(AbstractSummarizer):
    """Rates sentences by position only: the earlier, the better."""

    def __call__(self, document: Any, sentences_count: Any) -> tuple[Any, ...]:
        """Return the first sentences (subject to the count or selection callable)."""
        sentences = document.sentences
        ratings = {sentence: -order for order, sentence in enumerate(sentences)}
        return self._get_best_sentences(sentences, sentences_count, ratings)
