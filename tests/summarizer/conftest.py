"""Fixtures of the summarizer tests: the sample articles under fixtures/."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def english_article() -> str:
    """A short English news article with a headline line."""
    return (FIXTURES / "english_article.txt").read_text(encoding="utf-8")


@pytest.fixture
def russian_article() -> str:
    """A short Russian news article with a headline line."""
    return (FIXTURES / "russian_article.txt").read_text(encoding="utf-8")


@pytest.fixture
def seed_article() -> str:
    """The project's seed page: a China-Russia story wrapped in boilerplate."""
    return (FIXTURES / "china-russia-strategic-partnership.txt").read_text(encoding="utf-8")
