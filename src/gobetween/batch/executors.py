"""Where independent solves run: in this process, in a pool of fresh processes on this machine,
or on Dask's distributed scheduler (``pip install 'gobetween[distributed]'``) for more than one.

:func:`solve_executor` hands :func:`gobetween.analysis.milp.exact_frontier` (through
:func:`gobetween.analysis.bonus_frontier.milp_executor`) a
:class:`concurrent.futures.Executor`; ``gobetween analyze --workers N`` and ``--scheduler`` use it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from gobetween.errors import N_, ConfigurationError, InputError

__all__ = [
    "BANDS_PER_WORKER",
    "CONNECT_SECONDS",
    "Workers",
    "dask_client",
    "distributed_module",
    "solve_executor",
]


def distributed_module() -> ModuleType:
    """Dask's ``distributed``, or a :class:`~gobetween.errors.ConfigurationError` saying how to
    install it."""
    try:
        import distributed
    except ImportError:
        raise ConfigurationError(
            N_("--scheduler needs Dask's distributed scheduler: %(command)s"),
            params={"command": "pip install 'gobetween[distributed]'"},
        ) from None
    return distributed


#: Stretches of a frontier per worker (docs/benchmarks.md, two processes): the 50 x 160 frontier
#: (155 points) took 259 s with 2 a worker, 270 s with 4 (a test run beside it for 30 s) and
#: 246 s with 8; the 20 x 80 one (24 points) 11.9 s with 1, 10.9 s with 2, 11.7 s with 4 and
#: 14.2 s with 8 (a long frontier gains a little from more, a shorter one loses more).
BANDS_PER_WORKER = 4


@dataclass(frozen=True)
class Workers:
    """Where solves run: ``executor`` (``None``: here) and how many run at once there."""

    executor: Executor | None
    count: int

    @property
    def bands(self) -> int:
        """Stretches to cut a frontier into for these workers."""
        return BANDS_PER_WORKER * self.count


#: Seconds to wait for a Dask scheduler to answer before saying none did.
CONNECT_SECONDS = 30.0


def dask_client(scheduler: object) -> Any:
    """A ``distributed.Client`` of the scheduler at ``scheduler`` (``tcp://host:8786``, or a
    ``LocalCluster`` already made).

    Raises
    ------
    InputError
        ``scheduler`` is not an address Dask reads (located at ``--scheduler``).
    ConfigurationError
        Dask is not installed, or no scheduler answered within :data:`CONNECT_SECONDS`.
    """
    distributed = distributed_module()
    try:
        return distributed.Client(scheduler, timeout=CONNECT_SECONDS)
    except ValueError as exc:  # Dask's words: "missing port number", "unknown address scheme"
        raise InputError(
            N_("%(address)r is not a Dask scheduler's address: %(error)s"),
            location="--scheduler",
            expected=N_("tcp://host:port, such as tcp://10.0.0.5:8786"),
            params={"address": scheduler, "error": str(exc)},
        ) from None
    except OSError:  # refused, unknown host, or no answer in time
        raise ConfigurationError(
            N_(
                "no Dask scheduler answered at %(address)s (waited %(seconds)s s): start one "
                "(dask scheduler) and its workers (dask worker %(address)s), or leave out "
                "--scheduler"
            ),
            params={"address": scheduler, "seconds": int(CONNECT_SECONDS)},
        ) from None


@contextlib.contextmanager
def solve_executor(workers: int = 1, scheduler: str | None = None) -> Iterator[Workers]:
    """No executor (solve here) for one worker and no scheduler; a pool of ``workers`` fresh
    processes (``spawn``: nothing of this process's threads is copied); or the Dask cluster whose
    scheduler listens at ``scheduler`` (``tcp://host:8786``; its worker threads count).
    Closed on leaving the block."""
    if scheduler:
        with dask_client(scheduler) as client:
            threads = sum(client.nthreads().values()) or 1
            yield Workers(client.get_executor(), threads)
        return
    if workers <= 1:
        yield Workers(None, 1)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield Workers(pool, workers)
