"""The learned default scorer: its shipped model, its selection preferences, its long-text cap."""

from __future__ import annotations

import json
from importlib import resources

import numpy
import pytest

from summarizer import summarize
from summarizer.api import DEFAULT_MAX_CHARS
from summarizer.selection import Selection
from summarizer.summarizers.learned import FEATURES, Model, model_for


def _sentence(index: int) -> str:
    """A made-up news sentence; each one differs in its number and some of its words."""
    topics = ("the port", "the railway", "the grain deal", "the pipeline", "the bank")
    return (f"Officials said on day {index} that {topics[index % len(topics)]} would need "
            f"{index + 3} more weeks of talks before any agreement could be signed.")


def test_shipped_weights_cover_english_and_russian_with_sane_preferences() -> None:
    data = json.loads(resources.files("summarizer.summarizers").joinpath("weights.json")
                      .read_text("utf-8"))
    assert tuple(data["features"]) == FEATURES
    assert {"en", "ru"} <= set(data["languages"])
    for code in ("en", "ru"):
        model = model_for(code)
        assert model.coef.shape == model.mean.shape == model.scale.shape == (len(FEATURES),)
        assert numpy.isfinite(model.coef).all() and (model.scale > 0).all()
        assert model.length_penalty >= 0
        assert 0 < model.budget_ratio <= 1


def test_length_penalty_spares_the_first_sentence_and_costs_long_ones_more() -> None:
    zeros = numpy.zeros(len(FEATURES))
    model = Model(zeros, numpy.ones(len(FEATURES)), zeros, length_penalty=0.5)
    chars = FEATURES.index("chars")
    features = numpy.zeros((3, len(FEATURES)))
    features[:, chars] = [2.0, 1.0, 2.0]  # 300, 150 and 300 characters (the feature is /150)
    scores = model.score(features)
    assert scores[0] == 0.0  # the first sentence is not penalized for its length
    assert scores[1] == pytest.approx(-0.75) and scores[2] == pytest.approx(-1.5)


def test_a_run_on_costs_even_as_the_first_sentence() -> None:
    """A 90-word run-on of photo captions was a chat summary's only bullet."""
    zeros = numpy.zeros(len(FEATURES))
    model = Model(zeros, numpy.ones(len(FEATURES)), zeros, length_penalty=0.0)
    features = numpy.zeros((2, len(FEATURES)))
    features[:, FEATURES.index("chars")] = [4.0, 2.0]  # 600 and 300 characters
    scores = model.score(features)
    assert scores[0] == pytest.approx(-2.0)  # 200 characters beyond 400
    assert scores[1] == 0.0


def test_budget_ratio_narrows_a_selection_budget_and_nothing_else() -> None:
    model = Model(numpy.zeros(1), numpy.ones(1), numpy.zeros(1), budget_ratio=0.9)
    narrowed = model.narrow(Selection(3, DEFAULT_MAX_CHARS))
    assert (narrowed.count, narrowed.max_chars) == (3, 540)
    assert model.narrow(Selection(3, None)).max_chars is None  # no budget: none invented
    assert model.narrow(3) == 3


def test_default_summary_of_a_long_article_reads_only_its_start_and_says_nothing() -> None:
    """A 5,000-word article: the scorer reads the first 80 sentences, so what follows them
    changes nothing, and no note about it reaches the reader."""
    start = " ".join(_sentence(index) for index in range(80))
    rest = " ".join(f"In other news, item {index} was about something else entirely."
                    for index in range(340))
    long_summary = summarize(f"{start}\n\n{rest}")
    assert len(f"{start} {rest}".split()) > 5000
    assert long_summary.sentences == summarize(start).sentences
    assert not any("sentences were considered" in note for note in long_summary.notes)
    assert not any(bullet.startswith("In other news") for bullet in long_summary.sentences)


def test_other_algorithms_still_say_when_they_cap_sentences() -> None:
    text = " ".join(_sentence(index) for index in range(450))
    summary = summarize(text, algorithm="lexrank")
    assert "Only the first 400 sentences were considered." in summary.notes
