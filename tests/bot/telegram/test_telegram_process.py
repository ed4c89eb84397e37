"""``newsbot run`` as a real process against the fake Bot API: polling, webhook, bad secret.

These tests start the installed entry point (``python -m bot.cli run``) with only the
environment a deployment would set, talk to it as users do, and stop it with SIGINT.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.bot_api_server import BotApiServer
from tests.support.bot_process import BotProcess
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import ADMIN, USER
from tests.support.ptb_runner import free_port

PRIVATE = FakeChat.private(USER)
STARTUP_SECONDS = 30.0


def test_polling_process_answers_and_stops_cleanly(
    bot_api_server: BotApiServer, bot_env: dict[str, str], tmp_path: Path
) -> None:
    with BotProcess(bot_env, tmp_path / "run") as bot:
        bot_api_server.wait_for_calls("setMyCommands", timeout=STARTUP_SECONDS)
        bot_api_server.wait_for_calls("getUpdates", timeout=STARTUP_SECONDS)
        bot_api_server.post_message(PRIVATE, USER, "/start")
        [hello] = bot_api_server.wait_for_messages(PRIVATE.id, 1, timeout=STARTUP_SECONDS)
        bot_api_server.post_message(PRIVATE, USER, "/topics")
        topics = bot_api_server.wait_for_messages(PRIVATE.id, 2, timeout=STARTUP_SECONDS)[1]
        code = bot.stop()
    assert "/help" in hello.text
    assert topics.callback_data, "default topics are created at start"
    assert code == 0, bot.logs()[-2000:]
    logs = bot.logs()
    assert "ready" in logs
    assert bot_api_server.token not in logs
    bot_api_server.assert_no_bad_requests()


def test_webhook_process_uses_the_configured_secret(
    bot_api_server: BotApiServer, bot_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    env = {**bot_env, "NEWSBOT_WEBHOOK_SECRET": "s3cret-Value_1"}
    args = ("run", "--webhook", url, "--listen", "127.0.0.1", "--port", str(port))
    with BotProcess(env, tmp_path / "hook", args) as bot:
        bot_api_server.wait_for_calls("setMyCommands", timeout=STARTUP_SECONDS)
        assert bot_api_server.wait_until(lambda: bot_api_server.webhook is not None, 10)
        assert bot_api_server.webhook == {
            "url": url,
            "secret_token": "s3cret-Value_1",
            "max_connections": 40,
        }
        bot_api_server.post_message(FakeChat.private(ADMIN), ADMIN, "/stats")
        [stats] = bot_api_server.wait_for_messages(ADMIN.id, 1, timeout=STARTUP_SECONDS)
        forged = {
            "update_id": 777,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": PRIVATE.to_dict(),
                "from": USER.to_dict(),
                "text": "/start",
            },
        }
        refused = bot_api_server.post_to_webhook(forged, secret="not-the-secret")
        code = bot.stop()
    assert "Articles" in stats.text
    assert refused == 403
    assert bot_api_server.texts(PRIVATE.id) == []
    assert code == 0, bot.logs()[-2000:]
    assert "s3cret-Value_1" not in bot.logs() and bot_api_server.token not in bot.logs()


def test_a_malformed_webhook_secret_stops_with_one_line(
    bot_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**bot_env, "NEWSBOT_WEBHOOK_SECRET": "has spaces!"}
    args = ("run", "--webhook", "http://127.0.0.1:9/x", "--port", "9")
    bot = BotProcess(env, tmp_path / "bad", args).start()
    assert bot.process is not None
    code = bot.process.wait(STARTUP_SECONDS)
    assert code == 1
    assert "NEWSBOT_WEBHOOK_SECRET" in bot.logs()
    assert "Traceback" not in bot.logs()
