"""``newsbot run`` as an operator runs it: /healthz, /metrics, JSON logs, bad settings.

Each test starts the real entry point against the fake Bot API with only the environment a
deployment sets, and looks at what an operator sees: HTTP answers, log lines, exit codes.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.bot_api_server import BotApiServer
from tests.support.bot_process import REPO_ROOT, BotProcess
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER
from tests.support.ptb_runner import free_port

from .probe import get, get_json, wait_for

PRIVATE = FakeChat.private(USER)
STARTUP = 60.0


def _sample(text: str, name: str, labels: dict[str, str]) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


def test_healthz_and_metrics_of_a_polling_bot(
    bot_api_server: BotApiServer, bot_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    env = {**bot_env, "NEWSBOT_HTTP_PORT": str(port), "NEWSBOT_HTTP_HOST": "127.0.0.1"}
    base = f"http://127.0.0.1:{port}"
    with BotProcess(env, tmp_path / "run") as bot:
        bot_api_server.wait_for_calls("getUpdates", timeout=STARTUP)
        status, health = wait_for(
            lambda: (r := get_json(f"{base}/healthz"))[0] == 200 and r, STARTUP
        ) or get_json(f"{base}/healthz")
        bot_api_server.post_message(PRIVATE, USER, "/start")
        bot_api_server.wait_for_messages(PRIVATE.id, 1, timeout=STARTUP)
        # The reply reaches the chat a moment before the handler returns and is counted.
        metrics_status, body = wait_for(
            lambda: (r := get(f"{base}/metrics"))[0] == 200 and b'command="start"' in r[1] and r,
            STARTUP,
        ) or get(f"{base}/metrics")
        missing = get(f"{base}/nothing-here")[0]
        code = bot.stop()
    assert status == 200, health
    assert health["status"] == "ok"
    assert health["database"] == "ok"
    assert health["polling"] == "ok"
    assert health["last_update_at"]  # a getUpdates answered
    assert health["scheduler_running"] is True
    assert health["due_digests"] == 0
    assert metrics_status == 200
    text = body.decode()
    assert _sample(text, "newsbot_updates_total", {"command": "start"}) == 1.0
    assert _sample(text, "newsbot_handler_seconds_count", {"command": "start"}) == 1.0
    assert (_sample(text, "newsbot_messages_total", {"outcome": "sent"}) or 0) >= 1.0
    assert _sample(text, "newsbot_due_digests", {}) == 0.0
    for family in (
        "newsbot_digests",
        "newsbot_telegram_rate_limited",
        "newsbot_feed_polls",
        "newsbot_feed_errors",
        "newsbot_articles_stored",
        "newsbot_summarizer_seconds",
        "newsbot_telegram_retry_after_seconds",
    ):
        assert any(f.name == family for f in text_string_to_metric_families(text)), family
    assert missing == 404
    assert code == 0, bot.logs()[-2000:]


def test_json_logs_parse_line_by_line_and_never_hold_the_token(
    bot_api_server: BotApiServer, bot_env: dict[str, str], tmp_path: Path
) -> None:
    # DEBUG: PTB and httpx then log every request URL, which carries the token.
    env = {**bot_env, "LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG"}
    with BotProcess(env, tmp_path / "json") as bot:
        bot_api_server.wait_for_calls("getUpdates", timeout=STARTUP)
        bot_api_server.post_message(PRIVATE, USER, "/start")
        bot_api_server.wait_for_messages(PRIVATE.id, 1, timeout=STARTUP)
        code = bot.stop()
    assert code == 0
    logs = bot.logs()
    assert bot_api_server.token not in logs
    entries = [json.loads(line) for line in logs.splitlines() if line.strip()]
    assert len(entries) > 10
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= entry.keys(), entry
    in_handler = [e for e in entries if e.get("command") == "start"]
    assert in_handler and all(e["chat_id"] == PRIVATE.id for e in in_handler)
    assert any(e["level"] == "DEBUG" for e in entries)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("NEWSBOT_HTTP_PORT", "abc", "NEWSBOT_HTTP_PORT='abc'"),
        ("NEWSBOT_HTTP_PORT", "70000", "NEWSBOT_HTTP_PORT='70000'"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT='xml'"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL='loud'"),
        ("NEWSBOT_ERROR_CHAT_ID", "@admins", "NEWSBOT_ERROR_CHAT_ID='@admins'"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_1(
    bot_env: dict[str, str], tmp_path: Path, variable: str, value: str, named: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        env={**bot_env, variable: value, "PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr


def test_a_port_in_use_is_one_line_and_exit_1(
    bot_api_server: BotApiServer, bot_env: dict[str, str], tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**bot_env, "NEWSBOT_HTTP_PORT": str(port), "NEWSBOT_HTTP_HOST": "127.0.0.1"}
        bot = BotProcess(env, tmp_path / "taken").start()
        assert bot.process is not None
        code = bot.process.wait(STARTUP)
    logs = bot.logs()
    assert code == 1, logs
    assert "Traceback" not in logs
    assert f"NEWSBOT_HTTP_PORT={port}: cannot listen on 127.0.0.1:{port}" in logs
    assert [line for line in logs.splitlines() if "newsbot:" in line] == [
        line for line in logs.splitlines() if "NEWSBOT_HTTP_PORT" in line
    ]
    assert bot_api_server.calls("getUpdates") == []


def test_healthz_and_metrics_share_the_webhook_port(
    bot_api_server: BotApiServer, bot_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **bot_env,
        "NEWSBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "NEWSBOT_WEBHOOK_LISTEN": "127.0.0.1",
        "NEWSBOT_WEBHOOK_PORT": str(port),
        "NEWSBOT_HTTP_PORT": str(port),
    }
    base = f"http://127.0.0.1:{port}"
    with BotProcess(env, tmp_path / "hook") as bot:
        assert wait_for(lambda: bot_api_server.webhook is not None, STARTUP), bot.logs()
        bot_api_server.post_message(PRIVATE, USER, "/start")
        bot_api_server.wait_for_messages(PRIVATE.id, 1, timeout=STARTUP)
        status, health = get_json(f"{base}/healthz")
        metrics = (
            wait_for(lambda: b'command="start"' in (r := get(f"{base}/metrics"))[1] and r, STARTUP)
            or get(f"{base}/metrics")
        )[1].decode()
        code = bot.stop()
    assert status == 200, health
    assert health["mode"] == "webhook" and "polling" not in health
    assert health["last_update_at"]
    assert _sample(metrics, "newsbot_updates_total", {"command": "start"}) == 1.0
    assert {d.status for d in bot_api_server.webhook_deliveries()} == {200}
    assert code == 0, bot.logs()[-2000:]
