"""The algorithms by name: the learned default, sumy's stock summarizers, LEAD and NewsRank."""

from __future__ import annotations

from collections.abc import Callable

from sumy.summarizers._summarizer import AbstractSummarizer
from sumy.summarizers.edmundson import EdmundsonSummarizer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from summarizer.summarizers.lead import LeadSummarizer
from summarizer.summarizers.learned import LearnedSummarizer
from summarizer.summarizers.newsrank import NewsRankSummarizer

DEFAULT_ALGORITHM = "learned"
_CLASSES: dict[str, type[AbstractSummarizer]] = {
    "learned": LearnedSummarizer,
    "newsrank": NewsRankSummarizer,
    "lexrank": LexRankSummarizer,
    "textrank": TextRankSummarizer,
    "lsa": LsaSummarizer,
    "luhn": LuhnSummarizer,
    "sumbasic": SumBasicSummarizer,
    "kl": KLSummarizer,
    "edmundson": EdmundsonSummarizer,
    "lead": LeadSummarizer,
}
ALGORITHMS: tuple[str, ...] = tuple(_CLASSES)
# Edmundson's cue method needs "stigma" words; these mark hedging and filler in news.
_STIGMA = ("reportedly", "allegedly", "perhaps", "maybe", "meanwhile", "also")


def create(
    name: str,
    stemmer: Callable[[str], str],
    stop_words: frozenset[str],
    bonus_words: tuple[str, ...] = (),
    language: str = "en",
) -> AbstractSummarizer:
    """Instantiate the algorithm `name` with a stemmer and stop words (KeyError if unknown)."""
    summarizer = _CLASSES[name](stemmer)
    if isinstance(summarizer, LearnedSummarizer):
        summarizer.language = language
    if hasattr(summarizer, "stop_words"):
        summarizer.stop_words = stop_words
    if isinstance(summarizer, EdmundsonSummarizer):
        summarizer.null_words = stop_words or ("the",)
        summarizer.bonus_words = bonus_words or ("said",)
        summarizer.stigma_words = _STIGMA
    return summarizer
