"""The storage benchmark runs end to end at a tiny size (its figures are not checked)."""

from __future__ import annotations

import pytest

from storage import bench


def test_bench_runs_on_both_backends(postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--articles", "100", "--repeats", "5", "--pg-url", postgres_url]) == 0
    output = capsys.readouterr().out
    assert "SQLite" in output and "PostgreSQL" in output
    assert "bulk insert" in output and "search, 2 words" in output
