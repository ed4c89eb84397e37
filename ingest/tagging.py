"""Topic rules: keyword/phrase groups that tag an article, matched on stems, not spellings.

A rule is written ``China, Chinese, Beijing, Xi; Russia, Russian, Moscow, Putin, Kremlin``:
groups are separated by ``;``, alternatives inside a group by ``,``, and an alternative may be
a phrase (quoted with ``"`` or ``'`` when it holds a comma or a semicolon). An article matches
when every group is mentioned often enough: a title mention counts as two, a body mention as
one, and each group needs two (one in a short text), so a passing mention in a long story does
not tag it. Words are case-folded and stemmed (Snowball, English for Latin script, Russian for
Cyrillic), so "Russia's", "Russians" and "RUSSIAN" all meet "Russian".

An acronym written in capitals in a rule (WHO, EU, UN, IMF, НАТО) matches only in capitals,
as written: "WHO" is the World Health Organization, never the pronoun "who"; capitals inside a
heading typed in capitals ("WHO WAS OSCAR?") do not count. A rule all in capitals with long
words ("CHINA, BEIJING") was typed with caps lock and is read without case. A phrase matches
only as the same words in a row.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer

logger = logging.getLogger(__name__)

TITLE_WEIGHT = 2
MIN_SCORE = 2
SHORT_TEXT_WORDS = 120
MAX_GROUPS = 20
MAX_ALTERNATIVES = 50
MAX_TERM_WORDS = 8
MAX_RULE_CHARS = 2000

_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ENGLISH = SnowballStemmer("english")
_RUSSIAN = SnowballStemmer("russian")
_QUOTES = {'"': '"', "'": "'", "«": "»", "“": "”"}


class RuleError(ValueError):
    """A topic rule that cannot be parsed; the message says what is wrong and how to write it.

    ``code`` and ``params`` let the bot say the same in the reader's language.
    """

    def __init__(self, message: str, *, code: str = "", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Term:
    """One alternative: a word or a phrase, with the stems it is matched on.

    `exact` marks the words matched as written (acronyms): there the stem is the word itself.
    """

    text: str
    stems: tuple[str, ...]
    exact: tuple[bool, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """Groups of alternatives; an article must match at least one alternative of every group."""

    groups: tuple[tuple[Term, ...], ...]


@dataclass(frozen=True, slots=True)
class TopicMatcher:
    """A topic's slug with its parsed rule, ready to test articles against."""

    slug: str
    rule: Rule


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one already case-folded word (Russian stemmer for Cyrillic, else English)."""
    if _CYRILLIC.search(word):
        return _RUSSIAN.stem(word)
    return _ENGLISH.stem(word)


def _fold(word: str) -> str:
    return word.casefold().replace("ё", "е")


def _raw_words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text))


def _words(text: str) -> list[str]:
    return [_fold(word) for word in _raw_words(text)]


def stems_of(text: str) -> list[str]:
    """The stems of every word of ``text``, in order."""
    return [stem(word) for word in _words(text)]


_MIN_ACRONYM_LETTERS = 2
_CAPS_LOCK_WORD = 6


def is_acronym(word: str) -> bool:
    """A word of capitals (and digits), two letters or more: WHO, EU, G7, НАТО."""
    letters = [char for char in word if char.isalpha()]
    return len(letters) >= _MIN_ACRONYM_LETTERS and all(char.isupper() for char in letters)


def _term(shown: str, case_sensitive: bool) -> Term:
    raw = _raw_words(shown)
    exact = tuple(case_sensitive and is_acronym(word) for word in raw)
    stems = tuple(word if keep else stem(_fold(word)) for word, keep in zip(raw, exact,
                                                                              strict=True))
    return Term(shown, stems, exact if any(exact) else ())


def _split_alternatives(group: str, group_number: int) -> list[str]:
    """Split one group on commas, honouring quoted phrases."""
    items: list[str] = []
    position = 0
    length = len(group)
    while position <= length:
        while position < length and group[position].isspace():
            position += 1
        if position < length and group[position] in _QUOTES:
            closing = _QUOTES[group[position]]
            end = group.find(closing, position + 1)
            if end < 0:
                raise RuleError(
                    f"group {group_number}: the quote {group[position]} is never closed",
                    code="rule.unclosed_quote",
                    group=group_number,
                    quote=group[position],
                )
            items.append(group[position + 1 : end])
            position = end + 1
            while position < length and group[position].isspace():
                position += 1
            if position < length and group[position] != ",":
                raise RuleError(
                    f"group {group_number}: put a comma after the quoted phrase "
                    f"{group[: end + 1].strip()!r}",
                    code="rule.comma_after_phrase",
                    group=group_number,
                    phrase=group[: end + 1].strip()[:100],
                )
            position += 1
            continue
        end = group.find(",", position)
        end = length if end < 0 else end
        items.append(group[position:end])
        position = end + 1
    return items


def _split_groups(text: str) -> list[str]:
    """Split on semicolons that are not inside quotes."""
    groups: list[str] = []
    current: list[str] = []
    closing: str | None = None
    at_item_start = True
    for char in text:
        if closing is not None:
            current.append(char)
            if char == closing:
                closing = None
            continue
        if char == ";":
            groups.append("".join(current))
            current = []
            at_item_start = True
            continue
        if at_item_start and char in _QUOTES:
            closing = _QUOTES[char]
            at_item_start = False
        elif char == ",":
            at_item_start = True
        elif not char.isspace():
            at_item_start = False
        current.append(char)
    groups.append("".join(current))
    return groups


def parse_rule(text: str) -> Rule:
    """Parse ``a, b; "c d", e`` into a Rule, or raise RuleError saying what is wrong."""
    if not text or not text.strip():
        raise RuleError(
            "the rule is empty: write keywords, e.g. China, Chinese; Russia, Moscow",
            code="rule.empty",
        )
    if len(text) > MAX_RULE_CHARS:
        raise RuleError(
            f"the rule is too long (at most {MAX_RULE_CHARS} characters)",
            code="rule.too_long",
            limit=MAX_RULE_CHARS,
        )
    groups: list[tuple[Term, ...]] = []
    # a rule all in capitals with long words ("CHINA, BEIJING") was typed with caps lock: it
    # is not a list of acronyms (short capitals alone, "UN" or "WHO, IMF", stay acronyms)
    case_sensitive = any(char.islower() for char in text) or not any(
        len(word) >= _CAPS_LOCK_WORD for word in _raw_words(text))
    for number, raw_group in enumerate(_split_groups(text.strip()), start=1):
        if not raw_group.strip():
            raise RuleError(
                f"group {number} is empty: remove the extra ';' (groups are separated by ';')",
                code="rule.empty_group",
                group=number,
            )
        terms: list[Term] = []
        for raw in _split_alternatives(raw_group, number):
            shown = " ".join(raw.split())
            if not shown:
                raise RuleError(
                    f"group {number} has an empty alternative: remove the extra ','",
                    code="rule.empty_alternative",
                    group=number,
                )
            term = _term(shown, case_sensitive)
            stems = term.stems
            if not stems:
                raise RuleError(
                    f"{shown!r} in group {number} has no letters or digits to match",
                    code="rule.no_letters",
                    term=shown[:100],
                    group=number,
                )
            if len(stems) > MAX_TERM_WORDS:
                raise RuleError(
                    f"the phrase {shown!r} is too long (at most {MAX_TERM_WORDS} words)",
                    code="rule.phrase_too_long",
                    phrase=shown[:100],
                    limit=MAX_TERM_WORDS,
                )
            if all(other.stems != stems or other.exact != term.exact for other in terms):
                terms.append(term)
        if len(terms) > MAX_ALTERNATIVES:
            raise RuleError(
                f"group {number} has too many alternatives (at most {MAX_ALTERNATIVES})",
                code="rule.too_many_alternatives",
                group=number,
                limit=MAX_ALTERNATIVES,
            )
        groups.append(tuple(terms))
    if len(groups) > MAX_GROUPS:
        raise RuleError(
            f"the rule has too many groups (at most {MAX_GROUPS})",
            code="rule.too_many_groups",
            limit=MAX_GROUPS,
        )
    return Rule(tuple(groups))


def _format_term(term: Term) -> str:
    text = term.text
    if not any(char in text for char in ",;") and text[0] not in _QUOTES:
        return text
    if '"' not in text:
        return f'"{text}"'
    return f"'{text}'" if "'" not in text else f"«{text}»"


def format_rule(rule: Rule) -> str:
    """The text form of a rule; parse_rule(format_rule(rule)) == rule."""
    return "; ".join(", ".join(_format_term(term) for term in group) for group in rule.groups)


class ArticleText:
    """An article's title and body stemmed once, so many rules can be tested cheaply."""

    __slots__ = ("body", "body_counts", "body_raw", "short", "title", "title_counts",
                 "title_raw")

    def __init__(self, title: str, body: str) -> None:
        self.title_raw = _raw_words(title)
        self.body_raw = _raw_words(body)
        self.title = [stem(_fold(word)) for word in self.title_raw]
        self.body = [stem(_fold(word)) for word in self.body_raw]
        # stems, and (for acronyms) the words as written, prefixed so they never meet a stem
        self.title_counts = Counter(self.title)
        self.title_counts.update(map(_as_written, _acronyms(self.title_raw)))
        self.body_counts = Counter(self.body)
        self.body_counts.update(map(_as_written, _acronyms(self.body_raw)))
        self.short = len(self.body) < SHORT_TEXT_WORDS

    def score(self, term: Term) -> int:
        """Weighted mentions of one term: title mentions count TITLE_WEIGHT, body mentions one."""
        keys = _keys(term)
        if len(keys) == 1:
            word = keys[0]
            return TITLE_WEIGHT * self.title_counts[word] + self.body_counts[word]
        if any(w not in self.body_counts and w not in self.title_counts for w in keys):
            return 0
        return TITLE_WEIGHT * _count_phrase(self.title, self.title_raw, term) + _count_phrase(
            self.body, self.body_raw, term
        )

    def matches(self, rule: Rule) -> bool:
        """True when every group of the rule is mentioned often enough."""
        if not rule.groups:
            return False
        needed = 1 if self.short else MIN_SCORE
        for group in rule.groups:
            total = 0
            for term in group:
                total += self.score(term)
                if total >= needed:
                    break
            if total < needed:
                return False
        return True


_SHOUTED_RUN = 3


def _acronyms(words: Sequence[str]) -> list[str]:
    """The words in capitals, except inside a run of three or more (a heading in capitals,
    "WHO WAS OSCAR?", is not about the World Health Organization)."""
    found: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if word and word.isupper() and not word.isdigit() and len(word) > 1:
            run.append(word)
            continue
        if 0 < len(run) < _SHOUTED_RUN:
            found.extend(run)
        run = []
    return found


def _as_written(word: str) -> str:
    return "=" + word


def _keys(term: Term) -> tuple[str, ...]:
    if not term.exact:
        return term.stems
    return tuple(_as_written(w) if keep else w for w, keep in zip(term.stems, term.exact,
                                                                  strict=True))


def _count_phrase(stems: Sequence[str], raw: Sequence[str], term: Term) -> int:
    """How often the term's words occur in a row (acronyms as written, the others stemmed)."""
    size = len(term.stems)
    exact = term.exact or (False,) * size
    first = raw if exact[0] else stems
    count = 0
    for index, word in enumerate(first):
        if word == term.stems[0] and all(
            (raw if exact[k] else stems)[index + k] == term.stems[k]
            for k in range(1, size) if index + k < len(stems)
        ) and index + size <= len(stems):
            count += 1
    return count


def compile_topics(topics: Iterable[tuple[str, str]]) -> list[TopicMatcher]:
    """Parse (slug, rule text) pairs; a topic whose stored rule is broken is skipped and logged."""
    matchers: list[TopicMatcher] = []
    for slug, text in topics:
        if not text or not text.strip():
            continue
        try:
            matchers.append(TopicMatcher(slug, parse_rule(text)))
        except RuleError as error:
            logger.warning("topic %s has an unusable rule, skipped: %s", slug, error)
    return matchers


def matching_topics(title: str, body: str, topics: Sequence[TopicMatcher]) -> tuple[str, ...]:
    """The slugs of the topics whose rules the article matches, in the topics' order."""
    if not topics:
        return ()
    text = ArticleText(title, body)
    return tuple(topic.slug for topic in topics if text.matches(topic.rule))


def rule_matches(rule: Rule, title: str, body: str) -> bool:
    """True when the article (title and body) matches the rule."""
    return ArticleText(title, body).matches(rule)
