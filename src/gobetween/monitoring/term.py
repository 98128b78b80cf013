"""The term clock: the agreement's term, its renewals as recorded acts, and warnings.

A term starts on the effective date and runs for ``term_days``; each :class:`Extension` is a
recorded act in which every party states the number of days it consents to. The extension in
force is the shortest term that every party consented to, and it is marked *disputed* when the
parties named different terms (as in March 2023, when Ukraine announced 120 days and the Russian
Federation said it had agreed to 60). Suspensions of a party's participation are recorded beside
the term; they do not move its end. Nothing here reads a clock: "today" is always passed in.

>>> clock = TermClock(dt.date(2022, 7, 22), 120, ("A", "B"), (
...     Extension(dt.date(2022, 11, 17), {"A": 120, "B": 120}),
...     Extension(dt.date(2023, 3, 18), {"A": 120, "B": 60}),
... ))
>>> for p in clock.periods():
...     print(p.start, p.end, p.days, "disputed" if p.disputed else "")
2022-07-22 2022-11-19 120
2022-11-19 2023-03-19 120
2023-03-19 2023-05-18 60 disputed
>>> status = clock.status(dt.date(2023, 5, 10), warn_days=14)
>>> status.days_left, status.warning
(8, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from gobetween.errors import InvalidModel
from gobetween.monitoring.figures import FigureTable

__all__ = ["Extension", "Suspension", "TermClock", "TermPeriod", "TermStatus"]


@dataclass(frozen=True, slots=True)
class Extension:
    """A renewal decided on ``decided_on``: the days each party consented to."""

    decided_on: dt.date
    consents: Mapping[str, int]
    note: str = ""

    def __post_init__(self) -> None:
        consents = dict(self.consents)
        if not consents:
            raise InvalidModel(
                f"extension of {self.decided_on} has no consents",
                location="consents",
                expected="days per party",
            )
        for party, days in consents.items():
            if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
                raise InvalidModel(
                    f"extension of {self.decided_on}: {party} consents to {days!r} days",
                    location=f"consents[{party!r}]",
                    expected="a whole number of days > 0",
                )
        object.__setattr__(self, "consents", MappingProxyType(consents))

    @property
    def days(self) -> int:
        """The term every party consented to: the shortest consent."""
        return min(self.consents.values())

    @property
    def disputed(self) -> bool:
        """True when the parties named different terms."""
        return len(set(self.consents.values())) > 1


@dataclass(frozen=True, slots=True)
class Suspension:
    """A party suspended its participation from ``start`` to ``end`` (``None``: not resumed)."""

    party: str
    start: dt.date
    end: dt.date | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class TermPeriod:
    """One term: ``start`` inclusive, ``end`` the day it expires; ``index`` 0 is the first."""

    index: int
    start: dt.date
    end: dt.date
    days: int
    extension: Extension | None = None

    @property
    def disputed(self) -> bool:
        """True when the parties named different terms for this renewal."""
        return self.extension is not None and self.extension.disputed


@dataclass(frozen=True, slots=True)
class TermStatus:
    """Where the clock stands on a given day."""

    on: dt.date
    period: TermPeriod | None
    expires_on: dt.date
    days_left: int
    warning: bool
    expired: bool
    suspended: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TermClock:
    """The term of an agreement and its recorded renewals.

    ``parties`` must each consent to every extension. ``ended_on`` with ``end_reason`` records
    an early end (withdrawal); otherwise the agreement ends when its last term expires.
    """

    start: dt.date
    term_days: int
    parties: tuple[str, ...]
    extensions: tuple[Extension, ...] = ()
    suspensions: tuple[Suspension, ...] = field(default=())
    ended_on: dt.date | None = None
    end_reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "extensions", tuple(self.extensions))
        object.__setattr__(self, "suspensions", tuple(self.suspensions))
        if isinstance(self.term_days, bool) or not isinstance(self.term_days, int):
            raise InvalidModel(f"term_days {self.term_days!r} is not a whole number")
        if self.term_days <= 0:
            raise InvalidModel(f"term_days {self.term_days} is not positive", expected="> 0")
        end = self.start + dt.timedelta(days=self.term_days)
        for i, extension in enumerate(self.extensions):
            missing = sorted(set(self.parties) - set(extension.consents))
            strangers = sorted(set(extension.consents) - set(self.parties))
            if missing or strangers:
                raise InvalidModel(
                    f"extension {i} ({extension.decided_on}): missing consent of {missing}, "
                    f"consent of non-parties {strangers}",
                    location=f"extensions[{i}]",
                    expected="one consent per party: " + ", ".join(self.parties),
                )
            if extension.decided_on > end:
                raise InvalidModel(
                    f"extension {i} decided on {extension.decided_on}, after the term expired "
                    f"on {end}",
                    location=f"extensions[{i}]",
                    expected=f"a decision on or before {end}",
                )
            end += dt.timedelta(days=extension.days)

    def periods(self) -> tuple[TermPeriod, ...]:
        """The initial term and each renewal, in order."""
        end = self.start + dt.timedelta(days=self.term_days)
        out = [TermPeriod(0, self.start, end, self.term_days)]
        for i, extension in enumerate(self.extensions, start=1):
            start, end = end, end + dt.timedelta(days=extension.days)
            out.append(TermPeriod(i, start, end, extension.days, extension))
        return tuple(out)

    @property
    def end(self) -> dt.date:
        """When the agreement ends: the early end if recorded, else the last term's expiry."""
        last = self.periods()[-1].end
        return last if self.ended_on is None else min(last, self.ended_on)

    def status(self, on: dt.date, warn_days: int = 14) -> TermStatus:
        """The clock on day ``on``: current period, days left, a warning within ``warn_days``."""
        period = next((p for p in self.periods() if p.start <= on < p.end), None)
        end = self.end
        expires = end if period is None else min(period.end, end)
        days_left = max((expires - on).days, 0)
        expired = on >= end or on < self.start
        suspended = tuple(
            s.party for s in self.suspensions if s.start <= on and (s.end is None or on < s.end)
        )
        return TermStatus(
            on=on,
            period=None if expired else period,
            expires_on=expires,
            days_left=0 if expired else days_left,
            warning=not expired and days_left <= warn_days,
            expired=expired,
            suspended=suspended,
        )

    def table(self) -> FigureTable:
        """One row per term: start, expiry, days, what each party consented to, disputed."""
        rows = tuple(
            (
                p.index,
                p.start.isoformat(),
                p.end.isoformat(),
                p.days,
                "; ".join(f"{k}: {v}" for k, v in p.extension.consents.items())
                if p.extension
                else "signature",
                int(p.disputed),
            )
            for p in self.periods()
        )
        columns = ("term", "start", "expires", "days", "consents", "disputed")
        return FigureTable("term_clock", columns, rows)
