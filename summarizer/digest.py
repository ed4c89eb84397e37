"""Multi-article digests: stories from grouped articles, each told by its lead article.

Works from the stored summaries only (cheap: no article is summarized again). Articles are
grouped by story, then each story is told without blending: the lead article's headline and its
own sentences first; a sentence of another article of the group only when it adds a fact the
lead lacks (a name or a figure, not a restatement), labelled with its source. No story opens
with a dangling connective ("However", "Но") or the tail of a quotation. Stories are ordered by
coverage (how many sources report them), then by recency.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from summarizer import languages
from summarizer.clustering import cluster_stories
from summarizer.openers import clean_run, is_clean_addition
from summarizer.stemmers import stemmer_for
from summarizer.stopwords import stop_words

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_FALLBACK_CHARS = 1500
# Another article's sentence is a restatement unless at least this share of its content words
# is new to the story told so far ...
NEW_WORDS = 0.4
# ... and it is about the same story: a content word, a name or a figure shared with the lead.
SHARED_WORDS = 1
# Other articles looked at for added facts (one per source first): bounds the work per story.
MAX_OTHERS = 12
_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DigestArticle:
    """An article as the digest sees it: id, title and its stored summary sentences.

    The optional fields help tell stories apart: the body, where it came from, when it was
    published and its language ("" when unknown).
    """

    id: int
    title: str
    summary: tuple[str, ...]
    text: str = ""
    source: str = ""
    url: str | None = None
    published_at: datetime | None = None
    language: str = ""


@dataclass(frozen=True, slots=True)
class DigestSentence:
    """One digest sentence, the article it came from, and whether it is the lead's."""

    text: str
    article_id: int
    source: str = ""
    from_lead: bool = True


@dataclass(frozen=True, slots=True)
class DigestGroup:
    """One story: its articles (the lead first), the chosen sentences and its sources.

    ``sources`` are the distinct source names, the lead's first; ``sentences`` is empty for
    stories beyond the shown ones and for articles with nothing to quote.
    """

    article_ids: tuple[int, ...]
    lead: DigestArticle
    sentences: tuple[DigestSentence, ...]
    sources: tuple[str, ...] = ()
    latest: datetime | None = None


@dataclass(frozen=True, slots=True)
class Digest:
    """Stories, most covered first; ``omitted`` counts stories beyond max_items (in ``rest``)."""

    groups: tuple[DigestGroup, ...]
    omitted: int
    rest: tuple[DigestGroup, ...] = ()

    @property
    def story_count(self) -> int:
        """How many stories the articles formed."""
        return len(self.groups) + len(self.rest)


def build_digest(
    articles: Sequence[DigestArticle], *, max_items: int = 10, sentences_per_item: int = 3
) -> Digest:
    """Group articles by story and tell each of the first ``max_items`` stories.

    Every article lands in exactly one story. Stories beyond ``max_items`` come back in
    ``rest`` with their lead and sources but no sentences.
    """
    unique = _dedupe_ids(articles)
    by_id = {article.id: article for article in unique}
    order = {article.id: index for index, article in enumerate(unique)}
    stories = [[by_id[i] for i in sorted(ids, key=order.__getitem__)] for ids in _story_ids(unique)]
    ranked = sorted((_outline(story, order) for story in stories), key=_rank)
    shown = max(0, max_items)
    wanted = max(1, sentences_per_item)
    built = tuple(_tell(group, by_id, wanted) for group in ranked[:shown])
    return Digest(groups=built, omitted=len(ranked[shown:]), rest=tuple(ranked[shown:]))


def _story_ids(unique: list[DigestArticle]) -> list[tuple[int, ...]]:
    """The grouping call: article ids grouped by story (``summarizer.clustering``)."""
    return cluster_stories(unique)


def source_label(article: DigestArticle) -> str:
    """How a reader knows where an article came from: its source, its site, else its id."""
    if article.source.strip():
        return " ".join(article.source.split())
    host = urlsplit(article.url or "").hostname or ""
    return host.removeprefix("www.") if host else f"article #{article.id}"


def _dedupe_ids(articles: Sequence[DigestArticle]) -> list[DigestArticle]:
    seen: set[int] = set()
    unique = []
    for article in articles:
        if article.id not in seen:
            seen.add(article.id)
            unique.append(article)
    return unique


def _lead_of(story: list[DigestArticle], order: dict[int, int]) -> DigestArticle:
    """The article that tells the story: one with something to quote, newest, then first given."""
    return min(
        story,
        key=lambda a: (
            not _has_words(a),
            -(a.published_at or _OLDEST).timestamp(),
            order[a.id],
        ),
    )


def _has_words(article: DigestArticle) -> bool:
    """Whether the article has something to quote (cheap: most have a stored summary)."""
    if any(s.strip() for s in article.summary):
        return bool(_sentences_of(article)) if len(article.summary) == 1 else True
    return bool(article.text.strip()) and bool(_sentences_of(article))


def _outline(story: list[DigestArticle], order: dict[int, int]) -> DigestGroup:
    lead = _lead_of(story, order)
    members = [lead] + [a for a in story if a.id != lead.id]
    sources: list[str] = []
    seen: set[str] = set()
    for article in members:
        label = source_label(article)
        if label.casefold() not in seen:
            seen.add(label.casefold())
            sources.append(label)
    dates = [a.published_at for a in story if a.published_at is not None]
    return DigestGroup(
        article_ids=tuple(a.id for a in members),
        lead=lead,
        sentences=(),
        sources=tuple(sources),
        latest=max(dates) if dates else None,
    )


def _rank(group: DigestGroup) -> tuple[int, float]:
    """Most sources first, then the most recent (a stable sort keeps the given order after)."""
    return (-len(group.sources), -(group.latest or _OLDEST).timestamp())


def _sentences_of(article: DigestArticle) -> tuple[str, ...]:
    """The article's summary sentences (else the first of its text), without bare links."""
    summary = tuple(s.strip() for s in article.summary if s and s.strip())
    if not summary and article.text.strip():
        head = article.text.strip()[:_FALLBACK_CHARS]
        parts = re.split(r"(?<=[.!?。！？])\s+", head)
        summary = tuple(p.strip() for p in parts[:3] if p.strip())
    return tuple(s for s in summary if _WORD.search(_URLS.sub(" ", s)))


_URLS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _tell(group: DigestGroup, by_id: dict[int, DigestArticle], wanted: int) -> DigestGroup:
    """Choose the story's sentences: the lead's own, then facts other articles add."""
    lead = group.lead
    lead_sentences = _sentences_of(lead)
    own = clean_run(lead_sentences, wanted)
    lang = languages.resolve(lead.language) if lead.language else None
    if lang is None:
        lang = languages.detect(f"{lead.title} {' '.join(lead_sentences)}")
    stem = stemmer_for(lang.name)
    ignored = stop_words(lang.name) if lang.name else frozenset()
    facts = _Facts(stem, ignored)
    told = facts.of(" ".join((lead.title, *lead_sentences)))
    room = max(wanted // 2, wanted - len(own)) if group.article_ids[1:] else 0
    added: list[DigestSentence] = []
    for other in _others(group, by_id):
        if len(added) >= room:
            break
        for sentence in _sentences_of(other):
            if len(added) >= room:
                break
            if not is_clean_addition(sentence):
                continue
            found = facts.of(sentence)
            if facts.adds(found, told):
                added.append(DigestSentence(sentence, other.id, source_label(other), False))
                told = _Found(told.words | found.words, told.facts | found.facts)
    keep = max(0, wanted - len(added))
    sentences = tuple(DigestSentence(s, lead.id, source_label(lead)) for s in own[:keep])
    return DigestGroup(
        group.article_ids, lead, sentences + tuple(added), group.sources, group.latest
    )


def _others(group: DigestGroup, by_id: dict[int, DigestArticle]) -> list[DigestArticle]:
    """Other articles to draw facts from: one per source first, at most MAX_OTHERS."""
    lead_source = source_label(group.lead).casefold()
    others = [by_id[i] for i in group.article_ids[1:] if i in by_id]
    seen = {lead_source}
    first, later = [], []
    for article in others:
        label = source_label(article).casefold()
        (later if label in seen else first).append(article)
        seen.add(label)
    return (first + later)[:MAX_OTHERS]


@dataclass(frozen=True, slots=True)
class _Found:
    words: frozenset[str]  # content-word stems
    facts: frozenset[str]  # figures and names, normalised


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|[.!?:;]")


class _Facts:
    """What a sentence says: its content words, and the figures and names it states."""

    def __init__(self, stem: Callable[[str], str], ignored: frozenset[str]) -> None:
        self.stem = stem
        self.ignored = ignored

    def of(self, text: str) -> _Found:
        stem = self.stem
        words = frozenset(
            stem(w)
            for w in (m.lower() for m in _WORD.findall(text))
            if w not in self.ignored and len(w) > 1
        )
        figures = {m.group().replace(",", "") for m in _NUMBER.finditer(text)}
        return _Found(words, frozenset(figures | {f"@{n}" for n in self._names(text)}))

    def _names(self, text: str) -> set[str]:
        """Capitalised words that do not start a sentence (people, places, companies)."""
        names: set[str] = set()
        starts = True
        for token in _TOKEN.findall(text):
            if token in ".!?:;":
                starts = True
                continue
            if not starts and token[0].isupper() and token.lower() not in self.ignored:
                names.add(self.stem(token.lower()))
            starts = False
        return names

    def adds(self, found: _Found, told: _Found) -> bool:
        """A new fact about the same story, not a restatement of what was told."""
        if not found.words or not found.facts - told.facts:
            return False
        if len(found.words & told.words) < SHARED_WORDS and not found.facts & told.facts:
            return False
        return len(found.words - told.words) / len(found.words) >= NEW_WORDS
