"""Engines, sessions and migrations: SQLite (WAL) by default, PostgreSQL through psycopg 3.

Nothing connects at import time; a :class:`Database` opens its engine when it is created and
the schema is brought up to date with Alembic (:func:`upgrade`), whose migrations ship inside the
package (``gobetween/store/migrations``).

SQLite runs in WAL mode with ``synchronous=NORMAL`` and foreign keys on. In WAL mode NORMAL
syncs the log at checkpoints, not at every commit: a committed transaction survives the server
process being killed (it is in the log, in the operating system's cache), though the last
commits before a power failure or kernel crash may be lost. (``FULL`` syncs on every commit,
while the writers queue. PostgreSQL keeps ``synchronous_commit=on``.) Transactions that write
start with ``BEGIN IMMEDIATE`` so that concurrent writers queue on the database lock instead of
failing half-way; read-only units of work use a plain deferred ``BEGIN``.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from gobetween.errors import ConfigurationError
from gobetween.store.audit import sha256_text
from gobetween.store.pipeline import AsyncPool

__all__ = ["Database", "normalise_url", "upgrade"]

_MIGRATIONS = Path(__file__).with_name("migrations")


def normalise_url(url: str) -> URL:
    """Parse a database URL; plain ``postgresql://`` is read as ``postgresql+psycopg://``.

    >>> normalise_url("postgresql://u@localhost/db").drivername
    'postgresql+psycopg'
    >>> normalise_url("sqlite:///gobetween.db").get_backend_name()
    'sqlite'
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"cannot read the database URL {url!r}: {exc}") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed
    if backend == "sqlite":
        return parsed
    raise ConfigurationError(
        f"unsupported database {backend!r} in {url!r}: use sqlite:///path or postgresql://..."
    )


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes in WAL
    cursor.close()
    # the audit chain hashes its links inside the INSERT (gobetween.store.audit)
    dbapi_connection.create_function("gobetween_sha256", 1, sha256_text, deterministic=True)


def _sqlite_begin(connection: Any) -> None:
    mode = connection.get_execution_options().get("gobetween_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


@contextlib.contextmanager
def _file_lock(path: str) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) for the block."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # blocks this thread only (the GIL is released)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


class Database:
    """One database: an engine for reads, one for writes, and their session factories.

    Parameters
    ----------
    url
        ``sqlite:///path.db``, ``sqlite://`` (in memory, one shared connection) or
        ``postgresql+psycopg://user@host/db``.
    echo
        Log SQL statements.
    pool_size
        PostgreSQL: connections of the engine (for units of work), and as many again on demand.
    loop_connections
        PostgreSQL: connections of :attr:`async_pool`, for plans run on the event loop.

    >>> db = Database("sqlite://")
    >>> db.backend
    'sqlite'
    >>> db.dispose()
    """

    def __init__(
        self, url: str, *, echo: bool = False, pool_size: int = 10, loop_connections: int = 1
    ) -> None:
        self.url = normalise_url(url)
        self.backend = self.url.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.backend == "sqlite":
            if self.url.database in (None, "", ":memory:"):
                kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = pool_size
            kwargs["pool_recycle"] = 1800
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._writer = self.engine.execution_options(gobetween_begin="IMMEDIATE")
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._writer, expire_on_commit=False)
        # SQLite has one writer at a time; queueing writers of this process on a lock spares
        # them SQLite's busy-wait back-off (sleeps of up to 100 ms) while another one commits.
        self._write_lock: threading.Lock | None = (
            threading.Lock() if self.backend == "sqlite" else None
        )
        # ... and the writers of other processes (uvicorn workers) on a file lock beside the
        # database: without it two workers' writers meet in that back-off (write p99 of 3 s).
        self._lock_path: str | None = None
        if self.backend == "sqlite" and self.url.database not in (None, "", ":memory:"):
            self._lock_path = f"{self.url.database}-writers.lock"
        # PostgreSQL: connections for plans run on the event loop (gobetween.store.plans)
        self.async_pool: AsyncPool | None = None
        if self.backend == "postgresql":
            conninfo = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self.async_pool = AsyncPool(conninfo, loop_connections)

    @contextlib.contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """A session whose transaction commits when the block ends and rolls back on error.

        >>> from sqlalchemy import text
        >>> db = Database("sqlite://")
        >>> with db.unit_of_work(write=False) as session:
        ...     session.execute(text("select 1")).scalar_one()
        1
        >>> db.dispose()
        """
        if not write:
            with self._read_sessions() as session, session.begin():
                yield session
            return
        with contextlib.ExitStack() as stack:
            if self._write_lock is not None:
                stack.enter_context(self._write_lock)
            if self._lock_path is not None:
                stack.enter_context(_file_lock(self._lock_path))
            session = stack.enter_context(self._write_sessions())
            stack.enter_context(session.begin())
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self.async_pool is not None:
            self.async_pool.close()


def alembic_config(database: Database) -> Any:
    """The Alembic configuration for ``database`` (migrations from inside the package)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["engine"] = database.engine
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision`` (default: the newest).

    A database already at the newest is left as it is after one query: Alembic reads and
    compiles every migration script on each run (about 0.1 s here), which every app made on
    an up-to-date database (each server process; each test) paid for nothing.
    """
    from alembic import command

    if revision == "head" and current_revision(database) in _heads():
        return
    command.upgrade(alembic_config(database), revision)


@functools.cache
def _heads() -> frozenset[str]:
    """The newest revisions of the package's migrations (read once per process)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory(str(_MIGRATIONS)).get_heads())


def current_revision(database: Database) -> str | None:
    """The revision the database is at, or ``None`` before the first migration."""
    from alembic.runtime.migration import MigrationContext

    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
