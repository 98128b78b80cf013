"""Figures of the joint record: throughput, queue, waiting times, tonnage by destination.

The voyages are turned once into column arrays (:class:`VoyageArrays`); every figure is then a
few vectorised NumPy operations over them, so the whole dashboard of 100,000 voyages takes a
fraction of a second. Each figure is a :class:`FigureTable` (named columns, rows of plain values)
that the CLI prints, :mod:`gobetween.formats.jcc` writes as CSV and the web pages turn into a
chart with :meth:`FigureTable.series`.

Waiting times are whole days from departure (or registration) to the Istanbul inspection,
grouped by the month of the start; medians and 90th percentiles use NumPy's default linear
interpolation, so a month with an even number of voyages can have a median ending in ``.5``.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from gobetween.monitoring.voyages import Shipment

__all__ = [
    "ChartSeries",
    "Dimension",
    "FigureTable",
    "Period",
    "VoyageArrays",
    "VoyageSummary",
    "counts_per_day",
    "dashboard",
    "monthly_waits",
    "queue_length",
    "queue_series",
    "summary",
    "throughput",
    "tonnage_by",
    "waiting_times",
]

Cell = str | int | float | None
_NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """Chart-ready data: x labels (ISO dates, months or categories) and y values.

    >>> ChartSeries("queue", ("2022-08-01",), (3.0,)).to_dict()
    {'name': 'queue', 'x': ['2022-08-01'], 'y': [3.0]}
    """

    name: str
    x: tuple[str, ...]
    y: tuple[float | None, ...]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary ``{"name", "x", "y"}``."""
        return {"name": self.name, "x": list(self.x), "y": list(self.y)}


@dataclass(frozen=True, slots=True)
class FigureTable:
    """One figure as a table: a name, column names and rows of plain values.

    >>> t = FigureTable("waits", ("month", "median_days"), (("2022-08", 2.0), ("2022-10", 15.0)))
    >>> t.column("median_days")
    (2.0, 15.0)
    >>> t.series("month", "median_days").y
    (2.0, 15.0)
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    #: What the figure's data can and cannot show, in words (shown wherever the figure is).
    caveat: str = ""

    def column(self, name: str) -> tuple[Cell, ...]:
        """The values of one column, top to bottom."""
        index = self._index(name)
        return tuple(row[index] for row in self.rows)

    def series(self, x: str, y: str) -> ChartSeries:
        """Column ``y`` against column ``x`` as a :class:`ChartSeries`."""
        xs = tuple("" if v is None else str(v) for v in self.column(x))
        ys = tuple(None if v is None else float(v) for v in self.column(y))
        return ChartSeries(f"{self.name}: {y}", xs, ys)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary ``{"name", "columns", "rows"}``."""
        return {
            "name": self.name,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "caveat": self.caveat,
        }

    def _index(self, name: str) -> int:
        try:
            return self.columns.index(name)
        except ValueError:
            raise KeyError(f"{self.name} has no column {name!r}: {self.columns}") from None


class Period(enum.StrEnum):
    """A calendar period to count by."""

    DAY = "day"
    MONTH = "month"


class Dimension(enum.StrEnum):
    """A property of a cargo row that tonnage can be broken down by."""

    COUNTRY = "country"
    INCOME_GROUP = "income_group"
    COMMODITY = "commodity"
    DEVELOPMENT_CATEGORY = "development_category"
    DEPARTURE_PORT = "departure_port"
    UN_REGION = "un_region"
    WORLD_BANK_REGION = "world_bank_region"
    FLAG = "flag"
    WFP = "wfp"


def _encode(values: list[str]) -> tuple[npt.NDArray[np.int32], tuple[str, ...]]:
    codes: dict[str, int] = {}
    out = np.fromiter((codes.setdefault(v, len(codes)) for v in values), np.int32, len(values))
    return out, tuple(codes)


@dataclass(frozen=True, slots=True, eq=False)
class VoyageArrays:
    """Column arrays of shipments and voyages, built once for every figure.

    Shipment arrays have one entry per cargo row (shape ``(n_shipments,)``); voyage arrays one
    per voyage (shape ``(n_voyages,)``), in voyage-number order. Categorical columns are integer
    codes into ``labels[dimension]``. Dates are ``datetime64[D]``; a missing inspection is NaT.

    >>> s = Shipment(voyage=1, imo=9000001, cargo_index=0, vessel_name="A",
    ...              departure_port="Odesa", country="Egypt", commodity="Wheat", tonnes=2.5,
    ...              departure_date=dt.date(2022, 8, 1))
    >>> a = VoyageArrays.from_shipments([s])
    >>> a.n_voyages, float(a.tonnes.sum()), str(a.departure[0])
    (1, 2.5, '2022-08-01')
    """

    tonnes: npt.NDArray[np.float64]
    voyage_of: npt.NDArray[np.int64]
    codes: Mapping[Dimension, npt.NDArray[np.int32]]
    labels: Mapping[Dimension, tuple[str, ...]]
    voyage_number: npt.NDArray[np.int64]
    departure: npt.NDArray[np.datetime64]
    inspection: npt.NDArray[np.datetime64]

    @property
    def n_shipments(self) -> int:
        """How many cargo rows."""
        return int(self.tonnes.shape[0])

    @property
    def n_voyages(self) -> int:
        """How many voyages."""
        return int(self.voyage_number.shape[0])

    @classmethod
    def from_shipments(cls, shipments: Iterable[Shipment]) -> VoyageArrays:
        """Build the arrays from cargo rows (in any order; one voyage per number and IMO)."""
        rows = sorted(shipments, key=_order)
        keys = [(s.voyage, s.imo) for s in rows]
        starts = [i for i, key in enumerate(keys) if i == 0 or key != keys[i - 1]]
        heads = [rows[i] for i in starts]
        voyage_of = np.zeros(len(rows), dtype=np.int64)
        if starts:
            voyage_of[np.asarray(starts[1:], dtype=np.int64)] = 1
            voyage_of = np.cumsum(voyage_of)
        encoded = {d: _encode(_labels(rows, d)) for d in Dimension}
        return cls(
            tonnes=np.fromiter((s.tonnes for s in rows), np.float64, len(rows)),
            voyage_of=voyage_of,
            codes={d: c for d, (c, _) in encoded.items()},
            labels={d: lab for d, (_, lab) in encoded.items()},
            voyage_number=np.asarray([s.voyage for s in heads], dtype=np.int64),
            departure=np.asarray([s.departure_date for s in heads], dtype="datetime64[D]"),
            inspection=np.asarray([s.inspection_date for s in heads], dtype="datetime64[D]"),
        )


def _order(shipment: Shipment) -> tuple[int, int, int]:
    return (shipment.voyage, shipment.imo, shipment.cargo_index)


_WFP_LABELS = {True: "WFP", False: "not WFP", None: "unknown"}


def _labels(rows: list[Shipment], dimension: Dimension) -> list[str]:
    if dimension is Dimension.WFP:
        return [_WFP_LABELS[s.wfp] for s in rows]
    return list(map(operator.attrgetter(dimension.value), rows))


@dataclass(frozen=True, slots=True)
class VoyageSummary:
    """The headline figures of an import.

    ``developing_share`` is the developing countries' share of the tonnage (0 to 1);
    ``shipments_by_port`` counts cargo rows per departure port, largest first.
    """

    voyages: int
    shipments: int
    tonnes: float
    developing_share: float
    wfp_tonnes: float
    shipments_by_port: tuple[tuple[str, int], ...]
    first_departure: str | None
    last_departure: str | None
    inspected_voyages: int

    def table(self) -> FigureTable:
        """The summary as a two-column table (figure, value)."""
        rows: list[tuple[Cell, ...]] = [
            ("voyages", self.voyages),
            ("shipments", self.shipments),
            ("tonnes", self.tonnes),
            ("developing_share", self.developing_share),
            ("wfp_tonnes", self.wfp_tonnes),
            ("inspected_voyages", self.inspected_voyages),
            ("first_departure", self.first_departure),
            ("last_departure", self.last_departure),
        ]
        rows += [(f"shipments_from:{port}", n) for port, n in self.shipments_by_port]
        return FigureTable("summary", ("figure", "value"), tuple(rows))


def summary(arrays: VoyageArrays) -> VoyageSummary:
    """Headline figures: voyages, tonnage, share to developing countries, WFP, ports.

    >>> s = Shipment(voyage=1, imo=9000001, cargo_index=0, vessel_name="A", departure_port="Odesa",
    ...              country="Kenya", commodity="Wheat", tonnes=30.0,
    ...              departure_date=dt.date(2022, 8, 1), development_category="developing",
    ...              wfp=True)
    >>> summary(VoyageArrays.from_shipments([s])).developing_share
    1.0
    """
    total = float(math.fsum(arrays.tonnes.tolist()))
    developing = _mask(arrays, Dimension.DEVELOPMENT_CATEGORY, "developing")
    wfp = _mask(arrays, Dimension.WFP, "WFP")
    ports = arrays.labels[Dimension.DEPARTURE_PORT]
    counts = np.bincount(arrays.codes[Dimension.DEPARTURE_PORT], minlength=len(ports))
    by_port = sorted(zip(ports, counts.tolist(), strict=True), key=lambda p: (-p[1], p[0]))
    departed = arrays.departure[~np.isnat(arrays.departure)]
    return VoyageSummary(
        voyages=arrays.n_voyages,
        shipments=arrays.n_shipments,
        tonnes=total,
        developing_share=float(arrays.tonnes[developing].sum()) / total if total else 0.0,
        wfp_tonnes=float(arrays.tonnes[wfp].sum()),
        shipments_by_port=tuple(by_port),
        first_departure=str(departed.min()) if departed.size else None,
        last_departure=str(departed.max()) if departed.size else None,
        inspected_voyages=int((~np.isnat(arrays.inspection)).sum()),
    )


def _mask(arrays: VoyageArrays, dimension: Dimension, label: str) -> npt.NDArray[np.bool_]:
    labels = arrays.labels[dimension]
    if label not in labels:
        return np.zeros(arrays.n_shipments, dtype=bool)
    return np.asarray(arrays.codes[dimension] == labels.index(label))


def counts_per_day(
    days: npt.NDArray[np.datetime64],
    start: np.datetime64,
    end: np.datetime64,
    weights: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]:
    """Count (or sum ``weights`` of) the dates falling on each day of ``[start, end]``.

    NaT dates and dates outside the range are ignored. Returns shape ``(end - start + 1,)``.

    >>> d = np.array(["2022-08-01", "2022-08-03", "NaT"], dtype="datetime64[D]")
    >>> counts_per_day(d, np.datetime64("2022-08-01"), np.datetime64("2022-08-03")).tolist()
    [1.0, 0.0, 1.0]
    """
    n = int((end - start).astype(np.int64)) + 1
    if n <= 0:
        return np.zeros(0)
    keep = ~np.isnat(days)
    offsets = (days[keep] - start).astype(np.int64)
    inside = (offsets >= 0) & (offsets < n)
    w = None if weights is None else weights[keep][inside]
    return np.bincount(offsets[inside], weights=w, minlength=n).astype(np.float64)


def _day_labels(start: np.datetime64, n: int, period: Period) -> list[str]:
    days = start + np.arange(n)
    if period is Period.MONTH:
        return [str(m) for m in np.unique(days.astype("datetime64[M]"))]
    return [str(d) for d in days]


def throughput(arrays: VoyageArrays, period: Period = Period.DAY) -> FigureTable:
    """Voyages departed, cargo rows, tonnes and outbound inspections per day or month.

    Every day (month) from the first departure to the last departure or inspection is listed,
    including those with nothing.
    """
    columns = ("period", "voyages_departed", "shipments", "tonnes", "inspections")
    if arrays.n_voyages == 0:
        return FigureTable(f"throughput_per_{period}", columns, ())
    start, end = _span(arrays)
    departed = counts_per_day(arrays.departure, start, end)
    ship_days = arrays.departure[arrays.voyage_of]
    shipments = counts_per_day(ship_days, start, end)
    tonnes = counts_per_day(ship_days, start, end, arrays.tonnes)
    inspected = counts_per_day(arrays.inspection, start, end)
    stacked = np.vstack([departed, shipments, tonnes, inspected])
    if period is Period.MONTH:
        months = (start + np.arange(stacked.shape[1])).astype("datetime64[M]")
        _, first = np.unique(months, return_index=True)
        stacked = np.add.reduceat(stacked, first, axis=1)
    labels = _day_labels(start, int((end - start).astype(np.int64)) + 1, period)
    rows = tuple(
        (label, int(v), int(s), float(t), int(i))
        for label, v, s, t, i in zip(labels, *stacked.tolist(), strict=True)
    )
    return FigureTable(f"throughput_per_{period}", columns, rows)


def _span(arrays: VoyageArrays) -> tuple[np.datetime64, np.datetime64]:
    """First and last known date (departure or inspection); rows dated by inspection only
    have no departure (NaT)."""
    known = np.concatenate([arrays.departure, arrays.inspection])
    known = known[~np.isnat(known)]
    return known.min(), known.max()


def queue_series(
    starts: npt.NDArray[np.datetime64],
    ends: npt.NDArray[np.datetime64],
    first: np.datetime64,
    last: np.datetime64,
) -> npt.NDArray[np.int64]:
    """How many items wait at the end of each day of ``[first, last]``.

    An item waits from its start day (inclusive) to its end day (exclusive); a NaT end means it
    still waits. Vectorised with a difference array and a cumulative sum.

    >>> s = np.array(["2022-08-01", "2022-08-02"], dtype="datetime64[D]")
    >>> e = np.array(["2022-08-03", "NaT"], dtype="datetime64[D]")
    >>> queue_series(s, e, np.datetime64("2022-08-01"), np.datetime64("2022-08-04")).tolist()
    [1, 2, 1, 1]
    """
    n = int((last - first).astype(np.int64)) + 1
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    diff = np.zeros(n + 1, dtype=np.int64)
    start_off = np.clip((starts - first).astype(np.int64), 0, n)
    open_end = np.isnat(ends)
    end_off = np.where(open_end, n, np.clip((ends - first).astype(np.int64), 0, n))
    valid = (end_off > start_off) & ~np.isnat(starts)  # no start known: never counted waiting
    np.add.at(diff, start_off[valid], 1)
    np.add.at(diff, end_off[valid], -1)
    return np.cumsum(diff[:n])


def queue_length(arrays: VoyageArrays, as_of: dt.date | None = None) -> FigureTable:
    """Voyages departed but not yet inspected at Istanbul, at the end of each day.

    ``as_of`` (default: the last date in the data) is when the record was read: voyages without
    an inspection date still wait then.
    """
    columns = ("date", "queue")
    if arrays.n_voyages == 0:
        return FigureTable("queue_length", columns, ())
    start, end = _span(arrays)
    last = end if as_of is None else np.datetime64(as_of, "D")
    queue = queue_series(arrays.departure, arrays.inspection, start, last)
    labels = _day_labels(start, queue.shape[0], Period.DAY)
    return FigureTable("queue_length", columns, tuple(zip(labels, queue.tolist(), strict=True)))


def monthly_waits(
    starts: npt.NDArray[np.datetime64], ends: npt.NDArray[np.datetime64], name: str = "waits"
) -> FigureTable:
    """Median, 90th percentile and mean days from start to end, by the start's month.

    Items without an end (NaT) are left out of the statistics and counted as ``waiting``.

    >>> s = np.array(["2022-08-01", "2022-08-02", "2022-08-03"], dtype="datetime64[D]")
    >>> e = np.array(["2022-08-03", "2022-08-04", "NaT"], dtype="datetime64[D]")
    >>> monthly_waits(s, e).rows
    (('2022-08', 2, 1, 2.0, 2.0, 2.0),)
    """
    columns = ("month", "inspected", "waiting", "median_days", "p90_days", "mean_days")
    known = ~np.isnat(starts)  # items without a start (dated by their end only) are left out
    starts, ends = starts[known], ends[known]
    if starts.size == 0:
        return FigureTable(name, columns, ())
    months = starts.astype("datetime64[M]")
    done = ~np.isnat(ends)
    waits = (ends - starts).astype("timedelta64[D]").astype(np.float64)
    order = np.lexsort((waits, months))
    months, done, waits = months[order], done[order], waits[order]
    labels, first = np.unique(months, return_index=True)
    bounds = [*first.tolist(), months.size]
    rows: list[tuple[Cell, ...]] = []
    for label, lo, hi in zip(labels, bounds[:-1], bounds[1:], strict=True):
        finished = waits[lo:hi][done[lo:hi]]
        stats: tuple[Cell, ...] = (None, None, None)
        if finished.size:
            median, p90 = np.percentile(finished, [50, 90]).tolist()
            stats = (float(median), float(p90), float(finished.mean()))
        rows.append((str(label), int(finished.size), int(hi - lo - finished.size), *stats))
    return FigureTable(name, columns, tuple(rows))


def waiting_times(arrays: VoyageArrays) -> FigureTable:
    """Days from departure to the Istanbul inspection, per departure month, one per voyage."""
    return monthly_waits(arrays.departure, arrays.inspection, "departure_to_inspection")


def tonnage_by(arrays: VoyageArrays, dimension: Dimension) -> FigureTable:
    """Tonnage, cargo rows and share of the total per value of ``dimension``, largest first."""
    labels = arrays.labels[dimension]
    codes = arrays.codes[dimension]
    tonnes = np.bincount(codes, weights=arrays.tonnes, minlength=len(labels))
    rows_n = np.bincount(codes, minlength=len(labels))
    total = float(tonnes.sum())
    order = np.lexsort((np.arange(len(labels)), -tonnes))
    rows = tuple(
        (
            labels[i] or "(blank)",
            int(rows_n[i]),
            float(tonnes[i]),
            float(tonnes[i]) / total if total else 0.0,
        )
        for i in order.tolist()
    )
    return FigureTable(
        f"tonnage_by_{dimension}", (dimension.value, "shipments", "tonnes", "share"), rows
    )


def dashboard(arrays: VoyageArrays, as_of: dt.date | None = None) -> dict[str, FigureTable]:
    """Every figure of the voyages dashboard, by table name.

    >>> s = Shipment(voyage=1, imo=9000001, cargo_index=0, vessel_name="A", departure_port="Odesa",
    ...              country="Kenya", commodity="Wheat", tonnes=30.0,
    ...              departure_date=dt.date(2022, 8, 1), inspection_date=dt.date(2022, 8, 3))
    >>> sorted(dashboard(VoyageArrays.from_shipments([s])))[:3]
    ['departure_to_inspection', 'queue_length', 'summary']
    """
    tables = [
        summary(arrays).table(),
        throughput(arrays, Period.DAY),
        throughput(arrays, Period.MONTH),
        queue_length(arrays, as_of),
        waiting_times(arrays),
        tonnage_by(arrays, Dimension.COUNTRY),
        tonnage_by(arrays, Dimension.INCOME_GROUP),
        tonnage_by(arrays, Dimension.COMMODITY),
        tonnage_by(arrays, Dimension.DEVELOPMENT_CATEGORY),
        tonnage_by(arrays, Dimension.DEPARTURE_PORT),
    ]
    return {t.name: replace(t, caveat=_caveat(t.name)) for t in tables}


#: What each voyage figure can and cannot show (the JCC's files list outbound voyages only).
VOYAGE_CAVEATS: dict[str, str] = {
    "summary": "Outbound voyages and cargo as the JCC's files list them; tonnage as declared "
    "at departure. Inbound voyages, and ships that waited but never sailed, are not in the files.",
    "throughput": "Counts outbound departures and outbound inspections only: the files carry "
    "no inbound inspections, so a day's count is not the inspection teams' whole workload.",
    "queue_length": "Ships that departed and were not yet inspected outbound at Istanbul; "
    "ships waiting for their inbound inspection are not in the files.",
    "departure_to_inspection": "Days from departure to the outbound inspection at Istanbul, "
    "by departure month; rows not yet inspected are left out until they are.",
    "tonnage_by": "Shares of declared tonnage by the files' own classification of the "
    "destination (first port of discharge, not final consumer).",
}


def _caveat(name: str) -> str:
    for prefix, text in VOYAGE_CAVEATS.items():
        if name.startswith(prefix):
            return text
    return ""
