"""The pipeline: URL and text in, a summarized, tagged, stored article out; retagging."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.extract import extract_html, extract_text_document
from ingest.pipeline import Ingestor, TextItem
from ingest.retagging import retag_all
from storage.store import Store
from tests.ingest.conftest import make_store
from tests.ingest.pages import CLUTTER_WORDS, STORY, article_page
from tests.ingest.site import Site

SEED = Path(__file__).parent / "data" / "china-russia-strategic-partnership.txt"


def test_add_url_stores_the_story_without_the_clutter(site: Site, ingestor: Ingestor) -> None:
    url = site.add("/world/putin-xi?utm_source=telegram", article_page())
    outcome = ingestor.add_url(url, added_by="42")
    article = outcome.article
    assert outcome.created
    assert article.title == "Putin and Xi sign energy and trade pact"
    for paragraph in STORY:
        assert paragraph in article.body
    for clutter in (*CLUTTER_WORDS, "Anna Petrova", "Accept all", "Privacy", "Sport"):
        assert clutter not in article.body
    assert not article.body.startswith(article.title)
    assert article.url == site.url("/world/putin-xi")
    assert article.added_by == "42"
    assert article.published_at is not None and article.published_at.year == 2024
    assert article.language == "en"
    assert article.summary and all(sentence in article.body for sentence in article.summary)
    assert "china-russia" in outcome.topics
    assert set(outcome.topics) == set(article.topic_slugs)


def test_the_same_url_is_not_fetched_twice(site: Site, ingestor: Ingestor) -> None:
    first = ingestor.add_url(site.add("/story", article_page()))
    again = ingestor.add_url(site.url("/story") + "?utm_campaign=x&fbclid=1#comments")
    assert not again.created
    assert again.article.id == first.article.id
    assert len(site.hits_of("/story")) == 1


def test_the_same_text_under_another_url_is_one_article(site: Site, ingestor: Ingestor) -> None:
    first = ingestor.add_url(site.add("/a", article_page()))
    second = ingestor.add_url(site.add("/b", article_page()))
    assert second.article.id == first.article.id
    assert not second.created


def test_a_redirect_stores_the_final_url(site: Site, ingestor: Ingestor) -> None:
    site.add("/final", article_page())
    site.redirect("/short", "/final")
    outcome = ingestor.add_url(site.url("/short"))
    assert outcome.article.url == site.url("/final")


def test_plain_text_pages_take_the_first_line_as_title(site: Site, ingestor: Ingestor) -> None:
    text = "Gas talks resume\n\n" + "\n\n".join(STORY)
    url = site.add("/note.txt", text, content_type="text/plain; charset=utf-8")
    outcome = ingestor.add_url(url)
    assert outcome.article.title == "Gas talks resume"
    assert outcome.article.body.startswith(STORY[0])


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("<html><body><nav><a href='/'>Home</a></nav></body></html>", "text/html", "No article"),
        ("", "text/html", "No article"),
        ("Just a title", "text/plain", "No article text"),
    ],
)
def test_pages_without_an_article_are_refused(
    site: Site, ingestor: Ingestor, body: str, content_type: str, message: str
) -> None:
    with pytest.raises(IngestError, match=message):
        ingestor.add_url(site.add("/empty", body, content_type=content_type))
    assert ingestor.store.count_articles() == 0


def test_fetch_failures_reach_the_caller_as_one_line(site: Site, ingestor: Ingestor) -> None:
    with pytest.raises(IngestError, match="404"):
        ingestor.add_url(site.url("/missing"))
    with pytest.raises(IngestError, match="not ftp:"):
        ingestor.add_url("ftp://example.com/x")


def test_private_urls_are_refused_by_a_default_ingestor(site: Site, store: Store) -> None:
    url = site.add("/story", article_page())
    default = Ingestor(store)
    try:
        with pytest.raises(IngestError, match="private or local"):
            default.add_url(url)
    finally:
        default.close()
    assert site.hits_of("/story") == []


def test_add_text_summarizes_tags_and_dedups(database_url: str) -> None:
    store = make_store(database_url)
    ingestor = Ingestor(store)
    try:
        body = SEED.read_text(encoding="utf-8")
        first = ingestor.add_text("Strategic partnership", body, source="Sputnik", added_by="cli")
        assert first.created
        assert "china-russia" in first.topics
        assert 1 <= len(first.article.summary) <= 10
        assert first.article.summary_algorithm
        stored = store.get_article(first.article.id)
        assert stored is not None and stored.summary == first.article.summary
        again = ingestor.add_text("Strategic partnership", body)
        assert (again.created, again.article.id) == (False, first.article.id)
        assert again.topics == first.topics
    finally:
        ingestor.close()
        store.close()


@pytest.mark.parametrize(("title", "body"), [("", "Some body text."), ("Title", "   ")])
def test_add_text_refuses_empty_parts(ingestor: Ingestor, title: str, body: str) -> None:
    with pytest.raises(IngestError):
        ingestor.add_text(title, body)


def test_add_text_checks_the_url(ingestor: Ingestor) -> None:
    with pytest.raises(IngestError, match="not javascript:"):
        ingestor.add_text("Title", "Body text here.", url="javascript:alert(1)")


def test_add_many_reports_each_item(ingestor: Ingestor) -> None:
    items = [
        TextItem("First story", "\n".join(STORY)),
        TextItem("", "no title"),
        TextItem("First story again", "\n".join(STORY)),
        TextItem("Second story", "Markets rallied. Oil prices fell. Investors cheered."),
    ]
    results = list(ingestor.add_many(items, batch_size=2))
    assert [r.item for r in results] == items
    assert results[0].outcome is not None and results[0].outcome.created
    assert results[1].outcome is None and "title" in results[1].error
    assert results[2].outcome is not None and not results[2].outcome.created
    assert results[3].outcome is not None and results[3].outcome.created


def test_a_topic_added_later_retags_existing_articles(
    ingestor: Ingestor, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    tagged = ingestor.add_text("Arctic shipping grows", "\n".join(STORY) + " Arctic ice melts.")
    other = ingestor.add_text("Football", "The home team won the cup final on Sunday evening.")
    store.upsert_topic("arctic", "The Arctic", "Arctic, 'Northern Sea Route'")
    caplog.set_level("INFO", logger="ingest.retagging")
    assert retag_all(store, "arctic") == 1
    assert "arctic" in (store.get_article(tagged.article.id) or tagged.article).topic_slugs
    assert "arctic" not in (store.get_article(other.article.id) or other.article).topic_slugs
    assert any("retagged arctic" in record.getMessage() for record in caplog.records)
    store.upsert_topic("arctic", "The Arctic", "Antarctica")
    assert retag_all(store, "arctic") == 0
    assert "arctic" not in (store.get_article(tagged.article.id) or tagged.article).topic_slugs


def test_retag_of_an_unknown_topic_is_an_error(store: Store) -> None:
    with pytest.raises(IngestError, match="no topic"):
        retag_all(store, "nope")


def test_new_topics_apply_to_new_articles(ingestor: Ingestor, store: Store) -> None:
    store.upsert_topic("football", "Football", "football, cup, league")
    ingestor.refresh_topics()
    outcome = ingestor.add_text("Cup final", "The football league cup final was played.")
    assert outcome.topics == ("football",)


def test_extract_html_and_text_documents() -> None:
    page = extract_html(article_page(), url="http://example.com/x")
    assert page.title.startswith("Putin and Xi")
    assert page.author == "Anna Petrova"
    document = extract_text_document("Title line\n\n" + STORY[0])
    assert (document.title, document.text) == ("Title line", STORY[0])


def test_text_document_with_a_short_body_says_it_is_too_short() -> None:
    with pytest.raises(IngestError, match="too short \\(33 characters"):
        extract_text_document("Title one\nBody text of one. More text here.")
    with pytest.raises(IngestError, match="a title line and a body are needed"):
        extract_text_document("Only a title\n")


def test_language_tags_the_summarizer_does_not_know_fall_back(ingestor: Ingestor) -> None:
    regional = ingestor.add_text("Markets", " ".join(STORY), language="en-US")
    assert regional.article.language == "en" and regional.article.summary
    chinese = ingestor.add_text(
        "协议",
        "中国和俄罗斯签署了新的协议。两国领导人在北京会面。他们讨论了能源合作。",
        language="zh",
    )
    assert chinese.article.language == "zh" and chinese.article.summary


def test_an_unexpected_summarizer_failure_does_not_lose_the_article(
    ingestor: Ingestor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise ArithmeticError("summarizer bug")

    monkeypatch.setattr(ingest.pipeline, "summarize", broken)
    outcome = ingestor.add_text("Pipeline deal", " ".join(STORY))
    assert outcome.created and outcome.article.summary == ()
    assert "china-russia" in outcome.topics
