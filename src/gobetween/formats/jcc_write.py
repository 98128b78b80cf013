"""Writing the joint record's tables: cargo rows in the JCC's published CSV layout (re-importable)
and figure tables as CSV. Split from :mod:`gobetween.formats.jcc`, which re-exports both."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from typing import IO

from gobetween.monitoring.figures import FigureTable
from gobetween.monitoring.voyages import Shipment

__all__ = ["FORMULA_STARTS", "defuse", "write_shipments_csv", "write_table_csv"]

#: What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """``text`` with a ``'`` before it when a spreadsheet would run it as a formula (or when it
    is such text after ``'``s of its own, so that reading gives it back exactly); the JCC reader
    (:func:`gobetween.formats.jcc.csv_rows`) takes that one ``'`` off again.

    >>> print(defuse('=HYPERLINK("http://x")'), defuse("Odesa"), defuse("-1"))
    '=HYPERLINK("http://x") Odesa '-1
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def _cell(shipment: Shipment, name: str) -> str:
    if name == "status":
        return "Outbound" if shipment.cargo_index == 0 else "Outbound +"
    value = getattr(shipment, name)
    if value is None:
        return "unknown" if name == "wfp" else ""
    if isinstance(value, bool):
        return "WFP" if value else ""
    if isinstance(value, dt.date):
        return f"{value.day}-{value:%b-%Y}"
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,}"
    return defuse(value) if isinstance(value, str) else str(value)


def write_shipments_csv(shipments: Iterable[Shipment], out: IO[str]) -> int:
    """Write shipments in the published CSV layout (re-importable); returns the row count.

    >>> from gobetween.formats.jcc import read_csv_text
    >>> import io
    >>> buffer = io.StringIO()
    >>> result = read_csv_text("Status,#,Vessel name,IMO,Departure port,Country,Commodity,"
    ...     "Metric tons,Departure date\\n"
    ...     "Outbound,5,X,9000005,Odesa,Kenya,Wheat,\\"1,000\\",1-Aug-2022\\n")
    >>> write_shipments_csv(result.shipments, buffer)
    1
    >>> read_csv_text(buffer.getvalue()).shipments == result.shipments
    True
    """
    from gobetween.formats.jcc import CSV_COLUMNS  # the reader's layout (it imports this module)

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([title for _, title in CSV_COLUMNS])
    count = 0
    for shipment in shipments:
        writer.writerow([_cell(shipment, name) for name, _ in CSV_COLUMNS])
        count += 1
    return count


def write_table_csv(table: FigureTable, out: IO[str]) -> int:
    """Write one figure table as CSV (header = its columns); returns the row count.

    >>> import io
    >>> buffer = io.StringIO()
    >>> write_table_csv(FigureTable("t", ("month", "voyages"), (("2022-08", 63),)), buffer)
    1
    >>> buffer.getvalue()
    'month,voyages\\n2022-08,63\\n'

    A table with a caveat (what its data can and cannot show) carries it in a last column,
    ``caveat``, on every row, so the figure never travels without it. Text a spreadsheet would
    run as a formula gets a ``'`` before it (:func:`defuse`), here and in the cargo rows.
    """
    writer = csv.writer(out, lineterminator="\n")
    extra = ["caveat"] if table.caveat else []
    writer.writerow([*table.columns, *extra])
    for row in table.rows:
        cells = ["" if v is None else defuse(v) if isinstance(v, str) else v for v in row]
        writer.writerow(cells + ([table.caveat] if extra else []))
    return len(table.rows)
