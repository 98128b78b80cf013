"""A pool of forked worker processes with per-task time limits that really stop a stuck task.

Each worker is a child process (``os.fork``) that receives a chunk of *batches* over a pipe
(a batch: runs of one scenario, strategy and behaviour, :func:`~gobetween.batch.tasks.batches`,
played together by :meth:`~gobetween.batch.tasks.Player.play_batch`) and sends back a batch's
rows as soon as it is played. The parent knows which batch each worker is on (the one after its
last rows) and since when. A batch may take the time limit of one run: past that the worker is
killed (``SIGKILL``, nothing a strategy does can ignore it), the batch's runs are played again
one by one by a fresh worker, each under the time limit, so that only a run that passes it
alone is recorded as ``"timeout"`` (the rows are those of playing run by run); the scenario's
later batches are sent as single runs too (slow runs cost the limit once per scenario, a stuck
run twice), the rest of the chunk goes to a fresh worker, and the tournament carries on. A
worker that dies on its own (out of memory, a crash) does the same: its batch is played again
one by one, and a run that kills its worker alone gets a ``"crashed"`` row.

Forking (rather than spawning) lets a worker start from the parent's loaded scenarios without
sending them. In a multi-threaded parent (a Dask worker) a forked child can hang on a lock that
another thread held at the fork, so there the workers are fresh interpreters instead
(:func:`fresh_interpreter`), which also works inside a daemonic process. POSIX only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, Pipe, wait
from typing import Any

from gobetween.batch.tasks import Task, batches, failed_row

__all__ = ["DEFAULT_TIMEOUT", "run_pool"]

#: Seconds one task may take by default.
DEFAULT_TIMEOUT = 60.0

Row = dict[str, Any]
#: Plays a batch of tasks in a worker and returns their rows, in order.
PlayFn = Callable[[list[Task]], list[Row]]
#: Batches of tasks sent to a worker at once.
Chunk = list[list[Task]]


@dataclass(eq=False)
class _Worker:
    pid: int
    conn: Connection  # rows come in here
    outbox: Connection  # chunks go out here (the same pipe for a forked worker)
    pending: deque[list[Task]] = field(default_factory=deque)  # batches sent, not answered
    since: float = 0.0  # when the batch under way began
    prepared: set[str] = field(default_factory=set)  # scenarios it has played a run of

    @property
    def busy(self) -> bool:
        return bool(self.pending)

    def deadline(self, timeout: float) -> float:
        """When the batch under way has had the time limit (of one run)."""
        return self.since + timeout


def serve(inbox: Connection, outbox: Connection, play: PlayFn) -> None:
    """A worker's loop: chunks of batches in, a batch's rows out, until told to stop
    (``None``). A batch that raises is played again task by task, so a bug in a strategy costs
    the rows of the runs that raise it (status ``"error"``) and the worker lives."""
    while True:
        chunk = inbox.recv()
        if chunk is None:
            return
        for batch in chunk:
            try:
                rows = play(batch)
            except Exception:
                rows = [_one(play, task) for task in batch]
            outbox.send(rows)


def _one(play: PlayFn, task: Task) -> Row:
    try:
        return play([task])[0]
    except Exception as exc:  # a bug in a strategy: the row says so
        detail = "".join(traceback.format_exception_only(exc)).strip()
        return failed_row(task, "error", detail)


def _fork(play: PlayFn) -> _Worker:
    parent, child = Pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            parent.close()
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            serve(child, child, play)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    child.close()
    return _Worker(pid, parent, parent)


def fresh_interpreter(setup: object) -> Callable[[], _Worker]:
    """Start workers as new Python processes (``python -m gobetween.batch.child``) instead of
    forking: for a multi-threaded parent such as a Dask worker, where a forked child can hang on
    a lock another thread held. ``setup`` (picklable) is the first message each receives, from
    which :func:`gobetween.batch.child.main` builds the function that plays the tasks."""

    def start() -> _Worker:
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        command = [sys.executable, "-m", "gobetween.batch.child", str(down_read), str(up_write)]
        process = subprocess.Popen(command, pass_fds=(down_read, up_write), close_fds=True)
        os.close(down_read)
        os.close(up_write)
        outbox = Connection(down_write, readable=False)
        outbox.send(setup)
        return _Worker(process.pid, Connection(up_read, writable=False), outbox)

    return start


def _stop(worker: _Worker, *, kill: bool) -> None:
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
    else:
        with contextlib.suppress(OSError):
            worker.outbox.send(None)
    worker.conn.close()
    if worker.outbox is not worker.conn:
        worker.outbox.close()
    with contextlib.suppress(ChildProcessError):
        os.waitpid(worker.pid, 0)


def chunks(tasks: Sequence[Task], workers: int, *, most: int = 64) -> list[Chunk]:
    """Tasks in batches (:func:`~gobetween.batch.tasks.batches`, at most ``most`` tasks each),
    the batches in chunks of consecutive ones (a scenario's tasks stay together): about four
    chunks per worker, of at most ``most`` tasks each unless one batch is larger."""
    size = max(1, min(most, -(-len(tasks) // max(1, workers * 4))))
    out: list[Chunk] = []
    count = size
    for batch in batches(tasks, most=size):
        if count + len(batch) > size:
            out.append([])
            count = 0
        out[-1].append(batch)
        count += len(batch)
    return out


def run_pool(
    tasks: Sequence[Task],
    play: PlayFn,
    *,
    workers: int,
    timeout: float = DEFAULT_TIMEOUT,
    most: int = 64,
    start: Callable[[], _Worker] | None = None,
) -> Iterator[Row]:
    """Play ``tasks`` on ``workers`` forked processes, yielding each row as it arrives.

    ``play`` plays a batch in the workers (forked: it may close over anything the parent
    holds). A batch running longer than ``timeout`` seconds kills its worker; its runs are
    played again one by one (and so are the scenario's later batches), and a run longer than
    ``timeout`` alone yields a ``"timeout"`` row. When that was a worker's first run of its
    scenario (so preparing the scenario did not end in time either), the scenario's other runs
    are not tried: each gets a ``"timeout"`` row saying so at once, instead of costing the time
    limit again. Closing the iterator early kills the workers. ``start`` (see
    :func:`fresh_interpreter`) starts workers another way than forking; ``play`` is then unused.
    """
    begin = start or (lambda: _fork(play))
    queue: deque[Chunk] = deque(chunks(tasks, workers, most=most))
    pool: list[_Worker] = []
    unprepared: set[str] = set()
    alone: set[str] = set()  # scenarios whose runs are sent one by one (a batch timed out)
    try:
        while queue or any(w.busy for w in pool):
            while queue and (len(pool) < workers or any(not w.busy for w in pool)):
                yield from _skipped(queue, unprepared, timeout)
                if not queue:
                    break
                chunk = [
                    part
                    for batch in queue.popleft()
                    for part in ([[t] for t in batch] if batch[0].scenario in alone else [batch])
                ]
                idle = next((w for w in pool if not w.busy), None)
                if idle is None:
                    idle = begin()
                    pool.append(idle)
                idle.pending.extend(chunk)
                idle.since = time.monotonic()
                idle.outbox.send(chunk)
            busy = [w for w in pool if w.busy]
            if not busy:
                continue
            now = time.monotonic()
            deadline = min(w.deadline(timeout) for w in busy)
            ready = wait([w.conn for w in busy], timeout=max(0.0, deadline - now))
            for worker in busy:
                if worker.conn in ready:
                    yield from _receive(worker, pool, queue)
            now = time.monotonic()
            for worker in [w for w in pool if w.busy and now >= w.deadline(timeout)]:
                batch = _retire(worker, pool, queue)
                if len(batch) > 1:
                    alone.add(batch[0].scenario)
                    continue
                stuck = batch[0]
                yield failed_row(stuck, "timeout", f"stopped after {timeout:g} s", timeout)
                if stuck.scenario not in worker.prepared:
                    unprepared.add(stuck.scenario)
                    yield from _skipped(queue, unprepared, timeout)
    finally:
        for worker in pool:
            _stop(worker, kill=worker.busy)


def _retire(worker: _Worker, pool: list[_Worker], queue: deque[Chunk]) -> list[Task]:
    """Kill a stuck or dead worker and take it out of the pool; the rest of its chunk goes back
    to the front of the queue. The batch under way is returned; when it holds more than one
    run, its runs go back first, as batches of one, to be played again one by one."""
    batch = worker.pending.popleft()
    pool.remove(worker)
    _stop(worker, kill=True)
    if worker.pending:
        queue.appendleft(list(worker.pending))
    if len(batch) > 1:
        queue.appendleft([[task] for task in batch])
    return batch


def _skipped(queue: deque[Chunk], unprepared: set[str], timeout: float) -> Iterator[Row]:
    """Rows for the queued runs of scenarios that could not be prepared in time (taken out)."""
    for chunk in list(queue):
        for batch in [b for b in chunk if b[0].scenario in unprepared]:
            chunk.remove(batch)
            for task in batch:
                yield failed_row(task, "timeout", f"preparing the scenario took over {timeout:g} s")
    for chunk in [c for c in queue if not c]:
        queue.remove(chunk)


def _receive(worker: _Worker, pool: list[_Worker], queue: deque[Chunk]) -> Iterator[Row]:
    """Every batch's rows the worker has sent; a worker that died is replaced, its batch played
    again one by one (a run alone that kills its worker is ``crashed``)."""
    while worker.busy and worker.conn.poll():
        try:
            rows = worker.conn.recv()
        except (EOFError, OSError):
            lost = _retire(worker, pool, queue)
            if len(lost) == 1:
                yield failed_row(lost[0], "crashed", "the worker process died")
            return
        done = worker.pending.popleft()
        worker.prepared.add(done[0].scenario)
        worker.since = time.monotonic()
        yield from rows
