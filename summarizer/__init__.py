"""newsbot's summarizer: offline extractive summaries and multi-article digests, built on sumy.

A pure library: text in, sentences out. It imports nothing from the rest of newsbot.
"""

from summarizer.api import budget_for, summarize
from summarizer.clustering import baseline_clusters, cluster_stories
from summarizer.digest import Digest, DigestArticle, DigestGroup, DigestSentence, build_digest
from summarizer.markup import html_to_text
from summarizer.summarizers import ALGORITHMS, DEFAULT_ALGORITHM
from summarizer.types import SummarizerError, Summary

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "Digest",
    "DigestArticle",
    "DigestGroup",
    "DigestSentence",
    "SummarizerError",
    "Summary",
    "baseline_clusters",
    "budget_for",
    "build_digest",
    "cluster_stories",
    "html_to_text",
    "summarize",
]
