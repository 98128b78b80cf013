"""Plans: service logic written once as generators of SQL steps, run by either of two drivers.

A plan is a generator that yields :class:`Step` objects (statements sent together) and receives
each step's rows; what it returns is the result. The plan makes the decisions (through
:mod:`gobetween.policy`) and names the statements; it never holds a connection. So the same plan
runs

- synchronously on a SQLAlchemy connection inside a unit of work (:func:`run`): on SQLite, and
  wherever a route works through the ORM session; the unit's transaction holds every step;
- asynchronously on a psycopg connection on the event loop (:func:`run_async`), for
  PostgreSQL's busiest routes: each step is one round trip (a pipeline). Steps that only read
  run as they come (each statement sees what was committed when it started); a *writing* step
  is a transaction of its own, ``BEGIN``, the chain's lock, its statements and ``COMMIT`` in
  that one round trip. Posting a message is two round trips and no thread.

A writing step (``ordered``) runs under the audit chain's lock (:mod:`gobetween.store.audit`):
on PostgreSQL a transaction-scoped advisory lock, on SQLite the write transaction itself. Rows
it inserts therefore take their numbers in commit order. It must be the plan's last step.

Statements use ``:name`` parameters. A ``datetime`` parameter is bound as a UTC timestamp, and
:func:`gobetween.store.tables.as_utc` reads one back on either database. :func:`joined` makes
one statement of several single-purpose ones (the caller and the object asked for, say), so
that they cost one statement on the wire.

>>> def plan():
...     rows = yield Step((Query("SELECT 1 + :x", {"x": 1}),))
...     return rows[0][0][0]
>>> from gobetween.store.db import Database
>>> db = Database("sqlite://")
>>> with db.unit_of_work(write=False) as session:
...     run(session.connection(), plan())
2
>>> db.dispose()
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import re
from collections.abc import AsyncIterator, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, TextClause, bindparam, text

from gobetween.store.tables import UTCDateTime

__all__ = [
    "CHAIN_LOCK_SQL",
    "AsyncPool",
    "PipelineConnection",
    "Plan",
    "Query",
    "Rows",
    "Step",
    "execute",
    "joined",
    "pyformat",
    "run",
    "run_async",
    "split",
]

#: PostgreSQL: the lock that puts writes in commit order (the audit chain, numbered rows); held
#: by the transaction until it ends.
CHAIN_LOCK_SQL = "SELECT pg_advisory_xact_lock(8026089036821390702)"  # 0x6F6265747765656E

T = TypeVar("T")

#: The rows of one statement, as tuples (empty for a statement that returns none).
Rows = list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Query:
    """One SQL statement with ``:name`` parameters."""

    sql: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Step:
    """Statements sent together; the plan receives one :data:`Rows` per statement.

    ``ordered``: the plan's writing step, the last one; it runs under the audit chain's lock
    and commits (with the asynchronous driver, as a transaction of its own).
    """

    queries: tuple[Query, ...]
    ordered: bool = False


def joined(*queries: Query) -> Query:
    """One statement returning the rows of ``queries`` side by side (each ``LEFT JOIN``-ed).

    A query with no rows contributes ``NULL`` columns; rows multiply (few rows each, here).
    The parameter names must differ. :func:`split` takes the rows apart again.

    >>> joined(Query("SELECT :a AS x", {"a": 1}), Query("SELECT :b AS y", {"b": 2})).sql
    'SELECT * FROM (SELECT :a AS x) AS q0 LEFT JOIN (SELECT :b AS y) AS q1 ON 1 = 1'
    """
    params: dict[str, Any] = {}
    for query in queries:
        if params.keys() & query.params.keys():
            raise ValueError(f"parameter names repeat in {query.sql!r}")
        params.update(query.params)
    parts = [f"({q.sql.strip()}) AS q{i}" for i, q in enumerate(queries)]
    return Query(
        "SELECT * FROM " + " LEFT JOIN ".join(parts[:1] + [f"{p} ON 1 = 1" for p in parts[1:]]),
        params,
    )


def split(rows: Rows, *widths: int) -> list[Rows]:
    """The rows of each query of a :func:`joined` statement (``widths``: its columns).

    Duplicates that the join made are dropped, in order; all-``NULL`` rows (a query that had
    no rows) too.

    >>> split([(1, "a"), (1, "b"), (2, None)], 1, 1)
    [[(1,), (2,)], [('a',), ('b',)]]
    """
    out: list[Rows] = []
    start = 0
    for width in widths:
        part = (row[start : start + width] for row in rows)
        out.append(list(dict.fromkeys(r for r in part if any(v is not None for v in r))))
        start += width
    return out


#: A plan yields steps, receives their rows, and returns its result.
Plan = Generator[Step, list[Rows], T]

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@functools.lru_cache(maxsize=512)
def pyformat(sql: str) -> str:
    """``:name`` parameters as psycopg's ``%(name)s`` (literal ``%`` doubled).

    >>> pyformat("SELECT :a, CAST(:b AS TEXT), x::TEXT, '5%'")
    "SELECT %(a)s, CAST(%(b)s AS TEXT), x::TEXT, '5%%'"
    """
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


@functools.lru_cache(maxsize=512)
def _clause(sql: str, stamps: tuple[str, ...]) -> TextClause:
    clause = text(sql)
    if stamps:
        clause = clause.bindparams(*(bindparam(k, type_=UTCDateTime()) for k in stamps))
    return clause


def execute(connection: Connection, query: Query) -> Rows:
    """Run one statement on a SQLAlchemy connection; its rows (the synchronous driver's step)."""
    stamps = tuple(sorted(k for k, v in query.params.items() if isinstance(v, dt.datetime)))
    result = connection.execute(_clause(query.sql, stamps), dict(query.params))
    return [tuple(row) for row in result] if result.returns_rows else []


def run(connection: Connection, plan: Plan[T]) -> T:
    """Run ``plan`` on ``connection``, inside the caller's transaction (which commits it)."""
    postgres = connection.dialect.name == "postgresql"
    try:
        step = next(plan)
        while True:
            if step.ordered and postgres:  # SQLite: the write transaction serialises
                connection.exec_driver_sql(CHAIN_LOCK_SQL)
            step = plan.send([execute(connection, q) for q in step.queries])
    except StopIteration as stop:
        result: T = stop.value
        return result


async def run_async(connection: PipelineConnection, plan: Plan[T]) -> T:
    """Run ``plan`` on a connection of :class:`AsyncPool`, a step a round trip.

    Reading steps run in autocommit. The writing step is one transaction (``BEGIN``, lock,
    statements, ``COMMIT`` in one pipeline); if a statement fails, it is rolled back and the
    error propagates.
    """
    try:
        step = next(plan)
        while True:
            statements: list[tuple[str, Mapping[str, Any] | None]] = [
                (q.sql, q.params) for q in step.queries
            ]
            if step.ordered:
                statements = [("BEGIN", None), (CHAIN_LOCK_SQL, None), *statements]
                statements.append(("COMMIT", None))
            try:
                rows = await _pipeline(connection, statements)
            except BaseException:
                if step.ordered and not connection.closed:
                    with contextlib.suppress(Exception):
                        await _pipeline(connection, [("ROLLBACK", None)])
                raise
            step = plan.send(rows[2:-1] if step.ordered else rows)
    except StopIteration as stop:
        result: T = stop.value
        return result


#: Prepared statements kept per connection (the plans use a few dozen).
_PREPARED_MAX = 256


@functools.lru_cache(maxsize=512)
def _positional(sql: str) -> tuple[bytes, tuple[str, ...]]:
    """``:name`` parameters as ``$1, $2, ...``, and the names in that order.

    >>> _positional("SELECT :a, :b, :a, x::TEXT")
    (b'SELECT $1, $2, $1, x::TEXT', ('a', 'b'))
    """
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _NAMED.sub(number, sql).encode(), tuple(names)


async def _pipeline(
    connection: PipelineConnection, statements: Sequence[tuple[str, Mapping[str, Any] | None]]
) -> list[Rows]:
    """Send ``statements`` in one libpq pipeline with one flush; the rows of each.

    Parameters are bound on the server (psycopg's adapters dump them); a statement is
    prepared on the connection the first time it is sent with the same parameter types, and
    executed by name afterwards. A failed statement raises its psycopg error once every
    result of the pipeline has been read, so the connection is ready for the next one.
    """
    from psycopg import errors, pq
    from psycopg.adapt import PyFormat, Transformer

    pgconn = connection.pgconn
    prepared = connection.prepared
    transformer = Transformer(connection.raw)
    # per command sent: None for a statement (its rows are wanted), the key for a PREPARE
    commands: list[tuple[bytes, tuple[int, ...]] | None] = []
    for sql, params in statements:
        if params is None:
            pgconn.send_query_params(sql.encode(), None)
            commands.append(None)
            continue
        query, names = _positional(sql)
        values = transformer.dump_sequence([params[n] for n in names], [PyFormat.AUTO] * len(names))
        types, formats = transformer.types or (), transformer.formats
        key = (query, types)
        name = prepared.get(key)
        if name is None and len(prepared) < _PREPARED_MAX:
            connection.names += 1
            name = prepared[key] = f"gobetween_{connection.names}".encode()
            pgconn.send_prepare(name, query, param_types=types)
            commands.append(key)
        if name is None:
            pgconn.send_query_params(query, values, param_types=types, param_formats=formats)
        else:
            pgconn.send_query_prepared(name, values, param_formats=formats)
        commands.append(None)
    pgconn.pipeline_sync()
    loop = asyncio.get_running_loop()
    while pgconn.flush():
        await _ready(loop, pgconn.socket, write=True)
    out: list[Rows] = []
    error: Exception | None = None
    index, rows, failed = 0, None, False
    while True:
        while pgconn.is_busy():
            await _ready(loop, pgconn.socket, write=False)
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:  # the end of one command's results
            command = commands[index]
            if command is None:
                out.append(rows or [])
            elif failed:  # this PREPARE failed or was skipped: the name does not exist
                prepared.pop(command, None)
            index, rows, failed = index + 1, None, False
            continue
        status = result.status
        if status == pq.ExecStatus.PIPELINE_SYNC:
            break
        if status == pq.ExecStatus.TUPLES_OK:
            transformer.set_pgresult(result)
            rows = transformer.load_rows(0, result.ntuples, tuple)
        elif status in (pq.ExecStatus.FATAL_ERROR, pq.ExecStatus.PIPELINE_ABORTED):
            failed = True
            if error is None and status == pq.ExecStatus.FATAL_ERROR:
                error = errors.error_from_result(result, encoding=transformer.encoding)
    if error is not None:
        raise error
    return out


async def _ready(loop: asyncio.AbstractEventLoop, fd: int, *, write: bool) -> None:
    """Wait until ``fd`` can be written (or read) without blocking."""
    done = loop.create_future()

    def wake() -> None:
        if not done.done():
            done.set_result(None)

    if write:
        loop.add_writer(fd, wake)
    else:
        loop.add_reader(fd, wake)
    try:
        await done
    finally:
        if write:
            loop.remove_writer(fd)
        else:
            loop.remove_reader(fd)


class PipelineConnection:
    """A psycopg ``AsyncConnection`` (autocommit) in libpq's pipeline mode, for :func:`run_async`.

    It keeps the statements prepared on it. Only :func:`run_async` talks on it: psycopg's own
    ``execute`` does not expect pipeline mode to be on.
    """

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.pgconn = raw.pgconn
        self.prepared: dict[tuple[bytes, tuple[int, ...]], bytes] = {}
        self.names = 0  # statements prepared so far (names are never reused)

    @classmethod
    async def connect(cls, conninfo: str) -> PipelineConnection:
        """Open one (``conninfo``: a libpq URI or key=value string)."""
        import psycopg

        raw = await psycopg.AsyncConnection.connect(conninfo, autocommit=True)
        raw.pgconn.enter_pipeline_mode()
        return cls(raw)

    @property
    def closed(self) -> bool:
        """Whether the connection is closed."""
        return bool(self.raw.closed)

    @property
    def idle(self) -> bool:
        """Whether it is open, outside a transaction and with no result pending."""
        from psycopg import pq

        return not self.closed and self.pgconn.transaction_status == pq.TransactionStatus.IDLE

    async def close(self) -> None:
        """Close it."""
        await self.raw.close()


class AsyncPool:
    """:class:`PipelineConnection` objects for one event loop, opened on demand.

    Up to ``size`` connections; a request waits for a free one. A connection left in a
    transaction or with results pending (a failure, a cancelled request) is closed and replaced
    on the next request.
    """

    def __init__(self, conninfo: str, size: int) -> None:
        self.conninfo = conninfo
        self.size = size
        self.loop: asyncio.AbstractEventLoop | None = None
        self._idle: list[PipelineConnection] = []
        self._opened = 0
        self._free: asyncio.Condition | None = None

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[PipelineConnection]:
        """A connection for the block; returned to the pool afterwards."""
        loop = asyncio.get_running_loop()
        if self._free is None or self.loop is not loop:  # first use, or a new event loop
            self.close()
            self.loop, self._free = loop, asyncio.Condition()
        async with self._free:
            while not self._idle and self._opened >= self.size:
                await self._free.wait()
            conn = self._idle.pop() if self._idle else None
            if conn is None:
                self._opened += 1
        if conn is None:
            try:
                conn = await PipelineConnection.connect(self.conninfo)
            except BaseException:
                await self._release(None)
                raise
        try:
            yield conn
        finally:
            if not conn.idle:
                with contextlib.suppress(Exception):
                    await conn.close()
            await self._release(None if conn.closed else conn)

    async def _release(self, conn: PipelineConnection | None) -> None:
        assert self._free is not None
        async with self._free:
            if conn is None:
                self._opened -= 1
            else:
                self._idle.append(conn)
            self._free.notify()

    def close(self) -> None:
        """Close the idle connections (synchronously: callable from outside the loop)."""
        for conn in self._idle:
            conn.pgconn.finish()
        self._idle.clear()
        self._opened = 0
