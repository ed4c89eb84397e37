"""The offline guarantee: no NLTK data and no network are ever needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.summarizer.conftest import FIXTURES

_SCRIPT = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network is not allowed in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
import nltk.data
def no_data(*args, **kwargs):
    raise LookupError("NLTK data must not be needed")
nltk.data.load = no_data
nltk.data.find = no_data
from summarizer import ALGORITHMS, summarize
text = open(sys.argv[1], encoding="utf-8").read()
for algorithm in ALGORITHMS:
    result = summarize(text, algorithm=algorithm)
    assert result.sentences, algorithm
ru = open(sys.argv[2], encoding="utf-8").read()
assert summarize(ru).language == "ru"
print("ok", len(ALGORITHMS))
"""


def test_summarizes_with_empty_nltk_data_and_no_network(tmp_path: Path) -> None:
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path)}
    completed = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(FIXTURES / "english_article.txt"),
         str(FIXTURES / "russian_article.txt")],
        capture_output=True, text=True, env=env, timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("ok")
