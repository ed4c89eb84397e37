"""One ``newsbot run`` per SQLite database file: an advisory lock on a file beside it.

A second bot process on one SQLite file would only fight the first for the write lock and for
Telegram's updates, so it refuses to start with one line naming the pid that holds the file.
Why a lock file (fcntl) rather than the worker lease row: the kernel drops the lock the moment
its process dies, kill -9 included, so a restart right after a crash is never refused, while a
live holder is found at once. PostgreSQL needs none: several processes may share it, each
digest claim having one owner (storage/deliveries.py). Other commands (import, add, chat) may
use the file while the bot runs; SQLite serializes their writes.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from storage.db import is_memory_sqlite, resolve_url
from storage.errors import StorageError

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"


def lock_path_for(database_url: str | None) -> Path | None:
    """The lock file of a SQLite database file; None for PostgreSQL or an in-memory database."""
    url = resolve_url(database_url)
    if url.get_backend_name() != "sqlite" or is_memory_sqlite(url) or not url.database:
        return None
    return Path(url.database).with_name(Path(url.database).name + LOCK_SUFFIX)


def _holder(handle: int) -> str:
    os.lseek(handle, 0, os.SEEK_SET)
    text = os.read(handle, 32).decode("ascii", "replace").strip()
    return f"pid {text}" if text.isdigit() else "another process"


@contextlib.contextmanager
def single_bot_process(database_url: str | None) -> Iterator[Path | None]:
    """Hold the database's lock file while the block runs; StorageError if another process does."""
    path = lock_path_for(database_url)
    if path is None:
        yield None
        return
    try:
        import fcntl
    except ImportError:  # no fcntl (Windows): nothing to hold; the digest leases still apply
        log.warning("cannot lock %s on this system: run one bot process per database", path)
        yield None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise StorageError(f"cannot open the lock file {path}: {error.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            raise StorageError(
                f"another newsbot run ({holder}) is using {path.with_suffix('')}; "
                "stop it first (one bot process per SQLite database)"
            ) from None
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode())
        try:
            yield path
        finally:
            os.ftruncate(handle, 0)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)
