"""Packaging, Dockerfile and compose file: what the image and an operator rely on.

The image's steps themselves run in tests/test_image.py; here: every imported third-party
package is declared (with an upper bound), the licence matches, the Dockerfile builds a wheel
in one stage and installs only that in the next, and compose keeps secrets out of the file.
"""

from __future__ import annotations

import ast
import re
import shlex
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "storage", "summarizer", "ingest")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Versioned by year, with no API to break: no upper bound makes sense.
UNBOUNDED_OK = {"tzdata"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return _canonical(match.group(0))


def _imported_distributions(files: list[Path]) -> dict[str, set[str]]:
    """Distribution name -> the modules importing it, for every third-party import."""
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top in sys.stdlib_module_names or top in PACKAGES or top == "tests":
                    continue
                assert top in owners, f"{path}: imports {top}, which no installed package has"
                for distribution in owners[top]:
                    found.setdefault(_canonical(distribution), set()).add(str(path))
    return found


def _sources(benchmarks: bool) -> list[Path]:
    files = [path for package in PACKAGES for path in (ROOT / package).rglob("*.py")]
    is_bench = [path.name == "bench.py" for path in files]
    return [path for path, bench in zip(files, is_bench, strict=True) if bench == benchmarks]


def test_every_imported_package_is_a_declared_runtime_dependency() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    runtime = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    optional = {_requirement_name(r) for r in extras["postgres"]}
    undeclared = {
        distribution: sorted(paths)
        for distribution, paths in _imported_distributions(_sources(benchmarks=False)).items()
        if distribution not in runtime | optional
    }
    assert undeclared == {}, "imported but not in [project] dependencies"


def test_benchmarks_import_only_declared_packages() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    declared = {
        _requirement_name(r)
        for r in [*PYPROJECT["project"]["dependencies"], *extras["postgres"], *extras["bench"]]
    }
    undeclared = set(_imported_distributions(_sources(benchmarks=True))) - declared
    assert undeclared == set()


def test_runtime_dependencies_have_upper_bounds() -> None:
    requirements = [*PYPROJECT["project"]["dependencies"]]
    for extra in ("postgres", "bench", "dev"):
        requirements += PYPROJECT["project"]["optional-dependencies"][extra]
    unbounded = [
        r
        for r in requirements
        if "<" not in r.partition(";")[0]
        and _requirement_name(r) not in UNBOUNDED_OK | {"setuptools"}
    ]
    assert unbounded == []


def test_our_own_distribution_name_and_the_newsbot_command() -> None:
    assert PYPROJECT["project"]["name"] == "newsbot-digest"  # "newsbot" on PyPI is not ours
    assert PYPROJECT["project"]["scripts"] == {"newsbot": "bot.cli:main"}


def test_licence_file_matches_pyproject() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def dockerfile_stages() -> dict[str, list[tuple[str, str]]]:
    """Stage name -> its (INSTRUCTION, arguments) in order; '' holds what precedes FROM."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", text)
    stages: dict[str, list[tuple[str, str]]] = {"": []}
    current = ""
    for line in joined.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        keyword, _, rest = stripped.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            current = rest.split()[-1] if " AS " in f" {rest.upper()} " else rest
            stages[current] = []
        stages[current].append((keyword, rest.strip()))
    return stages


def test_the_image_builds_a_wheel_then_installs_only_that() -> None:
    stages = dockerfile_stages()
    assert list(stages) == ["", "build", "runtime"]
    assert ("ARG", "PYTHON_IMAGE=python:3.11-slim") in stages[""]
    build_runs = " ".join(rest for keyword, rest in stages["build"] if keyword == "RUN")
    assert "pip wheel" in build_runs
    runtime = stages["runtime"]
    assert not [rest for keyword, rest in runtime if keyword == "COPY"], "sources in runtime"
    [install] = [rest for keyword, rest in runtime if keyword == "RUN" and "pip install" in rest]
    assert "from=build" in install and "--no-index" in install
    assert "-e " not in install and "touch" not in install
    assert '"newsbot-digest[postgres]"' in install


def test_every_copied_source_exists() -> None:
    copies = [
        rest
        for instructions in dockerfile_stages().values()
        for keyword, rest in instructions
        if keyword == "COPY" and "--from" not in rest
    ]
    assert copies
    for rest in copies:
        for source in shlex.split(rest)[:-1]:
            assert (ROOT / source).exists(), f"Dockerfile copies {source}, which does not exist"


def test_the_runtime_stage_is_non_root_with_a_data_volume_and_a_stdlib_health_check() -> None:
    instructions = dict(dockerfile_stages()["runtime"])
    assert instructions["USER"] not in {"root", "0"}
    assert "/data" in instructions["VOLUME"]
    assert instructions["STOPSIGNAL"] == "SIGTERM"
    assert "NEWSBOT_HTTP_PORT=" in instructions["ENV"]
    health = instructions["HEALTHCHECK"]
    assert "/healthz" in health and "urllib.request" in health
    assert '"newsbot"' not in health  # not a process that imports the app and its database
    assert instructions["CMD"] == '["newsbot", "run"]'


def test_the_docker_context_leaves_out_local_builds_and_secrets() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {"build", "dist", ".env", ".venv", "data"} <= set(ignored)


COMPOSE = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")


def _service(name: str) -> str:
    match = re.search(rf"^  {name}:\n((?:    .*\n|\s*\n)+)", COMPOSE, re.MULTILINE)
    assert match, f"no service {name}"
    return match.group(1)


def test_compose_takes_the_database_password_from_env() -> None:
    assert "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?" in _service("db")
    assert "PGPASSWORD: ${POSTGRES_PASSWORD:?" in _service("bot")
    assert "DATABASE_URL: postgresql://newsbot@db:5432/newsbot" in _service("bot")
    literal = re.findall(r"^\s+\w*PASSWORD:\s*(?!\$\{)\S+", COMPOSE, re.MULTILINE)
    assert literal == []


def test_compose_health_checks_order_and_stop_grace() -> None:
    bot, db = _service("bot"), _service("db")
    assert "healthcheck:" in bot and "/healthz" in bot
    assert "healthcheck:" in db and "pg_isready" in db
    assert re.search(r"depends_on:\n\s+db:\n\s+condition: service_healthy", bot)
    grace = re.search(r"stop_grace_period: (\d+)s", bot)
    assert grace and int(grace.group(1)) > 8  # the bot's own shutdown bound is 8 s
    assert "db-data:/var/lib/postgresql/data" in db


def test_compose_has_a_commented_webhook_variant_with_its_port() -> None:
    bot = _service("bot")
    assert "# NEWSBOT_WEBHOOK_URL: https://" in bot
    assert re.search(r"#\s+- \"127\.0\.0\.1:8443:8443\"", bot)


SETTING = re.compile(
    r"\b(?:NEWSBOT_[A-Z0-9_]*[A-Z0-9]|TELEGRAM_[A-Z_]*[A-Z]|DATABASE_URL|LOG_LEVEL|LOG_FORMAT)\b"
)


def _settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in _sources(benchmarks=False):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.update(SETTING.findall(node.value))
    return names


def test_every_setting_is_in_env_example_and_the_readme_table() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assigned = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", example, re.MULTILINE))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    in_table = set(re.findall(r"^\| `([A-Z_][A-Z0-9_]*)` \|", readme, re.MULTILINE))
    settings = _settings_read_by_the_code()
    assert {"TELEGRAM_BOT_TOKEN", "DATABASE_URL", "NEWSBOT_WEBHOOK_URL"} <= settings
    assert sorted(settings - assigned) == [], "missing from .env.example"
    assert sorted(settings - in_table) == [], "missing from the README's configuration table"
    assert {"NEWSBOT_PROXY", "HTTPS_PROXY", "NO_PROXY"} <= assigned
