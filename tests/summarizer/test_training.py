"""scripts/train_summarizer.py: the weighted fit, the unit spread of the scores, borrowing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy
import pytest

from summarizer.bench import Item

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "train_summarizer.py"


@pytest.fixture(scope="module")
def training() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_summarizer", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _articles(training: ModuleType, english_article: str, russian_article: str):  # type: ignore[no-untyped-def]
    english_title, _, english_body = english_article.partition("\n")
    russian_title, _, russian_body = russian_article.partition("\n")
    english = training.prepare_items(
        [Item("en-1", english_title, english_body, (english_body.split(". ")[0],))], "en")
    russian = training.prepare_items(
        [Item("ru-1", russian_title, russian_body, (russian_body.split(". ")[0],), "ru")], "ru")
    return english, russian


def test_a_sentence_weighted_twice_counts_as_two_copies(training: ModuleType) -> None:
    rng = numpy.random.default_rng(7)
    features = rng.normal(size=(60, 3))
    labels = (features[:, 0] + rng.normal(size=60) > 0).astype(float)
    weights = numpy.where(numpy.arange(60) < 15, 2.0, 1.0)
    copies = numpy.vstack([features, features[:15]])
    copied_labels = numpy.concatenate([labels, labels[:15]])
    # Unpenalized, the weights of the raw features (coef / scale) do not depend on the
    # standardization, which the copies shift.
    _, scale, weighted = training.fit(features, labels, 1e-9, weights)
    _, copied_scale, copied = training.fit(copies, copied_labels, 1e-9)
    _, _, plain = training.fit(features, labels, 1e-9)
    assert numpy.allclose(weighted / scale, copied / copied_scale, atol=1e-6)
    assert not numpy.allclose(plain / scale, copied / copied_scale, atol=1e-3)


def test_scores_have_a_unit_spread_whatever_the_l2_penalty(
        training: ModuleType, english_article: str, russian_article: str) -> None:
    english, _ = _articles(training, english_article, russian_article)
    features = numpy.vstack([a.features for a in english])
    for penalty in (10.0, 1000.0, 100000.0):
        model = training.fit_model(english, penalty)
        spread = ((features - model.mean) / model.scale) @ model.coef
        assert spread.std() == pytest.approx(1.0)


def test_borrowed_articles_change_the_model_only_with_a_weight(
        training: ModuleType, english_article: str, russian_article: str) -> None:
    english, russian = _articles(training, english_article, russian_article)
    alone = training.fit_model(russian, 100.0)
    unweighted = training.fit_model(russian, 100.0, english, 0.0)
    borrowing = training.fit_model(russian, 100.0, english, 4.0)
    assert numpy.array_equal(alone.coef, unweighted.coef)
    assert not numpy.allclose(alone.coef, borrowing.coef)
    # the spread is that of the language's own sentences, not of the borrowed ones
    own = numpy.vstack([a.features for a in russian])
    assert (((own - borrowing.mean) / borrowing.scale) @ borrowing.coef).std() == pytest.approx(1.0)
