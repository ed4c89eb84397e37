"""The bot's replies in the reader's language: gettext catalogs managed with Babel.

Reply strings are written in English and marked ``_("...")`` (or ``ngettext`` for counts, or
``N_`` for a string translated later, such as a command's help). ``make translations``
extracts them into bot/locale/newsbot.pot, updates each language's .po file, and compiles the
.mo files that ship in the wheel.

The language of a reply is a context variable that the core sets for each update (the chat's
``/settings lang``, else the user's Telegram ``language_code``), so a handler does not pass it
around; anything outside an update (a digest, a log line) names its language explicitly with
``use_language``.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

DOMAIN = "newsbot"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT = "en"
# Languages with a catalog. English is the source language and needs none.
LANGUAGES = ("en", "ru")
# What /settings lang accepts besides a language: follow each user's Telegram language.
AUTO = "auto"

_current: ContextVar[str] = ContextVar("newsbot_language", default=DEFAULT)


@cache
def _translations(language: str) -> _gettext.NullTranslations:
    if language == DEFAULT:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def current_language() -> str:
    """The language replies are being written in."""
    return _current.get()


def gettext(message: str) -> str:
    """``message`` in the current language (English when there is no translation)."""
    return _translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a counted phrase that ``count`` takes in the current language.

    Russian has three (1 статья, 2 статьи, 5 статей); the catalog's Plural-Forms header says
    which applies.
    """
    return _translations(_current.get()).ngettext(singular, plural, count)


_ = gettext


# N_ is the gettext convention for "mark now, translate later".
def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def resolve_language(preference: str, language_code: str) -> str:
    """The reply language: the chat's preference if set, else the user's, else English.

    ``language_code`` is Telegram's IETF tag ("ru", "ru-RU", "pt-br"); only its primary subtag
    counts, and a language without a catalog falls back to English.
    """
    if preference in LANGUAGES:
        return preference
    primary = (language_code or "").split("-", 1)[0].strip().lower()
    return primary if primary in LANGUAGES else DEFAULT


def set_language(language: str) -> None:
    """Write replies in ``language`` for the rest of the current task (one update)."""
    _current.set(language if language in LANGUAGES else DEFAULT)


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Write replies in ``language`` inside the block (digests, menus: no update to follow)."""
    token = _current.set(language if language in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)
