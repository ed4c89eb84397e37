"""Input cleaning: sorting lines into story text, headings and boilerplate.

Boilerplate (bylines, "About Author", "Related Articles", share buttons, datelines, repeated
headlines) is dropped or kept only as a heading, so it can never become a summary sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_BOILERPLATE = re.compile(
    r"""^(?:
        about\s+(?:the\s+)?author | related\s+(?:articles?|stories|posts|news|content|links)
      | (?:read|see)\s+(?:more|also)\b.{0,80} | more\s+(?:on\s+this\s+story|stories|from\b.{0,60})
      | share(?:\s+(?:this|on|via)\b.{0,40})? | tweet | pin\s*it | e-?mail | print
      | (?:follow|like)\s+us\b.{0,60} | (?:sign\s+up|subscribe)\b.{0,80}
      | click\s+here\b.{0,80} | advertisement | sponsored(?:\s+content)? | comments?(?:\s*\(\d+\))?
      | leave\s+a\s+(?:comment|reply) | (?:all\s+rights\s+reserved|copyright|©).{0,120}
      | (?:image|photo|picture|video)\s*(?:copyright|credit|caption)?\s*:?
        .{0,80}(?:getty|reuters|ap|afp|images?)\b.{0,40}
      | (?:facebook|twitter|whatsapp|linkedin|telegram|reddit|vk)
        (?:[\s,|/]+(?:facebook|twitter|whatsapp|linkedin|telegram|reddit|vk|e-?mail|print))*
      | tags?\s*:.{0,200} | filed\s+under\s*:?.{0,200}
    )[\s.:|]*$""",
    re.I | re.X,
)
# Page furniture that is never part of a story, even when it ends with a period.
_ALWAYS_BOILERPLATE = re.compile(
    r"^(?:about\s+(?:the\s+)?author|related\s+(?:articles?|stories|posts|news)"
    r"|(?:all\s+rights\s+reserved|copyright\b|©).{0,120}|filed\s+under\s*:.{0,200}"
    r"|scroll\s+down\s+for\s+(?:video|more)|daily\s+mail\s+reporter)[\s.:|]*$",
    re.I,
)
# Lines that are at least this long and end like a sentence ("By then it was too late.") are
# never taken for a byline, share row or credit line.
_SENTENCE_MIN_WORDS = 3
_SENTENCE_END = re.compile(r"[^\s.] ?[.!?][\"'”’»)]*$")
_PTB_BYLINE = re.compile(r"^by\s+\.\s+[^\W\d_][\w'’ -]{1,60}?\s*\.?$", re.I)
_LONE_PUNCTUATION = re.compile(r"(?<!\S)[.|:;]+(?!\S)")
_ALNUM = re.compile(r"[^\W_]")
_STAMP = re.compile(
    r"^(?:published|updated|last\s+(?:updated|modified)|posted|опубликовано|обновлено)"
    r"(?:\s+(?:on|at))?\s*:?\s*", re.I
)
_BOILERPLATE_MAX_WORDS = 12
_STAMP_MAX_WORDS = 30
_BYLINE = re.compile(
    r"^(?:by|written\s+by|reporting\s+by|автор|текст)\s*[.:]?\s+[^\W\d_][\w.'’ -]{1,60}$", re.I
)
_MONTHS = (r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
           r"june|july|august|september|october|november|december|monday|tuesday|wednesday|"
           r"thursday|friday|saturday|sunday|gmt|utc|bst|edt|est|pst|am|pm|a\.m|p\.m|мск")
# How the only kinds of furniture longer than _BOILERPLATE_MAX_WORDS words begin.
_LONG_FURNITURE_START = re.compile(
    r"^(?:\d|published|updated|last|posted|опубликовано|обновлено|copyright|©|all\s+rights"
    rf"|filed|(?:{_MONTHS})\b)",
    re.I,
)
_DATE_TOKEN = re.compile(
    rf"^(?:\d[\d:./-]*|\d{{1,2}}(?:st|nd|rd|th)|(?:{_MONTHS})\.?|on|at"
    r"|(?:published|updated|posted):?|[,|/–—:-])$",
    re.I,
)
_LEAD_DATELINE = re.compile(
    r"^(?:[^\W\d_][\w .,'’-]{0,40}\s*)?\(\s*(?:CNN|Reuters|AP|AFP|UPI|Bloomberg)\s*\)"
    r"\s*(?:--|—|–|-|:)?\s*",
    re.I,
)
_BULLET = re.compile(r"^(?:[-*•·▪►‣–—]|\d{1,3}[.)])\s+(?=\S)")
_TERMINAL = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_HEADING_MAX_WORDS = 14
_KEYED_LINE = 400
_NON_WORD = re.compile(r"[\W_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


@dataclass(slots=True)
class CleanText:
    """Text sorted into blocks: ('text', paragraph), ('bullet', item) or ('heading', line)."""

    title: str | None
    blocks: list[tuple[str, str]] = field(default_factory=list)


def junk_ratio(text: str) -> float:
    """Share of control or replacement characters: high for binary data decoded as text."""
    sample = text[:20_000]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


def normalize_text(text: str) -> str:
    """Normalize Unicode (NFC), line ends and odd spaces; remove control characters."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    return _CONTROL.sub(" ", text)


def line_key(line: str) -> str:
    """A line's words only: lower case, no punctuation (equal keys = the same line)."""
    return _NON_WORD.sub(" ", line.lower()).strip()


def is_boilerplate(line: str) -> bool:
    """Whether a line is page furniture (byline, share row, dateline, 'Related Articles' ...)."""
    stripped = line.strip().strip("|•·-–— ")
    if not _ALNUM.search(stripped):
        return True
    # the words are counted only as far as the limits below need (a sentence has dozens)
    count = len(stripped.split(None, _STAMP_MAX_WORDS + 1))
    if count > _BOILERPLATE_MAX_WORDS and not _LONG_FURNITURE_START.match(stripped):
        return False  # the common case, a sentence of the story: decided cheaply
    if len(stripped) > 300 or count > _STAMP_MAX_WORDS:
        return False
    reads_as_sentence = (
        len(stripped.split()) > _SENTENCE_MIN_WORDS and bool(_SENTENCE_END.search(stripped))
    )
    # PTB-tokenized news ("by . daily mail reporter . published : .") has bare punctuation tokens
    bare = " ".join(_LONE_PUNCTUATION.sub(" ", stripped).split())
    if _ALWAYS_BOILERPLATE.match(bare) or _PTB_BYLINE.match(stripped):
        return True
    short = len(bare.split()) <= _BOILERPLATE_MAX_WORDS
    if short and not reads_as_sentence and (_BOILERPLATE.match(bare) or _BYLINE.match(bare)):
        return True
    stamp = _STAMP.match(bare)
    if stamp:
        bare = bare[stamp.end():].strip(" |") or "0"
    tokens = re.findall(r"[^\s,|/]+|[,|/]", bare)
    return bool(tokens) and all(_DATE_TOKEN.match(token) for token in tokens)


def is_heading_like(line: str) -> bool:
    """A short line with no sentence punctuation at its end: a headline, caption or name."""
    return len(line.split()) <= _HEADING_MAX_WORDS and not _TERMINAL.search(line)


def clean(text: str, title: str | None = None) -> CleanText:
    """Sort plain text into story paragraphs, bullets and headings; drop boilerplate lines."""
    lines = text.split("\n")
    result = CleanText(title=title.strip() if title and title.strip() else None)
    if result.title is None:
        result.title = _leading_headline(lines)
    seen_headings: set[str] = {line_key(result.title)} if result.title else set()
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            result.blocks.append(("text", " ".join(paragraph)))
            paragraph.clear()

    for raw in lines:
        line = raw.strip()
        if not line:
            flush()
            continue
        if is_boilerplate(line) or (len(line) < _KEYED_LINE and line_key(line) in seen_headings):
            flush()
            continue
        bullet = _BULLET.match(line)
        if bullet:
            flush()
            result.blocks.append(("bullet", line[bullet.end():].strip()))
        elif is_heading_like(line):
            flush()
            result.blocks.append(("heading", line))
            seen_headings.add(line_key(line))
        else:
            paragraph.append(line)
    flush()
    _strip_lead_dateline(result)
    return result


def _leading_headline(lines: list[str]) -> str | None:
    """The first headline-like line (3+ words, no end punctuation) before the story starts."""
    for raw in lines[:12]:
        line = raw.strip()
        if not line or is_boilerplate(line):
            continue
        if not is_heading_like(line) and len(line.split()) > 25:
            return None
        if _TERMINAL.search(line):
            return None
        if len(line.split()) >= 3:
            return line
    return None


def _strip_lead_dateline(result: CleanText) -> None:
    for index, (kind, block) in enumerate(result.blocks):
        if kind == "text":
            stripped = _LEAD_DATELINE.sub("", block, count=1)
            if stripped.strip():
                result.blocks[index] = (kind, stripped)
            return


# A line of page furniture that begins a saved page: a site mark ("SI |", "Home »").
_SITE_MARK = re.compile(r"^(?:\S{1,12}\s*)?[|»›>:/–—-]\s*$|^\W*\w{0,3}\W*$")
# Markers after which a page lists names or other stories, not the story itself.
_TRAILER = re.compile(
    r"^(?:about\s+(?:the\s+)?authors?|related\s+(?:articles?|stories|posts|news|content|links)"
    r"|(?:read|see)\s+(?:more|also)|more\s+(?:on\s+this\s+story|stories)|об\s+авторе"
    r"|читайте\s+также|похожие\s+(?:статьи|новости))[\s.:|]*$",
    re.I,
)
_TITLE_SEARCH_LINES = 20


def split_article(text: str) -> tuple[str, str]:
    """A plain-text page as (title, body), with the page's furniture left out of both.

    The title is the first real headline line: site marks ("SI |"), datelines and bylines
    before it are skipped. The body drops repeats of the headline, bylines, datelines, share
    rows and the like (is_boilerplate), and the short lines that follow "About Author" or
    "Related Articles" (the author's name, other stories' headlines). Paragraphs stay
    separated by blank lines. Either part may come back empty.
    """
    lines = [line.strip() for line in normalize_text(text).split("\n")]
    start = 0
    title = ""
    for index, line in enumerate(lines[:_TITLE_SEARCH_LINES]):
        if not line or is_boilerplate(line) or _SITE_MARK.match(line) or _TRAILER.match(line):
            continue
        title, start = line, index + 1
        break
    if not title:
        first = next((index for index, line in enumerate(lines) if line), None)
        if first is None:
            return "", ""
        title, start = lines[first], first + 1
    title_key = line_key(title)
    body: list[str] = []
    in_trailer = False
    for line in lines[start:]:
        if not line:
            if body and body[-1]:
                body.append("")
            continue
        if _TRAILER.match(line):
            in_trailer = True
            continue
        if in_trailer and is_heading_like(line):
            continue  # a name under "About Author", a headline under "Related Articles"
        in_trailer = False
        if is_boilerplate(line) or (len(line) < _KEYED_LINE and line_key(line) == title_key):
            continue
        body.append(line)
    return title, "\n".join(body).strip()
