"""NewsRank: position-aware centrality, the project's default algorithm for news.

News is written as an inverted pyramid, so an early sentence is likely to matter; a sentence
that shares many weighted terms with the whole article (its TF-IDF centroid) and with the
headline is likely to be on topic. NewsRank adds the three signals and damps very short
sentences (captions, fragments, questions-as-teasers). It is linear in the article's length:
no sentence-by-sentence similarity matrix, unlike LexRank and TextRank.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from sumy.summarizers._summarizer import AbstractSummarizer


class NewsRankSummarizer(AbstractSummarizer):
    """Score = position prior + centroid centrality + headline similarity, damped if short."""

    position_weight = 1.0
    position_scale = 2.0
    centrality_weight = 1.0
    title_weight = 0.6
    short_words = 8
    question_penalty = 0.5
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
        return self._get_best_sentences(sentences, sentences_count, self.rate(document))

    def rate(self, document: Any) -> dict[Any, float]:
        """Rating of every sentence of the document."""
        sentences = document.sentences
        words = [sentence.words for sentence in sentences]
        term_sets = [set(self._terms(sentence_words)) for sentence_words in words]
        idf = _idf(term_sets)
        norms = [math.sqrt(sum(idf[t] ** 2 for t in terms)) or 1.0 for terms in term_sets]
        centroid: dict[str, float] = {}
        for terms, norm in zip(term_sets, norms, strict=True):
            for term in terms:
                centroid[term] = centroid.get(term, 0.0) + idf[term] / norm
        centroid_norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
        title_terms: set[str] = set()
        for heading in document.headings[:1]:
            title_terms.update(self._terms(heading.words))
        ratings: dict[Any, float] = {}
        for order, sentence in enumerate(sentences):
            terms, norm = term_sets[order], norms[order]
            centrality = sum(idf[t] * centroid[t] for t in terms) / (norm * centroid_norm)
            title = sum(idf[t] for t in terms & title_terms) / norm
            position = self.position_scale / (self.position_scale + order)
            score = (self.position_weight * position + self.centrality_weight * centrality
                     + self.title_weight * title)
            length = len(words[order])
            if length < self.short_words:
                score *= length / self.short_words
            if str(sentence).rstrip("\"'”’ ").endswith("?"):
                score *= self.question_penalty
            ratings.setdefault(sentence, score)
        return ratings

    def _terms(self, words: Any) -> list[str]:
        cache = _term_cache(self._stemmer, self._stop_words)
        terms = []
        for word in words:
            term = cache.get(word)
            if term is None:
                lowered = word.lower()
                term = "" if lowered in self._stop_words else self._stemmer(lowered)
                cache[word] = term
            if term:
                terms.append(term)
        return terms


_TERM_CACHES: dict[tuple[Any, frozenset[str]], dict[str, str]] = {}
_TERM_CACHE_SIZE = 300_000


def _term_cache(stemmer: Any, stop_words: frozenset[str]) -> dict[str, str]:
    """Word -> stemmed term ('' for a stop word), shared by calls with the same language."""
    key = (stemmer, stop_words)
    cache = _TERM_CACHES.get(key)
    if cache is None or len(cache) > _TERM_CACHE_SIZE:
        cache = _TERM_CACHES[key] = {}
    return cache


def _idf(term_sets: list[set[str]]) -> dict[str, float]:
    """Inverse sentence frequency of every term (sentences are the 'documents')."""
    count = len(term_sets)
    frequency: Counter[str] = Counter()
    for terms in term_sets:
        frequency.update(terms)
    return {t: math.log((count + 1) / (df + 0.5)) for t, df in frequency.items()}
