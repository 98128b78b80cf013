"""Voyages and their cargo rows, as the Joint Coordination Centre published them.

A *shipment* is one cargo row: one commodity to one destination on one voyage. A *voyage* is
one outbound trip of one vessel under the initiative and carries one or more shipments. Every
shipment has a stable natural key, ``(voyage number, vessel IMO, cargo index)``, so importing the
same file twice, or a later file that repeats earlier voyages, creates no duplicates
(:func:`merge`).

Nothing here reads files: the readers live in :mod:`gobetween.formats.jcc` and return an
:class:`ImportResult` built from these records.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace

from gobetween.errors import N_, DataImportError, InputError, InvalidModel, Sentence

__all__ = [
    "ImportProblem",
    "ImportResult",
    "MergeResult",
    "Shipment",
    "ShipmentKey",
    "Voyage",
    "group_voyages",
    "merge",
    "voyage_named",
]


@dataclass(frozen=True, slots=True, order=True)
class ShipmentKey:
    """The natural key of a cargo row: voyage number, vessel IMO number, cargo index.

    The cargo index is 0 for the voyage's first row (status ``Outbound``) and counts the
    continuation rows (``Outbound +``) in the order the file lists them.

    >>> str(ShipmentKey(981, 9284544, 1))
    '#981/IMO 9284544/1'
    """

    voyage: int
    imo: int
    cargo_index: int

    def __str__(self) -> str:
        return f"#{self.voyage}/IMO {self.imo}/{self.cargo_index}"


def voyage_named(number: int) -> Sentence:
    """A voyage by its number, as a sentence said in the reader's words (``voyage #981``; the
    number is the JCC's own).

    >>> str(voyage_named(981))
    'voyage #981'
    """
    return Sentence(N_("voyage #%(voyage)s"), {"voyage": number})


@dataclass(frozen=True, slots=True)
class Shipment:
    """One cargo row of a voyage.

    ``wfp`` is ``True`` for a vessel chartered by the World Food Programme, ``False`` when the
    file says it was not, and ``None`` when the file has no such column (the JCC's own
    spreadsheet). ``inspection_date`` is the outbound inspection at Istanbul, ``None`` while it
    has not happened (or was not published).

    >>> s = Shipment(voyage=1, imo=9086526, cargo_index=0, vessel_name="RAZONI",
    ...              departure_port="Odesa", country="Türkiye", commodity="Corn",
    ...              tonnes=1527.0, departure_date=dt.date(2022, 8, 1),
    ...              inspection_date=dt.date(2022, 8, 3))
    >>> str(s.key), s.waiting_days
    ('#1/IMO 9086526/0', 2)
    """

    voyage: int
    imo: int
    cargo_index: int
    vessel_name: str
    departure_port: str
    country: str
    commodity: str
    tonnes: float
    departure_date: dt.date | None
    inspection_date: dt.date | None = None
    income_group: str = ""
    flag: str = ""
    world_bank_region: str = ""
    un_region: str = ""
    development_category: str = ""
    wfp: bool | None = None

    def __post_init__(self) -> None:
        where = f"voyage #{self.voyage}"  # a place, said in the reader's words (place_said)
        if self.voyage < 1:
            raise InvalidModel(
                N_("voyage number %(voyage)s is not positive"),
                expected=N_("a voyage number >= 1"),
                params={"voyage": self.voyage},
            )
        if self.imo <= 0:
            raise InvalidModel(
                N_("IMO number %(imo)s is not positive"),
                location=where,
                expected=N_("an IMO number"),
                params={"imo": self.imo},
            )
        if self.cargo_index < 0:
            raise InvalidModel(
                N_("cargo index %(cargo_index)s is negative"),
                location=where,
                expected=">= 0",
                params={"cargo_index": self.cargo_index},
            )
        if not math.isfinite(self.tonnes) or self.tonnes < 0:
            raise InvalidModel(
                N_("tonnage %(tonnes)r is not a finite number >= 0"),
                location=where,
                expected=N_("metric tons >= 0"),
                params={"tonnes": self.tonnes},
            )
        if self.departure_date is None and self.inspection_date is None:
            raise InvalidModel(
                N_("%(where)s has neither a departure nor an inspection date"),
                location=where,
                expected=N_("a departure date, or an inspection date in files dated by inspection"),
                params={"where": voyage_named(self.voyage)},
            )
        if (
            self.inspection_date is not None
            and self.departure_date is not None
            and self.inspection_date < self.departure_date
        ):
            raise InvalidModel(
                N_("inspected on %(inspection_date)s before departing on %(departure_date)s"),
                location=where,
                expected=N_("an inspection date on or after the departure date"),
                params={
                    "inspection_date": self.inspection_date,
                    "departure_date": self.departure_date,
                },
            )

    @property
    def key(self) -> ShipmentKey:
        """The natural key that makes re-imports idempotent."""
        return ShipmentKey(self.voyage, self.imo, self.cargo_index)

    @property
    def waiting_days(self) -> int | None:
        """Days from departure to the Istanbul inspection, ``None`` when not inspected."""
        if self.inspection_date is None or self.departure_date is None:
            return None
        return (self.inspection_date - self.departure_date).days


@dataclass(frozen=True, slots=True)
class Voyage:
    """One outbound voyage: the vessel, its departure and inspection, and its cargo rows.

    The voyage's own fields are those of its first cargo row.

    >>> s = Shipment(voyage=7, imo=9000001, cargo_index=0, vessel_name="A", departure_port="Odesa",
    ...              country="Egypt", commodity="Wheat", tonnes=30000.0,
    ...              departure_date=dt.date(2022, 9, 1))
    >>> Voyage((s,)).tonnes
    30000.0
    """

    shipments: tuple[Shipment, ...]

    def __post_init__(self) -> None:
        if not self.shipments:
            raise InvalidModel(
                N_("a voyage needs at least one cargo row"), expected=N_("one or more")
            )
        first = self.shipments[0]
        for i, shipment in enumerate(self.shipments):
            if shipment.voyage != first.voyage or shipment.cargo_index != i:
                raise InvalidModel(
                    N_("cargo row %(i)s of voyage #%(voyage)s is %(key)s"),
                    location=f"voyage #{first.voyage}",
                    expected=N_("voyage #%(voyage)s with cargo index %(i)s"),
                    params={"i": i, "voyage": first.voyage, "key": shipment.key},
                )

    @property
    def number(self) -> int:
        """The JCC's voyage sequence number."""
        return self.shipments[0].voyage

    @property
    def first(self) -> Shipment:
        """The first cargo row, whose fields describe the voyage."""
        return self.shipments[0]

    @property
    def tonnes(self) -> float:
        """Total cargo of the voyage in metric tons."""
        return math.fsum(s.tonnes for s in self.shipments)


def group_voyages(shipments: Iterable[Shipment]) -> tuple[Voyage, ...]:
    """Group cargo rows into voyages, ordered by voyage number.

    >>> rows = [Shipment(voyage=2, imo=9000002, cargo_index=i, vessel_name="B",
    ...                  departure_port="Odesa", country=c, commodity="Corn", tonnes=1000.0,
    ...                  departure_date=dt.date(2022, 9, 1))
    ...         for i, c in enumerate(["Spain", "Italy"])]
    >>> [(v.number, len(v.shipments)) for v in group_voyages(rows)]
    [(2, 2)]
    """
    by_voyage: dict[tuple[int, int], list[Shipment]] = {}
    for shipment in shipments:
        by_voyage.setdefault((shipment.voyage, shipment.imo), []).append(shipment)
    return tuple(
        Voyage(tuple(sorted(rows, key=lambda s: s.cargo_index)))
        for _, rows in sorted(by_voyage.items())
    )


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A row of an imported file that was not imported as it stands, and why.

    ``row`` is the row number a spreadsheet shows (the header is row 1). ``skipped`` tells a
    row that was left out from one that was imported with a warning.

    >>> print(ImportProblem(12, "Metric tons", "not a number: n/a", "metric tons like 18,137"))
    row 12, Metric tons: not a number: n/a (expected metric tons like 18,137)
    """

    row: int
    column: str | None
    message: str
    expected: str | None = None
    skipped: bool = True
    #: The message and the expected value as marked templates with their values, when the
    #: core wrote them so (``message`` and ``expected`` are their English texts), for the
    #: service and the CLI to say them in the reader's language.
    sentence: Sentence | None = field(default=None, compare=False, repr=False)
    expected_sentence: Sentence | None = field(default=None, compare=False, repr=False)

    @classmethod
    def said(
        cls,
        row: int,
        column: str | None,
        message: Sentence,
        expected: Sentence | None = None,
        *,
        skipped: bool = True,
    ) -> ImportProblem:
        """A problem written as sentences (:class:`~gobetween.errors.Sentence`); its English
        text is what ``str`` of each sentence says.

        >>> bad = ImportProblem.said(3, "Status", Sentence(N_("unknown status %(status)r"),
        ...                          {"status": "Sideways"}))
        >>> bad.message, bad.sentence.template
        ("unknown status 'Sideways'", 'unknown status %(status)r')
        """
        return cls(
            row,
            column,
            str(message),
            str(expected) if expected is not None else None,
            skipped,
            message,
            expected,
        )

    @classmethod
    def refused(cls, row: int, column: str | None, error: InputError) -> ImportProblem:
        """A problem from a refusal the core raised (its template and values kept)."""
        expected = None
        if error.expected is not None:
            expected = Sentence(error.expected_template or error.expected, error.params)
        return cls(
            row,
            column,
            error.message,
            error.expected,
            True,
            Sentence(error.template, error.params),
            expected,
        )

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        text = f"{where}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        if not self.skipped:
            text += " [imported]"
        return text


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import produced: the records, the problems by row, and duplicate counts.

    ``duplicates`` counts rows that repeat a row already read from the same file (same key,
    same content); they are not in ``shipments``. ``blank_rows`` counts empty rows.
    ``problems`` are the first problems by row; ``problems_not_shown`` counts the rest (see
    :class:`~gobetween.monitoring.limits.ProblemLog`), ``skipped_count`` every skipped row.

    >>> ImportResult("x.csv", shipments=(), problems=(), duplicates=0, blank_rows=0).ok
    True
    """

    source: str
    shipments: tuple[Shipment, ...]
    problems: tuple[ImportProblem, ...]
    duplicates: int
    blank_rows: int
    format: str = "csv"
    sheet: str | None = None
    notes: tuple[str, ...] = ()
    problems_not_shown: int = 0
    skipped_count: int | None = None

    @property
    def ok(self) -> bool:
        """True when no row was skipped."""
        return self.skipped_rows == 0

    @property
    def skipped_rows(self) -> int:
        """How many rows were left out because of a problem (listed or not)."""
        if self.skipped_count is not None:
            return self.skipped_count
        return len({p.row for p in self.problems if p.skipped})

    @property
    def voyages(self) -> tuple[Voyage, ...]:
        """The imported shipments grouped into voyages."""
        return group_voyages(self.shipments)

    def check(self) -> ImportResult:
        """This result when no row was skipped, else :class:`DataImportError` for the first.

        >>> bad = ImportResult("f.csv", (), (ImportProblem(7, "IMO", "empty", "an IMO"),), 0, 0)
        >>> bad.check()
        Traceback (most recent call last):
        ...
        gobetween.errors.DataImportError: f.csv, row 7: 1 row cannot be imported; the first: ...
        """
        skipped = [p for p in self.problems if p.skipped]
        if not skipped:
            return self
        first = skipped[0]
        count = self.skipped_rows
        said: str | Sentence = first.message if first.sentence is None else first.sentence
        what: str | Sentence = said
        if first.column:
            what = Sentence(N_("%(field)s: %(problem)s"), {"field": first.column, "problem": said})
        expected = first.expected
        if first.expected_sentence is not None:
            expected = "%(expected)s"  # the problem's own expected value, said in turn
        elif expected:
            expected = expected.replace("%", "%%")
        raise DataImportError(
            N_("1 row cannot be imported; the first: %(what)s")
            if count == 1
            else N_("%(count)s rows cannot be imported; the first: %(what)s"),
            source=self.source,
            location=f"row {first.row}",
            expected=expected,
            params={"count": count, "what": what, "expected": first.expected_sentence},
        )


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The union of existing and new records, keyed by :class:`ShipmentKey`.

    ``new`` keys were not there before, ``duplicates`` were there with the same content and
    ``updated`` were there with different content. The newer record wins field by field, except
    where it does not know a value (``None`` or empty) that the older one has: the JCC revised
    its data (filling in inspection dates, renaming vessels) and its workbook has no WFP column.
    """

    shipments: tuple[Shipment, ...]
    new: int
    duplicates: int
    updated: tuple[ShipmentKey, ...] = field(default=())


def _key_tuple(key: ShipmentKey) -> tuple[int, int, int]:
    return (key.voyage, key.imo, key.cargo_index)


def merge(existing: Iterable[Shipment], new: Iterable[Shipment]) -> MergeResult:
    """Merge newly imported shipments into existing ones without duplicating any key.

    The result is ordered by key. Merging a file into itself adds nothing.

    >>> row = Shipment(voyage=3, imo=9000003, cargo_index=0, vessel_name="C",
    ...                departure_port="Odesa", country="Kenya", commodity="Wheat", tonnes=5.0,
    ...                departure_date=dt.date(2022, 9, 1))
    >>> result = merge([row], [row])
    >>> len(result.shipments), result.new, result.duplicates
    (1, 0, 1)
    """
    by_key: dict[ShipmentKey, Shipment] = {s.key: s for s in existing}
    new_count = duplicates = 0
    updated: list[ShipmentKey] = []
    for shipment in new:
        key = shipment.key
        old = by_key.get(key)
        if old is None:
            new_count += 1
            by_key[key] = shipment
            continue
        known = {
            f.name: getattr(shipment, f.name)
            for f in fields(Shipment)
            if getattr(shipment, f.name) not in (None, "")
        }
        combined = replace(old, **known)
        if combined == old:
            duplicates += 1
        else:
            updated.append(key)
            by_key[key] = combined
    return MergeResult(
        shipments=tuple(by_key[k] for k in sorted(by_key, key=_key_tuple)),
        new=new_count,
        duplicates=duplicates,
        updated=tuple(updated),
    )
