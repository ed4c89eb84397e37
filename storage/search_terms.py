"""What a search query asks for, and the Russian stems that let inflected Russian words match.

A query is words, "phrases in quotes", and -excluded words or -"phrases". Only letters and
digits survive, so user input never reaches a backend's query syntax. Russian has many
inflections ("Путина", "Путину" are forms of "Путин"): Russian articles keep the Snowball
stems of their Cyrillic words in ``articles.search_stems`` (SQLite indexes that column; on
PostgreSQL the 'russian' configuration does the same inside the database), and the Cyrillic
words of a query are stemmed the same way.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import Stemmer  # PyStemmer: Snowball in C; the same algorithm as PostgreSQL's 'russian'

MAX_TOKENS = 16
# The stems column indexes at most this much of an article, as PostgreSQL does.
STEM_CHARS = 300_000
TOKEN = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04FF]+(?:-[\u0400-\u04FF]+)*")
# A "quoted phrase" (its closing quote may be missing) or a bare word; either may carry a '-'.
_PART = re.compile(r'(-?)(?:["«“„]([^"»”“]*)["»”“]?|([^\s"«»“”„]+))')
_LOCAL = threading.local()


@dataclass(frozen=True, slots=True)
class Term:
    """One word, or the words of a phrase that must appear together in this order."""

    words: tuple[str, ...]

    @property
    def cyrillic(self) -> bool:
        """Whether any word is Cyrillic (and so may match by its Russian stem)."""
        return any(_CYRILLIC.search(word) for word in self.words)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """The terms an article must have (``include``) and must not have (``exclude``)."""

    include: tuple[Term, ...]
    exclude: tuple[Term, ...]

    @property
    def shape(self) -> tuple[tuple[int, bool], ...]:
        """A hashable outline of the query (word counts, exclusions) for caching statements."""
        return tuple((len(t.words), False) for t in self.include) + tuple(
            (len(t.words), True) for t in self.exclude
        )


def parse_query(query: str) -> ParsedQuery:
    """Words, phrases and exclusions of a user's query, lower-cased, at most 16 words in all."""
    include: list[Term] = []
    exclude: list[Term] = []
    budget = MAX_TOKENS
    for match in _PART.finditer(query.casefold()):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None and word.startswith("-"):
            word = word.lstrip("-")  # "--word" is still an exclusion, not a stray dash
        tokens = TOKEN.findall(phrase if phrase is not None else word or "")[:budget]
        if not tokens:
            continue
        budget -= len(tokens)
        (exclude if negated else include).append(Term(tuple(tokens)))
        if budget <= 0:
            break
    return ParsedQuery(tuple(include), tuple(exclude))


def _russian() -> Stemmer.Stemmer:
    # PyStemmer objects are not thread-safe; the Store is called from several threads.
    stemmer = getattr(_LOCAL, "russian", None)
    if stemmer is None:
        stemmer = _LOCAL.russian = Stemmer.Stemmer("russian")
    return stemmer


def russian_stem(word: str) -> str:
    """The Snowball stem of one lower-case Russian word ("путина" -> "путин")."""
    return str(_russian().stemWord(word.replace("ё", "е")))


def russian_stems(text: str) -> str:
    """The stems of a text's Cyrillic words, in order, for the search index ("" if none)."""
    words = _CYRILLIC_WORD.findall(text[:STEM_CHARS].casefold())
    if not words:
        return ""
    stemmer = _russian()
    return " ".join(
        stemmer.stemWord(part.replace("ё", "е")) for word in words for part in word.split("-")
    )


def stems_for_index(language: str, title: str, body: str) -> str:
    """What ``articles.search_stems`` holds: Russian stems for Russian articles, else ""."""
    if language != "ru":
        return ""
    return russian_stems(f"{title}\n{body}")
