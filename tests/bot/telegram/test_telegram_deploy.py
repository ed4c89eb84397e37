"""``newsbot run`` configured from the environment alone, as compose and systemd start it.

Webhook mode from NEWSBOT_WEBHOOK_URL/LISTEN/PORT (no flags), and the Bot API reached through
an HTTP proxy (NEWSBOT_PROXY) or a SOCKS5 one (HTTPS_PROXY): each bot answers /start.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.bot_api_server import BotApiServer
from tests.support.bot_process import BotProcess
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER
from tests.support.proxies import HttpForwardProxy, Socks5Proxy
from tests.support.ptb_runner import free_port

PRIVATE = FakeChat.private(USER)
STARTUP_SECONDS = 30.0


def _answers_start(bot_api_server: BotApiServer, bot: BotProcess) -> str:
    bot_api_server.wait_for_calls("setMyCommands", timeout=STARTUP_SECONDS)
    bot_api_server.post_message(PRIVATE, USER, "/start")
    [hello] = bot_api_server.wait_for_messages(PRIVATE.id, 1, timeout=STARTUP_SECONDS)
    code = bot.stop()
    assert code == 0, bot.logs()[-2000:]
    return hello.text


def test_webhook_mode_from_the_environment_alone(
    bot_api_server: BotApiServer, bot_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    env = {
        **bot_env,
        "NEWSBOT_WEBHOOK_URL": url,
        "NEWSBOT_WEBHOOK_LISTEN": "127.0.0.1",
        "NEWSBOT_WEBHOOK_PORT": str(port),
        "NEWSBOT_WEBHOOK_SECRET": "env-Secret_2",
    }
    with BotProcess(env, tmp_path / "hook", ("run",)) as bot:
        assert bot_api_server.wait_until(lambda: bot_api_server.webhook is not None, 30)
        assert bot_api_server.webhook is not None
        assert bot_api_server.webhook["url"] == url
        assert bot_api_server.webhook["secret_token"] == "env-Secret_2"
        hello = _answers_start(bot_api_server, bot)
    assert "/help" in hello
    assert bot_api_server.webhook_deliveries(), "the update came by webhook, not getUpdates"
    logs = bot.logs()
    assert "plain http" in logs and "self-hosted Bot API server" in logs  # the warning
    assert "env-Secret_2" not in logs and bot_api_server.token not in logs


def test_the_bot_api_through_an_http_proxy(
    bot_api_server: BotApiServer, bot_env: dict[str, str], tmp_path: Path
) -> None:
    with HttpForwardProxy() as proxy:
        env = {**bot_env, "NEWSBOT_PROXY": proxy.url}
        with BotProcess(env, tmp_path / "proxied") as bot:
            hello = _answers_start(bot_api_server, bot)
        relayed = list(proxy.requests)
    assert "/help" in hello
    assert any(url.endswith("/getUpdates") for url in relayed), relayed[:5]
    assert any(url.endswith("/sendMessage") for url in relayed), relayed[:5]


def test_the_bot_api_through_a_socks5_proxy_from_https_proxy(
    bot_api_server: BotApiServer, bot_env: dict[str, str], tmp_path: Path
) -> None:
    with Socks5Proxy() as proxy:
        env = {**bot_env, "HTTPS_PROXY": proxy.url}
        with BotProcess(env, tmp_path / "socks") as bot:
            hello = _answers_start(bot_api_server, bot)
        connections = list(proxy.connections)
    assert "/help" in hello
    port = bot_api_server.url.rsplit(":", 1)[1]
    assert f"127.0.0.1:{port}" in connections
