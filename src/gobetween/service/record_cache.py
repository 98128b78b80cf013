"""Figures of a joint record computed once per change of the record, not once per request.

The public record page is open to anyone: without a cache, every anonymous request would load
every cargo row and recompute every figure (4.1 s of CPU per request for a 300,000-row record,
issue 9). :class:`FigureCache` keys the figures by the record's revision (bumped by every write
to the record), keeps the most recent entries, and lets concurrent requests for the same key
share one computation: the first computes, the others wait for its result.

>>> cache = FigureCache(size=2)
>>> cache.get(("db", 1, 0), lambda: {"voyages": 3})
{'voyages': 3}
>>> cache.get(("db", 1, 0), lambda: {"voyages": 99}), cache.computations
({'voyages': 3}, 1)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any

__all__ = ["FIGURES", "FigureCache"]


class FigureCache:
    """A bounded, thread-safe, single-flight cache of computed figures.

    Parameters
    ----------
    size
        How many records' figures are kept (least recently used dropped first).
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.computations = 0
        self._lock = threading.Lock()
        self._done: OrderedDict[Hashable, Any] = OrderedDict()
        self._running: dict[Hashable, Future[Any]] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value for ``key``, computing it with ``compute`` only if no one has (or is)."""
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            future = self._running.get(key)
            mine = future is None
            if future is None:
                future = Future()
                self._running[key] = future
                self.computations += 1
        if not mine:
            return future.result()
        try:
            value = compute()
        except BaseException as error:
            with self._lock:
                del self._running[key]
            future.set_exception(error)
            raise
        with self._lock:
            del self._running[key]
            self._done[key] = value
            while len(self._done) > self.size:
                self._done.popitem(last=False)
        future.set_result(value)
        return value

    def clear(self) -> None:
        """Forget every computed value."""
        with self._lock:
            self._done.clear()


#: The process's cache of record figures (keyed by database, agreement and record revision).
FIGURES = FigureCache()
