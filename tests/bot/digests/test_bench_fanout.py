"""The fan-out benchmarks run from the ``newsbot`` command, outside the source checkout.

- ``bench fanout`` on PostgreSQL with two ``newsbot worker`` processes, one killed and
  restarted: its fake Bot API counts every message of every chat, none lost.
- ``bench digest`` (issue 5's defaults, tiny) on SQLite, where one engine process runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.support.bot_process import REPO_ROOT

TIMEOUT = 600


def run_bench(tmp_path: Path, *args: str) -> str:
    workdir = tmp_path / "empty"
    workdir.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO_ROOT),
        "HOME": str(tmp_path),
        "TEST_DATABASE_URL": os.environ.get(
            "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "bench", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "Traceback" not in output and "tests/support" not in output, output[-3000:]
    assert list(workdir.iterdir()) == [], "the benchmark left files in the working directory"
    return output


def figure(output: str, pattern: str) -> list[int]:
    return [int(value.replace(",", "")) for value in re.findall(pattern, output)]


def test_bench_fanout_with_a_killed_worker_loses_nothing(
    tmp_path: Path, postgres_url: str
) -> None:
    output = run_bench(
        tmp_path,
        "fanout",
        "--subscribers",
        "60",
        "--rate",
        "100",
        "--workers",
        "2",
        "--db",
        "postgresql",
        "--kill",
        "--articles",
        "12",
    )
    assert "2 worker(s), one killed and restarted" in output, output
    assert figure(output, r"lost: (\d+)") == [0], output
    (delivered,) = figure(output, r"([\d,]+) messages in")
    (duplicates,) = figure(output, r"duplicates: (\d+)")
    assert delivered >= 60 and duplicates <= 60  # at most one part twice per chat
    assert "CPU per message" in output and "transactions per message" in output


def test_bench_digest_runs_on_sqlite(tmp_path: Path) -> None:
    output = run_bench(tmp_path, "digest", "--subscribers", "20", "--skip-kill", "--articles", "6")
    assert "build all digests" in output
    assert figure(output, r"lost: (\d+)") == [0] and figure(output, r"duplicates: (\d+)") == [0]
    assert figure(output, r"429s: (\d+)") == [0]

