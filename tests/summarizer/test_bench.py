"""The benchmark script runs end to end on a tiny made-up data set (never the evaluation data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer import bench
from tests.summarizer.conftest import FIXTURES


def _make_data(root: Path) -> None:
    article = (FIXTURES / "english_article.txt").read_text(encoding="utf-8")
    lines = [line for line in article.splitlines() if line.strip()]
    bbc = root / "bbc_news_summary"
    (bbc / "articles" / "news").mkdir(parents=True)
    (bbc / "summaries" / "news").mkdir(parents=True)
    (bbc / "articles" / "news" / "001.txt").write_text(article, encoding="utf-8")
    (bbc / "summaries" / "news" / "001.txt").write_text("".join(lines[1:4]), encoding="utf-8")
    (bbc / "manifest.tsv").write_text("id\tcategory\nnews/001\tnews\n", encoding="utf-8")
    cnndm = root / "cnndm"
    cnndm.mkdir()
    record = {"id": "x-1", "text": " ".join(lines[1:]), "summary": "\n".join(lines[1:3]),
              "references": ["\n".join(lines[1:3]), lines[4]]}
    (cnndm / "summeval100.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    russian = (FIXTURES / "russian_article.txt").read_text(encoding="utf-8")
    body = " ".join(line for line in russian.splitlines()[1:] if line.strip())
    ru = root / "ru_rbc"
    ru.mkdir()
    record = {"id": "ru-1", "text": body, "summary": " ".join(body.split(". ")[:1])}
    (ru / "rbc394.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n",
                                     encoding="utf-8")


def test_bench_prints_all_three_tables(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    _make_data(tmp_path)
    assert bench.main(["--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "BBC News Summary" in out and "CNN/DailyMail" in out and "RBC.ru" in out
    for method in ("LEAD-3", "sumy LexRank (stock)", "sumy TextRank (stock)", "default ("):
        assert out.count(f"| {method}") == 3, method
    assert out.count("| sentences | characters |") == 3
    assert out.count("| LEAD-3 |") == 3 and "+0.00 / +0.00 / +0.00" in out
    assert "word article" in out


def test_bench_can_tell_the_default_its_language(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _make_data(tmp_path)
    assert bench.main(["--data", str(tmp_path), "--set", "ru", "--language", "given"]) == 0
    out = capsys.readouterr().out
    assert out.count("), language given |") == 1
    assert out.count("| default (") == 1  # in place of the detecting default, not beside it
    assert "| sumy LexRank (stock) |" in out


def test_russian_rouge_counts_russian_words() -> None:
    """rouge-score's own tokenizer drops Cyrillic; the bench's keeps and stems it."""
    scorer = bench.scorer_for("ru")
    same = scorer.score("Путин подписал соглашения.", "Путина подписали соглашение.")
    other = scorer.score("Путин подписал соглашения.", "Дождь шёл весь день.")
    assert same["rouge1"].fmeasure == 1.0
    assert other["rouge1"].fmeasure == 0.0
    tokens = bench.RougeTokenizer("russian").tokenize("Ёлки, ёж и ёжики!")
    assert tokens == ["елк", "еж", "и", "ежик"]


def test_bench_reports_missing_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--data", str(tmp_path / "nothing")]) == 1
    assert "no bbc_news_summary" in capsys.readouterr().err


def test_split_run_together_reference() -> None:
    assert bench._split_run_together("Prices rose.Sales fell.") == "Prices rose.\nSales fell."
