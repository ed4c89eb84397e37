"""The data CLI: newsbot import (JSON Lines, .txt folder, OPML), newsbot add, articles list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from storage import open_store
from tests.ingest.pages import STORY, article_page, long_html, rss
from tests.ingest.site import Site


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_url: str) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return sqlite_url


def record(n: int, **extra: object) -> str:
    data: dict[str, object] = {
        "title": f"Gas story {n}",
        "body": f"Story number {n}. " + " ".join(STORY),
        "url": f"https://news.example/{n}?utm_source=rss",
        "source": "Example News",
        "published_at": f"2024-05-{n % 28 + 1:02d}T08:00:00Z",
    }
    data.update(extra)
    return json.dumps(data, ensure_ascii=False)


def test_import_jsonl_reports_bad_lines_and_a_summary(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        record(1),
        "{not json",
        record(2, title=""),
        "",
        record(3, url="javascript:alert(1)"),
        record(4, published_at="yesterday"),
        json.dumps(["a list"]),
        record(5, body=42),
        record(1),
        record(6, title="<b>Bold</b> &amp; RTL שלום 🚀"),
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["import", str(path)]) == 0
    captured = capsys.readouterr()
    for number in (2, 3, 5, 6, 7, 8):
        assert f"line {number}:" in captured.err
    for number in (1, 4, 9, 10):
        assert f"line {number}:" not in captured.err
    assert "Imported 2 new articles" in captured.out
    assert "1 already stored" in captured.out and "6 skipped" in captured.out
    store = open_store(env)
    try:
        titles = {a.title: a for a in store.iter_articles()}
        assert set(titles) == {"Gas story 1", "Bold & RTL שלום 🚀"}
        first = titles["Gas story 1"]
        assert first.url == "https://news.example/1"
        assert first.source == "Example News"
        assert first.summary and "energy" in first.topic_slugs
    finally:
        store.close()


def test_import_logs_progress_when_not_on_a_terminal(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import bot.cli_data

    monkeypatch.setattr(bot.cli_data, "PROGRESS_EVERY_SECONDS", 0.0)
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(record(n) for n in range(1, 6)), encoding="utf-8")
    caplog.set_level("INFO", logger="newsbot.import")
    assert main(["import", str(path)]) == 0
    assert any("done (" in r.getMessage() for r in caplog.records if r.name == "newsbot.import")


def test_import_a_folder_of_text_files(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("Pipeline deal signed\n\n" + "\n\n".join(STORY), "utf-8")
    (folder / "b.txt").write_text("Only a title\n", "utf-8")
    (folder / "c.txt").write_bytes(b"Bytes \xff title\n" + " ".join(STORY[:2]).encode())
    assert main(["import", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "b.txt:" in captured.err
    assert "Imported 2 new articles" in captured.out


def test_import_reads_byte_order_marks(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "bom"
    folder.mkdir()
    (folder / "utf8.txt").write_bytes(("Pipeline deal signed\n" + STORY[0]).encode("utf-8-sig"))
    (folder / "utf16.txt").write_bytes(("Chip exports fall\n" + STORY[1]).encode("utf-16"))
    assert main(["import", str(folder)]) == 0
    assert "Imported 2 new articles" in capsys.readouterr().out
    jsonl = tmp_path / "bom.jsonl"
    jsonl.write_bytes((record(1) + "\n").encode("utf-8-sig"))
    assert main(["import", str(jsonl)]) == 0
    assert "Imported 1 new article from" in capsys.readouterr().out
    store = open_store(env)
    try:
        titles = {article.title for article in store.iter_articles()}
    finally:
        store.close()
    assert titles == {"Pipeline deal signed", "Chip exports fall", "Gas story 1"}


def test_import_errors_are_one_line(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(tmp_path / "missing.jsonl")]) == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", "utf-8")
    assert main(["import", str(bad)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_import_opml_adds_and_polls_feeds(
    env: str, site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    item = {
        "title": "Solar boom",
        "link": "http://example.com/solar",
        "guid": "solar",
        "content": long_html("solar energy"),
    }
    feed = site.add("/rss", rss("Sun Wire", [item]), content_type="application/rss+xml")
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        f'<opml version="2.0"><body><outline text="Sun" xmlUrl="{feed}"/>'
        '<outline text="bad" xmlUrl="ftp://example.com/x"/></body></opml>',
        "utf-8",
    )
    assert main(["import", str(opml)]) == 0
    out = capsys.readouterr()
    assert "1 feeds added" in out.out and "1 new entries" in out.out
    assert "ftp://example.com/x" in out.err
    main(["articles", "list", "--topic", "energy"])
    assert "Solar boom" in capsys.readouterr().out


def test_add_url_and_file(
    env: str, site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = site.add("/pact", article_page())
    assert main(["add", url]) == 0
    out = capsys.readouterr().out
    assert "Added #1: Putin and Xi sign energy and trade pact" in out
    assert "china-russia" in out and "Summary:" in out
    assert main(["add", url]) == 0
    assert "Already stored as #1" in capsys.readouterr().out
    text = tmp_path / "note.txt"
    text.write_text("Chip exports fall\n\nSemiconductor and chip exports fell sharply. " * 3)
    assert main(["add", str(text)]) == 0
    assert "Added #2: Chip exports fall" in capsys.readouterr().out
    page = tmp_path / "page.html"
    page.write_text(article_page("Another pact", STORY[::-1]))
    assert main(["add", str(page)]) == 0
    assert "Added #3: Another pact" in capsys.readouterr().out


def test_add_failures_are_one_line(
    env: str, site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", site.url("/missing")]) == 1
    assert main(["add", "ftp://example.com/a"]) == 1
    assert main(["add", str(tmp_path / "nope.txt")]) == 1
    assert main(["add", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "404" in err and "ftp:" in err and "no such file" in err
    assert "is a folder" in err and "newsbot import" in err
    assert "Traceback" not in err


def test_articles_list(env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["articles", "list"]) == 0
    assert "No articles yet" in capsys.readouterr().out
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(record(n) for n in range(1, 4)), "utf-8")
    main(["import", str(path)])
    capsys.readouterr()
    assert main(["articles", "list", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and "Gas story 3" in lines[0] and "[" in lines[0]
    assert main(["articles", "list", "--topic", "Energy"]) == 0
    assert "Gas story" in capsys.readouterr().out
    assert main(["articles", "list", "--topic", "mars"]) == 1
    assert main(["articles", "list", "--limit", "0"]) == 1
    assert "no topic 'mars'" in capsys.readouterr().err


def test_export_feeds_writes_opml_that_imports_back(
    env: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from ingest.opml import parse_opml

    store = open_store(env)
    store.add_feed("https://wire.example/rss", added_by="t")
    store.add_feed("https://desk.example/atom.xml", added_by="t")
    store.close()
    assert main(["export", "feeds"]) == 0
    printed = capsysbinary.readouterr().out
    assert sorted(f.url for f in parse_opml(printed)) == [
        "https://desk.example/atom.xml",
        "https://wire.example/rss",
    ]
    target = tmp_path / "out" / "feeds.opml"
    assert main(["export", "feeds", "-o", str(target)]) == 1  # no such folder: one line
    assert b"cannot write" in capsysbinary.readouterr().err
    target.parent.mkdir()
    assert main(["export", "feeds", "--output", str(target)]) == 0
    assert b"2 feeds written to" in capsysbinary.readouterr().err
    written = parse_opml(target.read_bytes())
    assert [f.url for f in written] == [f.url for f in parse_opml(printed)]
