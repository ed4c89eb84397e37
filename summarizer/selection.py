"""Choosing sentences from a ranking: a count, a character budget and rules for readable bullets.

sumy's summarizers accept a callable as the sentence count; it gets the sentences sorted by
rating (best first) and returns the ones to keep. Selection passes that callable to every
algorithm, so the budget and the rules apply alike to all of them:

- a quote spread over two or three sentences is one unit, kept whole or skipped, and a
  sentence that starts inside a quote (its speaker said elsewhere) is never taken alone;
- the first bullet never opens with a connective ("However", "But", "Well,", "Однако" ...),
  which would point back at a sentence the reader does not see;
- no two bullets say the same thing (shared content words, or a shared run of them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sumy.models.dom import Sentence

_REPEAT_OVERLAP = 0.6
_REPEAT_RUN_OVERLAP = 0.25
_MAX_QUOTE_SENTENCES = 3
_STEM_CHARS = 6  # a crude language-neutral stem: enough to tie "partnership"/"partnerships"

# Connectives that need a comma after them to be one ("Well, ..." but not "Well-known ...").
_COMMA_CONNECTIVES = (
    "well|so|yet|still|then|now|instead|indeed|otherwise|anyway|likewise|similarly|no|yes|oh"
    "|again|plus|ну|вот|итак|словом|впрочем|напротив|кстати"
)
_CONNECTIVES = (
    "however|but|and|also|meanwhile|moreover|furthermore|nevertheless|nonetheless|besides"
    "|therefore|thus|hence|in addition|on the other hand|by contrast|in contrast|as a result"
    "|that said|even so|after all|of course|in fact|at the same time|for example|for instance"
    "|but then|all the same"
    "|но|однако|а|и|зато|тем не менее|при этом|кроме того|между тем|в то же время|к тому же"
    "|вместе с тем|более того|тем временем|поэтому|также|ведь|так что|причем|причём|притом"
    "|хотя|следовательно|тем более|в свою очередь|в то время как|помимо этого|кроме этого"
)
_OPENING_CONNECTIVE = re.compile(
    rf"^[\s\"'“«„`‘(\[-]*(?:(?:{_CONNECTIVES})(?=[\s,:;—–-])|(?:{_COMMA_CONNECTIVES})\s*,)",
    re.IGNORECASE,
)
_OPENERS = frozenset("“«„")
_CLOSERS = frozenset("”»")
_QUOTE_TOKEN = re.compile(r"``|''|[“”«»„\"]")
_QUOTE_HINT = re.compile(r"[`'“”«»„\"]")
_LAST_STATES: list[Any] = []


# The regex tries its ~80 connectives one by one on every sentence (the learned scorer asks
# of all of them); the word a connective would have to be is looked up first. When that word
# is plain ASCII or Russian letters, whose case-insensitive matching is plain lower-casing, a
# word that begins no connective settles it; any other word goes to the regex.
_LEAD_WORD = re.compile(r"[\s\"'“«„`‘(\[-]*([^\W\d_]*)")
_PLAIN_WORD = re.compile(r"[A-Za-zА-яЁё]*")
_FIRST_WORDS = frozenset(
    phrase.split()[0] for phrase in f"{_CONNECTIVES}|{_COMMA_CONNECTIVES}".split("|")
)


def opens_with_connective(text: str) -> bool:
    """Whether a sentence begins with a word that links it to the one before ("However, ...")."""
    word = _LEAD_WORD.match(text).group(1)  # type: ignore[union-attr]  # matches any text
    if word.lower() not in _FIRST_WORDS and _PLAIN_WORD.fullmatch(word):
        return False
    return bool(_OPENING_CONNECTIVE.match(text))


class QuoteState(NamedTuple):
    """Where a sentence stands in quotation: inside one at its start, and open at its end."""

    starts_inside: bool
    ends_open: bool


def quote_states(texts: Sequence[str], paragraphs: Sequence[int]) -> list[QuoteState]:
    """Follow quotation marks through the sentences of each paragraph.

    Curly quotes and guillemets say which way they go; a straight double quote toggles; PTB
    text uses `` and ''. A closing mark before any opening one means the sentence started
    inside a quote opened earlier (perhaps in an earlier paragraph).
    """
    key = (tuple(texts), tuple(paragraphs))
    if _LAST_STATES and _LAST_STATES[0] == key:  # the scorer and the selection ask alike
        return _LAST_STATES[1]
    states: list[QuoteState] = []
    is_open = False
    previous_paragraph: int | None = None
    for text, paragraph in zip(texts, paragraphs, strict=True):
        if paragraph != previous_paragraph:
            is_open = False
            previous_paragraph = paragraph
        starts_inside = is_open
        seen_opener = False
        marks = _QUOTE_TOKEN.findall(text) if _QUOTE_HINT.search(text) else ()
        for mark in marks:
            if mark in _OPENERS or mark == "``":
                if mark == "“" and is_open:  # „...“ (Russian, German) closes with “
                    is_open = False
                    continue
                is_open = seen_opener = True
            elif mark in _CLOSERS or mark == "''":
                if not is_open and not seen_opener:
                    starts_inside = True
                is_open = False
            else:
                is_open = not is_open
                seen_opener = seen_opener or is_open
        states.append(QuoteState(starts_inside, is_open))
    _LAST_STATES[:] = [key, states]
    return states


@dataclass(slots=True)
class _Unit:
    """One or more sentences (a quote spread over several) chosen or skipped together."""

    infos: list[Any]
    rating: float
    order: int
    text: str
    words: frozenset[str] = field(default_factory=frozenset)
    runs: frozenset[tuple[str, ...]] = field(default_factory=frozenset)
    connective: bool | None = None  # found out only for the few units that could open

    def opens_with_connective(self) -> bool:
        if self.connective is None:
            self.connective = opens_with_connective(self.text)
        return self.connective


@dataclass(slots=True)
class Selection:
    """Keep up to `count` best-rated sentences within `max_chars`, following the rules above."""

    count: int
    max_chars: int | None = None
    stop_words: frozenset[str] = frozenset()

    def __call__(self, infos: Sequence[Any]) -> list[Any]:
        """Pick from SentenceInfo tuples sorted best first (sumy's count protocol)."""
        if not infos:
            return []
        units = self._units(infos)
        chosen = self._choose(units)
        if not chosen:
            chosen = self._choose([_Unit([info], info.rating, info.order, str(info.sentence))
                                   for info in infos], rules=False)
        return [self._as_info(unit) for unit in chosen] or [infos[0]]

    def _units(self, infos: Sequence[Any]) -> list[_Unit]:
        """Group the sentences into units, best rated first; quote fragments are left out."""
        in_order = sorted(infos, key=lambda info: info.order)
        texts = [str(info.sentence) for info in in_order]
        paragraphs = [getattr(info.sentence, "paragraph", info.order) for info in in_order]
        states = quote_states(texts, paragraphs)
        units: list[_Unit] = []
        index = 0
        while index < len(in_order):
            end = index
            while (states[end].ends_open and end + 1 < len(in_order)
                   and paragraphs[end + 1] == paragraphs[index]):
                end += 1
            members = in_order[index : end + 1]
            closed = not states[end].ends_open
            size = end - index + 1
            if states[index].starts_inside or (size > 1 and (
                    not closed or size > _MAX_QUOTE_SENTENCES)):
                index = end + 1  # a fragment whose speaker is elsewhere: never taken alone
                continue
            rating = sum(info.rating for info in members) / size
            text = " ".join(texts[index : end + 1])
            units.append(self._unit(members, rating, text))
            index = end + 1
        units.sort(key=lambda unit: unit.rating, reverse=True)
        return units

    @staticmethod
    def _unit(members: list[Any], rating: float, text: str) -> _Unit:
        return _Unit(members, rating, members[0].order, text)

    def _fill(self, unit: _Unit) -> _Unit:
        """Compute a unit's content words and runs of three (only for the few units considered)."""
        if unit.words:
            return unit
        stop = self.stop_words
        content = [w[:_STEM_CHARS] for info in unit.infos for w in map(str.lower,
                   info.sentence.words) if w not in stop and len(w) > 2]
        unit.words = frozenset(content)
        unit.runs = frozenset(zip(content, content[1:], content[2:], strict=False))
        return unit

    def _choose(self, units: list[_Unit], *, rules: bool = True) -> list[_Unit]:
        chosen: list[_Unit] = []
        used = 0
        for unit in units:
            if len(chosen) >= self.count:
                break
            cost = len(unit.text) + (1 if chosen else 0)
            if self.max_chars is not None and used + cost > self.max_chars and (
                    chosen or len(unit.text) > self.max_chars):
                continue
            if rules and (not chosen or unit.order < min(other.order for other in chosen)) and (
                    unit.opens_with_connective()):
                continue  # would be the first bullet (a later pick can never precede it)
            if rules and any(_repeats(self._fill(unit), other) for other in chosen):
                continue
            chosen.append(self._fill(unit) if rules else unit)
            used += cost
        return sorted(chosen, key=lambda unit: unit.order)

    @staticmethod
    def _as_info(unit: _Unit) -> Any:
        first = unit.infos[0]
        if len(unit.infos) == 1:
            return first
        tokenizer = first.sentence._tokenizer
        joined = Sentence(unit.text, tokenizer)
        return first._replace(sentence=joined, rating=unit.rating)


def _repeats(unit: _Unit, other: _Unit) -> bool:
    """Whether two units say the same thing: mostly the same content words, or some of them
    and a shared run of three content words ("starting to look like an alliance")."""
    if not unit.words or not other.words:
        return False
    overlap = len(unit.words & other.words) / min(len(unit.words), len(other.words))
    if overlap > _REPEAT_OVERLAP:
        return True
    return overlap >= _REPEAT_RUN_OVERLAP and bool(unit.runs & other.runs)

