"""The joint record's page folded for a phone: which of its folds (``<details>``) are open, and
which page of its events is shown.

The page (``implementation.html``) starts with a list of its sections, each with its gist, and
folds each section's long parts (charts, tables, forms) under a ``<summary>`` that names them,
on every screen: 11,600 px tall at 390 px, it was one long scroll. Folds open without a script, by a
tap, Enter or Space; the query names the ones open when the page is loaded: ``?open=events``
(one fold, by its key: a form sent comes back with its section open), ``?open=history-art-3``
(a fold inside another: one provision's assessments and their notes, the provisions table
around it open too), ``?open=all`` (every one, for printing or finding a word). The events are
shown :data:`EVENTS_PER_PAGE` at a time, the page of the latest ones shown first
(``?events_page=1`` is the earliest); the JSON twin has them all.

The agreement's page (``agreement.html``) is folded the same way, with the same query and the
same folds (``_fold.html``): its operative terms first, whole and never folded, then the list of
its sections, each instrument (``?open=instrument-1``), the signing forms for technical staff
(``technical-1``), the lifecycle form (``act``) and the record (``log``) folded; 4,419 px tall at
390 px in English, it is 2,036 px (``docs/guide/agreements.md``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["EVENTS_PER_PAGE", "EventPage", "event_page", "opened"]

#: Events in one page of the record's events table (a JCC record holds thousands).
EVENTS_PER_PAGE = 50
_KEY = re.compile(r"[a-z0-9:_-]{1,80}")


def opened(query: Mapping[str, str]) -> str:
    """The fold the query asks open (``open``: a fold's key or ``all``), else ``""``.

    >>> opened({"open": "events"}), opened({"open": "<b>"}), opened({})
    ('events', '', '')
    """
    asked = query.get("open", "")
    return asked if _KEY.fullmatch(asked) else ""


@dataclass(frozen=True)
class EventPage:
    """One page of the record's events: its ``rows``, its ``number`` of ``pages`` (from 1),
    the place of its first row among all (from 1) and how many there are (``total``)."""

    rows: Sequence[Mapping[str, Any]]
    number: int
    pages: int
    first: int
    total: int

    @property
    def last(self) -> int:
        """The place of the page's last row among all (from 1; 0 when there is none)."""
        return self.first + len(self.rows) - 1 if self.rows else 0


def event_page(
    events: Sequence[Mapping[str, Any]], asked: str | None, size: int = EVENTS_PER_PAGE
) -> EventPage:
    """The page of ``events`` (oldest first) numbered ``asked``; the last when none or no such
    page is asked. Pages are counted back from the latest event, so the last page holds the
    latest ``size`` events and the first the earliest ones left over.

    >>> page = event_page([{"n": n} for n in range(120)], None)
    >>> page.number, page.pages, page.first, page.last, page.rows[0]
    (3, 3, 71, 120, {'n': 70})
    >>> first = event_page([{"n": n} for n in range(120)], "1")
    >>> first.first, first.last
    (1, 20)
    >>> event_page([], "7").pages, event_page([], "x").last
    (1, 0)
    """
    pages = max(1, -(-len(events) // size))
    number = int(asked) if asked and asked.isdigit() and 1 <= int(asked) <= pages else pages
    end = len(events) - (pages - number) * size
    start = max(0, end - size)
    return EventPage(events[start:end], number, pages, start + 1, len(events))
