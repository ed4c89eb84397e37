"""The session plumbing the Store's method groups share: one engine, a short session per call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.db import WRITE_OPTION


class StoreBase:
    """Owns the engine and hands out read or write sessions (never shared between calls)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._reader = sessionmaker(bind=engine, expire_on_commit=False)
        self._writer = sessionmaker(
            bind=engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for benchmarks and tests)."""
        return self._engine

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._engine.dialect.name

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        # Core only, no ORM session: the hot read paths (latest, search, by id) use this.
        with self._engine.connect() as connection:
            yield connection

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._writer.begin() as session:
            yield session
