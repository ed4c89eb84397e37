"""Cached stemmers per language: Snowball, from PyStemmer (C) when installed, else from NLTK.

Neither needs downloaded data. PyStemmer is only faster: both run the Snowball algorithms.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache, lru_cache

from sumy.nlp.stemmers import Stemmer, null_stemmer

_MEMO = 200_000


@cache
def stemmer_for(language_name: str | None) -> Callable[[str], str]:
    """A memoized stemmer for a sumy language name; lower-casing only when there is none."""
    if language_name is None:
        return null_stemmer
    fast = _pystemmer(language_name)
    if fast is not None:
        memoized = lru_cache(maxsize=_MEMO)(fast[0])
        memoized.thread_stemmer = fast[1]  # type: ignore[attr-defined]  # see thread_stemmer
        return memoized
    try:
        stem = Stemmer(language_name)
    except LookupError:
        return null_stemmer
    return lru_cache(maxsize=_MEMO)(stem)


def thread_stemmer(stemmer: Callable[[str], str]) -> Callable[[str], str]:
    """For one thread's run of stemming: PyStemmer's own stemWord of this thread (C, the same
    stems without the memo and a Python call per word, for a caller that keeps its own
    memo), else the stemmer itself. Not to be handed to another thread."""
    own = getattr(stemmer, "thread_stemmer", None)
    return stemmer if own is None else own()  # type: ignore[no-any-return]


def _pystemmer(
    language_name: str,
) -> tuple[Callable[[str], str], Callable[[], Callable[[str], str]]] | None:
    try:
        import Stemmer as pystemmer  # PyStemmer: optional, C Snowball
    except ImportError:
        return None
    if language_name not in pystemmer.algorithms():
        return None
    local = threading.local()

    def own_stem_word() -> Callable[[str], str]:
        # PyStemmer objects are not thread-safe: one per thread (the bot summarizes in threads).
        stemmer = getattr(local, "stemmer", None)
        if stemmer is None:
            stemmer = local.stemmer = pystemmer.Stemmer(language_name)
        return stemmer.stemWord  # type: ignore[no-any-return]

    def stem(word: str) -> str:
        return own_stem_word()(word)

    return stem, own_stem_word


def clear_stem_caches() -> None:
    """Forget memoized stems (the benchmark times each method from cold caches)."""
    for name in ("english", "russian"):
        stem = stemmer_for(name)
        if hasattr(stem, "cache_clear"):
            stem.cache_clear()
