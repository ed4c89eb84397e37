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
        terms = [self._terms(sentence.words) for sentence in sentences]
        vectors = _tfidf_vectors(terms)
        centroid: Counter[str] = Counter()
        for vector in vectors:
            centroid.update(vector)
        centroid_norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
        title_terms = set()
        for heading in document.headings[:1]:
            title_terms.update(self._terms(heading.words))
        ratings: dict[Any, float] = {}
        for order, (sentence, vector) in enumerate(zip(sentences, vectors, strict=True)):
            centrality = sum(w * centroid[t] for t, w in vector.items()) / centroid_norm
            title = sum(w for t, w in vector.items() if t in title_terms)
            position = self.position_scale / (self.position_scale + order)
            score = (self.position_weight * position + self.centrality_weight * centrality
                     + self.title_weight * title)
            length = len(sentence.words)
            if length < self.short_words:
                score *= length / self.short_words
            if str(sentence).rstrip("\"'”’ ").endswith("?"):
                score *= self.question_penalty
            ratings.setdefault(sentence, score)
        return ratings

    def _terms(self, words: Any) -> list[str]:
        lowered = (word.lower() for word in words)
        stop, stem = self._stop_words, self._stemmer
        return [stem(word) for word in lowered if word not in stop]


def _tfidf_vectors(terms: list[list[str]]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors, one per sentence (sentences are the 'documents')."""
    count = len(terms)
    document_frequency: Counter[str] = Counter()
    for sentence_terms in terms:
        document_frequency.update(set(sentence_terms))
    idf = {t: math.log((count + 1) / (df + 0.5)) for t, df in document_frequency.items()}
    vectors = []
    for sentence_terms in terms:
        vector = {t: (1 + math.log(tf)) * idf[t] for t, tf in Counter(sentence_terms).items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({t: v / norm for t, v in vector.items()})
    return vectors
