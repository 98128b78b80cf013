"""Watching the writing units of work (docs/security.md, *Promise 2*): how long each held the
write lock (SQLite's ``BEGIN IMMEDIATE``, every other user's write waiting), and whether Argon2
ran inside one.

The tests install it with ``monkeypatch.setattr``, the benchmark
(``benchmarks/write_lock_holds.py``) with ``setattr``::

    units = WriteUnits()
    units.install(monkeypatch.setattr)
    ...
    assert max(units.work, default=0.0) < LONGEST

``holds`` is wall time: what every other writer waited, which on a shared 2-core machine also
counts the time the holder waited for a core (a 1.19 s hold for a step whose work was 0.1 s was
seen in a full run, 6 December 2026). ``work`` is the CPU time the holding thread spent inside
the unit (``time.thread_time``; SQLite's own work included, as it runs in that thread): what
the code does while every other write waits, which other processes' load does not inflate.
Tests bound ``work``, with the process's heap as a server's (the ``heap_as_served`` fixture in
tests/conftest.py); the benchmark reports both.

    argon2 = argon2_calls(monkeypatch.setattr)
    ...
    assert argon2 == [("hash", False)]  # hashed once, before the writing unit
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy.orm import Session

from gobetween.service.security import PasswordHasher
from gobetween.store.db import Database

__all__ = ["Setter", "WriteUnits", "argon2_calls"]

#: ``monkeypatch.setattr`` or the builtin ``setattr``: (object, name, value)
Setter = Callable[[Any, str, Any], object]


class WriteUnits:
    """Every writing unit of work opened while installed: how long each held the lock
    (``holds``, wall seconds), the CPU time its thread spent meanwhile (``work``, seconds; the
    wall time where the unit ended in another thread), and whether one is open now (``open``)."""

    def __init__(self) -> None:
        self.holds: list[float] = []
        self.work: list[float] = []
        self.open = 0

    def clear(self) -> None:
        """Forget the units timed so far."""
        self.holds.clear()
        self.work.clear()

    def install(self, setter: Setter) -> WriteUnits:
        """Time every writing unit of work from now on (read-only ones are left alone)."""
        original = Database.unit_of_work
        units = self

        @contextlib.contextmanager
        def timed(self: Database, *, write: bool = True) -> Iterator[Session]:
            if not write:
                with original(self, write=False) as session:
                    yield session
                return
            started = None
            cpu, thread = 0.0, threading.get_ident()
            try:
                with original(self, write=True) as session:
                    started = time.perf_counter()
                    cpu, thread = time.thread_time(), threading.get_ident()
                    units.open += 1
                    yield session
            finally:
                if started is not None:
                    units.open -= 1
                    wall = time.perf_counter() - started
                    units.holds.append(wall)
                    same = threading.get_ident() == thread
                    units.work.append(time.thread_time() - cpu if same else wall)

        setter(Database, "unit_of_work", timed)
        return self

    def watch_argon2(self, setter: Setter) -> list[tuple[str, bool]]:
        """From now on, for every password hashed or verified: ``("hash", inside)`` or
        ``("verify", inside)``, ``inside`` whether a writing unit of work was open then."""
        seen: list[tuple[str, bool]] = []
        hash_, verify = PasswordHasher.hash, PasswordHasher.verify
        units = self

        def hashing(self: PasswordHasher, password: str) -> str:
            seen.append(("hash", units.open > 0))
            return hash_(self, password)

        def verifying(self: PasswordHasher, encoded: str | None, password: str) -> bool:
            seen.append(("verify", units.open > 0))
            return verify(self, encoded, password)

        setter(PasswordHasher, "hash", hashing)
        setter(PasswordHasher, "verify", verifying)
        return seen


def argon2_calls(setter: Setter) -> list[tuple[str, bool]]:
    """From now on, every Argon2 call (``"hash"`` or ``"verify"``) and whether a writing unit
    of work was open then (:meth:`WriteUnits.watch_argon2`)."""
    return WriteUnits().install(setter).watch_argon2(setter)
