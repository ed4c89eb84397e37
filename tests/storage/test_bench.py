"""The storage benchmark runs end to end at a tiny size (its figures are not checked)."""

from __future__ import annotations

import pytest

from storage import bench


def test_bench_runs_on_both_backends(postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--articles", "100", "--repeats", "5", "--pg-url", postgres_url]) == 0
    output = capsys.readouterr().out
    assert "SQLite" in output and "PostgreSQL" in output
    assert "bulk insert" in output and "search, 2 words" in output


def test_search_bench_builds_and_drops_its_corpus_on_both_backends(
    postgres_url: str, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    import psycopg

    from storage import bench_search
    from storage.bench_corpus import COMMON_EVERY, generate_rows

    rows = list(generate_rows(80))
    assert sum(bench_search.COMMON_WORD in row[3].split() for row in rows) == 80 // COMMON_EVERY
    arguments = ["--articles", "400", "--repeats", "3", "--old-repeats", "1", "--no-cache"]
    assert bench_search.main([*arguments, "--pg-url", postgres_url]) == 0
    output = capsys.readouterr().out
    assert "SQLite" in output and "PostgreSQL" in output and "2 words" in output
    admin = postgres_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(admin) as connection:
        left = connection.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE %s",
            ("newsbot\\_bench\\_%\\_newsbot\\_bench\\_search\\_400\\_v%",),
        ).fetchone()[0]
    assert left == 0  # --no-cache drops the corpus it built
