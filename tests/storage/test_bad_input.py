"""Bad input: refused with a clear message, or stored and read back intact (or cleaned)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage import ArticleDraft, StorageError, Store
from storage.validation import MAX_BODY_BYTES, clean_text, prepare_article


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("", "Some text.", "no title"),
        ("  \n\t ", "Some text.", "no title"),
        ("Title", "", "no text"),
        ("Title", " \x00 \n ", "no text"),
    ],
)
def test_empty_title_or_body_refused(
    sqlite_store: Store, title: str, body: str, message: str
) -> None:
    with pytest.raises(StorageError, match=message):
        sqlite_store.add_article(ArticleDraft(title=title, body=body))
    assert sqlite_store.count_articles() == 0


def test_two_megabytes_refused_with_limit(store: Store) -> None:
    with pytest.raises(StorageError, match="limit is 1 MB"):
        store.add_article(ArticleDraft(title="Huge", body="word " * 400_000))
    with pytest.raises(StorageError, match="limit is 1 MB"):
        store.add_articles(
            [ArticleDraft(title="ok", body="ok"), ArticleDraft(title="Huge", body="x" * 2_000_000)]
        )
    assert store.count_articles() == 0


def test_text_at_the_limit_is_stored_and_searchable(store: Store) -> None:
    words = " ".join(f"w{n:06d}" for n in range(MAX_BODY_BYTES // 8 - 10))
    body = "needle " + words
    assert len(body.encode()) <= MAX_BODY_BYTES
    article = store.add_article(ArticleDraft(title="Big one", body=body)).article
    assert store.get_article(article.id).body == body
    assert store.search_articles("needle").total == 1


def test_nul_and_lone_surrogates_cleaned(store: Store) -> None:
    result = store.add_article(
        ArticleDraft(
            title="Nul\x00 title\ud800",
            body="Before\x00after \udc00 end\r\nline",
            source="src\x00",
            url="https://example.com/a\x00b",
        )
    )
    article = store.get_article(result.article.id)
    assert article.title == "Nul title\ufffd"
    assert article.body == "Beforeafter \ufffd end\nline"
    assert article.source == "src" and article.url == "https://example.com/ab"
    assert article == result.article


def test_rtl_and_emoji_round_trip(store: Store) -> None:
    title = "مرحبا بالعالم 🌍 שלום"
    body = "نص عربي مع إيموجي 👩‍👩‍👧‍👦🔥 and עברית\u200f mixed; 中文 and Русский текст 🇷🇺"
    result = store.add_article(ArticleDraft(title=title, body=body, summary=("🔥 نص",)))
    article = store.get_article(result.article.id)
    assert (article.title, article.body, article.summary) == (title, body, ("🔥 نص",))
    assert store.search_articles("عربي").items[0].id == article.id
    assert store.search_articles("русский").items[0].id == article.id


def test_over_long_fields_are_cut_not_crashing(store: Store) -> None:
    article = store.add_article(
        ArticleDraft(
            title="T" * 2000,
            body="Body.",
            source="s" * 1000,
            language="english-us",
            added_by="u" * 500,
        )
    ).article
    assert len(article.title) == 500 and article.title.endswith("…")
    assert len(article.source) == 200 and len(article.added_by) == 64
    with pytest.raises(StorageError, match="URL is too long"):
        store.add_article(ArticleDraft(title="T", body="Other.", url="https://e.com/" + "a" * 3000))


@given(st.text())
def test_cleaned_text_is_always_storable(value: str) -> None:
    cleaned = clean_text(value)
    cleaned.encode("utf-8")
    assert "\x00" not in cleaned and "\r" not in cleaned


@given(st.text(min_size=1), st.text(min_size=1))
def test_prepare_article_accepts_or_refuses_cleanly(title: str, body: str) -> None:
    try:
        prepared = prepare_article(ArticleDraft(title=title, body=body))
    except StorageError as error:
        assert str(error)
    else:
        assert prepared.title and prepared.body and len(prepared.content_hash) == 64


def test_odd_publication_dates(sqlite_store: Store) -> None:
    with pytest.raises(StorageError, match="publication date"):
        sqlite_store.add_article(ArticleDraft(title="T", body="B", published_at="yesterday"))  # type: ignore[arg-type]
    edge = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    article = sqlite_store.add_article(ArticleDraft(title="T", body="B", published_at=edge)).article
    assert article.published_at is None


def test_ids_out_of_range_are_simply_absent(store: Store) -> None:
    huge = 2**63
    assert store.get_article(huge) is None and store.get_article(-1) is None
    assert store.delete_article(huge) is False
    store.set_article_summary(huge, ["x"], "lexrank")
    store.set_article_topics(huge, ["x"])
    assert store.get_feed(huge) is None and store.find_feed(str(huge)) is None
    assert store.delete_feed(huge) is False
    assert store.get_subscription(huge) is None
    assert store.unsubscribe(1, huge) is False
    store.upsert_chat(1)
    with pytest.raises(StorageError):
        store.subscribe(1, huge)
