"""Which sentences can stand first, or alone, in a digest story.

A summary sentence is picked out of its article, so it may lean on the sentence before it: a
connective ("However, ...", "Но ...") or the tail of a quotation that opened earlier ('..., he
said." ' or "— сказал он."). Shown first, or next to another article's text, such a sentence
reads as if it answered something the reader never saw. These rules are small word lists and
quote counting written here because no kept library decides it (sumy and nupunkt split
sentences, they do not judge whether one stands alone).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Always lean on what came before, whatever follows them.
_ALWAYS = frozenset(
    [
        "however",
        "but",
        "also",
        "and",
        "or",
        "nor",
        "yet",
        "plus",
        "moreover",
        "furthermore",
        "additionally",
        "nevertheless",
        "nonetheless",
        "meanwhile",
        "besides",
        "likewise",
        "similarly",
        "consequently",
        "therefore",
        "thus",
        "hence",
        "instead",
        "otherwise",
        "accordingly",
        "conversely",
        "но",
        "однако",
        "также",
        "тоже",
        "зато",
        "причём",
        "причем",
        "притом",
        "впрочем",
        "поэтому",
        "следовательно",
        "а",
        "и",
        "или",
        "ещё",
        "еще",
        "ведь",
    ]
)
# Lean on what came before when a comma follows ("Well, ..." but "Well over 100 ...").
_WITH_COMMA = frozenset(
    [
        "well",
        "so",
        "still",
        "indeed",
        "then",
        "now",
        "anyway",
        "again",
        "too",
        "first",
        "second",
        "third",
        "finally",
        "there",
        "here",
        "итак",
        "значит",
        "далее",
    ]
)
_PHRASES = (
    "in addition",
    "on the other hand",
    "as a result",
    "at the same time",
    "by contrast",
    "in contrast",
    "even so",
    "that said",
    "after all",
    "in turn",
    "for example",
    "for instance",
    "on top of that",
    "кроме того",
    "при этом",
    "тем не менее",
    "между тем",
    "вместе с тем",
    "в то же время",
    "к тому же",
    "в свою очередь",
    "в частности",
    "например",
    "так что",
    "с другой стороны",
    "в результате",
)
_FIRST_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_PAIRS = (("“", "”"), ("«", "»"))
_LOW_PAIRS = (("„", "“"), ("«", "»"))  # German-style quotes, also used in Russian text
_DASHES = "—–-"


def dangling_connective(sentence: str) -> str | None:
    """The connective the sentence opens with ("However"), or None when it stands alone."""
    text = sentence.lstrip(" \t\"“«'‘(")
    lowered = text.lower()
    for phrase in _PHRASES:
        if lowered.startswith(phrase) and not lowered[len(phrase) : len(phrase) + 1].isalnum():
            return text[: len(phrase)]
    match = _FIRST_WORD.match(text)
    if match is None:
        return None
    word = match.group().lower()
    after = text[match.end() : match.end() + 1]
    if after in ("'", "’", "-"):  # "And's", "So-called"
        return None
    if word in _ALWAYS or (word in _WITH_COMMA and after == ","):
        return match.group()
    return None


def quote_state(sentence: str) -> tuple[bool, bool]:
    """(closes a quotation opened before it, leaves a quotation open for the next one)."""
    closes_unopened = leaves_open = False
    for opening, closing in _LOW_PAIRS if "„" in sentence else _PAIRS:
        depth = 0
        for char in sentence:
            if char == opening:
                depth += 1
            elif char == closing:
                if depth == 0:
                    closes_unopened = True
                else:
                    depth -= 1
        leaves_open = leaves_open or depth > 0
    straight = [i for i, char in enumerate(sentence) if char == '"']
    if len(straight) % 2:
        first = straight[0]
        before = sentence[first - 1] if first else " "
        after = sentence[first + 1] if first + 1 < len(sentence) else " "
        if not before.isspace() and (after.isspace() or after in ".,;:!?)"):
            closes_unopened = True
        else:
            leaves_open = True
    return closes_unopened, leaves_open


def is_fragment(sentence: str) -> bool:
    """A piece that cannot open: a quotation's tail, a lower-case start, a speech dash."""
    text = sentence.strip()
    if not text:
        return True
    if text[0] in _DASHES or text.startswith(("...", "…")):
        return True
    first_word = _FIRST_WORD.match(text)
    if first_word and text[0].islower() and not any(c.isupper() for c in first_word.group()):
        return True  # "said the minister." (but "iPhone sales ..." is fine)
    return quote_state(text)[0]


def can_open(sentence: str) -> bool:
    """Whether a story may start with this sentence."""
    return not is_fragment(sentence) and dangling_connective(sentence) is None


def is_clean_addition(sentence: str) -> bool:
    """Whether a sentence may be shown on its own, next to another article's sentences."""
    closes, opens = quote_state(sentence)
    return can_open(sentence) and not opens and not closes


def repaired(sentence: str) -> str | None:
    """The sentence without its opening connective ("However, the bank ..." -> "The bank ...").

    None when it is a fragment for another reason or nothing sensible is left.
    """
    connective = dangling_connective(sentence)
    if connective is None:
        return sentence if can_open(sentence) else None
    start = sentence.find(connective)
    rest = sentence[start + len(connective) :].lstrip(" ,;:—–-")
    if len(_FIRST_WORD.findall(rest)) < 3:
        return None
    fixed = rest[0].upper() + rest[1:]
    return fixed if can_open(fixed) else None


def clean_run(sentences: Sequence[str], wanted: int) -> list[str]:
    """Up to ``wanted`` of an article's sentences, in order, starting with one that can open.

    Sentences before the first that can open are skipped; a quotation left open is only
    shown with the sentence that closes it. With no sentence able to open, the first whose
    only fault is its connective is shown without it; else nothing.
    """
    start = next((i for i, s in enumerate(sentences) if can_open(s)), None)
    if start is None:
        fixed = next((f for f in (repaired(s) for s in sentences) if f), None)
        return [fixed] if fixed and wanted > 0 else []
    chosen: list[str] = []
    index = start
    while index < len(sentences) and len(chosen) < wanted:
        sentence = sentences[index]
        opens = quote_state(sentence)[1]
        if opens:
            closer = index + 1
            if closer >= len(sentences) or len(chosen) + 2 > wanted:
                break
            chosen += [sentence, sentences[closer]]
            index = closer + 1
            continue
        chosen.append(sentence)
        index += 1
    if chosen:
        return chosen
    whole = next((s for s in sentences[start:] if is_clean_addition(s)), None)
    return [whole or sentences[start]]
