"""The windows of the digest-grouping benchmark, built from the evaluation data sets.

(a) same story, other words: every CNN/DailyMail article with a second item made of its
human highlights (first highlight as headline, all as summary), mixed with every BBC
development article as distractors; in Russian every RBC article with its editor's overview.
(b) same subject, other events: the BBC development articles of one category in one window,
whose true pairs are the data set's duplicates (`dup_group` in manifest.tsv).

Articles get the summary ingestion would store (our default summarizer, 3 sentences) and their
text; the second items of (a) are made of reference sentences only. BBC rewrites (a reworded
headline over the same body) are one story as well, so pairs of them are left out of the score,
not counted either way.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.digest import DigestArticle

SHINGLE = 5
REWRITE_SHARE = 0.5
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Window:
    """One benchmark window: its articles, their true story labels and the unscored pairs."""

    name: str
    articles: list[DigestArticle] = field(default_factory=list)
    story: dict[int, str] = field(default_factory=dict)  # article id -> true story label
    ignored: set[tuple[int, int]] = field(default_factory=set)  # pairs not scored (rewrites)
    unit: dict[int, str] = field(default_factory=dict)  # id -> fold unit (a pair stays together)

    def add(self, article: DigestArticle, story: str, unit: str | None = None) -> None:
        """Add an article with its true story label (and its cross-validation unit)."""
        self.articles.append(article)
        self.story[article.id] = story
        self.unit[article.id] = unit or story

    def subset(self, units: set[str]) -> Window:
        """The window restricted to articles of the given cross-validation units."""
        part = Window(self.name)
        for article in self.articles:
            if self.unit[article.id] in units:
                part.add(article, self.story[article.id], self.unit[article.id])
        keep = set(part.story)
        part.ignored = {p for p in self.ignored if p[0] in keep and p[1] in keep}
        return part


@dataclass(frozen=True, slots=True)
class BbcItem:
    """One BBC development article: category, headline, body and duplicate group."""

    id: str
    category: str
    title: str
    body: str
    dup_group: str


Summarize = Callable[[str, str, str], tuple[str, ...]]


def read_text(path: Path) -> str:
    """A data file as text: UTF-8, or cp1252 for the odd file that is not."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def load_bbc(folder: Path, split: str = "dev") -> list[BbcItem]:
    """The BBC articles of one split, with headline and body apart."""
    items = []
    with (folder / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row.get("split", "dev") != split:
                continue
            text = read_text(folder / "articles" / f"{row['id']}.txt").strip()
            title, _, body = text.partition("\n")
            items.append(BbcItem(row["id"], row["category"], title.strip(), body.strip(),
                                 row.get("dup_group") or row["id"]))
    return items


def load_jsonl(path: Path) -> list[dict[str, str]]:
    """The rows of a JSON-lines file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def split_sentences(text: str) -> tuple[str, ...]:
    """Lines, or sentence-end punctuation, as sentence boundaries (for references only)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1:
        return tuple(lines)
    return tuple(p.strip() for p in _SENTENCE_END.split(text) if p.strip())


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + SHINGLE]) for i in range(max(0, len(words) - SHINGLE + 1))}


def rewrite_pairs(items: Iterable[tuple[int, str, str]]) -> set[tuple[int, int]]:
    """Pairs of (id, title, body) that are rewrites of one story.

    At least half of the shorter body's 5-word shingles found in the other, or the same
    headline.
    """
    shingles: dict[int, set[tuple[str, ...]]] = {}
    by_title: dict[str, list[int]] = defaultdict(list)
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for article_id, title, body in items:
        shingles[article_id] = _shingles(body)
        by_title[" ".join(_WORD.findall(title.lower()))].append(article_id)
        for shingle in shingles[article_id]:
            index[shingle].append(article_id)
    pairs: set[tuple[int, int]] = set()
    for ids in by_title.values():
        pairs.update((a, b) for a in ids for b in ids if a < b)
    for article_id, own in shingles.items():
        counts: dict[int, int] = defaultdict(int)
        for shingle in own:
            for other in index[shingle]:
                if other > article_id:
                    counts[other] += 1
        for other, shared in counts.items():
            smaller = min(len(own), len(shingles[other]))
            if smaller and shared >= REWRITE_SHARE * smaller:
                pairs.add((article_id, other))
    return pairs


def _bbc_article(article_id: int, item: BbcItem, summarize: Summarize) -> DigestArticle:
    return DigestArticle(
        id=article_id, title=item.title, summary=summarize(item.title, item.body, "en"),
        text=item.body, source="BBC", language="en",
    )


def english_pairs(data: Path, summarize: Summarize, split: str = "dev") -> Window:
    """(a) in English: CNN/DM articles and their highlights among every BBC article."""
    window = Window("(a) en: CNN/DM + highlights, BBC distractors")
    rows = load_jsonl(data / "cnndm" / "summeval100.jsonl")
    next_id = 1
    for row in rows:
        highlights = split_sentences(row["summary"])
        label = f"cnndm:{row['id']}"
        window.add(DigestArticle(id=next_id, title="", summary=summarize("", row["text"], "en"),
                                 text=row["text"], source="CNN/DM", language="en"), label)
        window.add(DigestArticle(id=next_id + 1, title=highlights[0] if highlights else "",
                                 summary=highlights, source="Highlights", language="en"), label)
        next_id += 2
    _add_bbc(window, load_bbc(data / "bbc_news_summary", split), summarize, next_id)
    return window


def russian_pairs(data: Path, summarize: Summarize) -> Window:
    """(a) in Russian: RBC articles and their editors' overviews."""
    window = Window("(a) ru: RBC + overviews")
    for number, row in enumerate(load_jsonl(data / "ru_rbc" / "rbc394.jsonl")):
        overview = split_sentences(row["summary"])
        label = f"rbc:{row['id']}"
        window.add(DigestArticle(id=2 * number + 1, title="",
                                 summary=summarize("", row["text"], "ru"), text=row["text"],
                                 source="RBC", language="ru"), label)
        window.add(DigestArticle(id=2 * number + 2, title=overview[0] if overview else "",
                                 summary=overview, source="Overview", language="ru"), label)
    return window


def _add_bbc(window: Window, items: list[BbcItem], summarize: Summarize, first_id: int) -> None:
    texts = []
    for offset, item in enumerate(items):
        article = _bbc_article(first_id + offset, item, summarize)
        window.add(article, f"bbc:{item.dup_group}")
        texts.append((article.id, item.title, item.body))
    for pair in rewrite_pairs(texts):
        if window.story[pair[0]] != window.story[pair[1]] or window.name.startswith("(a)"):
            window.ignored.add(pair)
    if window.name.startswith("(a)"):
        # In (a) the BBC articles are distractors: their own duplicates are (b)'s business.
        ids = [first_id + offset for offset in range(len(items))]
        by_story: dict[str, list[int]] = defaultdict(list)
        for article_id in ids:
            by_story[window.story[article_id]].append(article_id)
        for members in by_story.values():
            window.ignored.update((a, b) for a in members for b in members if a < b)


def bbc_categories(data: Path, summarize: Summarize, split: str = "dev") -> list[Window]:
    """(b): one window per BBC category; true pairs are the duplicate groups."""
    by_category: dict[str, list[BbcItem]] = defaultdict(list)
    for item in load_bbc(data / "bbc_news_summary", split):
        by_category[item.category].append(item)
    windows = []
    for category in sorted(by_category):
        window = Window(f"(b) bbc {category}")
        _add_bbc(window, by_category[category], summarize, 1)
        windows.append(window)
    return windows
