"""Property test: any text gives a summary of its own sentences or one SummarizerError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer import ALGORITHMS, SummarizerError, build_digest, summarize
from summarizer.digest import DigestArticle

_PIECES = st.sampled_from([
    "The mayor opened the bridge.", "Prices rose again!", "Why?", "\n\n", "\n", " ", "...",
    "Share on Facebook", "By John Smith", "- a bullet point", "Путин прибыл в Пекин.", "中国。",
    "<p>Rain fell.</p>", "<script>x()</script>", "\x00", "\ufffd", "12:30", "«Да», — сказал он.",
    "U.S. officials said so.", "( CNN ) --", "''", "``", "word", "a" * 300,
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(_PIECES | st.text(max_size=40), max_size=25),
       algorithm=st.sampled_from(ALGORITHMS), count=st.integers(min_value=1, max_value=5))
def test_summarize_never_crashes(pieces: list[str], algorithm: str, count: int) -> None:
    text = "".join(pieces)
    try:
        result = summarize(text, algorithm=algorithm, sentences=count)
    except SummarizerError as error:
        assert str(error)
        return
    assert 1 <= len(result.sentences) <= count
    assert all(sentence.strip() for sentence in result.sentences)


@settings(max_examples=60, deadline=None)
@given(summaries=st.lists(st.lists(_PIECES | st.text(max_size=30), max_size=4), max_size=8))
def test_build_digest_never_crashes(summaries: list[list[str]]) -> None:
    articles = [DigestArticle(id=i, title=" ".join(s)[:50], summary=tuple(s))
                for i, s in enumerate(summaries)]
    digest = build_digest(articles, max_items=3)
    assert len(digest.groups) <= 3
    shown = {i for group in digest.groups for i in group.article_ids}
    assert shown <= {a.id for a in articles}
