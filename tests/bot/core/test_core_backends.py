"""A short conversation through Core on SQLite and on PostgreSQL, and the benchmark's smoke run."""

from __future__ import annotations

import pytest

from bot.bench import main as bench_main
from bot.config import load_settings
from bot.core.app import Core
from ingest.defaults import ensure_default_topics
from storage import open_store
from tests.bot.core.conftest import ADMIN_CHAT, ARTICLE_BODY, add_articles, reply_text, send


async def test_conversation_on_each_backend(database_url: str) -> None:
    store = open_store(database_url)
    try:
        ensure_default_topics(store)
        settings = load_settings(
            {"DATABASE_URL": database_url, "NEWSBOT_ADMIN_IDS": str(ADMIN_CHAT.id)}, env_file=None
        )
        core = Core(store, settings)
        ids = add_articles(store, 6, topic="energy")
        assert f"#{ids[-1]} " in reply_text(await send(core, "/latest 2 Energy"))
        assert "First sentence" in reply_text(await send(core, f"/summary #{ids[0]}"))
        assert "There is no article" in reply_text(await send(core, "/summary 99999999999999"))
        assert "Search: pipeline" in reply_text(await send(core, "/search pipeline"))
        assert "Nothing found" in reply_text(await send(core, "/search 'unbalanced \" (quote"))
        added = reply_text(await send(core, f"/add Gas news\n{ARTICLE_BODY}", chat=ADMIN_CHAT))
        assert "Added #" in added
        assert "Time zone set to Asia/Tokyo" in reply_text(
            await send(core, "/settings tz Asia/Tokyo")
        )
        await core.close()
    finally:
        store.close()


def test_benchmark_smoke_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        bench_main(
            ["--articles", "200", "--users", "5", "--per-user", "2", "--baseline-calls", "5"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "200 articles" in out and "summary" in out and "ratio" in out
