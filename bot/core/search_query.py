"""Queries /search cannot answer sensibly, told apart before the store is asked.

A query of punctuation alone has no words to look for; one of very common words alone ("the
and of", "и в на") matches nearly every article on SQLite and none on PostgreSQL (whose
configurations drop stop words), so either answer would mislead. Both get one clear reply in
the reader's language instead. Words typed in capitals ("US", "WHO") are names, not stop words.
"""

from __future__ import annotations

from bot.core.template import fill
from bot.core.types import Text, bold, code
from bot.i18n import _
from storage.search_terms import TOKEN, parse_query
from summarizer.stopwords import stop_words

# The languages whose stop words a query is checked against: the ones the bot answers in.
_STOP_WORD_LANGUAGES = ("english", "russian")
_EXAMPLE = "/search gas pipeline"


def _common(word: str, typed: str) -> bool:
    if typed.isupper() and len(typed) > 1:
        return False  # an acronym: US, WHO, ЕС
    return any(word in stop_words(language) for language in _STOP_WORD_LANGUAGES)


def unsearchable(query: str) -> Text | None:
    """The reply for a query with nothing worth searching for, or None to search."""
    parsed = parse_query(query)
    if not parsed.include and not parsed.exclude:
        return fill(
            _(
                "There are no words to search for in {query}. Write a word or a name, e.g. "
                "{example}"
            ),
            query=bold(query[:100]),
            example=code(_EXAMPLE),
        )
    if any(len(term.words) > 1 for term in parsed.include) or not parsed.include:
        return None  # a "quoted phrase" is searched as written; exclusions alone are the store's
    typed = {word.casefold(): word for word in TOKEN.findall(query)}
    words = [term.words[0] for term in parsed.include]
    if all(_common(word, typed.get(word, word)) for word in words):
        return fill(
            _(
                "{query} has only very common words, found in nearly every article. Add a word "
                "that names the subject, e.g. {example}"
            ),
            query=bold(query[:100]),
            example=code(_EXAMPLE),
        )
    return None
