"""``newsbot bench hardening`` runs end to end (tiny sizes): every figure beside its bound."""

from __future__ import annotations

import pytest

from bot.cli import main


def test_the_hardening_bench_prints_every_figure_within_its_bound(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(
        [
            "bench",
            "hardening",
            "--timeout", "2",
            "--double-mb", "8",
            "--single-mb", "8",
            "--hung", "3",
            "--users", "3",
            "--posts", "2",
            "--post-mb", "2",
            "--no-baseline",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    rows = [
        line
        for line in out.splitlines()
        if line.rstrip().endswith(("ok", "OVER")) or " ok " in line
    ]
    names = (
        "double-gzip bomb",
        "single-gzip bomb",
        "header-dripping server",
        "/help while 3 fetches hang",
        "closing the bot with 3 fetches hung",
        "webhook hit by 2 parallel 2 MB POSTs",
    )
    for name in names:
        assert any(name in row for row in rows), (name, out)
    assert "OVER" not in out and status == 0
