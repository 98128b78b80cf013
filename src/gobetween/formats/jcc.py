"""The Joint Coordination Centre's voyage files: the published CSV and the JCC's own workbook.

Both list one row per cargo: the first row of a voyage has status ``Outbound``, further cargoes
of the same voyage follow as ``Outbound +`` with the same voyage number. The two layouts name
their columns differently (``#`` / ``Outbound Sequence``, ``Metric tons`` / ``Tonnage``,
``Departure date`` / ``Departure``, ``Inspection cleared`` / ``Inspection İstanbul``); the
workbook's ``Data_HXL`` sheet has a row of HXL hashtags under the header. Numbers may carry
thousands separators (``"18,137"``); dates come as ``14-Jun-2023``, ISO ``2023-06-14``,
``14/06/2023`` or as Excel date-times.

Excel date-times in the JCC workbook are local midnight stored as the previous day's 22:00 or
23:00, so a date-time is rounded to the nearest calendar day (checked against the CSV for all
633 voyages the two files share).

Layouts distributed by HDX are read too: a README sheet before the data, an HXL-tagged copy,
continuation rows that leave the voyage number empty (they take the row above's), and files that
date their rows by inspection instead of departure (no departure column: the departure is left
unknown, and a row without an inspection date is reported).

Every row that cannot be imported is reported with its row number (the header is row 1) and
what was expected; nothing is dropped silently. Rows are keyed by voyage number, IMO number and
cargo index, so :func:`gobetween.monitoring.voyages.merge` makes re-imports idempotent.

>>> header = "Status,#,Vessel name,IMO,Departure port,Country,Commodity,Metric tons,Departure date"
>>> result = read_csv_text(header + '''
... Outbound,981,SSI AVENGER,9284544,Chornomorsk,Spain,Corn,"18,137",14-Jun-2023
... Outbound +,981,SSI AVENGER,9284544,Chornomorsk,France,Soya beans,"28,963",14-Jun-2023
... Outbound +,982,NOBODY,9000000,Odesa,Chad,Corn,"1,000",15-Jun-2023
... ''')
>>> [str(s.key) for s in result.shipments]
['#981/IMO 9284544/0', '#981/IMO 9284544/1']
>>> result.problems[0].row, result.problems[0].message
(4, "continuation row of voyage #982 without its 'Outbound' row")
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from gobetween.errors import N_, Count, DataImportError, FileFormatError, InputError, Sentence
from gobetween.formats.jcc_write import FORMULA_STARTS, write_shipments_csv, write_table_csv
from gobetween.formats.reading import unreadable
from gobetween.formats.xlsx_limits import UNREADABLE_WORKBOOK, open_workbook, unreadable_sheet
from gobetween.monitoring.cells import (
    cell_text,
    is_blank,
    normalise_header,
    parse_date,
    parse_flag,
    parse_integer,
    parse_number,
    parse_optional_date,
)
from gobetween.monitoring.limits import (
    DEFAULT_LIMITS,
    DataRows,
    ImportLimits,
    ProblemLog,
    find_header,
)
from gobetween.monitoring.voyages import ImportProblem, ImportResult, Shipment

__all__ = [
    "CSV_COLUMNS",
    "REQUIRED_FIELDS",
    "Note",
    "csv_rows",
    "csv_text",
    "read_csv",
    "read_csv_text",
    "read_jcc",
    "read_rows",
    "read_xlsx",
    "write_shipments_csv",
    "write_table_csv",
]

#: Field of :class:`Shipment` (or ``status``) -> the header names that mean it, normalised.
_ALIASES: dict[str, tuple[str, ...]] = {
    "status": ("status",),
    "voyage": ("#", "outbound sequence", "voyage", "voyage number"),
    "vessel_name": ("vessel name", "vessel"),
    "imo": ("imo", "imo number"),
    "departure_port": ("departure port", "port"),
    "country": ("country", "destination", "destination country"),
    "commodity": ("commodity",),
    "tonnes": ("metric tons", "tonnage", "tonnes", "metric tonnes"),
    "departure_date": ("departure date", "departure"),
    "inspection_date": (
        "inspection cleared",
        "inspection istanbul",
        "inspection date",
        "date of inspection",
        "inspection",
    ),
    "income_group": ("income group",),
    "flag": ("flag",),
    "world_bank_region": ("world bank region",),
    "un_region": ("un region",),
    "development_category": ("development category",),
    "wfp": ("wfp",),
}
_REQUIRED = (
    "status",
    "voyage",
    "vessel_name",
    "imo",
    "departure_port",
    "country",
    "commodity",
    "tonnes",
    "departure_date",
)
#: The fields every JCC file must have (``departure_date`` may give way to an inspection date).
REQUIRED_FIELDS: frozenset[str] = frozenset(_REQUIRED)
#: The published CSV's header, in order: what :func:`write_shipments_csv` writes.
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("status", "Status"),
    ("voyage", "#"),
    ("vessel_name", "Vessel name"),
    ("imo", "IMO"),
    ("departure_port", "Departure port"),
    ("country", "Country"),
    ("commodity", "Commodity"),
    ("tonnes", "Metric tons"),
    ("departure_date", "Departure date"),
    ("inspection_date", "Inspection cleared"),
    ("income_group", "Income group"),
    ("flag", "Flag"),
    ("world_bank_region", "World Bank region"),
    ("un_region", "UN region"),
    ("development_category", "Development category"),
    ("wfp", "WFP"),
)
_STATUS = {
    "outbound": False,
    "outbound +": True,
    "outbound+": True,
    "Outbound": False,
    "Outbound +": True,
}
_VOYAGE_FIELDS = ("vessel_name", "departure_port", "departure_date", "inspection_date", "wfp")
_MAX_BYTES = 200_000_000


_LOOKUP = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}


_PARSERS: dict[str, Any] = {
    "voyage": parse_integer,
    "imo": parse_integer,
    "tonnes": parse_number,
    "departure_date": parse_date,
    "inspection_date": parse_optional_date,
    "wfp": parse_flag,
}


@dataclass(frozen=True)
class _Layout:
    columns: dict[str, int]
    names: dict[str, str]
    ignored: tuple[str, ...]

    @property
    def status(self) -> int:
        return self.columns["status"]

    @functools.cached_property
    def fields(self) -> tuple[tuple[str, int, str, Any, bool], ...]:
        """(field, column index, header, parser, required) for every field but the status."""
        return tuple(
            (name, index, self.names[name], _PARSERS.get(name, cell_text), name in _REQUIRED)
            for name, index in self.columns.items()
            if name != "status"
        )


def _layout(header: Sequence[object], source: str) -> _Layout | None:
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    for i, cell in enumerate(header):
        name = _LOOKUP.get(normalise_header(cell))
        if name is None or name in columns:
            if cell_text(cell):
                ignored.append(cell_text(cell))
            continue
        columns[name] = i
        names[name] = cell_text(cell)
    dated = set(columns) | ({"departure_date"} if "inspection_date" in columns else set())
    if not set(_REQUIRED) <= dated:
        return None
    return _Layout(columns, names, tuple(ignored))


@dataclass(slots=True)
class _Row:
    number: int
    continuation: bool
    values: dict[str, Any]


def _parse_row(
    layout: _Layout, number: int, row: Sequence[object], above: _Row | None = None
) -> _Row | ImportProblem:
    """One row's values; a continuation row without a voyage number takes the row above's."""
    width = len(row)
    status_cell = row[layout.status] if layout.status < width else None
    continuation = _STATUS.get(status_cell) if type(status_cell) is str else None
    if continuation is None:
        continuation = _STATUS.get(normalise_header(status_cell))
        if continuation is None:
            return ImportProblem.said(
                number,
                layout.names["status"],
                Sentence(N_("unknown status %(status)r"), {"status": cell_text(status_cell)}),
                Sentence(N_("'Outbound' or 'Outbound +'")),
            )
    values: dict[str, Any] = {}
    for name, index, column, parser, required in layout.fields:
        cell = row[index] if index < width else None
        if name == "voyage" and continuation and above is not None and is_blank([cell]):
            values[name] = above.values["voyage"]  # HDX: "Outbound +" rows with no number
            continue
        try:
            value = parser(cell)
        except DataImportError as bad:
            return ImportProblem.refused(number, column, bad)
        if required and value == "":
            return ImportProblem.said(
                number,
                column,
                Sentence(N_("empty")),
                Sentence(N_("a %(column)s"), {"column": column}),
            )
        values[name] = value
    if "departure_date" not in layout.columns:  # an HDX layout dated by inspection
        values["departure_date"] = None
    return _Row(number, continuation, values)


class Note(str):
    """A note on an import (``ImportResult.notes``): its English text, as a ``str``, that keeps
    its :class:`~gobetween.errors.Sentence` so that a reader is told it in their language
    (``gobetween voyages import``: ``cli.language.sentence(note.sentence)``).

    >>> note = Note(Sentence(N_("row %(row)s: HXL hashtag row skipped"), {"row": 2}))
    >>> note, note.sentence.params
    ('row 2: HXL hashtag row skipped', {'row': 2})
    """

    sentence: Sentence

    def __new__(cls, said: Sentence) -> Note:
        """The note saying ``said``."""
        note = super().__new__(cls, str(said))
        note.sentence = said
        return note


def read_rows(
    rows: Iterable[Sequence[object]],
    source: str,
    *,
    format: str = "csv",
    sheet: str | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """Import JCC rows (the header first) from any reader; the core of every ``read_*``.

    Reading stops at the first data row over ``limits.max_rows``; only the first
    ``limits.max_problems`` problems (by row) are listed, the rest counted.

    Raises
    ------
    FileFormatError
        When no header row with the required columns is found.
    DataImportError
        When the file has more data rows than ``limits.max_rows``.

    >>> header = ["Status", "Outbound Sequence", "Vessel name", "IMO", "Departure port",
    ...           "Country", "Commodity", "Tonnage", "Departure"]
    >>> import datetime as dt
    >>> rows = [header, ["Outbound", 1.0, "RAZONI", 9086526.0, "Odesa", "Türkiye", "Corn",
    ...                  1527.0, dt.datetime(2022, 7, 31, 23, 0)]]
    >>> read_rows(rows, "book.xlsx").shipments[0].departure_date
    datetime.date(2022, 8, 1)
    """
    iterator = iter(rows)
    layout, number = _find_header(iterator, source)
    problems: list[ImportProblem] = []
    notes: list[Note] = []
    if layout.ignored:
        ignored = {"columns": ", ".join(layout.ignored)}
        notes.append(Note(Sentence(N_("ignored columns: %(columns)s"), ignored)))
    if "departure_date" not in layout.columns:
        by_inspection = N_(
            "the file dates its rows by inspection, not departure: the departure figures "
            "leave these rows out, and a row not yet inspected cannot be imported"
        )
        notes.append(Note(Sentence(by_inspection)))
    parsed: list[_Row] = []
    data = DataRows(iterator, number, source, limits)
    for number, row in data:
        above = parsed[-1] if parsed and parsed[-1].number == number - 1 else None
        outcome = _parse_row(layout, number, row, above)
        if isinstance(outcome, ImportProblem):
            problems.append(outcome)
        else:
            parsed.append(outcome)
    hxl = N_("row %(row)s: HXL hashtag row skipped")
    notes.extend(Note(Sentence(hxl, {"row": row})) for row in data.hxl)
    shipments, duplicates = _assemble(parsed, problems, layout.names)
    log = ProblemLog(limits.max_problems)
    log.extend(problems)
    return ImportResult(
        source=source,
        shipments=tuple(shipments),
        problems=log.kept(),
        duplicates=duplicates,
        blank_rows=data.blank,
        format=format,
        sheet=sheet,
        notes=tuple(notes),
        problems_not_shown=log.not_shown,
        skipped_count=log.skipped_rows,
    )


def _find_header(iterator: Iterator[Sequence[object]], source: str) -> tuple[_Layout, int]:
    layout, number = find_header(iterator, lambda row: _layout(row, source), within=0)
    if layout is not None:
        return layout, number
    wanted = ", ".join(_ALIASES[name][0] for name in _REQUIRED)
    raise FileFormatError(
        N_("no JCC header row found"),
        source=source,
        location=f"row {number}" if number else None,
        expected=N_("a header with the columns %(wanted)s (or the workbook's names)"),
        params={"wanted": wanted},
    )


def _assemble(
    parsed: list[_Row], problems: list[ImportProblem], names: dict[str, str]
) -> tuple[list[Shipment], int]:
    """Group rows by voyage number, give each its cargo index and build the shipments."""
    groups: dict[int, list[_Row]] = {}
    for row in parsed:
        groups.setdefault(row.values["voyage"], []).append(row)
    shipments: list[Shipment] = []
    duplicates = 0
    for voyage, rows in groups.items():
        firsts = [r for r in rows if not r.continuation]
        if not firsts:
            problems.extend(
                ImportProblem.said(
                    r.number,
                    "Status",
                    Sentence(
                        N_("continuation row of voyage #%(voyage)s without its 'Outbound' row"),
                        {"voyage": voyage},
                    ),
                    Sentence(
                        N_("an 'Outbound' row for voyage #%(voyage)s in the same file"),
                        {"voyage": voyage},
                    ),
                )
                for r in rows
            )
            continue
        head = firsts[0]
        ordered = [head] + [r for r in rows if r is not head]
        seen: list[dict[str, Any]] = []
        for row in ordered:
            if row.values in seen:
                duplicates += 1
                continue
            if row is not head and not row.continuation:
                problems.append(
                    ImportProblem.said(
                        row.number,
                        "Status",
                        Sentence(
                            N_("a second, different 'Outbound' row for voyage #%(voyage)s"),
                            {"voyage": voyage},
                        ),
                        Sentence(
                            N_("one 'Outbound' row per voyage (the first is row %(first)s)"),
                            {"first": head.number},
                        ),
                    )
                )
                continue
            if row is not head and not seen:
                problems.append(
                    ImportProblem.said(
                        row.number,
                        None,
                        Sentence(
                            N_("voyage #%(voyage)s's first row (row %(first)s) was not imported"),
                            {"voyage": voyage, "first": head.number},
                        ),
                        Sentence(N_("a valid 'Outbound' row for the voyage")),
                    )
                )
                continue
            built = _shipment(row, head, len(seen), problems, names)
            if built is not None:
                seen.append(row.values)
                shipments.append(built)
    return shipments, duplicates


def _shipment(
    row: _Row,
    head: _Row,
    cargo_index: int,
    problems: list[ImportProblem],
    names: dict[str, str],
) -> Shipment | None:
    values = dict(row.values)
    if row is not head:
        if values["imo"] != head.values["imo"]:
            problems.append(
                ImportProblem.said(
                    row.number,
                    names["imo"],
                    Sentence(
                        N_("IMO %(imo)s differs from the voyage's first row (%(first)s)"),
                        {"imo": values["imo"], "first": head.number},
                    ),
                    Sentence(N_("IMO %(imo)s"), {"imo": head.values["imo"]}),
                )
            )
            return None
        for name in _VOYAGE_FIELDS:
            if name in values and values[name] != head.values[name]:
                problems.append(
                    ImportProblem.said(
                        row.number,
                        names[name],
                        Sentence(
                            N_(
                                "%(value)r differs from row %(first)s's %(kept)r; "
                                "the voyage keeps the first row's"
                            ),
                            {
                                "value": values[name],
                                "first": head.number,
                                "kept": head.values[name],
                            },
                        ),
                        Sentence(N_("the same value on every row of a voyage")),
                        skipped=False,
                    )
                )
    try:
        return Shipment(cargo_index=cargo_index, **values)
    except InputError as error:
        problems.append(ImportProblem.refused(row.number, None, error))
        return None


def csv_text(data: bytes, source: str) -> str:
    """The text of a CSV file's bytes: UTF-8, a leading byte-order mark dropped.

    >>> csv_text(b"\\xef\\xbb\\xbfa,b\\n", "x.csv")
    'a,b\\n'
    >>> csv_text(b"a,\\xff", "x.csv")
    Traceback (most recent call last):
    gobetween.errors.FileFormatError: x.csv, byte 2: not UTF-8 text (invalid start byte) ...
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileFormatError(
            N_("not UTF-8 text (%(reason)s)"),
            source=source,
            location=f"byte {error.start}",
            expected=N_("a UTF-8 CSV file"),
            params={"reason": error.reason},
        ) from None


def _undefused(cell: str) -> str:
    """A cell as written before :func:`~gobetween.formats.jcc_write.defuse` (``'=x`` -> ``=x``)."""
    defused = cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS)
    return cell[1:] if defused else cell


def csv_rows(text: str, source: str) -> Iterator[list[str]]:
    """The rows of CSV text; a malformed line raises :class:`FileFormatError` naming it.

    >>> list(csv_rows("a,b\\n1,2\\n", "x.csv"))
    [['a', 'b'], ['1', '2']]
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:  # the ' the writer puts before a formula-like cell comes off
            yield [_undefused(cell) for cell in row]
    except csv.Error as error:
        raise FileFormatError(
            N_("malformed CSV: %(error)s"),
            source=source,
            location=f"line {reader.line_num}",
            expected=N_("comma-separated values, quoted fields closed on the same row"),
            params={"error": error},
        ) from None


def read_csv_text(
    text: str, source: str = "<text>", limits: ImportLimits = DEFAULT_LIMITS
) -> ImportResult:
    """Import the published CSV layout from a string (see the module example)."""
    return read_rows(csv_rows(text, source), source, format="csv", limits=limits)


def read_csv(path: str | Path) -> ImportResult:
    """Import a JCC CSV file (UTF-8, with or without a byte-order mark).

    Raises
    ------
    FileFormatError
        When the file is not UTF-8 text, is too large or has no JCC header row.
    """
    path = Path(path)
    text = csv_text(_read_bytes(path), str(path))
    return read_rows(csv_rows(text, str(path)), str(path), format="csv")


def read_xlsx(
    path: str | Path | IO[bytes], sheet: str | None = None, limits: ImportLimits = DEFAULT_LIMITS
) -> ImportResult:
    """Import a JCC workbook: the named sheet, else the first with a JCC header row.

    ``path`` may be an open binary file (an upload read into memory).

    Raises
    ------
    FileFormatError
        When the file is not a readable workbook, or no sheet has a JCC header row.
    """
    if isinstance(path, str | Path):
        path = Path(path)
        _check_size(path)
        source = str(path)
    else:
        source = str(getattr(path, "name", "<workbook>"))
    book = open_workbook(path, limits, source)
    try:
        names = [sheet] if sheet is not None else list(book.sheetnames)
        if sheet is not None and sheet not in book.sheetnames:
            raise FileFormatError(
                N_("no sheet named %(sheet)r"),
                source=source,
                expected=N_("one of %(choices)s"),
                params={"sheet": sheet, "choices": ", ".join(book.sheetnames)},
            )
        for name in names:
            rows = book[name].iter_rows(values_only=True)
            try:
                return read_rows(
                    rows, f"{source} [{name}]", format="xlsx", sheet=name, limits=limits
                )
            except FileFormatError:
                if sheet is not None:
                    raise
            except InputError:
                raise
            except UNREADABLE_WORKBOOK as error:  # a damaged sheet inside a readable workbook
                raise unreadable_sheet(error, f"{source} [{name}]") from None
        raise FileFormatError(
            N_("no sheet has a JCC header row"),
            source=source,
            expected=N_("a sheet whose first row names the JCC columns (sheets: %(sheets)s)"),
            params={"sheets": ", ".join(book.sheetnames)},
        )
    finally:
        book.close()


def read_jcc(path: str | Path, sheet: str | None = None) -> ImportResult:
    """Import a JCC file, choosing the reader by its suffix (``.csv`` or ``.xlsx``)."""
    path = Path(path)
    suffix = path.suffix.casefold()
    if suffix == ".xlsx":
        return read_xlsx(path, sheet)
    if suffix == ".csv":
        return read_csv(path)
    raise FileFormatError(
        N_("unknown file type %(suffix)r"),
        source=str(path),
        expected=N_("a .csv or .xlsx file"),
        params={"suffix": path.suffix},
    )


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise unreadable(str(path), error) from None
    if size > _MAX_BYTES:
        raise FileFormatError(
            N_("file of %(size)s bytes is too large"),
            source=str(path),
            expected=N_("at most %(limit)s bytes"),
            params={"size": Count(size), "limit": Count(_MAX_BYTES)},
        )


def _read_bytes(path: Path) -> bytes:
    _check_size(path)
    try:
        return path.read_bytes()
    except OSError as error:
        raise unreadable(str(path), error) from None
