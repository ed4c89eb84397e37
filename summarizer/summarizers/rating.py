"""The shared base of the algorithms that rate every sentence at once (NewsRank, learned).

Such a summarizer only implements ``rate(document) -> {sentence: score}``; choosing the best
sentences in document order, and taking the stop words sumy hands over, is common to them.
"""

from __future__ import annotations

from typing import Any

from sumy.summarizers._summarizer import AbstractSummarizer


class RatingSummarizer(AbstractSummarizer):
    """A sumy summarizer that rates all sentences, then keeps the best in document order."""

    _stop_words: frozenset[str] = frozenset()

    @property
    def stop_words(self) -> frozenset[str]:
        """Words left out of the term vectors."""
        return self._stop_words

    @stop_words.setter
    def stop_words(self, words: Any) -> None:
        if not isinstance(words, frozenset):
            words = frozenset(word.lower() for word in words)
        self._stop_words = words

    def __call__(self, document: Any, sentences_count: Any) -> tuple[Any, ...]:
        """Return the best sentences in document order."""
        sentences = document.sentences
        if not sentences:
            return ()
        # Every subclass defines rate(document) -> {sentence: score}.
        return self._get_best_sentences(sentences, sentences_count, self.rate(document))  # type: ignore[attr-defined]
