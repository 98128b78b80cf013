"""What the entries of one agreement's joint record keep to: its parties and its days.

A record kind declares which of its fields name a party (``FieldSpec.party``) and which date is
the day something happened under the agreement (``FieldSpec.happened``); :class:`RecordBounds`
holds what one agreement allows for them. The service makes it from the agreement (its
signatory parties, its entry into force) and the clock (the core reads none), and every way an
entry comes in reads it through them: a file's rows
(:func:`gobetween.monitoring.entry_files.read_entries`), an incident reported on the page or through
the API (:meth:`gobetween.monitoring.kinds.RecordKind.entry`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gobetween.errors import N_, DataImportError
from gobetween.monitoring.cells import normalise_header

if TYPE_CHECKING:
    from gobetween.agreements.bundle import Bundle
    from gobetween.monitoring.kinds import FieldSpec

__all__ = ["AHEAD_OF_UTC", "RecordBounds"]

#: How far the latest clock on Earth (UTC+14, the Line Islands) runs ahead of UTC.
AHEAD_OF_UTC = dt.timedelta(hours=14)


@dataclass(frozen=True, slots=True)
class RecordBounds:
    """What the entries of one agreement's record must keep to: ``parties``, the names of its
    signatory parties (a ``party`` field names one of them), and the days from ``in_force``
    (its entry into force) to ``latest`` (today: the service passes the latest day anywhere on
    Earth) that a ``happened`` date lies in. The one place these rules are written: an import,
    an incident reported on the page or through the API all read their entries through them.

    >>> from gobetween.monitoring.kinds import FieldSpec, FieldType
    >>> bounds = RecordBounds(("Ukraine", "Russian Federation"), dt.date(2022, 9, 1),
    ...                       dt.date(2026, 12, 6))
    >>> exchange_to = FieldSpec("returned_to", "Returned to", party=True)
    >>> bounds.value(exchange_to, "ukraine")
    'Ukraine'
    >>> bounds.value(exchange_to, "Venus")
    Traceback (most recent call last):
    ...
    gobetween.errors.DataImportError: 'Venus' is not a party of the agreement (expected one of...
    >>> bounds.value(FieldSpec("date", "Date", FieldType.DATE, happened=True), "2026-12-15")
    Traceback (most recent call last):
    ...
    gobetween.errors.DataImportError: the date 2026-12-15 is in the future (expected a date on...
    """

    parties: tuple[str, ...]
    in_force: dt.date
    latest: dt.date

    @classmethod
    def on(cls, parties: Iterable[str], in_force: dt.date, now: dt.datetime) -> RecordBounds:
        """The bounds at the moment ``now`` (aware; the core reads no clock): ``latest`` is the
        latest day anywhere on Earth then (UTC+14: a party east of the server, or of the
        person checking a file, may already live tomorrow).

        >>> at = dt.datetime(2026, 12, 6, 11, tzinfo=dt.UTC)
        >>> RecordBounds.on(["Ukraine"], dt.date(2022, 9, 1), at).latest
        datetime.date(2026, 12, 7)
        """
        return cls(tuple(parties), in_force, (now.astimezone(dt.UTC) + AHEAD_OF_UTC).date())

    @classmethod
    def of_bundle(cls, bundle: Bundle, now: dt.datetime) -> RecordBounds:
        """The bounds of the agreement ``bundle`` holds (its signed file, as the agreement page
        offers it): its signatory parties (one instrument each) and its entry into force, at
        ``now``. The service and ``gobetween records check --agreement`` both make them so.
        """
        parties = (i.party for i in bundle.instruments)
        return cls.on(parties, bundle.terms.effective_date, now)

    def value(self, spec: FieldSpec, value: Any) -> Any:
        """``value`` (as :meth:`FieldSpec.parse` read it) within the bounds, a party named as
        the agreement names it; what else the field holds, as it is.

        Raises
        ------
        DataImportError
            Naming the value and what was expected: the parties, or the days allowed.
        """
        if value is None:
            return value
        if spec.party:
            for party in self.parties:
                if normalise_header(party) == normalise_header(value):
                    return party
            raise DataImportError(
                N_("%(party)r is not a party of the agreement"),
                expected=N_("one of %(choices)s"),
                params={"party": value, "choices": ", ".join(self.parties)},
            )
        if spec.happened:
            self.check_day(dt.date.fromisoformat(str(value)))
        return value

    def check_day(self, day: dt.date) -> None:
        """Refuse a day after :attr:`latest` or before :attr:`in_force`: something that
        happened under the agreement (an exchange, an alleged breach) happened while it was in
        force, and has happened already (a date outside is a typing slip, and would count in
        the monthly figures of 1900 or 2099).

        Raises
        ------
        DataImportError
            Naming the date and the days allowed.
        """
        if day > self.latest:
            raise DataImportError(
                N_("the date %(date)s is in the future"),
                expected=N_("a date on or before %(latest)s"),
                params={"date": day, "latest": self.latest},
            )
        if day < self.in_force:
            raise DataImportError(
                N_("the date %(date)s is before the agreement entered into force"),
                expected=N_("a date from %(in_force)s, when the agreement entered into force"),
                params={"date": day, "in_force": self.in_force},
            )
