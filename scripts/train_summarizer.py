"""Train the learned summarizer's weights (summarizer/summarizers/weights.json) on the dev data.

    .venv/bin/python scripts/train_summarizer.py --data ../shared/eval/data [--folds 5]

For each language (English: the CNN/DailyMail sample; Russian: RBC.ru) every article goes
through summarizer.api.prepare() exactly as summarize() builds it, and every sentence gets the
model's features. The label of a sentence is whether a greedy oracle picks it: the sentences
that, added one by one, most raise ROUGE-1 + ROUGE-2 F1 against the reference (at most three,
within the 600-character budget). A logistic regression with an L2 penalty (numpy, Newton's
method; no scikit-learn) is fitted on standardized features.

The penalty is chosen by k-fold cross-validation over articles: each fold's model summarizes
the fold's held-out articles through the real selection (budget, quote and connective rules)
and is scored with rouge-score beside LEAD-3 on the same articles. The final weights are fitted
on all the articles of the language with the chosen penalty. No article text is written out.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections import Counter
from dataclasses import dataclass
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
from summarizer.summarizers.learned import FEATURES, LearnedSummarizer, sentence_features  # noqa: E402

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


def prepare_items(items: list[Item], language: str) -> list[Prepared]:
    """Documents, features and oracle labels of the items (language detected as in the bot)."""
    tokenize = rouge_tokenize(language)
    prepared = []
    for item in items:
        lang, document, _ = prepare(item.body, title=item.title)
        stemmer = stemmer_for(lang.name)
        words = stop_words(lang.name) if lang.name else frozenset()
        features = sentence_features(document, stemmer, words)
        texts = [str(sentence) for sentence in document.sentences]
        labels = oracle_labels(texts, item.references[0], tokenize)
        prepared.append(Prepared(item, lang.code, document, features, labels))
    return prepared


def fit(features: numpy.ndarray, labels: numpy.ndarray, penalty: float):  # type: ignore[no-untyped-def]
    """L2-penalized logistic regression on standardized features: (mean, scale, coef)."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-9] = 1.0
    x = numpy.column_stack(((features - mean) / scale, numpy.ones(len(features))))
    weights = numpy.zeros(x.shape[1])
    ridge = numpy.full(x.shape[1], penalty)
    ridge[-1] = 1e-6  # the intercept is not penalized
    for _ in range(50):
        p = 1.0 / (1.0 + numpy.exp(-(x @ weights)))
        gradient = x.T @ (p - labels) + ridge * weights
        hessian = (x * (p * (1 - p))[:, None]).T @ x + numpy.diag(ridge)
        step = numpy.linalg.solve(hessian, gradient)
        weights -= step
        if numpy.abs(step).max() < 1e-8:
            break
    # The intercept does not change a ranking; it is dropped so the score is coef . z.
    return mean, scale, weights[:-1]


class FastRouge:
    """ROUGE-1 + ROUGE-2 F1 of a selection, from per-sentence n-gram counts (for tuning).

    The selection imitates Selection: best first, at most three, within the budget, quote
    fragments never and a connective never first; near-repeats are not checked (rare here).
    """

    def __init__(self, article: Prepared, tokenize) -> None:  # type: ignore[no-untyped-def]
        from summarizer.selection import opens_with_connective, quote_states

        texts = [str(s) for s in article.document.sentences]  # type: ignore[attr-defined]
        paragraphs = [getattr(s, "paragraph", 0)
                      for s in article.document.sentences]  # type: ignore[attr-defined]
        states = quote_states(texts, paragraphs)
        self.blocked = [st.starts_inside or st.ends_open for st in states]
        self.connective = [opens_with_connective(t) for t in texts]
        self.chars = [len(t) for t in texts]
        tokens = [tokenize(t) for t in texts]
        self.uni = [_ngrams(t, 1) for t in tokens]
        self.bi = [_ngrams(t, 2) for t in tokens]
        reference = tokenize(article.item.references[0])
        self.ref1, self.ref2 = _ngrams(reference, 1), _ngrams(reference, 2)

    def pick(self, scores: numpy.ndarray) -> list[int]:
        chosen: list[int] = []
        used = 0
        for index in numpy.argsort(-scores, kind="stable").tolist():
            if len(chosen) >= DEFAULT_SENTENCES:
                break
            if self.blocked[index]:
                continue
            cost = self.chars[index] + (1 if chosen else 0)
            if used + cost > DEFAULT_MAX_CHARS and (chosen or cost > DEFAULT_MAX_CHARS):
                continue
            if self.connective[index] and (not chosen or index < min(chosen)):
                continue
            chosen.append(index)
            used += cost
        return chosen

    def score(self, scores: numpy.ndarray) -> float:
        chosen = self.pick(scores)
        uni: Counter = Counter()
        bi: Counter = Counter()
        for index in chosen:
            uni.update(self.uni[index])
            bi.update(self.bi[index])
        return _f1(uni, self.ref1) + _f1(bi, self.ref2)


def tune(articles: list[Prepared], fast: list[FastRouge], model, rounds: int):  # type: ignore[no-untyped-def]
    """Coordinate ascent on the coefficients, maximizing mean ROUGE-1 + ROUGE-2 (direct tuning).

    Starts from the logistic regression's coefficients; each round tries moving every weight
    up and down by a step and keeps a move that helps; the step halves when nothing helps.
    """
    mean, scale, coef = model
    z = [(a.features - mean) / scale for a in articles]
    coef = coef.copy()
    norm = float(numpy.abs(coef).max()) or 1.0
    coef /= norm

    def objective(c: numpy.ndarray) -> float:
        return statistics.fmean(f.score(x @ c) for f, x in zip(fast, z, strict=True))

    best = objective(coef)
    step = 0.5
    for _ in range(rounds):
        improved = False
        for index in range(len(coef)):
            for delta in (step, -step):
                trial = coef.copy()
                trial[index] += delta
                value = objective(trial)
                if value > best + 1e-6:
                    coef, best, improved = trial, value, True
                    break
        if not improved:
            step /= 2
            if step < 0.03:
                break
    return mean, scale, coef


def summarize_prepared(article: Prepared, model) -> list[str]:  # type: ignore[no-untyped-def]
    """The summary the bot would give with these weights (the real selection and rules)."""
    summarizer = LearnedSummarizer(stemmer_for(None))
    summarizer.weights = model
    scores = ((article.features - model[0]) / model[1]) @ model[2]
    document = article.document
    ratings: dict = {}
    for sentence, score in zip(document.sentences, scores.tolist(), strict=True):  # type: ignore[attr-defined]
        ratings.setdefault(sentence, score)
    words = stop_words({"en": "english", "ru": "russian"}.get(article.language, "english"))
    selection = Selection(DEFAULT_SENTENCES, DEFAULT_MAX_CHARS, words)
    chosen = summarizer._get_best_sentences(document.sentences, selection, ratings)  # type: ignore[attr-defined]
    return [str(sentence) for sentence in chosen]


def rouge(articles: list[Prepared], outputs: list[list[str]], language: str) -> dict[str, float]:
    """Mean ROUGE F1 x100 against each article's first reference."""
    scorer = scorer_for(language)
    totals = {t: [] for t in ROUGE_TYPES}
    for article, sentences in zip(articles, outputs, strict=True):
        scores = scorer.score(article.item.references[0], "\n".join(sentences))
        for t in ROUGE_TYPES:
            totals[t].append(scores[t].fmeasure * 100)
    return {t: statistics.fmean(values) for t, values in totals.items()}


def train(articles: list[Prepared], fast: list[FastRouge], penalty: float, rounds: int):  # type: ignore[no-untyped-def]
    """Logistic regression, then (rounds > 0) direct tuning of its coefficients."""
    model = fit(numpy.vstack([a.features for a in articles]),
                numpy.concatenate([a.labels for a in articles]), penalty)
    return tune(articles, fast, model, rounds) if rounds else model


def cross_validate(articles: list[Prepared], language: str, folds: int, seed: int,
                   configs: list[tuple[float, int]]) -> tuple[float, int]:
    """Choose (penalty, tuning rounds) by k-fold CV; print held-out ROUGE beside LEAD-3."""
    order = list(range(len(articles)))
    random.Random(seed).shuffle(order)
    fold_of = {index: position % folds for position, index in enumerate(order)}
    tokenize = rouge_tokenize(language)
    fast = [FastRouge(article, tokenize) for article in articles]
    lead = rouge(articles, [list(lead3(a.item)) for a in articles], language)
    print(f"  LEAD-3 (all {len(articles)}): " + " / ".join(f"{lead[t]:.2f}" for t in ROUGE_TYPES))
    best_config, best_score = configs[0], -1.0
    for penalty, rounds in configs:
        outputs: list[list[str]] = [[] for _ in articles]
        for fold in range(folds):
            train_ids = [i for i in range(len(articles)) if fold_of[i] != fold]
            model = train([articles[i] for i in train_ids], [fast[i] for i in train_ids],
                          penalty, rounds)
            for i, article in enumerate(articles):
                if fold_of[i] == fold:
                    outputs[i] = summarize_prepared(article, model)
        scores = rouge(articles, outputs, language)
        total = sum(scores.values())
        gains = " / ".join(f"{scores[t] - lead[t]:+.2f}" for t in ROUGE_TYPES)
        print(f"  penalty {penalty:>6}, tuning rounds {rounds}: CV "
              + " / ".join(f"{scores[t]:.2f}" for t in ROUGE_TYPES) + f"  (vs LEAD-3 {gains})",
              flush=True)
        if total > best_score:
            best_config, best_score = (penalty, rounds), total
    return best_config


def main(argv: list[str] | None = None) -> int:
    """Train every language's weights and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval" / "data")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "summarizer" / "summarizers" / "weights.json")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--penalties", type=float, nargs="+",
                        default=[10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0])
    parser.add_argument("--rounds", type=int, nargs="+", default=[0],
                        help="coordinate-ascent rounds to try after the regression (0: none)")
    parser.add_argument("--languages", nargs="+", default=["en", "ru"])
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
    for language, items in sets.items():
        if language not in args.languages:
            continue
        print(f"{language}: {len(items)} articles, {args.folds}-fold cross-validation")
        articles = [a for a in prepare_items(items, language) if a.language == language]
        configs = [(penalty, rounds) for penalty in args.penalties for rounds in args.rounds]
        penalty, rounds = cross_validate(articles, language, args.folds, args.seed, configs)
        fast = [FastRouge(article, rouge_tokenize(language)) for article in articles]
        mean, scale, coef = train(articles, fast, penalty, rounds)
        print(f"  chosen: penalty {penalty}, tuning rounds {rounds}; "
              f"trained on {len(articles)} articles")
        languages[language] = {
            "penalty": penalty,
            "tuning_rounds": rounds,
            "articles": len(articles),
            "mean": [round(float(v), 6) for v in mean],
            "scale": [round(float(v), 6) for v in scale],
            "coef": [round(float(v), 6) for v in coef],
        }
    payload = {"features": list(FEATURES), "languages": languages,
               "trained_by": "scripts/train_summarizer.py"}
    args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
