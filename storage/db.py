"""Engine creation: URL resolution, SQLite pragmas and write locking, PostgreSQL pool settings.

SQLite: the data directory is created; every connection runs in WAL mode with foreign keys on,
a 15 s busy timeout and synchronous=NORMAL. Write sessions begin with BEGIN IMMEDIATE so that
concurrent writers (threads or processes) queue on the lock instead of failing.
``sqlite://`` (in memory) shares one connection per Store, for demos and tests.

PostgreSQL: ``postgresql://``, ``postgres://`` and ``postgresql+psycopg://`` are all served by
psycopg 3. Pool settings come from the URL's query and are removed before it reaches the
driver: ``pool_size``, ``max_overflow``, ``pool_timeout``, ``pool_recycle`` (whole numbers)
and ``pool_pre_ping``, e.g. ``postgresql://bot@db/newsbot?pool_size=10``. By default pooled
connections are recycled after POOL_RECYCLE_SECONDS instead of pinged before every checkout:
a ping is a round trip per transaction (issue 14 measured about 14.5 round trips for 3.5
transactions a digest message). After a database restart the first statement on a stale
connection fails once, and SQLAlchemy then drops every connection the pool holds; callers
already treat that failure like any other database error (the delivery engine retries the
pass, a command answers that the database is unavailable). ``?pool_pre_ping=1`` brings the
ping back for networks that silently drop idle connections.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from storage.errors import StorageError

DEFAULT_URL = "sqlite:///data/newsbot.db"
SQLITE_BUSY_TIMEOUT_MS = 15_000
# Session option that makes a SQLite transaction start with BEGIN IMMEDIATE (see _on_begin).
WRITE_OPTION = "newsbot_write"
_POOL_INT_OPTIONS = ("pool_size", "max_overflow", "pool_timeout", "pool_recycle")
_POOL_BOOL_OPTIONS = ("pool_pre_ping",)
# Below common idle timeouts of proxies and load balancers in front of PostgreSQL (5-15 min).
POOL_RECYCLE_SECONDS = 300


def resolve_url(url: str | None) -> URL:
    """Parse a database URL; PostgreSQL URLs are served by psycopg 3 whatever driver they name."""
    try:
        parsed = make_url((url or DEFAULT_URL).strip())
    except (ArgumentError, ValueError) as error:  # ValueError: a port that is not a number
        raise StorageError(f"DATABASE_URL is not a valid database URL: {error}") from None
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError("DATABASE_URL must be a sqlite:// or postgresql:// URL.")
    return parsed


def is_memory_sqlite(url: URL) -> bool:
    """True for an in-memory SQLite database (one connection shared by the whole process)."""
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_store_engine(url: str | None) -> Engine:
    """One engine for a Store: SQLite in WAL mode with FKs and a busy timeout, or PostgreSQL."""
    parsed = resolve_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return _postgres_engine(parsed)


def _sqlite_engine(url: URL) -> Engine:
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    }
    if is_memory_sqlite(url):
        options["poolclass"] = StaticPool
    else:
        directory = Path(url.database or "").expanduser().parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(
                f"Cannot create the data directory {directory}: {error.strerror}."
            ) from None
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own implicit BEGIN is turned off so that _on_begin decides how to begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_begin(connection: Any) -> None:
    # A deferred transaction that reads and then writes can fail with SQLITE_BUSY at once when
    # another writer got in between; writers take the lock up front and wait for it instead.
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _postgres_engine(url: URL) -> Engine:
    options: dict[str, Any] = {"pool_pre_ping": False, "pool_recycle": POOL_RECYCLE_SECONDS}
    query = dict(url.query)
    for name in _POOL_INT_OPTIONS:
        if name in query:
            options[name] = _int_option(name, query.pop(name))
    for name in _POOL_BOOL_OPTIONS:
        if name in query:
            options[name] = str(query.pop(name)).lower() in ("1", "true", "yes", "on")
    try:
        return create_engine(url.set(query=query), **options)
    except ModuleNotFoundError:  # the optional driver: one line that names the extra
        raise StorageError(
            "DATABASE_URL is a PostgreSQL URL but the psycopg driver is not installed: "
            "pip install 'newsbot-digest[postgres]'"
        ) from None


def _int_option(name: str, value: str | tuple[str, ...]) -> int:
    text = value if isinstance(value, str) else value[-1]
    try:
        return int(text)
    except ValueError:
        raise StorageError(f"DATABASE_URL option {name} must be a whole number.") from None
