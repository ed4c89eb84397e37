"""Deployment settings: webhook mode and a proxy from the environment alone, and their bad values.

Each bad value is one line naming the variable, exit 1 and no traceback, checked both on
``load_settings`` and on the ``newsbot`` process an operator starts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:ABCdefGhIJKlmnOPQrstUVwxyz_0123456789"


def test_webhook_mode_from_the_environment() -> None:
    settings = load_settings(
        {
            "NEWSBOT_WEBHOOK_URL": "https://bot.example.org/telegram",
            "NEWSBOT_WEBHOOK_LISTEN": "127.0.0.1",
            "NEWSBOT_WEBHOOK_PORT": "8080",
        }
    )
    assert settings.webhook_url == "https://bot.example.org/telegram"
    assert (settings.webhook_listen, settings.webhook_port) == ("127.0.0.1", 8080)
    assert settings.warnings == ()


def test_without_webhook_url_the_bot_polls() -> None:
    settings = load_settings({})
    assert settings.webhook_url is None
    assert (settings.webhook_listen, settings.webhook_port) == ("0.0.0.0", 8443)


def test_plain_http_webhook_is_allowed_with_a_warning() -> None:
    settings = load_settings({"NEWSBOT_WEBHOOK_URL": "http://127.0.0.1:8081/hook"})
    assert settings.webhook_url == "http://127.0.0.1:8081/hook"
    [warning] = settings.warnings
    assert "plain http" in warning and "self-hosted Bot API server" in warning
    assert "loopback" in warning


@pytest.mark.parametrize(
    "url",
    [
        "bot.example.org/telegram",
        "/telegram",
        "ftp://bot.example.org/telegram",
        "https://",
        "https://:8443/telegram",
        "https://bot.example.org:port/telegram",
        "wss://bot.example.org/telegram",
    ],
)
def test_a_webhook_url_that_is_not_absolute_http_is_refused(url: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"NEWSBOT_WEBHOOK_URL": url})
    assert "NEWSBOT_WEBHOOK_URL" in str(error.value)
    assert "absolute http(s) URL" in str(error.value)


@pytest.mark.parametrize("port", ["abc", "0", "65536", "-1", "80.5"])
def test_a_bad_webhook_port_is_refused(port: str) -> None:
    with pytest.raises(ConfigError, match="NEWSBOT_WEBHOOK_PORT"):
        load_settings({"NEWSBOT_WEBHOOK_PORT": port})


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"NEWSBOT_PROXY": "http://proxy.local:3128"}, "http://proxy.local:3128"),
        ({"HTTPS_PROXY": "https://proxy.local:3129"}, "https://proxy.local:3129"),
        ({"https_proxy": "socks5://127.0.0.1:1080"}, "socks5://127.0.0.1:1080"),
        (
            {"NEWSBOT_PROXY": "socks5h://u:p@tor:9050", "HTTPS_PROXY": "http://other:1"},
            "socks5h://u:p@tor:9050",
        ),
        ({}, None),
    ],
)
def test_the_proxy_comes_from_newsbot_proxy_then_https_proxy(
    environ: dict[str, str], expected: str | None
) -> None:
    assert load_settings(environ).proxy_url == expected


def test_no_proxy_exempts_its_hosts() -> None:
    settings = load_settings(
        {"HTTPS_PROXY": "http://proxy.local:3128", "NO_PROXY": "localhost,127.0.0.1,.internal"}
    )
    assert settings.proxy_for("http://127.0.0.1:8081") is None
    assert settings.proxy_for("http://bot-api.internal/") is None
    assert settings.proxy_for("https://api.telegram.org") == "http://proxy.local:3128"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NEWSBOT_PROXY", "ftp://proxy.local:21"),
        ("NEWSBOT_PROXY", "socks4://proxy.local:1080"),
        ("NEWSBOT_PROXY", "proxy.local:3128"),
        ("HTTPS_PROXY", "gopher://proxy.local"),
        ("NEWSBOT_PROXY", "http://"),
    ],
)
def test_a_proxy_with_an_unknown_scheme_is_refused(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({variable: value})
    assert str(error.value).startswith(f"{variable}=")
    assert "socks5://" in str(error.value)


def test_a_refused_proxy_url_never_shows_its_password() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"NEWSBOT_PROXY": "ftp://alice:pr0xy-s3cret@proxy.local:21"})
    assert "pr0xy-s3cret" not in str(error.value)


def _newsbot_run(
    env: dict[str, str], tmp_path: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "NEWSBOT_", "DATABASE_URL"))
        and key.lower() not in {"https_proxy", "no_proxy"}
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", *args],
        env={
            **base,
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
            **env,
        },
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "args", "named"),
    [
        ({"NEWSBOT_WEBHOOK_URL": "bot.example.org/hook"}, (), "NEWSBOT_WEBHOOK_URL"),
        ({"NEWSBOT_WEBHOOK_PORT": "abc"}, (), "NEWSBOT_WEBHOOK_PORT"),
        ({"NEWSBOT_PROXY": "ftp://proxy.local:21"}, (), "NEWSBOT_PROXY"),
        ({"HTTPS_PROXY": "socks4://proxy.local:1080"}, (), "HTTPS_PROXY"),
        ({}, ("--webhook", "example.org/hook"), "--webhook"),
        ({}, ("--webhook", "https://example.org/hook", "--port", "http"), "--port"),
    ],
)
def test_bad_deployment_settings_stop_the_process_with_one_line(
    tmp_path: Path, env: dict[str, str], args: tuple[str, ...], named: str
) -> None:
    result = _newsbot_run(env, tmp_path, *args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"newsbot: configuration error: {named}")
    assert not (tmp_path / "data").exists()
