"""The Dockerfile and compose file: every file the image copies exists, and the basics hold."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", text)
    instructions = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_every_copied_source_exists() -> None:
    copies = [rest for keyword, rest in dockerfile_instructions() if keyword == "COPY"]
    assert copies
    for rest in copies:
        sources = [part for part in shlex.split(rest) if not part.startswith("--")][:-1]
        for source in sources:
            assert (ROOT / source).exists(), f"Dockerfile copies {source}, which does not exist"


def test_image_runs_the_bot_as_a_non_root_user_with_a_data_volume() -> None:
    instructions = dict(dockerfile_instructions())
    assert instructions["FROM"].startswith("python:3.11-slim")
    assert instructions["USER"] not in {"root", "0"}
    assert "/data" in instructions["VOLUME"]
    assert "HEALTHCHECK" in instructions
    assert instructions["CMD"] == '["newsbot", "run"]'


def test_compose_keeps_postgres_on_a_named_volume() -> None:
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "db-data:/var/lib/postgresql/data" in compose
    assert re.search(r"^volumes:\n(\s+\S+:\n)*\s+db-data:", compose, re.MULTILINE)
    assert "DATABASE_URL: postgresql://" in compose
