"""The image's steps, performed without a container engine, from outside the source tree.

What the Dockerfile does (copy the sources it names, build a wheel, install that wheel, run
``newsbot`` from an empty working directory) is done here into a fresh virtual environment
under a temporary directory: ``newsbot --version``, ``newsbot db upgrade`` and ``newsbot run``
against the fake Bot API, answering /start and stopping on SIGTERM (the image's STOPSIGNAL).

To stay fast and offline, the fresh environment installs only our wheel (``--no-deps``) and
reaches the dependencies already installed for the tests through a plain path line in a
``.pth`` file (a path line adds that directory, it does not run its ``.pth`` files, so the
developer's editable install of the checkout is not picked up). The test checks that the code
it runs comes from the installed wheel, not from the checkout.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import fixtures as shared
from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER
from tests.support.ptb_runner import free_port

# Shared fixtures, found by name.
bot_api_server = shared.bot_api_server
bot_env = shared.bot_env

ROOT = Path(__file__).resolve().parents[1]
PRIVATE = FakeChat.private(USER)
STEP_SECONDS = 180


def build_stage_sources() -> list[str]:
    """The paths the Dockerfile's build stage copies from the build context."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    sources: list[str] = []
    stage = None
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if words[0].upper() == "FROM":
            stage = words[-1] if "AS" in (word.upper() for word in words) else None
        elif words[0].upper() == "COPY" and stage == "build":
            sources += [word for word in words[1:-1] if not word.startswith("--")]
    return sources


def healthcheck_command(venv: Path) -> list[str]:
    """The Dockerfile's HEALTHCHECK CMD, with the fresh venv's python for the image's."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^HEALTHCHECK .*?\bCMD (\[.*\])\s*$", text, re.MULTILINE)
    assert match, "no HEALTHCHECK CMD [...] in the Dockerfile"
    command = json.loads(match.group(1))
    assert command[0] == "python"
    return [str(venv / "bin" / "python"), *command[1:]]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv (outside the tree) holding our wheel, built as the image builds it."""
    base = tmp_path_factory.mktemp("image")
    source = base / "src"
    source.mkdir()
    for name in build_stage_sources():
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origin, source / name)
    wheels = base / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheels), str(source)],
        check=True, timeout=STEP_SECONDS, cwd=base,
    )  # fmt: skip
    [wheel] = wheels.glob("newsbot_digest-*.whl")
    venv = base / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60
    )
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-index", str(wheel)],
        check=True, timeout=STEP_SECONDS, cwd=base,
    )  # fmt: skip
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    dependencies = sysconfig.get_paths()["purelib"]  # the test venv's installed packages
    (Path(site) / "zz_test_dependencies.pth").write_text(dependencies + "\n")
    shutil.rmtree(source)  # nothing of the sources is left to import from
    yield venv


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "NEWSBOT_", "DATABASE_URL", "PYTHON", "VIRTUAL_ENV"))
    }
    return {**env, **extra}


def _newsbot(venv: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "newsbot"), *args],
        cwd=cwd,
        env=_clean_env(**env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=STEP_SECONDS,
        check=False,
    )


def test_the_code_runs_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    probe = subprocess.run(
        [str(installed / "bin" / "python"), "-c",
         "import bot, storage, summarizer, ingest; "
         "print('\\n'.join(m.__file__ for m in (bot, storage, summarizer, ingest)))"],
        cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    for path in probe.stdout.split():
        assert Path(path).is_relative_to(installed), path


def test_version_from_an_empty_directory(installed: Path, tmp_path: Path) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = _newsbot(installed, tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"newsbot {version}"


def test_db_upgrade_from_an_empty_directory(installed: Path, tmp_path: Path) -> None:
    result = _newsbot(installed, tmp_path, "db", "upgrade", NEWSBOT_DATA_DIR=str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert "latest schema (sqlite)" in result.stdout
    assert (tmp_path / "d" / "newsbot.db").is_file()
    check = _newsbot(installed, tmp_path, "db", "check", NEWSBOT_DATA_DIR=str(tmp_path / "d"))
    assert "0 articles" in check.stdout, check.stderr


def test_run_answers_start_and_stops_on_sigterm(
    installed: Path, tmp_path: Path, bot_api_server: BotApiServer, bot_env: dict[str, str]
) -> None:
    workdir = tmp_path / "empty"
    workdir.mkdir()
    log_path = tmp_path / "bot.log"
    env = _clean_env(**bot_env, NEWSBOT_HTTP_PORT=str(free_port()), NEWSBOT_HTTP_HOST="127.0.0.1")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(installed / "bin" / "newsbot"), "run"],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        if not bot_api_server.wait_until(
            lambda: bool(bot_api_server.calls("getUpdates")) or process.poll() is not None,
            STEP_SECONDS,
        ):
            pytest.fail("no getUpdates: " + log_path.read_text(errors="replace")[-2000:])
        assert process.poll() is None, log_path.read_text(errors="replace")[-2000:]
        bot_api_server.post_message(PRIVATE, USER, "/start")
        [hello] = bot_api_server.wait_for_messages(PRIVATE.id, 1, timeout=60)
        healthy = subprocess.run(healthcheck_command(installed), env=env, timeout=30, check=False)
        process.send_signal(signal.SIGTERM)
        code = process.wait(15)
    finally:
        process.kill()
    gone = subprocess.run(
        healthcheck_command(installed), env=env, capture_output=True, timeout=30, check=False
    )
    logs = log_path.read_text(errors="replace")
    assert "/help" in hello.text
    assert healthy.returncode == 0, "the image's HEALTHCHECK fails on a running bot"
    assert gone.returncode != 0, "the image's HEALTHCHECK passes with no bot"
    assert code == 0, logs[-2000:]
    assert "Traceback" not in logs
    assert bot_api_server.token not in logs
    assert list(workdir.iterdir()) == []  # nothing written where it was started


def test_a_postgresql_url_without_its_driver_is_one_line(installed: Path, tmp_path: Path) -> None:
    # The image installs the postgres extra; a pip install without it lacks psycopg.
    without_driver = (
        "import sys; sys.modules['psycopg'] = None; from bot.cli import main; "
        "raise SystemExit(main(['db', 'check']))"
    )
    result = subprocess.run(
        [str(installed / "bin" / "python"), "-c", without_driver],
        cwd=tmp_path,
        env=_clean_env(DATABASE_URL="postgresql://newsbot@127.0.0.1:5432/newsbot"),
        capture_output=True,
        text=True,
        timeout=STEP_SECONDS,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "newsbot: DATABASE_URL is a PostgreSQL URL but the psycopg driver is not installed: "
        "pip install 'newsbot-digest[postgres]'"
    ]
