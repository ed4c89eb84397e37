"""Train the learned summarizer's weights (summarizer/summarizers/weights.json) on the dev data.

    .venv/bin/python scripts/train_summarizer.py --data ../shared/eval/data [--languages en ru]

For each language (English: the CNN/DailyMail sample; Russian: RBC.ru) every article goes
through summarizer.api.prepare() exactly as summarize() builds it, and every sentence gets the
model's features. The label of a sentence is whether a greedy oracle picks it: the sentences
that, added one by one, most raise ROUGE-1 + ROUGE-2 F1 against the reference (at most three,
within the 600-character budget); with several references, the share of them whose oracle
picks it. A logistic regression with an L2 penalty (numpy, Newton's method; no scikit-learn)
is fitted on standardized features, and its coefficients are scaled so that the scores of the
training sentences have a standard deviation of 1: the length penalty is then in units of
that spread and means the same whatever the L2 penalty (unscaled, a stronger L2 penalty
shrank the scores and so made the same length penalty count for more: a cliff in the grid).
With --borrow-weights, the other language's articles join every fold's training data (never
its scoring), each sentence counting the weight tried (Russian gains from the English ones).

The penalty and the two selection preferences (a length penalty for the sentences after the
first, a share of the character budget) are chosen by k-fold cross-validation over articles,
repeated with several shuffles: each fold's model summarizes the fold's held-out articles
through the real selection (budget, quote and connective rules) and is scored with
rouge-score against the first reference, beside LEAD-3 on the same articles; the margin
over LEAD-3 is printed as its mean and its spread (standard deviation) over the folds of all
the shuffles. The setting chosen is the one whose neighbourhood in the grid (itself and the
settings one step away) has the best mean R-1 + R-2 + R-Lsum. The final weights are fitted
on all the articles of the language with it. No article text is written out.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.api import DEFAULT_MAX_CHARS, DEFAULT_SENTENCES, prepare  # noqa: E402
from summarizer.bench import (  # noqa: E402
    ROUGE_TYPES,
    Item,
    RougeTokenizer,
    lead3,
    load_bbc,
    load_cnndm,
    load_ru_rbc,
    scorer_for,
)
from summarizer.selection import Selection  # noqa: E402
from summarizer.stemmers import stemmer_for  # noqa: E402
from summarizer.stopwords import stop_words  # noqa: E402
from summarizer.summarizers.learned import (  # noqa: E402
    FEATURES,
    LearnedSummarizer,
    Model,
    sentence_features,
)

ORACLE_SENTENCES = 3


@dataclass(slots=True)
class Prepared:
    """One article ready for training: its document, features, labels and reference."""

    item: Item
    language: str
    document: object
    features: numpy.ndarray
    labels: numpy.ndarray


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(candidate: Counter, reference: Counter) -> float:
    overlap = sum((candidate & reference).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(candidate.values())
    recall = overlap / sum(reference.values())
    return 2 * precision * recall / (precision + recall)


def oracle_labels(sentences: list[str], reference: str, tokenize) -> numpy.ndarray:  # type: ignore[no-untyped-def]
    """1 for the sentences a greedy ROUGE-1 + ROUGE-2 oracle picks, else 0."""
    reference_tokens = tokenize(reference)
    ref1, ref2 = _ngrams(reference_tokens, 1), _ngrams(reference_tokens, 2)
    tokens = [tokenize(sentence) for sentence in sentences]
    chosen: list[int] = []
    best = 0.0
    used = 0
    while len(chosen) < ORACLE_SENTENCES:
        pick, pick_score = None, best
        for index, sentence in enumerate(sentences):
            if index in chosen or used + len(sentence) > DEFAULT_MAX_CHARS + 150:
                continue
            joined = [t for i in sorted([*chosen, index]) for t in tokens[i]]
            score = _f1(_ngrams(joined, 1), ref1) + _f1(_ngrams(joined, 2), ref2)
            if score > pick_score:
                pick, pick_score = index, score
        if pick is None:
            break
        chosen.append(pick)
        best = pick_score
        used += len(sentences[pick])
    labels = numpy.zeros(len(sentences))
    labels[chosen] = 1.0
    return labels


def rouge_tokenize(language: str):  # type: ignore[no-untyped-def]
    """The tokenizer the benchmark's ROUGE uses for a language."""
    if language == "en":
        from rouge_score import tokenizers

        return tokenizers.DefaultTokenizer(use_stemmer=True).tokenize
    return RougeTokenizer("russian").tokenize


def prepare_items(items: list[Item], language: str, all_references: bool = True,
                  labelled: bool = True) -> list[Prepared]:
    """Documents, features and oracle labels of the items (language detected as in the bot).

    With several references (CNN/DM has 11: the highlights and 10 written for SummEval) a
    sentence's label is the share of the references whose oracle picks it: a softer, less
    noisy target than one reference's picks. CV still scores against the first reference.
    """
    tokenize = rouge_tokenize(language)
    prepared = []
    for item in items:
        lang, document, _ = prepare(item.body, title=item.title)
        stemmer = stemmer_for(lang.name)
        words = stop_words(lang.name) if lang.name else frozenset()
        features = sentence_features(document, stemmer, words)
        texts = [str(sentence) for sentence in document.sentences]
        references = item.references if all_references else item.references[:1]
        labels = numpy.mean([oracle_labels(texts, reference, tokenize)
                             for reference in references], axis=0) if labelled else None
        prepared.append(Prepared(item, lang.code, document, features, labels))
    return prepared


def fit(features: numpy.ndarray, labels: numpy.ndarray, penalty: float,  # type: ignore[no-untyped-def]
        weights: numpy.ndarray | None = None):
    """L2-penalized logistic regression on standardized features: (mean, scale, coef); each
    sentence counts `weights` times (1 without)."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-9] = 1.0
    x = numpy.column_stack(((features - mean) / scale, numpy.ones(len(features))))
    counts = numpy.ones(len(features)) if weights is None else weights
    coef = numpy.zeros(x.shape[1])
    ridge = numpy.full(x.shape[1], penalty)
    ridge[-1] = 1e-6  # the intercept is not penalized
    for _ in range(50):
        p = 1.0 / (1.0 + numpy.exp(-(x @ coef)))
        gradient = x.T @ (counts * (p - labels)) + ridge * coef
        hessian = (x * (counts * p * (1 - p))[:, None]).T @ x + numpy.diag(ridge)
        step = numpy.linalg.solve(hessian, gradient)
        coef -= step
        if numpy.abs(step).max() < 1e-8:
            break
    # The intercept does not change a ranking; it is dropped so the score is coef . z.
    return mean, scale, coef[:-1]


def summarize_prepared(article: Prepared, model: Model) -> list[str]:
    """The summary the bot would give with this model (the real selection, budget and rules)."""
    scores = model.score(article.features)
    document = article.document
    ratings: dict = {}
    for sentence, score in zip(document.sentences, scores.tolist(), strict=True):  # type: ignore[attr-defined]
        ratings.setdefault(sentence, score)
    words = stop_words({"en": "english", "ru": "russian"}.get(article.language, "english"))
    selection = model.narrow(Selection(DEFAULT_SENTENCES, DEFAULT_MAX_CHARS, words))
    chosen = LearnedSummarizer._get_best_sentences(document.sentences, selection, ratings)  # type: ignore[attr-defined]
    return [str(sentence) for sentence in chosen]


def rouge(articles: list[Prepared], outputs: list[list[str]], language: str) -> dict[str, float]:
    """Mean ROUGE F1 x100 against each article's first reference."""
    rows = article_rouge(articles, outputs, language)
    return {t: statistics.fmean(row[i] for row in rows) for i, t in enumerate(ROUGE_TYPES)}


_ROUGE_CACHE: dict[tuple[str, tuple[str, ...]], tuple[float, ...]] = {}


def article_rouge(articles: list[Prepared], outputs: list[list[str]],
                  language: str) -> list[tuple[float, ...]]:
    """Each article's ROUGE F1 x100 (ROUGE_TYPES) against its first reference; remembered, as
    most settings of a grid give most articles the same summary."""
    scorer = scorer_for(language)
    rows = []
    for article, sentences in zip(articles, outputs, strict=True):
        key = (article.item.id, tuple(sentences))
        if key not in _ROUGE_CACHE:
            scores = scorer.score(article.item.references[0], "\n".join(sentences))
            _ROUGE_CACHE[key] = tuple(scores[t].fmeasure * 100 for t in ROUGE_TYPES)
        rows.append(_ROUGE_CACHE[key])
    return rows


def fit_model(articles: list[Prepared], penalty: float, borrowed: Sequence[Prepared] = (),
              borrow_weight: float = 0.0) -> Model:
    """The logistic regression on these articles' sentences (no selection preferences yet),
    its scores scaled to a standard deviation of 1 over these articles' sentences. Articles
    of other languages (`borrowed`) join the training data, each sentence counting
    `borrow_weight` times."""
    own = numpy.vstack([a.features for a in articles])
    labels = [a.labels for a in articles]
    features, weights = own, None
    if borrowed and borrow_weight > 0:
        features = numpy.vstack([own, *(a.features for a in borrowed)])
        labels += [a.labels for a in borrowed]
        weights = numpy.concatenate([numpy.ones(len(own)), numpy.full(len(features) - len(own),
                                                                       borrow_weight)])
    mean, scale, coef = fit(features, numpy.concatenate(labels), penalty, weights)
    spread = float((((own - mean) / scale) @ coef).std())
    return Model(mean, scale, coef / spread if spread > 1e-12 else coef)


@dataclass(frozen=True, slots=True)
class Config:
    """One setting tried by cross-validation."""

    penalty: float
    length_penalty: float
    budget_ratio: float
    borrow_weight: float = 0.0

    def label(self) -> str:
        borrowed = f", other languages x{self.borrow_weight:g}" if self.borrow_weight else ""
        return (f"penalty {self.penalty:>6g}, length penalty {self.length_penalty:g}, "
                f"budget x{self.budget_ratio:g}{borrowed}")


def cross_validate(articles: list[Prepared], language: str, folds: int, seeds: list[int],
                   configs: list[Config], borrowed: Sequence[Prepared] = (),
                   allowed: Sequence[Config] | None = None) -> Config:
    """Choose a Config by k-fold CV over articles (repeated with each seed's shuffle); print
    the held-out ROUGE beside LEAD-3, averaged over the seeds. Borrowed articles (other
    languages) are only ever trained on, never scored."""
    lead_rows = numpy.array(article_rouge(articles, [list(lead3(a.item)) for a in articles],
                                          language))
    lead = dict(zip(ROUGE_TYPES, lead_rows.mean(axis=0).tolist(), strict=True))
    print(f"  LEAD-3 (all {len(articles)}): " + " / ".join(f"{lead[t]:.2f}" for t in ROUGE_TYPES))
    totals: dict[Config, list[dict[str, float]]] = {config: [] for config in configs}
    fold_gains: dict[Config, list[numpy.ndarray]] = {config: [] for config in configs}
    for seed in seeds:
        order = list(range(len(articles)))
        random.Random(seed).shuffle(order)
        fold_of = {index: position % folds for position, index in enumerate(order)}
        for fitting in sorted({(c.penalty, c.borrow_weight) for c in configs}):
            models = [fit_model([a for i, a in enumerate(articles) if fold_of[i] != fold],
                                fitting[0], borrowed, fitting[1]) for fold in range(folds)]
            for config in (c for c in configs if (c.penalty, c.borrow_weight) == fitting):
                outputs = []
                for i, article in enumerate(articles):
                    base = models[fold_of[i]]
                    model = replace(base, length_penalty=config.length_penalty,
                                    budget_ratio=config.budget_ratio)
                    outputs.append(summarize_prepared(article, model))
                rows = numpy.array(article_rouge(articles, outputs, language))
                totals[config].append(dict(zip(ROUGE_TYPES, rows.mean(axis=0).tolist(),
                                               strict=True)))
                for fold in range(folds):
                    members = [i for i in range(len(articles)) if fold_of[i] == fold]
                    fold_gains[config].append((rows[members] - lead_rows[members]).mean(axis=0))
    sums: dict[Config, float] = {}
    for config in configs:
        scores = {t: statistics.fmean(run[t] for run in totals[config]) for t in ROUGE_TYPES}
        sums[config] = sum(scores.values())
        gains = " / ".join(f"{scores[t] - lead[t]:+.2f}" for t in ROUGE_TYPES)
        spread = " / ".join(f"{v:.2f}" for v in numpy.array(fold_gains[config]).std(axis=0))
        print(f"  {config.label()}: CV " + " / ".join(f"{scores[t]:.2f}" for t in ROUGE_TYPES)
              + f"  (vs LEAD-3 {gains}; spread over folds {spread})", flush=True)
    # The winner is the setting whose neighbourhood in the grid does best, not the single best
    # cell: a peak next to a cliff is luck on these articles and would not hold on others.
    return max(allowed or configs, key=lambda config: statistics.fmean(
        sums[other] for other in _neighbourhood(config, configs)))


def guarded(articles: list[Prepared], borrowed: Sequence[Prepared], guard: list[Prepared],
            configs: list[Config]) -> list[Config]:
    """The settings whose model (fitted on all the articles) keeps its R-1 on the guard set
    (BBC: never trained on) at least two standard errors above LEAD-3's."""
    lead = numpy.array(article_rouge(guard, [list(lead3(a.item)) for a in guard], "en"))
    kept = []
    for config in configs:
        base = fit_model(articles, config.penalty, borrowed, config.borrow_weight)
        model = replace(base, length_penalty=config.length_penalty,
                        budget_ratio=config.budget_ratio)
        rows = numpy.array(article_rouge(guard, [summarize_prepared(a, model) for a in guard],
                                         "en")) - lead
        gain, error = rows[:, 0].mean(), rows[:, 0].std() / len(rows) ** 0.5
        print(f"  {config.label()}: guard R-1 vs LEAD-3 {gain:+.2f} (standard error {error:.2f})")
        if gain >= 2 * error:
            kept.append(config)
    return kept


def _neighbourhood(config: Config, configs: list[Config]) -> list[Config]:
    """The config and those one step away from it along one axis of the grid."""
    axes = [sorted({getattr(c, name) for c in configs}) for name in Config.__slots__]
    here = [axes[i].index(getattr(config, name)) for i, name in enumerate(Config.__slots__)]
    found = []
    for other in configs:
        there = [axes[i].index(getattr(other, name)) for i, name in enumerate(Config.__slots__)]
        if sum(abs(a - b) for a, b in zip(here, there, strict=True)) <= 1:
            found.append(other)
    return found


def main(argv: list[str] | None = None) -> int:
    """Train every language's weights and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval" / "data")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "summarizer" / "summarizers" / "weights.json")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 1, 2, 3],
                        help="CV is repeated with each seed's shuffle of the articles")
    parser.add_argument("--penalties", type=float, nargs="+", default=[30.0, 100.0, 300.0])
    parser.add_argument("--length-penalties", type=float, nargs="+", default=[0.0, 0.05, 0.1],
                        help="score taken off per 100 characters of a sentence after the first "
                             "(the scores have a standard deviation of 1)")
    parser.add_argument("--budget-ratios", type=float, nargs="+", default=[1.0],
                        help="shares of the caller's character budget to try")
    parser.add_argument("--first-reference-only", action="store_true",
                        help="label sentences by the first reference only (CNN/DM has 11)")
    parser.add_argument("--languages", nargs="+", default=["en", "ru"])
    parser.add_argument("--borrow-weights", type=float, nargs="+", default=[0.0],
                        help="weights to try for the other language's articles, added to every "
                             "fold's training data and never scored (0: not added)")
    parser.add_argument("--guard-bbc", action="store_true",
                        help="English: choose only among settings that keep BBC's R-1 two "
                             "standard errors above LEAD-3 (BBC is not trained on)")
    parser.add_argument("--with-bbc", action="store_true",
                        help="add BBC articles to the English training data (off: machine-made "
                             "references)")
    args = parser.parse_args(argv)
    sets = {
        "en": list(load_cnndm(args.data / "cnndm")),
        "ru": list(load_ru_rbc(args.data / "ru_rbc")),
    }
    if args.with_bbc:
        sets["en"] += list(load_bbc(args.data / "bbc_news_summary"))
    languages = {}
    if args.out.exists():  # languages not trained in this run keep their weights
        languages = json.loads(args.out.read_text(encoding="utf-8"))["languages"]
    borrowing = any(args.borrow_weights)
    prepared = {language: [a for a in prepare_items(items, language, not args.first_reference_only)
                           if a.language == language]
                for language, items in sets.items() if borrowing or language in args.languages}
    for language, articles in prepared.items():
        if language not in args.languages:
            continue
        print(f"{language}: {len(articles)} articles, {args.folds}-fold cross-validation "
              f"repeated with seeds {args.seeds}")
        borrowed = [a for other, more in prepared.items() if other != language for a in more]
        configs = [Config(penalty, length_penalty, ratio, weight) for penalty in args.penalties
                   for length_penalty in args.length_penalties for ratio in args.budget_ratios
                   for weight in args.borrow_weights]
        allowed = None
        if args.guard_bbc and language == "en":
            guard = prepare_items(list(load_bbc(args.data / "bbc_news_summary")), "en",
                                  labelled=False)
            allowed = guarded(articles, borrowed, [a for a in guard if a.language == "en"],
                              configs)
        chosen = cross_validate(articles, language, args.folds, args.seeds, configs, borrowed,
                                allowed)
        model = fit_model(articles, chosen.penalty, borrowed, chosen.borrow_weight)
        print(f"  chosen: {chosen.label()}; trained on {len(articles)} articles")
        languages[language] = {
            "penalty": chosen.penalty,
            "length_penalty": chosen.length_penalty,
            "budget_ratio": chosen.budget_ratio,
            "articles": len(articles),
            "borrow_weight": chosen.borrow_weight,
            "borrowed_articles": len(borrowed) if chosen.borrow_weight else 0,
            "mean": [round(float(v), 6) for v in model.mean],
            "scale": [round(float(v), 6) for v in model.scale],
            "coef": [round(float(v), 6) for v in model.coef],
        }
    payload = {"features": list(FEATURES), "languages": languages,
               "trained_by": "scripts/train_summarizer.py"}
    args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
