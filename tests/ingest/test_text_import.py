"""Text imports (newsbot add FILE, folders of .txt files) get the cleaning of URL pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from ingest.extract import clean_text_article, extract_text_document
from storage import open_store
from tests.summarizer.conftest import FIXTURES

SEED = FIXTURES / "china-russia-strategic-partnership.txt"
SEED_TITLE = "Chinese-Russian ‘Strategic Partnership Taking Shape of an Alliance’"
FURNITURE = ("SI |", "About Author", "Edward Bokhua", "Related Articles", "May 12", "16:20 2017")

MADE_UP_PAGE = """NEWS.EXAMPLE »

Storm closes the port of Dover for a second day

Storm closes the port of Dover for a second day
By Jane Reporter
Published: 12 March 2026 08:15

Ferries between Dover and Calais stayed in harbour on Tuesday as winds of 80 miles an hour
battered the Channel coast.

The port said about 4,000 lorries were queuing on the M20 motorway.

Share this article
Facebook Twitter Email

About the author

Jane Reporter

Related Articles

Ferry firms count the cost of winter storms
Lorry drivers stranded in Kent
"""


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_url: str) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return sqlite_url


def test_seed_page_title_is_its_headline_and_body_has_no_furniture() -> None:
    page = extract_text_document(SEED.read_text(encoding="utf-8"))
    assert page.title == SEED_TITLE
    for line in FURNITURE:
        assert line not in page.text
    assert SEED_TITLE not in page.text
    assert page.text.startswith("In an interview with Sputnik")
    assert page.text.rstrip().endswith("developing bilateral ties.")


def test_made_up_page_drops_byline_share_rows_author_and_related() -> None:
    page = extract_text_document(MADE_UP_PAGE)
    assert page.title == "Storm closes the port of Dover for a second day"
    for line in ("NEWS.EXAMPLE", "By Jane Reporter", "Published:", "Share this article",
                 "Facebook Twitter", "About the author", "Jane Reporter", "Related Articles",
                 "Ferry firms count", "Lorry drivers stranded"):
        assert line not in page.text, line
    assert "4,000 lorries" in page.text and "Ferries between Dover" in page.text


def test_plain_title_and_body_are_kept_as_they_are() -> None:
    body = "The council approved the budget on Monday.\n\nIt passed by 30 votes to 12."
    assert clean_text_article("Budget approved", body) == ("Budget approved", body)
    page = extract_text_document("Brexit\n\n" + body)
    assert page.title == "Brexit" and page.text == body


def test_newsbot_add_seed_file_stores_a_clean_article(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It stored the title 'SI |' and kept the byline and 'Related Articles' searchable."""
    path = tmp_path / "seed.txt"
    path.write_bytes(SEED.read_bytes())
    assert main(["add", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"Added #1: {SEED_TITLE}" in out
    store = open_store(env)
    try:
        article = store.get_article(1)
        assert article is not None
        assert article.title == SEED_TITLE
        for line in FURNITURE:
            assert line not in article.body
        assert not store.search_articles("Bokhua").items
        assert store.search_articles("Sanakoyev").items
    finally:
        store.close()


def test_import_folder_of_pages_cleans_each(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    (folder / "storm.txt").write_text(MADE_UP_PAGE, encoding="utf-8")
    assert main(["import", str(folder)]) == 0
    assert "Imported 2 new articles" in capsys.readouterr().out
    store = open_store(env)
    try:
        articles = {a.title: a for a in store.iter_articles()}
    finally:
        store.close()
    assert set(articles) == {SEED_TITLE, "Storm closes the port of Dover for a second day"}
    assert "Jane Reporter" not in articles["Storm closes the port of Dover for a second day"].body
    assert "Edward Bokhua" not in articles[SEED_TITLE].body
