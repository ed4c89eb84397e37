"""ingest.opml: reading OPML safely, writing it, importing its feeds into the store."""

from __future__ import annotations

import pytest

from ingest.opml import (
    MAX_IMPORTED_FEEDS,
    MAX_OPML_BYTES,
    OpmlError,
    import_opml,
    parse_opml,
    write_opml,
)
from storage import open_store
from storage.store import Store


def test_written_opml_reads_back(store: Store) -> None:
    store.add_feed("https://a.example/rss", added_by="t")
    store.add_feed("https://b.example/atom?x=1&y=<2>", added_by="t")
    document = write_opml(store.list_feeds())
    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert b'<opml version="2.0">' in document
    assert sorted(feed.url for feed in parse_opml(document)) == sorted(
        feed.url for feed in store.list_feeds()
    )
    assert parse_opml(write_opml([])) == []


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"", "not_xml"),
        (b"\xff\xfe garbage", "not_xml"),
        (b"<opml><body>", "not_xml"),
        (b"<rss/>", "not_opml"),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><opml/>', "entities"),
        (b'<!DOCTYPE x [<!ENTITY a "' + b"a" * 1000 + b'">]><opml><body/></opml>', "entities"),
        (b"<opml>" + b" " * MAX_OPML_BYTES + b"</opml>", "too_large"),
    ],
)
def test_bad_documents_are_refused_by_kind(content: bytes, kind: str) -> None:
    with pytest.raises(OpmlError) as caught:
        parse_opml(content)
    assert caught.value.kind == kind


def test_a_deep_document_does_not_blow_up() -> None:
    deep = b"<opml><body>" + b"<outline>" * 20_000 + b"</outline>" * 20_000 + b"</body></opml>"
    assert len(deep) < MAX_OPML_BYTES
    with pytest.raises(OpmlError) as caught:  # libxml2's depth limit, as a clear refusal
        parse_opml(deep)
    assert caught.value.kind == "not_xml"


def test_import_adds_new_feeds_and_reports_the_rest(store: Store) -> None:
    store.add_feed("https://known.example/rss", added_by="t")
    content = b"""<opml><body>
      <outline xmlUrl="https://new.example/rss"/><outline xmlUrl="https://known.example/rss"/>
      <outline xmlUrl="javascript:alert(1)"/><outline xmlUrl="https://new.example/rss"/>
    </body></opml>"""
    done = import_opml(store, content, every_minutes=30, added_by="admin")
    assert done.listed == 3 and [f.url for f in done.added] == ["https://new.example/rss"]
    assert done.added[0].every_minutes == 30
    assert done.known == 1 and [entry.url for entry, _ in done.skipped] == ["javascript:alert(1)"]


def test_import_refuses_empty_and_overlong_lists(store: Store) -> None:
    with pytest.raises(OpmlError) as empty:
        import_opml(store, b"<opml><body/></opml>", every_minutes=15)
    assert empty.value.kind == "no_feeds"
    many = b"".join(
        f'<outline xmlUrl="https://f{n}.example/rss"/>'.encode()
        for n in range(MAX_IMPORTED_FEEDS + 1)
    )
    with pytest.raises(OpmlError) as too_many:
        import_opml(store, b"<opml><body>" + many + b"</body></opml>", every_minutes=15)
    assert too_many.value.kind == "too_many"
    assert store.list_feeds() == []


def test_import_and_export_on_both_databases(database_url: str) -> None:
    both = open_store(database_url)
    try:
        content = b'<opml><body><outline title="Wire" xmlUrl="https://wire.example/rss"/>' + (
            b'<outline xmlUrl="https://WIRE.example/rss#top"/></body></opml>'
        )
        first = import_opml(both, content, every_minutes=15)
        again = import_opml(both, write_opml(both.list_feeds()), every_minutes=15)
        assert len(first.added) == 1 and first.known + len(first.skipped) == 1
        assert again.added == [] and again.known == 1
    finally:
        both.close()
