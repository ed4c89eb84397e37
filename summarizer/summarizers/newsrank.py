"""NewsRank: position-aware centrality, the project's default algorithm for news.

News is written as an inverted pyramid, so an early sentence is likely to matter; a sentence
that shares many weighted terms with the whole article (its TF-IDF centroid) and with the
headline is likely to be on topic. NewsRank adds the three signals and damps very short
sentences (captions, fragments, questions-as-teasers). It is linear in the article's length:
no sentence-by-sentence similarity matrix, unlike LexRank and TextRank.
"""

from __future__ import annotations

from typing import Any

import numpy

from summarizer.summarizers.rating import RatingSummarizer


class NewsRankSummarizer(RatingSummarizer):
    """Score = position prior + centroid centrality + headline similarity, damped if short."""

    position_weight = 1.0
    position_scale = 2.0
    centrality_weight = 1.0
    title_weight = 0.6
    short_words = 8
    question_penalty = 0.5

    def rate(self, document: Any) -> dict[Any, float]:
        """Rating of every sentence of the document."""
        sentences = document.sentences
        count = len(sentences)
        vocabulary: dict[str, int] = {}
        term_ids: list[int] = []
        owners: list[int] = []
        lengths = numpy.empty(count)
        for order, sentence in enumerate(sentences):
            words = sentence.words
            lengths[order] = len(words)
            for term in self._term_set(words):
                term_id = vocabulary.get(term)
                if term_id is None:
                    term_id = vocabulary[term] = len(vocabulary)
                term_ids.append(term_id)
            owners.extend([order] * (len(term_ids) - len(owners)))
        ids = numpy.array(term_ids, dtype=numpy.intp)
        rows = numpy.array(owners, dtype=numpy.intp)
        size = len(vocabulary)
        idf = numpy.log((count + 1) / (numpy.bincount(ids, minlength=size) + 0.5))
        weights = idf[ids]
        norms = numpy.sqrt(numpy.bincount(rows, weights * weights, minlength=count))
        norms[norms == 0] = 1.0
        centroid = numpy.bincount(ids, weights / norms[rows], minlength=size)
        centroid_norm = float(numpy.sqrt(centroid @ centroid)) or 1.0
        centrality = numpy.bincount(rows, weights * centroid[ids], minlength=count) / (
            norms * centroid_norm
        )
        title_mask = numpy.zeros(size)
        for heading in document.headings[:1]:
            for term in self._term_set(heading.words):
                if term in vocabulary:
                    title_mask[vocabulary[term]] = 1.0
        title = numpy.bincount(rows, weights * title_mask[ids], minlength=count) / norms
        position = self.position_scale / (self.position_scale + numpy.arange(count))
        scores = (self.position_weight * position + self.centrality_weight * centrality
                  + self.title_weight * title)
        scores *= numpy.minimum(lengths / self.short_words, 1.0) if self.short_words else 1.0
        ratings: dict[Any, float] = {}
        for order, sentence in enumerate(sentences):
            score = float(scores[order])
            if str(sentence).rstrip("\"'”’ ").endswith("?"):
                score *= self.question_penalty
            ratings.setdefault(sentence, score)
        return ratings

    def _term_set(self, words: Any) -> set[str]:
        """The distinct stemmed non-stop-words of a sentence."""
        cache = _term_cache(self._stemmer, self._stop_words)
        terms = set(map(cache.get, words))
        if None in terms:
            terms.discard(None)
            for word in words:
                if word not in cache:
                    lowered = word.lower()
                    stop = lowered in self._stop_words
                    cache[word] = "" if stop else self._stemmer(lowered)
                    terms.add(cache[word])
        terms.discard("")
        return terms  # type: ignore[return-value]


_TERM_CACHES: dict[tuple[Any, frozenset[str]], dict[str, str]] = {}
_TERM_CACHE_SIZE = 300_000


def clear_term_caches() -> None:
    """Forget memoized word -> term mappings (the benchmark times methods from cold caches)."""
    _TERM_CACHES.clear()


def _term_cache(stemmer: Any, stop_words: frozenset[str]) -> dict[str, str]:
    """Word -> stemmed term ('' for a stop word), shared by calls with the same language."""
    key = (stemmer, stop_words)
    cache = _TERM_CACHES.get(key)
    if cache is None or len(cache) > _TERM_CACHE_SIZE:
        cache = _TERM_CACHES[key] = {}
    return cache
