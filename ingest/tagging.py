"""Topic rules: keyword/phrase groups that tag an article, matched on stems, not spellings.

A rule is written ``China, Chinese, Beijing, Xi; Russia, Russian, Moscow, Putin, Kremlin``:
groups are separated by ``;``, alternatives inside a group by ``,``, and an alternative may be
a phrase (quoted with ``"`` or ``'`` when it holds a comma or a semicolon). An article matches
when every group is mentioned often enough: a title mention counts as two, a body mention as
one, and each group needs two (one in a short text), so a passing mention in a long story does
not tag it. Words are case-folded and stemmed (Snowball, English for Latin script, Russian for
Cyrillic), so "Russia's", "Russians" and "RUSSIAN" all meet "Russian".
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
    """A topic rule that cannot be parsed; the message says what is wrong and how to write it."""


@dataclass(frozen=True, slots=True)
class Term:
    """One alternative: a word or a phrase, with the stems it is matched on."""

    text: str
    stems: tuple[str, ...]


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


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return _WORD.findall(folded)


def stems_of(text: str) -> list[str]:
    """The stems of every word of ``text``, in order."""
    return [stem(word) for word in _words(text)]


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
                    f"group {group_number}: the quote {group[position]} is never closed"
                )
            items.append(group[position + 1 : end])
            position = end + 1
            while position < length and group[position].isspace():
                position += 1
            if position < length and group[position] != ",":
                raise RuleError(
                    f"group {group_number}: put a comma after the quoted phrase "
                    f"{group[: end + 1].strip()!r}"
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
        raise RuleError("the rule is empty: write keywords, e.g. China, Chinese; Russia, Moscow")
    if len(text) > MAX_RULE_CHARS:
        raise RuleError(f"the rule is too long (at most {MAX_RULE_CHARS} characters)")
    groups: list[tuple[Term, ...]] = []
    for number, raw_group in enumerate(_split_groups(text.strip()), start=1):
        if not raw_group.strip():
            raise RuleError(
                f"group {number} is empty: remove the extra ';' (groups are separated by ';')"
            )
        terms: list[Term] = []
        for raw in _split_alternatives(raw_group, number):
            shown = " ".join(raw.split())
            if not shown:
                raise RuleError(f"group {number} has an empty alternative: remove the extra ','")
            stems = tuple(stems_of(shown))
            if not stems:
                raise RuleError(f"{shown!r} in group {number} has no letters or digits to match")
            if len(stems) > MAX_TERM_WORDS:
                raise RuleError(
                    f"the phrase {shown!r} is too long (at most {MAX_TERM_WORDS} words)"
                )
            if all(term.stems != stems for term in terms):
                terms.append(Term(shown, stems))
        if len(terms) > MAX_ALTERNATIVES:
            raise RuleError(
                f"group {number} has too many alternatives (at most {MAX_ALTERNATIVES})"
            )
        groups.append(tuple(terms))
    if len(groups) > MAX_GROUPS:
        raise RuleError(f"the rule has too many groups (at most {MAX_GROUPS})")
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

    __slots__ = ("body", "body_counts", "short", "title", "title_counts")

    def __init__(self, title: str, body: str) -> None:
        self.title = stems_of(title)
        self.body = stems_of(body)
        self.title_counts = Counter(self.title)
        self.body_counts = Counter(self.body)
        self.short = len(self.body) < SHORT_TEXT_WORDS

    def score(self, term: Term) -> int:
        """Weighted mentions of one term: title mentions count TITLE_WEIGHT, body mentions one."""
        if len(term.stems) == 1:
            word = term.stems[0]
            return TITLE_WEIGHT * self.title_counts[word] + self.body_counts[word]
        if any(w not in self.body_counts and w not in self.title_counts for w in term.stems):
            return 0
        return TITLE_WEIGHT * _count_phrase(self.title, term.stems) + _count_phrase(
            self.body, term.stems
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


def _count_phrase(words: Sequence[str], phrase: tuple[str, ...]) -> int:
    size = len(phrase)
    first = phrase[0]
    return sum(
        1
        for index, word in enumerate(words)
        if word == first and tuple(words[index : index + size]) == phrase
    )


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
