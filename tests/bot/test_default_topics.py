"""Default topics are created once: one an admin deletes stays deleted after a restart.

Issue 11 item 6: a deleted default topic came back, with its default rule, at the next start.
"""

from __future__ import annotations

import io

from bot.config import load_settings
from bot.console import run_console


def console(database_url: str, script: str) -> str:
    settings = load_settings({"DATABASE_URL": database_url}, env_file=None)
    stdout = io.StringIO()
    assert run_console(settings, False, stdin=io.StringIO(script), stdout=stdout) == 0
    return stdout.getvalue()


def test_a_deleted_default_topic_stays_deleted_across_restarts(database_url: str) -> None:
    first = console(database_url, "/topics\n/deltopic health\n/quit\n")
    assert "Health" in first.split("/deltopic")[0]
    assert "Deleted topic Health (health)." in first
    for _ in range(2):  # two more starts
        later = console(database_url, "/topics\n/latest 1 health\n/quit\n")
        assert "Energy" in later and "Health" not in later
        assert "There is no topic health" in later
