"""One bot process per SQLite file: the lock file beside the database, and whom it names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storage import StorageError
from storage.process_lock import lock_path_for, single_bot_process


def test_a_second_holder_is_refused_naming_the_pid(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'newsbot.db'}"
    with single_bot_process(url) as path:
        assert path == tmp_path / "data" / "newsbot.db.lock"
        assert path.read_text().strip() == str(os.getpid())
        with pytest.raises(StorageError) as refused, single_bot_process(url):
            pass
        assert str(refused.value) == (
            f"another newsbot run (pid {os.getpid()}) is using {tmp_path / 'data' / 'newsbot.db'}"
            "; stop it first (one bot process per SQLite database)"
        )
    with single_bot_process(url) as again:  # released at the end of the block
        assert again is not None


def test_postgresql_and_memory_databases_need_no_lock() -> None:
    assert lock_path_for("postgresql://user@localhost/newsbot") is None
    assert lock_path_for("sqlite://") is None
    assert lock_path_for("sqlite:///:memory:") is None
    with single_bot_process("postgresql://user@localhost/newsbot") as path:
        assert path is None
