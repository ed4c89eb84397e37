"""summarize(): validate options, clean the input, pick a language and run an algorithm."""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections.abc import Iterator
from typing import Any

from sumy.summarizers._summarizer import AbstractSummarizer

from summarizer import languages
from summarizer.cleaning import clean, junk_ratio, normalize_text
from summarizer.document import build_document, lines_as_document
from summarizer.markup import html_to_text, looks_like_html
from summarizer.selection import Selection
from summarizer.stemmers import stemmer_for
from summarizer.stopwords import stop_words
from summarizer.summarizers import ALGORITHMS, DEFAULT_ALGORITHM, create
from summarizer.tokenizers import OfflineTokenizer
from summarizer.types import SummarizerError, Summary

log = logging.getLogger(__name__)

DEFAULT_SENTENCES = 3
DEFAULT_MAX_CHARS = 600
MAX_SENTENCES_OPTION = 50
MAX_TEXT_CHARS = 200_000
MAX_HTML_CHARS = 3_000_000
# Algorithms whose cost grows with the square of the sentence count get fewer sentences.
_MAX_SENTENCES = {"lexrank": 400, "textrank": 400, "lsa": 400, "kl": 150, "sumbasic": 400}
# The learned scorer reads only the start of a long article: its position features all but
# rule out a sentence past the first few dozen (news puts the point first), and stopping the
# sentence splitting there keeps a 5,000-word article as fast as a 1,500-word one. Of the
# 1,119 development articles (CNN/DM, RBC.ru, BBC) two are longer, and one summary changes.
_LEARNED_SENTENCES = 80
_SILENT_CAPS = {"learned": _LEARNED_SENTENCES}
_MAX_SENTENCES_LINEAR = 3000
_LONG_SENTENCE_CHARS = 2000
_SLACK_CHARS = 150  # "about 600 characters": a 700-character sentence is kept whole
_JUNK_RATIO = 0.05
# sumy algorithms that warn (RuntimeWarning, UserWarning) on degenerate input.
_NOISY = frozenset({"lsa", "lexrank", "textrank", "kl", "sumbasic"})


def summarize(
    text: str,
    *,
    sentences: int | None = None,
    ratio: float | None = None,
    language: str | None = None,
    algorithm: str | None = None,
    title: str | None = None,
    max_chars: int | None = None,
) -> Summary:
    """Summarize text (plain or HTML) into sentences of its own, in article order.

    Without `sentences` or `ratio` the summary is at most 3 sentences and about 600 characters.
    `max_chars` sets a character budget for a chosen number of sentences (chat and CLI pass
    budget_for(n), so both give the same summary).
    """
    name = _check_algorithm(algorithm)
    _check_counts(sentences, ratio)
    if max_chars is not None and (isinstance(max_chars, bool) or not isinstance(max_chars, int)
                                  or max_chars < 1):
        raise SummarizerError(
            "The character budget must be a whole number above 0.", code="summary.budget"
        )
    notes: list[str] = []
    lang, document, cleaned_title = prepare(text, language=language, title=title,
                                            algorithm=name, notes=notes)
    count, budget = _budget(sentences, ratio, len(document.sentences))
    budget = max_chars if max_chars is not None else budget
    chosen = _run(name, lang, document, count, budget, notes, cleaned_title)
    limit_chars = _LONG_SENTENCE_CHARS if budget is None else budget
    result = tuple(_shorten(str(sentence), limit_chars, notes) for sentence in chosen)
    return Summary(sentences=result, language=lang.code, algorithm=name, notes=tuple(notes))


def budget_for(sentences: int) -> int:
    """The character budget of an n-sentence summary: the default's 600 for 3, pro rata."""
    return max(1, sentences) * DEFAULT_MAX_CHARS // DEFAULT_SENTENCES


def prepare(
    text: str,
    *,
    language: str | None = None,
    title: str | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
    notes: list[str] | None = None,
) -> tuple[languages.Language, Any, str | None]:
    """Clean the text and build sumy's document: (language, document, headline used).

    The training script builds its documents here too, so the model sees what summarize() sees.
    """
    notes = [] if notes is None else notes
    chosen_language = _check_language(language)
    text = _prepare(text, notes)
    lang = chosen_language or languages.detect(text)
    if lang.neutral:
        notes.append(_neutral_note(lang))
    tokenizer = OfflineTokenizer(lang)
    cleaned = clean(text, title if isinstance(title, str) else None)
    limit = _MAX_SENTENCES.get(algorithm) or _SILENT_CAPS.get(algorithm, _MAX_SENTENCES_LINEAR)
    document, capped = build_document(cleaned, tokenizer, max_sentences=limit)
    if not document.sentences:
        document = lines_as_document(cleaned, text, tokenizer, max_sentences=limit)
        if document.sentences:
            notes.append("The text has no sentence punctuation; its lines were used as sentences.")
    if capped and algorithm not in _SILENT_CAPS:
        notes.append(f"Only the first {limit} sentences were considered.")
    if not document.sentences:
        raise SummarizerError("There is no text to summarize.", code="summary.no_text")
    return lang, document, cleaned.title


def _neutral_note(lang: languages.Language) -> str:
    if lang.code == languages.NEUTRAL:
        return ("The language was not recognised; a language-neutral method was used "
                "(no stemming or stop words).")
    words = "character pairs as words" if lang.script == "cjk" else "words as written"
    return (f"No stemmer or stop words for '{lang.code}'; a language-neutral method was used "
            f"({words}).")


def _check_algorithm(algorithm: str | None) -> str:
    if algorithm is not None and not isinstance(algorithm, str):
        raise SummarizerError("The algorithm must be given by name.", code="summary.algorithm")
    name = (algorithm or DEFAULT_ALGORITHM).strip().lower()
    if name not in ALGORITHMS:
        raise SummarizerError(
            f"Unknown algorithm '{algorithm}'. Choose one of: {', '.join(ALGORITHMS)}.",
            code="summary.unknown_algorithm",
            algorithm=str(algorithm)[:40],
            choices=", ".join(ALGORITHMS),
        )
    return name


def _check_counts(sentences: int | None, ratio: float | None) -> None:
    if sentences is not None and ratio is not None:
        raise SummarizerError(
            "Give either a number of sentences or a ratio, not both.",
            code="summary.sentences_and_ratio",
        )
    if sentences is not None and (
        isinstance(sentences, bool) or not isinstance(sentences, int)
        or not 1 <= sentences <= MAX_SENTENCES_OPTION
    ):
        raise SummarizerError(
            f"The number of sentences must be a whole number from 1 to {MAX_SENTENCES_OPTION}.",
            code="summary.sentences",
            limit=MAX_SENTENCES_OPTION,
        )
    if ratio is not None and (
        isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 < ratio <= 1
    ):
        raise SummarizerError(
            "The ratio must be a number above 0 and at most 1.", code="summary.ratio"
        )


def _check_language(language: str | None) -> languages.Language | None:
    if language is not None and not isinstance(language, str):
        raise SummarizerError(
            "The language must be a code such as 'en' or 'ru'.", code="summary.language_code"
        )
    if language is None or not language.strip() or language.strip().lower() == "auto":
        return None
    resolved = languages.resolve(language)
    if resolved is None:
        supported = ", ".join(languages.SUPPORTED)
        raise SummarizerError(
            f"Unsupported language '{language}'. Supported: {supported}.",
            code="summary.unsupported_language",
            language=language[:16],
            supported=supported,
        )
    return resolved


def _prepare(text: str | bytes, notes: list[str]) -> str:
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise SummarizerError(
            "The text to summarize must be a string.", code="summary.not_a_string"
        )
    if not text.strip():
        raise SummarizerError("There is no text to summarize.", code="summary.no_text")
    if junk_ratio(text) > _JUNK_RATIO:
        raise SummarizerError(
            "This does not look like text (binary data?); nothing to summarize.",
            code="summary.binary",
        )
    if looks_like_html(text):
        if len(text) > MAX_HTML_CHARS:
            text = text[:MAX_HTML_CHARS]
        text = html_to_text(text)
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        notes.append(f"The text is long; only its first {MAX_TEXT_CHARS:,} characters were used.")
    text = normalize_text(text)
    if not re.search(r"[^\W\d_]", text):
        raise SummarizerError("There is no text to summarize.", code="summary.no_text")
    return text


def _budget(sentences: int | None, ratio: float | None, available: int) -> tuple[int, int | None]:
    if sentences is not None:
        return sentences, None
    if ratio is not None:
        return max(1, round(available * ratio)), None
    return DEFAULT_SENTENCES, DEFAULT_MAX_CHARS


def _run(
    name: str,
    lang: languages.Language,
    document: object,
    count: int,
    max_chars: int | None,
    notes: list[str],
    title: str | None,
) -> tuple[object, ...]:
    stemmer = stemmer_for(lang.name)
    words = stop_words(lang.name) if lang.name else frozenset()
    selection = Selection(count, max_chars, words)
    bonus = tuple(w for w in re.findall(r"[^\W\d_]+", (title or "").lower()) if w not in words)
    summarizer: AbstractSummarizer = create(name, stemmer, words, bonus, lang.code)
    try:
        with _quiet() if name in _NOISY else contextlib.nullcontext():
            chosen = tuple(summarizer(document, selection))
    except Exception as error:  # a stock algorithm failing on odd input must not crash us
        log.warning("%s failed (%s); falling back to lead", name, error)
        chosen = ()
    if not chosen:
        notes.append(f"The {name} algorithm found nothing to rate here; the first sentences "
                     "were used.")
        chosen = tuple(create("lead", stemmer, words)(document, selection))
    return chosen


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence sumy's warnings on degenerate input (e.g. LSA on a tiny vocabulary)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _shorten(sentence: str, limit: int, notes: list[str]) -> str:
    """Cut a sentence longer than the limit at a word boundary, with an ellipsis and a note."""
    if len(sentence) <= limit + _SLACK_CHARS:
        return sentence
    note = "A very long sentence was shortened."
    if note not in notes:
        notes.append(note)
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
