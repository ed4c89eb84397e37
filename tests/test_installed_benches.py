"""Every ``newsbot bench ...`` runs from the installed command, in its quickest mode.

The wheel is built and installed into a fresh venv outside the tree as tests/test_image.py
does (its ``installed`` fixture), and each benchmark runs from an empty directory with no
source checkout on the path: nothing may need tests/ or files beside the sources. The data
benchmarks get a tiny made-up data folder laid out like the evaluation data (BBC News
Summary, CNN/DailyMail SummEval, RBC.ru), so the test needs none of it.

The digest fan-out benchmarks (``bench digest``, ``bench fanout``) have tests of their own.
A new ``newsbot bench`` subcommand must be added here (the last test checks).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import tests.test_image as image

# The fixture, found by name: the wheel installed in a fresh venv.
installed = image.installed

# bench -> its quickest arguments ({data}: the made-up data folder).
QUICK_RUNS: dict[str, tuple[str, ...]] = {
    "storage": ("--articles", "200", "--repeats", "3", "--no-pg"),
    "search": ("--articles", "300", "--repeats", "3", "--db", "sqlite", "--no-cache"),
    "chat": ("--articles", "200", "--users", "3", "--per-user", "1", "--baseline-calls", "5"),
    "languages": ("--rounds", "1"),
    "ingest": ("--articles", "20", "--runs", "1", "--feeds", "2", "--feed-runs", "1"),
    "summarize": ("--data", "{data}", "--set", "bbc", "--limit", "2"),
    "digest-quality": ("--data", "{data}", "--runs", "1"),
    "digest-compose": ("--data", "{data}", "--runs", "1", "--sizes", "4"),
    "sender": ("--messages", "50", "--rounds", "1", "--in-flight", "4"),
    "hardening": (
        "--timeout", "1", "--hung", "1", "--users", "2", "--double-mb", "2",
        "--single-mb", "2", "--posts", "1", "--post-mb", "1", "--no-baseline",
    ),
}  # fmt: skip
# What each prints when it ran to the end.
EXPECTED = {
    "storage": "search, 2 words",
    "search": "2 words",
    "chat": "/latest",
    "languages": "py3langid",
    "ingest": "second round",
    "summarize": "default (learned)",
    "digest-quality": "bbc",
    "digest-compose": "composing",
    "sender": "CPU per message, PTB / lean",
    "hardening": "webhook hit by 1 parallel 1 MB POSTs",
}
TIMEOUT = 300

_BBC = [
    ("business", "Bank rates rise again", "The central bank raised interest rates on Monday. "
     "Borrowing costs climbed to a ten-year high. Economists had expected the move. "
     "Mortgage lenders said they would pass the rise on to customers."),
    ("business", "Oil prices fall sharply", "Oil prices fell by five percent on Tuesday. "
     "Traders blamed weak demand from factories. Petrol stations are expected to cut prices. "
     "Producers will meet next month to discuss output."),
    ("sport", "Club wins the league title", "The club won the league on Saturday. "
     "Their striker scored twice in the final match. Fans celebrated in the city centre. "
     "The manager praised the squad for a season of hard work."),
    ("sport", "Runner breaks the record", "A young runner broke the national record. "
     "She finished the race four seconds ahead of the field. Her coach called it a great day. "
     "She now hopes to compete at the world championships."),
]  # fmt: skip


def write_made_up_data(folder: Path) -> Path:
    """A few articles in the layout of /work/shared/eval/data (no real data)."""
    bbc = folder / "bbc_news_summary"
    rows = ["id\tcategory\tsha1\tdup_group\tsplit\tn_body_sents\tn_ref_sents\tref_coverage"]
    for number, (category, title, body) in enumerate(_BBC):
        item = f"{category}/{number:03d}"
        for kind, text in (("articles", f"{title}\n\n{body}\n"), ("summaries", body[:120])):
            path = bbc / kind / f"{item}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        rows.append(f"{item}\t{category}\t0\t{item}\tdev\t4\t1\t1.0")
    (bbc / "manifest.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cnndm = folder / "cnndm"
    cnndm.mkdir()
    records = [
        {"id": f"cnn{n}", "text": body, "summary": body.split(". ")[0], "references": []}
        for n, (_category, _title, body) in enumerate(_BBC)
    ]
    (cnndm / "summeval100.jsonl").write_text(
        "".join(json.dumps(record) + "\n" for record in records), encoding="utf-8"
    )
    rbc = folder / "ru_rbc"
    rbc.mkdir()
    text = (
        "Центральный банк повысил ключевую ставку в понедельник. Кредиты подорожают. "
        "Аналитики ожидали такого решения. Банки пересмотрят ставки по ипотеке."
    )
    (rbc / "rbc394.jsonl").write_text(
        json.dumps({"id": "rbc1", "text": text, "summary": "Банк повысил ставку."}) + "\n",
        encoding="utf-8",
    )
    return folder


@pytest.mark.parametrize("bench", list(QUICK_RUNS))
def test_bench_runs_from_the_installed_command(installed: Path, tmp_path: Path, bench: str) -> None:
    data = write_made_up_data(tmp_path / "data")
    workdir = tmp_path / "empty"
    workdir.mkdir()
    arguments = [argument.format(data=data) for argument in QUICK_RUNS[bench]]
    result = subprocess.run(
        [str(installed / "bin" / "newsbot"), "bench", bench, *arguments],
        cwd=workdir,
        env=image._clean_env(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache")),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert "tests/support" not in output and "source checkout" not in output, output[-3000:]
    assert EXPECTED[bench] in output, output[-3000:]
    assert list(workdir.iterdir()) == [], "a benchmark left files in the working directory"


def test_every_bench_subcommand_is_covered() -> None:
    from bot.cli import BENCH_MODULES

    fan_out = {"digest", "fanout"}
    assert set(BENCH_MODULES) - fan_out == set(QUICK_RUNS)
