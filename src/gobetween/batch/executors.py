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
from types import ModuleType

from gobetween.errors import N_, ConfigurationError

__all__ = ["distributed_module", "solve_executor"]


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


@contextlib.contextmanager
def solve_executor(workers: int = 1, scheduler: str | None = None) -> Iterator[Executor | None]:
    """``None`` (solve here) for one worker and no scheduler; a pool of ``workers`` fresh
    processes (``spawn``: nothing of this process's threads is copied); or the Dask cluster whose
    scheduler listens at ``scheduler`` (``tcp://host:8786``). Closed on leaving the block."""
    if scheduler:
        with distributed_module().Client(scheduler) as client:
            yield client.get_executor()
        return
    if workers <= 1:
        yield None
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool
