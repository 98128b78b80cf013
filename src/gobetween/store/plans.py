"""Plans: service logic written once as generators of SQL steps, run by either of two drivers.

A plan is a generator that yields :class:`Step` objects (statements sent together) and receives
each step's rows; what it returns is the result. The plan makes the decisions (through
:mod:`gobetween.policy`) and names the statements; it never holds a connection. So the same plan
runs

- synchronously on a SQLAlchemy connection inside a unit of work (:func:`run`): on SQLite, and
  wherever a route works through the ORM session; the unit's transaction holds every step;
- asynchronously on the event loop (:func:`run_async`), for PostgreSQL's busiest routes: each
  step is one round trip, in a libpq pipeline shared with the steps of other requests
  (:mod:`gobetween.store.pipeline`). Steps that only read run as they come (each statement
  sees what was committed when it started); a *writing* step runs in a transaction,
  ``BEGIN``, the chain's lock, its statements and ``COMMIT`` in that one round trip (shared
  with the writing steps next to it in the pipeline). Posting a message is two round trips
  and no thread.

A writing step (``ordered``) runs under the audit chain's lock (:mod:`gobetween.store.audit`):
on PostgreSQL a transaction-scoped advisory lock, on SQLite the write transaction itself. Rows
it inserts therefore take their numbers in commit order. It must be the plan's last step.

Statements use ``:name`` parameters. A ``datetime`` parameter is bound as a UTC timestamp, and
:func:`gobetween.store.tables.as_utc` reads one back on either database. :func:`joined` makes
one statement of several single-purpose ones (the caller and the object asked for, say), so
that they cost one statement on the wire; :func:`split` takes its rows apart again and
:func:`named` reads each part as its row type (a ``NamedTuple`` whose fields are the
statement's columns, :mod:`gobetween.store.messages`), so no row is read by position.

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

import datetime as dt
import functools
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, TextClause, bindparam, text

from gobetween.store.pipeline import CHAIN_LOCK_SQL, NAMED_PARAMETER, AsyncPool, Rows
from gobetween.store.tables import UTCDateTime, as_utc

__all__ = [
    "CHAIN_LOCK_SQL",
    "Plan",
    "Query",
    "Rows",
    "Step",
    "execute",
    "fields",
    "joined",
    "named",
    "pyformat",
    "run",
    "run_async",
    "split",
]

T = TypeVar("T")
#: A row type: a ``NamedTuple`` whose fields are a statement's columns, in order.
R = TypeVar("R", bound=tuple[Any, ...])

#: Columns read back as aware UTC timestamps (SQLite returns the text it stored).
STAMPS = frozenset({"created_at", "expires_at", "last_seen_at"})


@dataclass(frozen=True, slots=True)
class Query:
    """One SQL statement with ``:name`` parameters."""

    sql: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Step:
    """Statements sent together; the plan receives one :data:`Rows` per statement.

    ``ordered``: the plan's writing step, the last one; it runs under the audit chain's lock
    and commits (with the asynchronous driver, in a transaction of the pipeline's, which
    ends before the step's rows come back).
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
        params.update(query.params)
    if len(params) != sum(len(q.params) for q in queries):
        seen: set[str] = set()
        for query in queries:
            if seen & query.params.keys():
                raise ValueError(f"parameter names repeat in {query.sql!r}")
            seen.update(query.params)
    return Query(_joined_sql(tuple(q.sql for q in queries)), params)


@functools.lru_cache(maxsize=256)
def _joined_sql(sqls: tuple[str, ...]) -> str:
    """The text of :func:`joined`'s statement (worked out once per set of statements)."""
    parts = [f"({sql.strip()}) AS q{i}" for i, sql in enumerate(sqls)]
    return "SELECT * FROM " + " LEFT JOIN ".join(parts[:1] + [f"{p} ON 1 = 1" for p in parts[1:]])


def fields(kind: type[tuple[Any, ...]]) -> tuple[str, ...]:
    """The field names of a row type (a ``NamedTuple``): its statement's columns, in order."""
    names: tuple[str, ...] = cast(Any, kind)._fields
    return names


@functools.cache
def _reader(kind: type[tuple[Any, ...]]) -> tuple[Callable[[Any], Any], tuple[int, ...]]:
    """A row type's constructor from an iterable and the positions of its :data:`STAMPS`
    columns (worked out once per type)."""
    stamps = tuple(i for i, name in enumerate(fields(kind)) if name in STAMPS)
    return cast(Any, kind)._make, stamps


def split(rows: Rows, *kinds: type[tuple[Any, ...]]) -> list[Rows]:
    """The rows of each query of a :func:`joined` statement (``kinds``: their row types).

    Duplicates that the join made are dropped, in order; all-``NULL`` rows (a query that had
    no rows) too.

    >>> from typing import NamedTuple
    >>> class One(NamedTuple):
    ...     x: int
    >>> split([(1, "a"), (1, "b"), (2, None)], One, One)
    [[(1,), (2,)], [('a',), ('b',)]]
    """
    out: list[Rows] = []
    for part, nulls in _layout(kinds):
        found = dict.fromkeys(map(part, rows))
        found.pop(nulls, None)
        out.append(list(found))
    return out


@functools.lru_cache(maxsize=256)
def _layout(
    kinds: tuple[type[tuple[Any, ...]], ...],
) -> tuple[tuple[Callable[[tuple[Any, ...]], tuple[Any, ...]], tuple[None, ...]], ...]:
    """For each of :func:`split`'s row types, what takes its columns out of a joined row, and
    its all-``NULL`` row (worked out once per list of row types)."""
    layout = []
    start = 0
    for kind in kinds:
        width = len(fields(kind))
        layout.append((itemgetter(slice(start, start + width)), (None,) * width))
        start += width
    return tuple(layout)


def named(kind: type[R], rows: Rows) -> list[R]:
    """``rows`` read as ``kind``, the row type of their statement; the :data:`STAMPS` columns as
    aware UTC datetimes.

    >>> from typing import NamedTuple
    >>> class Mark(NamedTuple):
    ...     user_id: int
    ...     created_at: dt.datetime
    >>> named(Mark, [(7, "2026-12-03 08:00:00")])[0].created_at.tzinfo
    datetime.timezone.utc
    """
    make, stamps = _reader(kind)
    if not stamps:
        return list(map(make, rows))
    out: list[R] = []
    for row in rows:
        values = list(row)
        for i in stamps:
            values[i] = as_utc(values[i])
        out.append(make(values))
    return out


#: A plan yields steps, receives their rows, and returns its result.
Plan = Generator[Step, list[Rows], T]


@functools.lru_cache(maxsize=512)
def pyformat(sql: str) -> str:
    """``:name`` parameters as psycopg's ``%(name)s`` (literal ``%`` doubled).

    >>> pyformat("SELECT :a, CAST(:b AS TEXT), x::TEXT, '5%'")
    "SELECT %(a)s, CAST(%(b)s AS TEXT), x::TEXT, '5%%'"
    """
    return NAMED_PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%"))


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


async def run_async(pool: AsyncPool, plan: Plan[T]) -> T:
    """Run ``plan`` on the event loop, each step through ``pool`` (a step a round trip).

    Reading steps run in autocommit. The writing step is one transaction (``BEGIN``, lock,
    statements, ``COMMIT``), rolled back if a statement fails; the error propagates. Steps of
    concurrent requests share pipelines (:mod:`gobetween.store.pipeline`).
    """
    try:
        step = next(plan)
        while True:
            statements = [(q.sql, q.params) for q in step.queries]
            step = plan.send(await pool.execute(statements, ordered=step.ordered))
    except StopIteration as stop:
        result: T = stop.value
        return result
