"""Quality and speed benchmark: LEAD-3, stock sumy LexRank/TextRank and our default, side by side.

    python -m summarizer.bench --data ../shared/eval/data [--set bbc|cnndm|ru|all] [--limit N]

Prints ROUGE-1/2/Lsum F1 (rouge-score, stemming on; for Russian its tokenizer is swapped for one
that keeps Cyrillic words and stems them with Snowball, see RougeTokenizer), each method's
difference from LEAD-3 measured in the same run, the mean sentences and characters per
summary (F1 against a long reference rewards length), milliseconds per article (median and
mean, sentence splitting included) and the speed ratio of the default to stock LexRank, all
measured in one run on the same articles; then the time to summarize a 5,000-word article.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from summarizer.api import summarize
from summarizer.languages import clear_detection_cache, resolve
from summarizer.stemmers import clear_stem_caches
from summarizer.stopwords import stop_words
from summarizer.summarizers import DEFAULT_ALGORITHM
from summarizer.summarizers.newsrank import clear_term_caches
from summarizer.tokenizers import OfflineTokenizer

SENTENCES = 3
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")


@dataclass(frozen=True, slots=True)
class Item:
    """One evaluation article: optional title, body and reference summaries."""

    id: str
    title: str | None
    body: str
    references: tuple[str, ...]
    language: str = "en"  # for the baselines' splitter and stemmer only; the default detects


@dataclass(slots=True)
class Scores:
    """Accumulated ROUGE F1 values and timings of one method."""

    rouge: dict[str, list[float]] = field(default_factory=lambda: {t: [] for t in ROUGE_TYPES})
    rouge_all: dict[str, list[float]] = field(default_factory=lambda: {t: [] for t in ROUGE_TYPES})
    millis: list[float] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)
    chars: list[int] = field(default_factory=list)


Method = Callable[[Item], Sequence[str]]


def load_bbc(root: Path) -> Iterator[Item]:
    """BBC News Summary dev items: first line is the headline, the reference run together."""
    manifest = (root / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for row in manifest:
        item_id = row.split("\t")[0]
        article = _read_text(root / "articles" / f"{item_id}.txt")
        title, _, body = article.strip().partition("\n")
        reference = _read_text(root / "summaries" / f"{item_id}.txt").strip()
        yield Item(item_id, title.strip(), body.strip(), (_split_run_together(reference),))


def load_cnndm(root: Path) -> Iterator[Item]:
    """CNN/DailyMail SummEval items: `summary` first, then the crowd references."""
    with (root / "summeval100.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            extra = tuple(r for r in record.get("references", []) if r != record["summary"])
            yield Item(record["id"], None, record["text"], (record["summary"], *extra))


def load_ru_rbc(root: Path) -> Iterator[Item]:
    """RBC.ru items: the body (no headline) and the editor's overview, one sentence a line."""
    tokenizer = _tokenizer("ru")
    with (root / "rbc394.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            reference = "\n".join(tokenizer.to_sentences(record["summary"]))
            yield Item(record["id"], None, record["text"], (reference,), "ru")


class RougeTokenizer:
    """rouge-score's default tokenizer, made to keep non-Latin words.

    rouge-score lower-cases, replaces everything but [a-z0-9] with spaces and Porter-stems
    tokens longer than three characters, so Russian text becomes no tokens at all. This one
    does the same with Unicode letters and digits (ё read as е) and the language's Snowball
    stemmer (PyStemmer), so Russian ROUGE counts Russian words, stemmed.
    """

    def __init__(self, language: str) -> None:
        import Stemmer

        self._stem = Stemmer.Stemmer(language).stemWord

    def tokenize(self, text: str) -> list[str]:
        """Lower-cased, stemmed word tokens."""
        words = re.findall(r"[^\W_]+", text.lower().replace("ё", "е"))
        return [self._stem(word) if len(word) > 3 else word for word in words]


def scorer_for(language: str):  # type: ignore[no-untyped-def]
    """rouge-score's scorer: its own tokenizer for English, RougeTokenizer for the others."""
    from rouge_score import rouge_scorer

    if language == "en":
        return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    name = resolve(language).name  # type: ignore[union-attr]
    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=RougeTokenizer(name))


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _split_run_together(reference: str) -> str:
    """Put the reference's sentences (joined without spaces) on separate lines for ROUGE-Lsum."""
    return re.sub(r"([.!?][\"'”’]?)(?=[A-Z\"“‘])", r"\1\n", reference)


@functools.cache
def _tokenizer(code: str = "en") -> OfflineTokenizer:
    language = resolve(code)
    assert language is not None
    return OfflineTokenizer(language)


def stock(summarizer_class: type) -> Method:
    """A stock sumy summarizer: sumy's stemmer and stop words, our offline tokenizer.

    sumy ships no Russian stop words, so Russian uses the project's list (summarizer.stopwords).
    """
    tools = {"en": (Stemmer("english"), get_stop_words("english")),
             "ru": (Stemmer("russian"), stop_words("russian"))}

    def run(item: Item) -> Sequence[str]:
        stemmer, words = tools[item.language]
        summarizer = summarizer_class(stemmer)
        summarizer.stop_words = words
        document = PlaintextParser.from_string(item.body, _tokenizer(item.language)).document
        return [str(s) for s in summarizer(document, SENTENCES)]

    return run


def lead3(item: Item) -> Sequence[str]:
    """The first three sentences of the body (the same offline splitter)."""
    document = PlaintextParser.from_string(item.body, _tokenizer(item.language)).document
    return [str(s) for s in document.sentences[:SENTENCES]]


def default(item: Item) -> Sequence[str]:
    """The project's default: summarize() exactly as the bot calls it."""
    return summarize(item.body, title=item.title).sentences


def default_language_given(item: Item) -> Sequence[str]:
    """The default told the article's language, as the stock methods are, and as the bot calls
    it for a page that declares its language (ingest/pipeline.py): no detection."""
    return summarize(item.body, title=item.title, language=item.language).sentences


METHODS: dict[str, Method] = {
    "LEAD-3": lead3,
    "sumy LexRank (stock)": stock(LexRankSummarizer),
    "sumy TextRank (stock)": stock(TextRankSummarizer),
    f"default ({DEFAULT_ALGORITHM})": default,
}
# --language given: the default without detection in place of the default (not beside it: the
# two would share the stemming caches, and the second would run warm).
METHODS_LANGUAGE_GIVEN: dict[str, Method] = {
    **{name: method for name, method in METHODS.items() if method is not default},
    f"default ({DEFAULT_ALGORITHM}), language given": default_language_given,
}


def evaluate(items: list[Item], methods: dict[str, Method]) -> dict[str, Scores]:
    """Run every method on every item, then score against the first and all references.

    Each article is summarized by every method in turn (interleaved, not one pass per method),
    so a change in the load of a shared machine during the run hits all methods alike. The
    stemming caches and the language detector's remembered walks are cleared once before the
    run; only the default keeps any (LEAD-3 does not stem, the stock methods use sumy's
    uncached stemmer), so none profits from another's.
    """
    scorer = scorer_for(items[0].language) if items else None
    results = {name: Scores() for name in methods}
    predictions: dict[str, list[str]] = {name: [] for name in methods}
    clear_stem_caches()
    clear_term_caches()
    clear_detection_cache()
    for item in items:
        for name, method in methods.items():
            started = time.perf_counter()
            sentences = method(item)
            results[name].millis.append((time.perf_counter() - started) * 1000)
            results[name].sentences.append(len(sentences))
            results[name].chars.append(sum(map(len, sentences)))
            predictions[name].append("\n".join(sentences))
    for name in methods:
        for item, prediction in zip(items, predictions[name], strict=True):
            per_reference = [scorer.score(ref, prediction) for ref in item.references]
            for rouge_type in ROUGE_TYPES:
                first = per_reference[0][rouge_type].fmeasure
                mean = statistics.fmean(s[rouge_type].fmeasure for s in per_reference)
                results[name].rouge[rouge_type].append(first * 100)
                results[name].rouge_all[rouge_type].append(mean * 100)
    return results


def print_table(title: str, results: dict[str, Scores], with_all: bool) -> None:
    """Print a Markdown table of one data set's results, with each method's gain over LEAD-3."""
    lexrank = statistics.median(results["sumy LexRank (stock)"].millis)
    lead = {t: statistics.fmean(results["LEAD-3"].rouge[t]) for t in ROUGE_TYPES}
    print(f"\n### {title}\n")
    header = "| method | R-1 | R-2 | R-Lsum | vs LEAD-3 (R-1 / R-2 / R-Lsum) |"
    if with_all:
        header += " R-1 (11 refs) | R-2 (11 refs) | R-Lsum (11 refs) |"
    header += " sentences | characters | ms/article median | mean | speed vs stock LexRank |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for name, scores in results.items():
        means = {t: statistics.fmean(scores.rouge[t]) for t in ROUGE_TYPES}
        cells = [f"{means[t]:.2f}" for t in ROUGE_TYPES]
        cells.append(" / ".join(f"{means[t] - lead[t]:+.2f}" for t in ROUGE_TYPES))
        if with_all:
            cells += [f"{statistics.fmean(scores.rouge_all[t]):.2f}" for t in ROUGE_TYPES]
        median = statistics.median(scores.millis)
        cells += [f"{statistics.fmean(scores.sentences):.2f}",
                  f"{statistics.fmean(scores.chars):.0f}"]
        cells += [f"{median:.2f}", f"{statistics.fmean(scores.millis):.2f}",
                  f"{lexrank / median:.1f}x" if median else "-"]
        print(f"| {name} | " + " | ".join(cells) + " |")


def long_article_timing(items: list[Item], words: int = 5000, runs: int = 7) -> None:
    """Time the default on one article of about `words` words made of the evaluation bodies."""
    if not items:
        return
    parts: list[str] = []
    count = 0
    for item in itertools.islice(itertools.cycle(items), 10 * words):
        parts.append(item.body)
        count += len(item.body.split())
        if count >= words:
            break
    text = "\n\n".join(parts)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        summarize(text)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"\n{len(text.split())}-word article, default ({DEFAULT_ALGORITHM}): "
          f"first run {timings[0]:.1f} ms, median of {runs} {statistics.median(timings):.1f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `newsbot bench summarize` and `python -m summarizer.bench`."""
    parser = argparse.ArgumentParser(prog="newsbot bench summarize", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/eval/data"),
                        help="folder holding bbc_news_summary/, cnndm/ and ru_rbc/")
    parser.add_argument("--set", choices=("bbc", "cnndm", "ru", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--language", choices=("detect", "given"), default="detect",
                        help="the default detects each article's language (as for pasted text), "
                        "or is told it, as the stock methods are")
    args = parser.parse_args(argv)
    sets = {"bbc": ("bbc_news_summary", load_bbc, "BBC News Summary (dev)", False),
            "cnndm": ("cnndm", load_cnndm, "CNN/DailyMail SummEval sample", True),
            "ru": ("ru_rbc", load_ru_rbc, "RBC.ru (Russian, language detected)", False)}
    chosen = list(sets) if args.set == "all" else [args.set]
    missing = [sets[key][0] for key in chosen if not (args.data / sets[key][0]).is_dir()]
    if missing:
        print(f"bench: no {', '.join(missing)} under {args.data}", file=sys.stderr)
        return 1
    print(f"{SENTENCES} sentences per summary (the default: at most 3 and about 600 characters); "
          "ROUGE F1 x100, rouge-score with stemming; Lsum over newline-joined sentences.")
    methods = METHODS if args.language == "detect" else METHODS_LANGUAGE_GIVEN
    if args.language == "given":
        sets["ru"] = (*sets["ru"][:2], "RBC.ru (Russian, language given)", False)
    all_items: list[Item] = []
    for key in chosen:
        folder, loader, title, with_all = sets[key]
        try:
            items = list(loader(args.data / folder))[: args.limit]
        except (OSError, ValueError, KeyError) as error:
            print(f"bench: cannot read {folder}: {error}", file=sys.stderr)
            return 1
        if not items:
            print(f"\n### {title}: no articles")
            continue
        all_items.extend(items)
        print_table(f"{title}: {len(items)} articles", evaluate(items, methods), with_all)
    long_article_timing(all_items)
    return 0


if __name__ == "__main__":
    sys.exit(main())
