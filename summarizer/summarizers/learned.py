"""Learned: a linear sentence scorer trained on news with editor-written summaries (the default).

Each sentence is described by about forty features (position, length, centrality, similarity
to the first sentence and to the headline, quotes, connectives ...); a logistic regression
trained by scripts/train_summarizer.py rates it. The weights, one set per language (English,
Russian; others use English's), live in weights.json next to this module: a few KB, no data.
Everything is linear in the article's length (no sentence-by-sentence similarity matrix).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

import numpy

from summarizer.selection import opens_with_connective, quote_states
from summarizer.summarizers.newsrank import _term_cache
from summarizer.summarizers.rating import RatingSummarizer

FEATURES: tuple[str, ...] = (
    "is_first", "is_second", "is_third", "inverse_position", "log_position", "relative_position",
    "is_last", "first_in_paragraph", "inverse_paragraph", "in_first_paragraph",
    "log_words", "words", "words_squared", "under_6_words", "under_10_words", "over_35_words",
    "chars", "log_words_after_first", "words_after_first", "words_to_mean", "length_rank",
    "centrality", "centrality_rank", "similarity_to_first", "similarity_to_title", "has_title",
    "similarity_to_previous", "similarity_to_next", "content_density", "mean_idf",
    "starts_with_quote", "has_quote", "inside_quote", "question", "exclamation", "has_digit",
    "connective", "ends_with_colon", "parenthesis", "log_sentences", "inverse_position_x_length",
)
_QUOTE_START = ("\"", "“", "«", "„", "``", "'", "‘")
_DEFAULT_LANGUAGE = "en"
_QUOTE_MARK = re.compile(r"[\"“”«»„]|``")
_DIGIT = re.compile(r"\d")
_DENSE_CELLS = 400_000  # sentences x terms below which a dense matrix is the cheaper way


@cache
def _weights() -> dict[str, Any]:
    text = resources.files("summarizer.summarizers").joinpath("weights.json").read_text("utf-8")
    data = json.loads(text)
    if tuple(data["features"]) != FEATURES:
        raise RuntimeError("weights.json was trained on other features: retrain it")
    return {
        code: (numpy.array(entry["mean"]), numpy.array(entry["scale"]),
               numpy.array(entry["coef"]))
        for code, entry in data["languages"].items()
    }


def weights_for(language: str) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """(feature means, scales, coefficients) for a language code; English's when it has none."""
    table = _weights()
    return table.get(language) or table[_DEFAULT_LANGUAGE]


class LearnedSummarizer(RatingSummarizer):
    """Rates sentences with a per-language linear model over sentence features."""

    language = _DEFAULT_LANGUAGE
    # (means, scales, coefficients) to use instead of the shipped ones (the training script)
    weights: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray] | None = None

    def rate(self, document: Any) -> dict[Any, float]:
        """Rating of every sentence of the document."""
        features = sentence_features(document, self._stemmer, self._stop_words)
        mean, scale, coef = self.weights or weights_for(self.language)
        scores = ((features - mean) / scale) @ coef
        ratings: dict[Any, float] = {}
        for sentence, score in zip(document.sentences, scores.tolist(), strict=True):
            ratings.setdefault(sentence, score)
        return ratings


def sentence_features(document: Any, stemmer: Any, stop_words: frozenset[str]) -> numpy.ndarray:
    """The FEATURES of every sentence of the document, one row per sentence."""
    sentences = document.sentences
    count = len(sentences)
    texts = [str(sentence) for sentence in sentences]
    cache = _term_cache(stemmer, stop_words)
    vocabulary: dict[str, int] = {}
    term_ids: list[int] = []
    owners: list[int] = []
    term_sets: list[list[int]] = []
    lengths = numpy.empty(count)
    for order, sentence in enumerate(sentences):
        words = sentence.words
        lengths[order] = len(words)
        ids = []
        for term in _terms(words, cache, stemmer, stop_words):
            term_id = vocabulary.get(term)
            if term_id is None:
                term_id = vocabulary[term] = len(vocabulary)
            ids.append(term_id)
        term_sets.append(ids)
        term_ids.extend(ids)
        owners.extend([order] * len(ids))
    ids_array = numpy.array(term_ids, dtype=numpy.intp)
    rows = numpy.array(owners, dtype=numpy.intp)
    size = max(len(vocabulary), 1)
    idf = numpy.log((count + 1) / (numpy.bincount(ids_array, minlength=size) + 0.5))
    weights = idf[ids_array]
    norms = numpy.sqrt(numpy.bincount(rows, weights * weights, minlength=count))
    safe_norms = numpy.where(norms == 0, 1.0, norms)
    centroid = numpy.bincount(ids_array, weights / safe_norms[rows], minlength=size)
    centroid_norm = float(numpy.sqrt(centroid @ centroid)) or 1.0
    centrality = numpy.bincount(rows, weights * centroid[ids_array], minlength=count) / (
        safe_norms * centroid_norm)
    first = numpy.zeros(size)
    if term_sets and term_sets[0]:
        first[term_sets[0]] = idf[term_sets[0]] / safe_norms[0]
    to_first = numpy.bincount(rows, weights * first[ids_array], minlength=count) / safe_norms
    title = numpy.zeros(size)
    has_title = 0.0
    for heading in document.headings[:1]:
        has_title = 1.0
        title_ids = [vocabulary[t] for t in _terms(heading.words, cache, stemmer, stop_words)
                     if t in vocabulary]
        if title_ids:
            title[title_ids] = idf[title_ids]
    title_norm = float(numpy.sqrt(title @ title)) or 1.0
    to_title = numpy.bincount(rows, weights * title[ids_array], minlength=count) / (
        safe_norms * title_norm)
    # similarity to the next sentence: the terms a sentence shares with the one after it
    if count * size <= _DENSE_CELLS:
        dense = numpy.zeros((count, size))
        dense[rows, ids_array] = weights
        adjacent = numpy.einsum("ij,ij->i", dense[:-1], dense[1:])
    else:
        keys = rows * size + ids_array
        shared = numpy.isin(keys + size, keys, assume_unique=True)
        adjacent = numpy.bincount(rows[shared], weights[shared] ** 2, minlength=count)[:-1]
    adjacent = adjacent / (safe_norms[:-1] * safe_norms[1:]) if count > 1 else numpy.zeros(0)
    term_counts = numpy.bincount(rows, minlength=count).astype(float)
    paragraphs = [getattr(sentence, "paragraph", 0) for sentence in sentences]

    position = numpy.arange(count, dtype=float)
    after_first = (position > 0).astype(float)
    inverse = 1.0 / (position + 1.0)
    log_words = numpy.log1p(lengths)
    mean_words = float(lengths.mean()) or 1.0
    paragraph_rank = numpy.unique(paragraphs, return_inverse=True)[1].astype(float)
    first_in_paragraph = numpy.array(
        [order == 0 or paragraphs[order] != paragraphs[order - 1] for order in range(count)],
        dtype=float)
    columns = (
        position == 0, position == 1, position == 2, inverse, numpy.log1p(position),
        position / max(count - 1, 1), position == count - 1, first_in_paragraph,
        1.0 / (paragraph_rank + 1.0), paragraph_rank == 0,
        log_words, lengths / 25.0, (lengths / 25.0) ** 2, lengths < 6, lengths < 10,
        lengths > 35, numpy.array([len(text) for text in texts]) / 150.0,
        log_words * after_first, lengths / 25.0 * after_first, lengths / mean_words,
        _rank(lengths), centrality, _rank(centrality), to_first * after_first, to_title,
        numpy.full(count, has_title),
        numpy.concatenate(([0.0], adjacent)), numpy.concatenate((adjacent, [0.0])),
        term_counts / numpy.maximum(lengths, 1.0),
        numpy.bincount(rows, weights, minlength=count) / numpy.maximum(term_counts, 1.0),
        *_text_flags(texts, paragraphs).T,
        numpy.full(count, numpy.log1p(count)),
        inverse * log_words,
    )
    return numpy.column_stack([numpy.asarray(column, dtype=float) for column in columns])


def _text_flags(texts: list[str], paragraphs: list[int]) -> numpy.ndarray:
    """Quotes, question, exclamation, digits, connective, colon and parenthesis per sentence."""
    states = quote_states(texts, paragraphs)
    flags = numpy.zeros((len(texts), 9))
    for order, text in enumerate(texts):
        end = text.rstrip("\"'”’» ")
        flags[order] = (
            text.startswith(_QUOTE_START), _QUOTE_MARK.search(text) is not None,
            states[order].starts_inside or states[order].ends_open, end.endswith("?"),
            end.endswith("!"), _DIGIT.search(text) is not None, opens_with_connective(text),
            end.endswith(":"), "(" in text,
        )
    return flags


def _rank(values: numpy.ndarray) -> numpy.ndarray:
    """Each value's rank as a share of the others (0 = smallest, 1 = largest)."""
    if len(values) < 2:
        return numpy.zeros(len(values))
    return numpy.argsort(numpy.argsort(values, kind="stable"), kind="stable") / (len(values) - 1)


def _terms(words: Any, cache: dict[str, str], stemmer: Any, stop_words: frozenset[str]) -> set[str]:
    """The distinct stemmed non-stop-words of a sentence (memoized per word)."""
    terms = set(map(cache.get, words))
    if None in terms:
        terms.discard(None)
        for word in words:
            if word not in cache:
                lowered = word.lower()
                cache[word] = "" if lowered in stop_words else stemmer(lowered)
                terms.add(cache[word])
    terms.discard("")
    return terms  # type: ignore[return-value]
