"""The newsbot command line as a user runs it: bad configuration gives one line, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_newsbot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**os.environ, **env, "PYTHONPATH": str(Path(__file__).parents[2])},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bad_configuration_is_one_clear_line(tmp_path: Path) -> None:
    result = run_newsbot("db", "upgrade", env={"NEWSBOT_TZ": "Mars/Olympus"}, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "newsbot: configuration error: NEWSBOT_TZ='Mars/Olympus' is not an IANA time zone "
        "(try UTC or Europe/Moscow)"
    ]


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    result = run_newsbot(
        "db", "check", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, cwd=tmp_path
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("newsbot: cannot use the database:")


def test_db_upgrade_then_check_creates_the_default_sqlite_file(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "", "NEWSBOT_DATA_DIR": str(tmp_path / "data")}
    upgrade = run_newsbot("db", "upgrade", env=env, cwd=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    assert (tmp_path / "data" / "newsbot.db").is_file()
    check = run_newsbot("db", "check", env=env, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "0 articles" in check.stdout


def test_bad_pool_option_is_one_clear_line(tmp_path: Path) -> None:
    result = run_newsbot(
        "db",
        "check",
        env={"DATABASE_URL": "postgresql://postgres@127.0.0.1/test?pool_size=x"},
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
