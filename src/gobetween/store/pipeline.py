"""PostgreSQL on the event loop: the steps of concurrent plans share libpq pipelines.

:func:`gobetween.store.plans.run_async` hands each step of a plan to the :class:`AsyncPool`
of the worker's event loop. The pool queues the steps of every request of the loop; each of
its connections takes *all* the steps waiting when it is free and sends them as one pipeline
(one flush, one ``Sync``), so under load a round trip carries many requests and the server
processes them in one go, in arrival order. With no load a step goes out alone, at once.

Within a pipeline a reading step's statements run in autocommit; writing steps that follow
one another share one transaction: ``BEGIN``, the audit chain's lock (:data:`CHAIN_LOCK_SQL`),
their statements in order, ``COMMIT`` (so under load a commit, and a turn at the lock, serves
several writes). Failures stay with their step:

- a statement that fails fails its step (the step's caller gets the psycopg error; its
  transaction is rolled back: nothing of it is written);
- the server skips everything after a failure until the ``Sync``; the steps it skipped, and
  the writes rolled back with the failed one, are sent again, first, in the next pipeline;
- a lost connection fails the steps it carried (their outcome is unknown, as for any request
  whose connection drops: the service answers 503) and is replaced on the next batch;
- a step whose caller has given up (a cancelled request) and that has not been sent is
  dropped: a cancelled write is never sent.

Statements are prepared on their connection the first time they are sent with the same
parameter types, and executed by name afterwards.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CHAIN_LOCK_SQL",
    "NAMED_PARAMETER",
    "AsyncPool",
    "PipelineConnection",
    "Rows",
    "Statement",
]

#: PostgreSQL: the lock that puts writes in commit order (the audit chain, numbered rows); held
#: by the transaction until it ends.
CHAIN_LOCK_SQL = "SELECT pg_advisory_xact_lock(8026089036821390702)"  # 0x6F6265747765656E

#: The rows of one statement, as tuples (empty for a statement that returns none).
Rows = list[tuple[Any, ...]]

#: One statement: SQL with ``:name`` parameters and their values (``None``: no parameters).
Statement = tuple[str, Mapping[str, Any] | None]

#: Prepared statements kept per connection (the plans use a few dozen).
PREPARED_MAX = 256

#: Steps sent in one pipeline at most (the rest wait for the next one).
BATCH_MAX = 64

#: A ``:name`` parameter in SQL (not a ``::type`` cast).
NAMED_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")


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

    return NAMED_PARAMETER.sub(number, sql).encode(), tuple(names)


@dataclass(eq=False)
class _Pending:
    """A step waiting for its pipeline: its statements, whether it writes, and its future."""

    statements: list[Statement]
    ordered: bool
    future: asyncio.Future[list[Rows]]


@dataclass(eq=False)
class _Outcome:
    """What one pipeline did to one step: its rows, its error, or nothing (it was skipped)."""

    rows: list[Rows] = field(default_factory=list)
    error: Exception | None = None
    ran: bool = True


@dataclass(frozen=True, slots=True)
class _Command:
    """One command of a pipeline: the steps its failure concerns; the key of a ``PREPARE``;
    whether its rows go to its step."""

    owners: tuple[int, ...]
    key: tuple[bytes, tuple[int, ...]] | None
    keep: bool


class PipelineConnection:
    """A psycopg ``AsyncConnection`` (autocommit) in libpq's pipeline mode.

    It keeps the statements prepared on it. Only :meth:`send` talks on it: psycopg's own
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

    def discard(self) -> None:
        """Close it at once, whatever it was doing (synchronously)."""
        self.pgconn.finish()

    async def send(self, steps: Sequence[tuple[Sequence[Statement], bool]]) -> list[_Outcome]:
        """Send ``steps`` (statements, and whether the step writes) in one pipeline with one
        flush; what became of each.

        Writing steps that follow one another share one transaction: ``BEGIN``, the chain's
        lock, their statements in order, ``COMMIT``. After a failure the server skips the rest
        until the ``Sync``: the failed step gets the error; the others of its transaction
        (rolled back with it) and the steps after it are marked as not run. A transaction left
        open by a failure is rolled back before this returns, so the connection is idle again.
        """
        from psycopg import errors, pq
        from psycopg.adapt import Transformer

        transformer = Transformer(self.raw)
        # A transaction's BEGIN, lock and COMMIT belong to all its steps: a failure anywhere
        # in it makes the server skip the COMMIT, which marks the others as not run.
        commands: list[_Command] = []
        index = 0
        while index < len(steps):
            if not steps[index][1]:
                for statement in steps[index][0]:
                    self._queue(transformer, commands, statement, (index,))
                index += 1
                continue
            end = index
            while end < len(steps) and steps[end][1]:
                end += 1
            group = tuple(range(index, end))
            self._queue(transformer, commands, ("BEGIN", None), group, keep=False)
            self._queue(transformer, commands, (CHAIN_LOCK_SQL, None), group, keep=False)
            for member in group:
                for statement in steps[member][0]:
                    self._queue(transformer, commands, statement, (member,))
            self._queue(transformer, commands, ("COMMIT", None), group, keep=False)
            index = end
        self.pgconn.pipeline_sync()
        await self._flush()
        outcomes = [_Outcome() for _ in steps]
        position, rows, failed = 0, None, False
        while True:
            result = await self._result()
            if result is None:  # the end of one command's results
                command = commands[position]
                if command.keep:
                    outcomes[command.owners[0]].rows.append(rows or [])
                elif failed and command.key is not None:  # a PREPARE that failed or was skipped
                    self.prepared.pop(command.key, None)
                position, rows, failed = position + 1, None, False
                continue
            status = result.status
            if status == pq.ExecStatus.PIPELINE_SYNC:
                break
            if status == pq.ExecStatus.TUPLES_OK:
                transformer.set_pgresult(result)
                rows = transformer.load_rows(0, result.ntuples, tuple)
            elif status in (pq.ExecStatus.FATAL_ERROR, pq.ExecStatus.PIPELINE_ABORTED):
                failed = True
                error = None
                if status == pq.ExecStatus.FATAL_ERROR:
                    error = errors.error_from_result(result, encoding=transformer.encoding)
                for owner in commands[position].owners:
                    outcome = outcomes[owner]
                    if outcome.error is None and error is not None:
                        outcome.error = error
                    elif outcome.error is None:
                        outcome.ran = False
        if self.pgconn.transaction_status != pq.TransactionStatus.IDLE:  # a failed transaction
            self.pgconn.send_query_params(b"ROLLBACK", None)
            self.pgconn.pipeline_sync()
            await self._flush()
            while (result := await self._result()) is None or (
                result.status != pq.ExecStatus.PIPELINE_SYNC
            ):
                pass
        return outcomes

    def _queue(
        self,
        transformer: Any,
        commands: list[_Command],
        statement: Statement,
        owners: tuple[int, ...],
        *,
        keep: bool = True,
    ) -> None:
        """Queue one statement on the pipeline (prepared first when new), and its commands."""
        from psycopg.adapt import PyFormat

        pgconn = self.pgconn
        sql, params = statement
        if params is None:
            pgconn.send_query_params(sql.encode(), None)
            commands.append(_Command(owners, None, keep))
            return
        query, names = _positional(sql)
        values = transformer.dump_sequence([params[n] for n in names], [PyFormat.AUTO] * len(names))
        types, formats = transformer.types or (), transformer.formats
        key = (query, types)
        name = self.prepared.get(key)
        if name is None and len(self.prepared) < PREPARED_MAX:
            self.names += 1
            name = self.prepared[key] = f"gobetween_{self.names}".encode()
            pgconn.send_prepare(name, query, param_types=types)
            commands.append(_Command(owners, key, False))
        if name is None:
            pgconn.send_query_params(query, values, param_types=types, param_formats=formats)
        else:
            pgconn.send_query_prepared(name, values, param_formats=formats)
        commands.append(_Command(owners, None, keep))

    async def _flush(self) -> None:
        """Send what libpq holds; while the socket is full, also take in what the server sends.

        The server may be blocked sending the results of the pipeline's first statements (a
        long read) while this still sends the last ones (a large attachment): reading them
        meanwhile, as libpq asks, keeps both sides moving.
        """
        loop = asyncio.get_running_loop()
        while self.pgconn.flush():
            if await _ready(loop, self.pgconn.socket, write=True, read=True) == "read":
                self.pgconn.consume_input()

    async def _result(self) -> Any:
        """The next result of the pipeline (``None`` between two commands' results)."""
        loop = asyncio.get_running_loop()
        while self.pgconn.is_busy():
            await _ready(loop, self.pgconn.socket, read=True)
            self.pgconn.consume_input()
        return self.pgconn.get_result()


async def _ready(
    loop: asyncio.AbstractEventLoop, fd: int, *, write: bool = False, read: bool = False
) -> str:
    """Wait until ``fd`` can be written or read (as asked) without blocking; which it was."""
    done: asyncio.Future[str] = loop.create_future()

    def wake(how: str) -> None:
        if not done.done():
            done.set_result(how)

    if write:
        loop.add_writer(fd, wake, "write")
    if read:
        loop.add_reader(fd, wake, "read")
    try:
        return await done
    finally:
        if write:
            loop.remove_writer(fd)
        if read:
            loop.remove_reader(fd)


class AsyncPool:
    """The steps of one event loop's requests, sent over up to ``size`` pipelined connections.

    Each connection has a sender: a task that sends the steps waiting, a pipeline at a time,
    until none are left. Connections are opened on demand and kept; one the server dropped
    (or left in a state it cannot be reused in) is closed and replaced on the next batch.
    """

    def __init__(self, conninfo: str, size: int) -> None:
        self.conninfo = conninfo
        self.size = size
        self.loop: asyncio.AbstractEventLoop | None = None
        self.idle: list[PipelineConnection] = []
        self._queue: list[_Pending] = []
        self._senders = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def execute(self, statements: Sequence[Statement], *, ordered: bool) -> list[Rows]:
        """The rows of each of ``statements``, sent with whatever else is waiting.

        ``ordered``: a writing step, run in a transaction under the chain's lock (shared with
        the writing steps next to it in the pipeline); this returns after its ``COMMIT``.
        """
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # first use, or a new event loop (tests)
            self.close()
            self.loop = loop
        pending = _Pending(list(statements), ordered, loop.create_future())
        self._queue.append(pending)
        self._start_sender(loop)
        return await pending.future

    def _start_sender(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._queue and self._senders < self.size:
            self._senders += 1
            task = loop.create_task(self._send_batches())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _send_batches(self) -> None:
        """Send what is waiting, a pipeline at a time, until nothing is."""
        conn: PipelineConnection | None = self.idle.pop() if self.idle else None
        try:
            while self._queue:
                batch = [p for p in self._queue[:BATCH_MAX] if not p.future.done()]
                del self._queue[:BATCH_MAX]
                if not batch:
                    continue
                try:
                    if conn is None or conn.closed:
                        conn = None
                        conn = await PipelineConnection.connect(self.conninfo)
                    outcomes = await conn.send([(p.statements, p.ordered) for p in batch])
                except BaseException as exc:  # the connection: every step of the batch fails
                    for pending in batch:
                        _settle(pending, error=exc)
                    if conn is not None:
                        conn.discard()
                    conn = None
                    if not isinstance(exc, Exception):
                        raise
                    continue
                self._queue[:0] = [p for p, o in zip(batch, outcomes, strict=True) if not o.ran]
                for pending, outcome in zip(batch, outcomes, strict=True):
                    if outcome.ran:
                        _settle(pending, rows=outcome.rows, error=outcome.error)
        finally:
            # no await between finding the queue empty and this: a step queued from now on
            # starts a sender of its own
            self._senders -= 1
            if conn is not None:
                if conn.idle:
                    self.idle.append(conn)
                else:
                    conn.discard()
            if self.loop is not None:
                self._start_sender(self.loop)  # steps a cancelled sender left behind

    def close(self) -> None:
        """Close the idle connections and forget what waits (callable from outside the loop)."""
        for conn in self.idle:
            conn.discard()
        self.idle.clear()
        self._queue.clear()
        self._senders = 0


def _settle(
    pending: _Pending, *, rows: list[Rows] | None = None, error: BaseException | None = None
) -> None:
    if pending.future.done():  # the caller gave up
        return
    if isinstance(error, Exception):
        pending.future.set_exception(error)
    elif error is not None:  # the sender was cancelled (the loop is closing)
        pending.future.cancel()
    else:
        pending.future.set_result(rows or [])
