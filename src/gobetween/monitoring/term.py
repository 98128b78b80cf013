"""The term clock of the joint record: the agreement's own lifecycle, as figures.

gobetween has one term clock: :mod:`gobetween.agreements.lifecycle`, the agreement's source of
truth. Its log records entry into force, every renewal consent, every renewal (for the
shortest term consented to, *disputed* when the signatories named different terms, as in March
2023 when Ukraine announced 120 days and the Russian Federation said it had agreed to 60),
suspensions and the end. This module only reads that log for the dashboard: where the term
stands on a given day (:func:`term_status`) and one row per term (:func:`term_table`). Nothing
here reads a clock: the day is always passed in.

>>> from gobetween.monitoring.bsgi import BSGI_AGREEMENT
>>> for row in term_table(BSGI_AGREEMENT).rows:
...     print(*row[:4], "disputed" if row[5] else "")
1 2022-07-22 2022-11-19 120
2 2022-11-19 2023-03-19 120
3 2023-03-19 2023-05-18 60 disputed
4 2023-05-18 2023-07-17 60
>>> status = term_status(BSGI_AGREEMENT, dt.date(2023, 5, 10), warn_days=14)
>>> status.days_left, status.warning
(8, True)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gobetween.agreements.lifecycle import AgreementState, TermPeriod, suspensions, term_periods
from gobetween.monitoring.figures import FigureTable

__all__ = ["TermPeriod", "TermStatus", "term_status", "term_table"]


@dataclass(frozen=True, slots=True)
class TermStatus:
    """Where the term stands on day ``on``: the current term (``None`` outside every term),
    when it expires, the whole days left, a warning near the end, and who is suspended."""

    on: dt.date
    period: TermPeriod | None
    expires_on: dt.date | None
    days_left: int
    warning: bool
    expired: bool
    suspended: tuple[str, ...]


def term_status(state: AgreementState, on: dt.date, warn_days: int = 14) -> TermStatus:
    """The term on day ``on`` (terms are counted in days: a term ends on its expiry day).

    >>> from gobetween.monitoring.bsgi import BSGI_AGREEMENT
    >>> term_status(BSGI_AGREEMENT, dt.date(2022, 10, 30)).suspended
    ('Russian Federation',)
    """
    periods = term_periods(state)
    period = next((p for p in periods if p.start.date() <= on < p.end.date()), None)
    expires = period.end.date() if period else (periods[-1].end.date() if periods else None)
    days_left = (expires - on).days if period is not None and expires is not None else 0
    suspended = tuple(
        party
        for party, start, end in suspensions(state)
        if start.date() <= on and (end is None or on < end.date())
    )
    return TermStatus(
        on=on,
        period=period,
        expires_on=expires,
        days_left=days_left,
        warning=period is not None and days_left <= warn_days,
        expired=period is None,
        suspended=suspended,
    )


def term_table(state: AgreementState) -> FigureTable:
    """One row per term: number, start, expiry, days, each signatory's consent, disputed."""
    rows = tuple(
        (
            p.number,
            p.start.date().isoformat(),
            p.end.date().isoformat(),
            p.days,
            "; ".join(f"{k}: {v}" for k, v in p.consents.items()) or p.basis,
            int(p.disputed),
        )
        for p in term_periods(state)
    )
    columns = ("term", "start", "expires", "days", "consents", "disputed")
    return FigureTable("term_clock", columns, rows)
