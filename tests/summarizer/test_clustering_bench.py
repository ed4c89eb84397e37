"""`newsbot bench digest-quality` runs end to end on made-up data in the evaluation layout."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cli import main as newsbot
from summarizer import DigestArticle
from summarizer.bench_digest import score
from summarizer.bench_digest_data import Window, rewrite_pairs

_RATES = (
    "The Bank of England kept interest rates at 4.75% on Thursday. Governor Mervyn King said "
    "inflation was close to its target. Most economists expect the Monetary Policy Committee to "
    "raise rates later this year, although retailers have asked it to wait."
)
_AIRLINE = (
    "Shares in India's Jet Airways soared 21% on their first day of trading in Mumbai. The "
    "airline raised 19bn rupees in the country's biggest share sale by a private firm. Founder "
    "Naresh Goyal keeps a majority stake in Jet Airways, which flies to 44 cities."
)
_CARMAKER = (
    "Carmaker Renault said its operating profit rose 7% to 3.3bn euros last year. Chief "
    "executive Louis Schweitzer said Renault had a great year thanks to Nissan. Sales of the "
    "Megane range rose strongly in Europe and Turkey."
)


def _make_data(root: Path) -> None:
    bbc = root / "bbc_news_summary"
    rows = ["id\tcategory\tsha1\tdup_group\tsplit"]
    articles = {
        "business/001": ("Bank of England holds rates", _RATES, "g1"),
        "business/002": ("Jet Airways soars on debut", _AIRLINE, "g2"),
        "business/003": ("Jet Airways soars on debut", _AIRLINE, "g2"),  # a duplicate
        "business/004": ("Indian airline's shares jump", _AIRLINE, "g4"),  # a rewrite
        "tech/001": ("Renault hails great year", _CARMAKER, "g5"),
    }
    for article_id, (title, body, group) in articles.items():
        path = bbc / "articles" / f"{article_id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        rows.append(f"{article_id}\t{article_id.split('/')[0]}\tx\t{group}\tdev")
    rows.append("tech/002\ttech\tx\tg6\theldout")  # another split: never read
    (bbc / "manifest.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "cnndm").mkdir()
    highlights = "Jet Airways shares soar 21% in Mumbai debut .\nThe sale raised 19bn rupees ."
    record = {"id": "cnn-1", "text": _AIRLINE, "summary": highlights, "references": []}
    (root / "cnndm" / "summeval100.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    (root / "ru_rbc").mkdir()
    russian = {"id": "r1", "text": "Банк России в пятницу снизил ключевую ставку с 14% до 11%. "
               "Регулятор объяснил решение замедлением инфляции и укреплением рубля.",
               "summary": "ЦБ снизил ключевую ставку до 11% из-за замедления инфляции."}
    (root / "ru_rbc" / "rbc394.jsonl").write_text(json.dumps(russian, ensure_ascii=False) + "\n",
                                                  "utf-8")


def test_the_benchmark_prints_both_methods_for_every_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _make_data(tmp_path)
    assert newsbot(["bench", "digest-quality", "--data", str(tmp_path), "--runs", "1"]) == 0
    out = capsys.readouterr().out
    for window in ("(a) en", "(a) ru", "(b) bbc business", "(b) bbc tech"):
        assert window in out
    rows = [line.split() for line in out.splitlines()]
    assert sum("baseline" in row[:8] for row in rows) == 4
    assert sum("stories" in row[:3] for row in rows) == 4
    total = sum(int(n) for n in re.findall(r"(\d+)  baseline ", out))
    assert f"speed, one window of {total} articles: baseline" in out
    business = out.split("(b) bbc business")[1].splitlines()
    assert business[0].split()[0] == "4"  # the held-out article is not read


def test_a_missing_data_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert newsbot(["bench", "digest-quality", "--data", str(tmp_path / "nowhere")]) == 2
    assert "No data folder" in capsys.readouterr().err


def test_pairwise_scores_leave_rewrites_out() -> None:
    window = Window("(b) test")
    for article_id, story in ((1, "a"), (2, "a"), (3, "b"), (4, "c"), (5, "d")):
        window.add(DigestArticle(id=article_id, title="", summary=()), story)
    window.ignored = {(3, 4)}  # a rewrite pair: merging it is neither right nor wrong
    quality = score(window, [(1, 2), (3, 4), (5,)])
    assert (quality.precision, quality.recall, quality.wrong) == (1.0, 1.0, 0.0)
    quality = score(window, [(1, 2, 5), (3,), (4,)])
    assert quality.precision == pytest.approx(1 / 3)
    assert quality.recall == 1.0
    assert quality.wrong == pytest.approx(3 / 5)


def test_rewrites_are_found_by_shingles_or_headline() -> None:
    pairs = rewrite_pairs([
        (1, "Jet Airways soars", _AIRLINE),
        (2, "Indian airline's shares jump", _AIRLINE + " More to follow."),
        (3, "Renault hails great year", _CARMAKER),
        (4, "Renault hails great year", _RATES),
    ])
    assert pairs == {(1, 2), (3, 4)}
