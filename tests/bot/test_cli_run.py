"""``newsbot run`` and ``newsbot chat`` without a token, as Docker, systemd and a terminal run them.

No terminal (a container, a service): exit 1 with one line and nothing written, so a
supervisor shows the error instead of restarting a console chat in a loop. On a terminal, and
always with ``newsbot chat``, the console chat opens; its sample articles go into its own demo
database only, never into one named by DATABASE_URL.
"""

from __future__ import annotations

import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NO_TOKEN_LINE = "newsbot: TELEGRAM_BOT_TOKEN is not set: "


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "NEWSBOT_", "DATABASE_URL"))
    }
    return {**env, "PYTHONPATH": str(ROOT), "NEWSBOT_DATA_DIR": str(tmp_path / "data"), **extra}


def _newsbot(
    *args: str, env: dict[str, str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _article_count(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])


def test_run_without_token_or_terminal_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    database = tmp_path / "prod.db"
    result = _newsbot("run", env=_env(tmp_path, DATABASE_URL=f"sqlite:///{database}"), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(NO_TOKEN_LINE), result.stderr
    assert "newsbot chat" in lines[0]
    assert result.stdout == ""
    assert not database.exists()
    assert not (tmp_path / "data").exists()


def test_run_without_token_leaves_a_postgresql_database_untouched(
    tmp_path: Path, postgres_url: str
) -> None:
    import psycopg

    result = _newsbot("run", env=_env(tmp_path, DATABASE_URL=postgres_url), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(NO_TOKEN_LINE)
    with psycopg.connect(postgres_url) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert tables == (0,)


def test_run_without_token_on_a_terminal_opens_the_console_on_the_demo_database(
    tmp_path: Path,
) -> None:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
        cwd=tmp_path,
        text=True,
    )
    os.close(follower)
    try:
        os.write(leader, b"/latest 1\n/quit\n")
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
        os.close(leader)
    assert process.returncode == 0, err
    assert "opening the local console chat" in out
    assert "Loaded 8 sample articles." in out and "Latest articles" in out
    assert _article_count(tmp_path / "data" / "demo.db") == 8
    assert not (tmp_path / "data" / "newsbot.db").exists()


def test_chat_never_puts_samples_into_the_database_of_database_url(tmp_path: Path) -> None:
    database = tmp_path / "prod.db"
    env = _env(tmp_path, DATABASE_URL=f"sqlite:///{database}")
    result = _newsbot("chat", env=env, cwd=tmp_path, stdin="/latest\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "DATABASE_URL is set: chatting on that database, without sample articles." in (
        result.stdout
    )
    assert "Loaded" not in result.stdout and "No articles yet" in result.stdout
    assert _article_count(database) == 0
    assert not (tmp_path / "data" / "demo.db").exists()


def test_chat_without_database_url_uses_the_demo_database_with_samples(tmp_path: Path) -> None:
    result = _newsbot("chat", env=_env(tmp_path), cwd=tmp_path, stdin="/latest 1\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "Loaded 8 sample articles." in result.stdout
    assert _article_count(tmp_path / "data" / "demo.db") == 8
    assert not (tmp_path / "data" / "newsbot.db").exists()


def test_chat_no_samples_uses_the_bots_own_database(tmp_path: Path) -> None:
    result = _newsbot("chat", "--no-samples", env=_env(tmp_path), cwd=tmp_path, stdin="/quit\n")
    assert result.returncode == 0, result.stderr
    assert _article_count(tmp_path / "data" / "newsbot.db") == 0
    assert not (tmp_path / "data" / "demo.db").exists()
