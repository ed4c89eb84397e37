"""The data subcommands of the CLI: ``newsbot import``, ``add``, ``articles list``, ``export``.

Imports show a progress bar on a terminal and a log line every few seconds otherwise; bad
lines are reported with their line number and skipped, and a summary closes the run.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from ingest.defaults import ensure_default_topics
from ingest.errors import IngestError
from ingest.extract import extract_html, extract_text_document
from ingest.pipeline import AddOutcome, BulkResult, Ingestor, TextItem
from ingest.records import item_from_record
from storage.store import StorageError, Store
from summarizer.decoding import decode_text

logger = logging.getLogger("newsbot.import")

PROGRESS_EVERY_SECONDS = 5.0
MAX_REPORTED_ERRORS = 20
MAX_FILE_BYTES = 2 * 1024 * 1024
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
OPML_SUFFIXES = {".opml", ".xml"}


def _open_store(settings: Settings) -> Store:
    from storage import open_store

    store = open_store(settings.database_url)
    ensure_default_topics(store)
    return store


def _fail(message: str) -> int:
    print(f"newsbot: {message}", file=sys.stderr)
    return 1


@dataclass
class ImportReport:
    """Counts of one import run, and the first few problems."""

    created: int = 0
    duplicates: int = 0
    bad: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        """Items handled so far, whatever became of them."""
        return self.created + self.duplicates + self.bad

    def problem(self, where: str, message: str, out: TextIO) -> None:
        """Count and (for the first few) print one skipped item."""
        self.bad += 1
        if self.bad <= MAX_REPORTED_ERRORS:
            print(f"{where}: {message} (skipped)", file=out)
        elif self.bad == MAX_REPORTED_ERRORS + 1:
            print("... further problems are counted but not shown", file=out)


def _jsonl_items(path: Path, report: ImportReport, out: TextIO) -> Iterator[tuple[str, TextItem]]:
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = item_from_record(json.loads(line))
            except json.JSONDecodeError as error:
                report.problem(f"line {number}", f"not valid JSON ({error.msg})", out)
                continue
            except (ValueError, RecursionError) as error:
                report.problem(f"line {number}", str(error), out)
                continue
            yield f"line {number}", item


def _txt_items(folder: Path, report: ImportReport, out: TextIO) -> Iterator[tuple[str, TextItem]]:
    for path in sorted(folder.glob("*.txt")):
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise IngestError(f"larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
            page = extract_text_document(decode_text(path.read_bytes()))
        except (OSError, IngestError) as error:
            report.problem(path.name, str(error), out)
            continue
        yield path.name, TextItem(page.title, page.text, added_by="import")


def _count_items(path: Path) -> int:
    if path.is_dir():
        return sum(1 for _ in path.glob("*.txt"))
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


class _Progress:
    """A tqdm bar on a terminal; a log line every few seconds otherwise."""

    def __init__(self, total: int, label: str) -> None:
        self.total = total
        self.label = label
        self.started = self.last = time.monotonic()
        self.bar: Any = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="article", desc=label, file=sys.stderr)

    def update(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
            return
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_SECONDS:
            self.last = now
            rate = done / max(now - self.started, 1e-9)
            logger.info("%s: %d/%d done (%.0f articles/s)", self.label, done, self.total, rate)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def import_articles(
    store: Store,
    items: Iterator[tuple[str, TextItem]],
    report: ImportReport,
    *,
    total: int,
    label: str,
    out: TextIO,
) -> None:
    """Summarize, tag and store items in batches, counting into ``report``."""
    ingestor = Ingestor(store)
    pending: deque[str] = deque()

    def feed() -> Iterator[TextItem]:
        for where, item in items:
            pending.append(where)
            yield item

    progress = _Progress(total, label)
    try:
        for result in ingestor.add_many(feed()):
            _count(result, pending.popleft(), report, out)
            progress.update(report.done)
    finally:
        progress.close()
        ingestor.close()


def _count(result: BulkResult, where: str, report: ImportReport, out: TextIO) -> None:
    if result.outcome is None:
        report.problem(where, result.error, out)
    elif result.outcome.created:
        report.created += 1
    else:
        report.duplicates += 1


def _import_opml(settings: Settings, store: Store, path: Path) -> int:
    from ingest.feed_polling import poll_feeds
    from ingest.opml import MAX_OPML_BYTES, OpmlError, import_opml

    if path.stat().st_size > MAX_OPML_BYTES:
        return _fail(f"{path} is larger than {MAX_OPML_BYTES // 1024 // 1024} MB")
    try:
        done = import_opml(
            store, path.read_bytes(), every_minutes=settings.feed_every_minutes, added_by="import"
        )
    except OpmlError as error:
        if error.kind != "no_feeds":
            raise
        print("0 feeds added: the file lists none.")
        return 0
    for entry, problem in done.skipped:
        where = f"line {entry.line}: " if entry.line else ""
        print(f"{where}{entry.url[:200]}: {problem} (skipped)", file=sys.stderr)
    added, known, bad = done.added, done.known, len(done.skipped)
    print(f"{len(added)} feeds added, {known} already followed, {bad} skipped; polling them now.")
    results = poll_feeds(
        store,
        added,
        allow_private_urls=settings.allow_private_urls,
        options=settings.fetch_options(),
    )
    for result in results:
        status = result.error if result.status == "error" else f"{result.new_entries} new entries"
        print(f"  #{result.feed_id} {result.url}: {status}")
    new = sum(result.new_entries for result in results)
    failed = sum(result.status == "error" for result in results)
    print(f"First poll: {_plural(new, 'new article')}; {failed} feeds failed (retried later).")
    return 0 if added or known else 1


def _plural(number: int, noun: str) -> str:
    """'1 new article', '3 new articles'."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def import_command(settings: Settings, path: str) -> int:
    """``newsbot import PATH``: JSON Lines, a folder of .txt files, or an OPML list of feeds."""
    source = Path(path)
    if not source.exists():
        return _fail(f"{path}: no such file or folder")
    try:
        store = _open_store(settings)
    except StorageError as error:
        return _fail(str(error))
    try:
        if source.is_file() and source.suffix.lower() in OPML_SUFFIXES:
            return _import_opml(settings, store, source)
        if source.is_dir():
            items = _txt_items
        elif source.suffix.lower() in JSONL_SUFFIXES or source.is_file():
            items = _jsonl_items
        else:
            return _fail(f"{path}: expected a .jsonl file, a folder of .txt files or an .opml file")
        report = ImportReport()
        started = time.monotonic()
        import_articles(
            store,
            items(source, report, sys.stderr),
            report,
            total=_count_items(source),
            label=source.name,
            out=sys.stderr,
        )
        elapsed = time.monotonic() - started
        rate = report.done / elapsed if elapsed > 0 else 0.0
        print(
            f"Imported {_plural(report.created, 'new article')} from {source.name}: "
            f"{report.duplicates} already stored, {report.bad} skipped "
            f"({elapsed:.1f} s, {rate:.0f} per second)."
        )
        return 1 if report.bad and not (report.created or report.duplicates) else 0
    except (OSError, IngestError, StorageError) as error:
        return _fail(f"{path}: {error}")
    finally:
        store.close()


def _print_outcome(outcome: AddOutcome) -> None:
    article = outcome.article
    head = "Added" if outcome.created else "Already stored as"
    print(f"{head} #{article.id}: {article.title}")
    if article.url:
        print(f"URL: {article.url}")
    print(f"Topics: {', '.join(outcome.topics) or '(none)'}")
    if article.summary:
        print("Summary:")
        for sentence in article.summary:
            print(f"  • {sentence}")


def _add_file(ingestor: Ingestor, path: Path) -> AddOutcome:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise IngestError(f"the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    raw = path.read_bytes()
    if path.suffix.lower() in {".html", ".htm", ".xhtml"}:
        page = extract_html(raw)
    else:
        page = extract_text_document(decode_text(raw))
    return ingestor.add_text(
        page.title,
        page.text,
        source=page.site_name,
        added_by="cli",
        published_at=page.published_at,
        language=page.language,
    )


def add_command(settings: Settings, target: str) -> int:
    """``newsbot add URL|FILE``: fetch or read one article, summarize, tag and store it."""
    is_url = "://" in target or target.lower().startswith(("http:", "https:"))
    path = Path(target)
    if not is_url and path.is_dir():
        return _fail(f"{target}: is a folder; add one file, or import the folder: newsbot import")
    if not is_url and not path.is_file():
        return _fail(f"{target}: not a URL and no such file")
    try:
        store = _open_store(settings)
    except StorageError as error:
        return _fail(str(error))
    ingestor = Ingestor(
        store, allow_private_urls=settings.allow_private_urls, options=settings.fetch_options()
    )
    try:
        outcome = ingestor.add_url(target, added_by="cli") if is_url else _add_file(ingestor, path)
    except (IngestError, StorageError, OSError) as error:
        return _fail(str(error))
    finally:
        ingestor.close()
        store.close()
    _print_outcome(outcome)
    return 0


def list_articles_command(settings: Settings, *, limit: int = 20, topic: str | None = None) -> int:
    """``newsbot articles list [--limit N] [--topic T]``: the newest articles, newest first."""
    if not 1 <= limit <= 1000:
        return _fail("--limit must be between 1 and 1000")
    try:
        store = _open_store(settings)
    except StorageError as error:
        return _fail(str(error))
    try:
        slug = None
        if topic:
            found = store.find_topic(topic)
            if found is None:
                names = ", ".join(t.slug for t in store.list_topics())
                return _fail(f"no topic {topic!r} (topics: {names})")
            slug = found.slug
        page = store.latest_articles(limit, topic_slug=slug)
        if not page.items:
            print("No articles yet." if slug is None else f"No articles in {slug} yet.")
            return 0
        for article in page.items:
            when = article.shown_at.strftime("%Y-%m-%d %H:%M")
            tags = f" [{', '.join(article.topic_slugs)}]" if article.topic_slugs else ""
            source = f" ({article.source})" if article.source else ""
            print(f"#{article.id:<6} {when}  {article.title}{source}{tags}")
        return 0
    finally:
        store.close()


def export_feeds_command(settings: Settings, output: str) -> int:
    """``newsbot export feeds [-o FILE]``: the followed feeds as OPML, to a file or stdout."""
    from ingest.opml import write_opml

    try:
        store = _open_store(settings)
    except StorageError as error:
        return _fail(str(error))
    try:
        feeds = store.list_feeds()
    finally:
        store.close()
    document = write_opml(feeds)
    if output in ("", "-"):
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
        return 0
    target = Path(output)
    try:
        target.write_bytes(document)
    except OSError as error:
        return _fail(f"cannot write {output}: {error.strerror or error}")
    print(f"{len(feeds)} feeds written to {output}.", file=sys.stderr)
    return 0
