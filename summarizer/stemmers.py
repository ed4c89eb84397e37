"""Cached stemmers per language (Snowball via NLTK, which needs no downloaded data)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

from sumy.nlp.stemmers import Stemmer, null_stemmer


@cache
def stemmer_for(language_name: str | None) -> Callable[[str], str]:
    """A memoized stemmer for a sumy language name; lower-casing only when there is none."""
    if language_name is None:
        return null_stemmer
    try:
        stem = Stemmer(language_name)
    except LookupError:
        return null_stemmer
    return lru_cache(maxsize=200_000)(stem)
