"""Watching the writing units of work (docs/security.md, *Promise 2*): how long each held the
write lock (SQLite's ``BEGIN IMMEDIATE``, every other user's write waiting), and whether Argon2
ran inside one.

The tests install it with ``monkeypatch.setattr``, the benchmark
(``benchmarks/write_lock_holds.py``) with ``setattr``::

    units = WriteUnits()
    units.install(monkeypatch.setattr)
    ...
    assert max(units.holds, default=0.0) < LONGEST

    argon2 = argon2_calls(monkeypatch.setattr)
    ...
    assert argon2 == [("hash", False)]  # hashed once, before the writing unit
"""

from __future__ import annotations

import contextlib
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
    (``holds``, seconds), and whether one is open now (``open``)."""

    def __init__(self) -> None:
        self.holds: list[float] = []
        self.open = 0

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
            try:
                with original(self, write=True) as session:
                    started = time.perf_counter()
                    units.open += 1
                    yield session
            finally:
                if started is not None:
                    units.open -= 1
                    units.holds.append(time.perf_counter() - started)

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
