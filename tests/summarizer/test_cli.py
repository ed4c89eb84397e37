"""summarize_command(): the `newsbot summarize` CLI."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from summarizer.cli import summarize_command
from tests.summarizer.conftest import FIXTURES


def test_summarizes_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    code = summarize_command(str(FIXTURES / "english_article.txt"), sentences=2)
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    assert len(out) == 2


def test_reads_standard_input(monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    data = (FIXTURES / "russian_article.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert summarize_command("-", language="ru", algorithm="lexrank") == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 3


def test_errors_are_one_line_and_exit_code_one(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    assert summarize_command(str(empty)) == 1
    assert summarize_command(str(tmp_path / "missing.txt")) == 1
    assert summarize_command(str(FIXTURES / "english_article.txt"), algorithm="nope") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 3
    assert all(line.startswith("newsbot summarize:") for line in lines)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_reads_files_with_a_byte_order_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    text = (FIXTURES / "english_article.txt").read_text(encoding="utf-8")
    path = tmp_path / "unicode.txt"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    assert summarize_command(str(path), sentences=2) == 0
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 2 and "\ufeff" not in out and "\ufffd" not in out
