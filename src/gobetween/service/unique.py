"""Unique keys that a concurrent request took first: the one place that reads such a violation.

A service checks that a name, a number or a row is free before it inserts. On SQLite the writing
units run one after the other, so a check in the writing unit holds until the insert; on
PostgreSQL (READ COMMITTED) two requests at the same moment can both pass it, and the second
insert then waits for the first unit's commit and fails on the table's unique constraint.
Unhandled, that ``IntegrityError`` is a 500. Each writer says here what the violation means
for its user:

- :func:`taken`: the same refusal the check gives (a :class:`~gobetween.errors.Conflict` that
  names what is taken), the whole unit rolled back;
- :func:`added_once` and :func:`get_or_add`: the row is there either way (the two requests
  asked for the same thing); inside a savepoint, so the unit goes on with the row the other
  one made;
- :func:`add_numbered`: the next number of a sequence (a new version) was taken: number it
  after that one, as when the two requests come one after the other;
- :func:`serialised`: where a unit replaces a set of rows (delete, then insert), the owner's
  row is locked before anything is read, so that the second unit reads what the first wrote.

A constraint is named as the schema names it (``uq_<table>_<first column>`` or
``pk_<table>``): PostgreSQL reports that name, SQLite the table and its columns, found here from
the same declaration.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gobetween.errors import GobetweenError
from gobetween.store import tables as t

__all__ = ["add_numbered", "added_once", "get_or_add", "serialised", "taken", "violates"]

R = TypeVar("R", bound=t.Base)


@functools.cache
def _columns(constraint: str) -> str:
    """SQLite's words for ``constraint``: ``table.a, table.b`` (a :class:`KeyError` when no
    table declares it, so that a misspelt name fails at once rather than never matching)."""
    for table in t.Base.metadata.tables.values():
        for c in table.constraints:
            if isinstance(c, UniqueConstraint | PrimaryKeyConstraint) and c.name == constraint:
                return ", ".join(f"{table.name}.{column.name}" for column in c.columns)
    raise KeyError(constraint)


def violates(exc: IntegrityError, constraint: str) -> bool:
    """Whether ``exc`` is a violation of the unique key ``constraint`` (and not of another).

    >>> from sqlalchemy.exc import IntegrityError
    >>> orig = Exception("UNIQUE constraint failed: organisations.process_id, organisations.name")
    >>> violates(IntegrityError("INSERT", {}, orig), "uq_organisations_process_id")
    True
    >>> violates(IntegrityError("INSERT", {}, orig), "uq_tracks_process_id")
    False
    """
    columns = _columns(constraint)
    diag = getattr(exc.orig, "diag", None)  # psycopg: the constraint's name
    if diag is not None:
        return getattr(diag, "constraint_name", None) == constraint
    return str(exc.orig) == f"UNIQUE constraint failed: {columns}"


@contextlib.contextmanager
def taken(constraint: str, refusal: Callable[[], GobetweenError]) -> Iterator[None]:
    """Within the block, a violation of ``constraint`` raises ``refusal()`` instead (the unit
    of work then rolls back whole); any other error passes unchanged. Flush inside the block."""
    try:
        yield
    except IntegrityError as exc:
        if not violates(exc, constraint):
            raise
        raise refusal() from None


def added_once(session: Session, row: object, constraint: str, *, checked: bool = False) -> bool:
    """Insert ``row`` in a savepoint: ``True``, or ``False`` when a concurrent unit inserted
    its key of ``constraint`` first (then ``row`` is not in the session and the unit goes on;
    a read now finds the other unit's row, committed before the insert failed).

    ``checked``: this writing unit has just read that the key is free. On SQLite writing units
    run one at a time, so it is still free: no savepoint then (two statements more per row,
    for a page that marks 50 messages read in one unit). A key checked in an earlier unit, or
    not at all, can be taken on SQLite too (two analyses stored at once).
    """
    if checked and session.get_bind().dialect.name == "sqlite":
        session.add(row)
        session.flush()
        return True
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        if not violates(exc, constraint):
            raise
        return False
    return True


def get_or_add(session: Session, model: type[R], key: Any, make: Callable[[], R]) -> tuple[R, bool]:
    """The row of ``model`` with primary key ``key``, made by ``make()`` when there is none; and
    whether this unit made it. When a concurrent unit made it first, its row is returned (read
    after its commit), so both units go on as if they had come one after the other."""
    row = session.get(model, key)
    if row is not None:
        return row, False
    made = make()
    if added_once(session, made, f"pk_{model.__tablename__}", checked=True):
        return made, True
    return session.get_one(model, key), False


def add_numbered(session: Session, constraint: str, numbered: Callable[[], R]) -> R:
    """Insert ``numbered()``, a row numbered after the newest one it reads (``constraint`` is
    the sequence's unique key); when a concurrent unit committed that number first, call it
    again, so that it reads that row and numbers its own after it.

    Each retry follows another unit's commit of the number (the insert waited for it), so the
    loop ends once the units writing the same sequence at the same moment are through.
    """
    while True:
        row = numbered()
        if added_once(session, row, constraint, checked=True):
            return row


def serialised(session: Session, model: type[t.Base], row_id: int) -> None:
    """Lock ``model``'s row ``row_id`` until the unit ends (PostgreSQL; SQLite's writing units
    run one at a time), so that a second unit doing the same waits here and then reads what
    the first one committed: the row itself too, read again if the session held it. Call it
    first, before the unit reads what it checks (and before it changes anything)."""
    session.get(model, row_id, with_for_update=True, populate_existing=True)
