"""Learned: a linear sentence scorer trained on news with editor-written summaries (the default).

Each sentence is described by 33 features (position, length, centrality, similarity to the
first and the neighbouring sentences, quotes, connectives ...); a logistic regression
trained by scripts/train_summarizer.py rates it. The weights, one set per language (English,
Russian; others use English's), live in weights.json next to this module: a few KB, no data.
Each language's model also carries two selection preferences learned with it: a penalty on
the length of every sentence after the first (a short sentence says more per word against a
short reference) and a share of the caller's character budget.
Everything is linear in the article's length (no sentence-by-sentence similarity matrix).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from itertools import chain
from operator import attrgetter
from typing import Any

import numpy
from sumy.summarizers._summarizer import SentenceInfo
from sumy.utils import ItemsCount

from summarizer.selection import Selection, opens_with_connective, quote_states
from summarizer.stemmers import thread_stemmer
from summarizer.summarizers.newsrank import _term_cache
from summarizer.summarizers.rating import RatingSummarizer

# Only features that mean the same on any article: no position relative to the article's end
# (the held-out articles are longer than the development ones), no headline (the development
# articles have none) and no ranks against the article's other sentences.
FEATURES: tuple[str, ...] = (
    "is_first", "is_second", "is_third", "inverse_position", "log_position",
    "first_in_paragraph", "inverse_paragraph", "in_first_paragraph",
    "log_words", "words", "words_squared", "under_6_words", "under_10_words", "over_35_words",
    "chars", "log_words_after_first", "words_after_first",
    "centrality", "similarity_to_first", "similarity_to_previous", "similarity_to_next",
    "content_density", "mean_idf",
    "starts_with_quote", "has_quote", "inside_quote", "question", "exclamation", "has_digit",
    "connective", "ends_with_colon", "parenthesis", "inverse_position_x_length",
)
_QUOTE_START = ("\"", "“", "«", "„", "``", "'", "‘")
_DEFAULT_LANGUAGE = "en"
_QUOTE_MARK = re.compile(r"[\"“”«»„]|``")
_DIGIT = re.compile(r"\d")
_DENSE_CELLS = 400_000  # sentences x terms below which a dense matrix is the cheaper way
_LENGTH_UNIT = 100.0  # the length penalty is per 100 characters
_CHARS_COLUMN = FEATURES.index("chars")
_CHARS_UNIT = 150.0  # the "chars" feature is the length in characters / 150
_RUN_ON_CHARS = 400  # about 65 words; 3% of the development sentences are longer
_RUN_ON_PENALTY = 1.0  # per 100 characters beyond _RUN_ON_CHARS
_RATING = attrgetter("rating")
_ORDER = attrgetter("order")


@dataclass(frozen=True, slots=True)
class Model:
    """One language's scorer: standardization, coefficients and the selection preferences.

    score = ((features - mean) / scale) . coef - length_penalty * characters / 100 (for every
    sentence but the first) - the characters beyond 400 / 100 (for every sentence).
    `budget_ratio` narrows the caller's character budget (0.9: 540 of 600). The coefficients,
    the length penalty and the budget ratio are learned by cross-validation.
    """

    mean: numpy.ndarray
    scale: numpy.ndarray
    coef: numpy.ndarray
    length_penalty: float = 0.0
    budget_ratio: float = 1.0

    def score(self, features: numpy.ndarray) -> numpy.ndarray:
        """Each sentence's score from its row of FEATURES."""
        scores = ((features - self.mean) / self.scale) @ self.coef
        chars = features[:, _CHARS_COLUMN] * _CHARS_UNIT
        if self.length_penalty and len(scores) > 1:
            scores[1:] -= self.length_penalty * chars[1:] / _LENGTH_UNIT
        # A run-on (a string of photo captions, a list run together) is long even as a first
        # sentence: what it has beyond 400 characters costs it, whatever the language.
        scores -= _RUN_ON_PENALTY * numpy.maximum(chars - _RUN_ON_CHARS, 0.0) / _LENGTH_UNIT
        return scores  # type: ignore[no-any-return]

    def narrow(self, count: Any) -> Any:
        """The sentence count (a Selection) with this model's share of its character budget."""
        if isinstance(count, Selection) and count.max_chars and self.budget_ratio != 1.0:
            return replace(count, max_chars=max(1, round(count.max_chars * self.budget_ratio)))
        return count


@cache
def _models() -> dict[str, Model]:
    text = resources.files("summarizer.summarizers").joinpath("weights.json").read_text("utf-8")
    data = json.loads(text)
    if tuple(data["features"]) != FEATURES:
        raise RuntimeError("weights.json was trained on other features: retrain it")
    return {
        code: Model(numpy.array(entry["mean"]), numpy.array(entry["scale"]),
                    numpy.array(entry["coef"]), float(entry.get("length_penalty", 0.0)),
                    float(entry.get("budget_ratio", 1.0)))
        for code, entry in data["languages"].items()
    }


def model_for(language: str) -> Model:
    """The trained model of a language code; English's when it has none."""
    table = _models()
    return table.get(language) or table[_DEFAULT_LANGUAGE]


class LearnedSummarizer(RatingSummarizer):
    """Rates sentences with a per-language linear model over sentence features."""

    language = _DEFAULT_LANGUAGE
    model: Model | None = None  # a model to use instead of the shipped one (the training script)

    def _model(self) -> Model:
        return self.model or model_for(self.language)

    def __call__(self, document: Any, sentences_count: Any) -> tuple[Any, ...]:
        """The best sentences in document order, within the model's share of the budget.

        sumy's _get_best_sentences, with the ratings in a list rather than a dict keyed by
        sentence (a sumy Sentence hashes in Python, twice per sentence): a repeated sentence
        is rated as its first occurrence, as the dict did.
        """
        model = self._model()
        count = model.narrow(sentences_count)
        sentences = document.sentences
        if not sentences:
            return ()
        scores = model.score(sentence_features(document, self._stemmer, self._stop_words))
        first: dict[str, float] = {}
        infos = [SentenceInfo(sentence, order, first.setdefault(str(sentence), score))
                 for order, (sentence, score) in enumerate(zip(sentences, scores.tolist(),
                                                                strict=True))]
        infos.sort(key=_RATING, reverse=True)  # stable: equal ratings keep document order
        chosen = (count if callable(count) else ItemsCount(count))(infos)
        return tuple(info.sentence for info in sorted(chosen, key=_ORDER))

    def rate(self, document: Any) -> dict[Any, float]:
        """Rating of every sentence of the document."""
        features = sentence_features(document, self._stemmer, self._stop_words)
        scores = self._model().score(features)
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
    words = [sentence.words for sentence in sentences]
    stem = thread_stemmer(stemmer)  # the cache is the memo: no second one per word
    term_sets = [_terms(sentence_words, cache, stem, stop_words) for sentence_words in words]
    # Each term's id is the order of its first appearance (sentence by sentence, each
    # sentence's terms in its set's order): the columns of the sums below keep that order.
    terms = list(chain.from_iterable(term_sets))
    vocabulary = {term: index for index, term in enumerate(dict.fromkeys(terms))}
    sizes = list(map(len, term_sets))
    lengths = numpy.fromiter(map(len, words), dtype=float, count=count)
    ids_array = numpy.fromiter(map(vocabulary.__getitem__, terms), dtype=numpy.intp,
                               count=len(terms))
    rows = numpy.repeat(numpy.arange(count, dtype=numpy.intp), sizes)
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
    if sizes and sizes[0]:
        first_ids = ids_array[: sizes[0]]
        first[first_ids] = idf[first_ids] / safe_norms[0]
    to_first = numpy.bincount(rows, weights * first[ids_array], minlength=count) / safe_norms
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

    is_first, is_second, is_third, inverse, log_position, after_first = _positions(count)
    log_words = numpy.log1p(lengths)
    scaled_words = lengths / 25.0
    first_in_paragraph = numpy.array(
        [order == 0 or paragraphs[order] != paragraphs[order - 1] for order in range(count)],
        dtype=float)
    paragraph_rank = numpy.cumsum(first_in_paragraph) - 1.0  # sentences come in order
    columns = (
        is_first, is_second, is_third, inverse, log_position,
        first_in_paragraph, 1.0 / (paragraph_rank + 1.0), paragraph_rank == 0,
        log_words, scaled_words, scaled_words ** 2, lengths < 6, lengths < 10,
        lengths > 35, numpy.array([len(text) for text in texts]) / _CHARS_UNIT,
        log_words * after_first, scaled_words * after_first,
        centrality, to_first * after_first,
        numpy.concatenate(([0.0], adjacent)), numpy.concatenate((adjacent, [0.0])),
        term_counts / numpy.maximum(lengths, 1.0),
        numpy.bincount(rows, weights, minlength=count) / numpy.maximum(term_counts, 1.0),
        *_text_flags(texts, paragraphs),
        inverse * log_words,
    )
    # one conversion of all the columns (arrays and lists of flags), then the row-major
    # matrix the model reads
    return numpy.array(columns, dtype=float).T.copy()


@lru_cache(maxsize=128)
def _positions(count: int) -> tuple[numpy.ndarray, ...]:
    """The columns that depend only on a sentence's position (the same for every article of
    `count` sentences, so made once): first, second, third, 1/(i+1), log(1+i), after the first."""
    position = numpy.arange(count, dtype=float)
    columns = (position == 0, position == 1, position == 2, 1.0 / (position + 1.0),
               numpy.log1p(position), (position > 0).astype(float))
    for column in columns:
        column.flags.writeable = False  # shared between calls
    return columns


def _text_flags(texts: list[str], paragraphs: list[int]) -> list[list[bool]]:
    """Quotes, question, exclamation, digits, connective, colon and parenthesis: one column
    per flag (lists, built column by column: far cheaper than numpy rows for ~20 sentences)."""
    states = quote_states(texts, paragraphs)
    ends = [text.rstrip("\"'”’» ") for text in texts]
    quote_mark, digit = _QUOTE_MARK.search, _DIGIT.search
    return [
        [text.startswith(_QUOTE_START) for text in texts],
        [quote_mark(text) is not None for text in texts],
        [state.starts_inside or state.ends_open for state in states],
        [end.endswith("?") for end in ends],
        [end.endswith("!") for end in ends],
        [digit(text) is not None for text in texts],
        [opens_with_connective(text) for text in texts],
        [end.endswith(":") for end in ends],
        ["(" in text for text in texts],
    ]


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
