"""Slots for work one user can hold open: event streams and analyses in progress.

A :class:`Slots` counts what is open per user and in total, in one server process. Taking a
slot beyond either limit raises :class:`~gobetween.errors.RateLimited` (answered ``429`` with
``Retry-After``); a taken :class:`Slot` is given back once, by :meth:`Slot.release`, by leaving
its ``with`` block, or when it is garbage-collected (a stream whose body never started).

>>> slots = Slots(per_user=1, total=2, retry_after=5, what="event streams")
>>> first = slots.take(7)
>>> try:
...     slots.take(7)
... except RateLimited as refused:
...     print(refused.retry_after, refused)
5 too many open event streams for this user (limit 1); close one or retry later
>>> first.release()
>>> slots.take(7).release()
>>> slots.open(7), slots.open()
(0, 0)
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from gobetween.errors import RateLimited
from gobetween.i18n import _
from gobetween.i18n import lazy_gettext as _l

__all__ = ["DOCUMENT_RETRY_AFTER", "Slot", "Slots", "app_object", "app_slots", "documents"]

_T = TypeVar("_T")


class Slots:
    """Per-user and total counters of open work of one kind.

    Parameters
    ----------
    per_user, total
        The most a user, and everyone together, may hold open at once (in this process).
    retry_after
        The seconds the 429 answer asks the client to wait.
    what
        What is counted, as the error message names it (already translated, or lazy).
    """

    def __init__(self, *, per_user: int, total: int, retry_after: int, what: object) -> None:
        self.per_user = per_user
        self.total = total
        self.retry_after = retry_after
        self.what = what
        self._lock = threading.Lock()
        self._by_user: Counter[int] = Counter()

    def open(self, user: int | None = None) -> int:
        """How many are open (of ``user``, or in total)."""
        with self._lock:
            return self._by_user[user] if user is not None else sum(self._by_user.values())

    def take(self, user: int) -> Slot:
        """A slot for ``user``, or :class:`RateLimited` when a limit is reached."""
        with self._lock:
            if self._by_user[user] >= self.per_user:
                raise RateLimited(
                    _(
                        "too many open %(what)s for this user (limit %(limit)s); "
                        "close one or retry later"
                    )
                    % {"what": self.what, "limit": self.per_user},
                    self.retry_after,
                )
            if sum(self._by_user.values()) >= self.total:
                raise RateLimited(
                    _("the server has as many open %(what)s as it allows (%(limit)s); retry later")
                    % {"what": self.what, "limit": self.total},
                    self.retry_after,
                )
            self._by_user[user] += 1
        return Slot(self, user)

    def _give_back(self, user: int) -> None:
        with self._lock:
            self._by_user[user] -= 1
            if self._by_user[user] <= 0:
                del self._by_user[user]


class Slot:
    """One taken slot; :meth:`release` gives it back (again: nothing happens)."""

    def __init__(self, owner: Slots, user: int) -> None:
        self._owner: Slots | None = owner
        self._user = user

    def release(self) -> None:
        """Give the slot back (once)."""
        owner, self._owner = self._owner, None
        if owner is not None:
            owner._give_back(self._user)

    def __enter__(self) -> Slot:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    def __del__(self) -> None:
        self.release()


_CREATE = threading.Lock()


def app_object(state: Any, name: str, kind: type[_T], make: Callable[[], _T]) -> _T:
    """The app's ``kind`` object called ``name`` on ``state`` (``make()`` the first time, once
    even when two requests ask at the same moment)."""
    with _CREATE:
        existing = getattr(state, name, None)
        if isinstance(existing, kind):
            return existing
        created = make()
        setattr(state, name, created)
        return created


def app_slots(state: Any, name: str, make: Callable[[], Slots]) -> Slots:
    """The app's :class:`Slots` called ``name`` (``make()`` the first time), on ``app.state``."""
    return app_object(state, name, Slots, make)


#: The seconds a refused document export asks the client to wait.
DOCUMENT_RETRY_AFTER = 5


def documents(state: Any, total: int) -> Slots:
    """The app's slots for document exports (DOCX, PDF, archives): one per user, ``total`` in
    all (``GOBETWEEN_DOCUMENTS_RUNNING``), so one user cannot fill the thread pool with them."""
    return app_slots(
        state,
        "document_slots",
        lambda: Slots(
            per_user=1,
            total=total,
            retry_after=DOCUMENT_RETRY_AFTER,
            what=_l("document exports"),
        ),
    )
