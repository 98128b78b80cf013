"""Files of any declared record kind (exchanges, incidents, ...): CSV or XLSX, bounded.

The kind's declaration says which columns to find (by name, label or alias, compared loosely)
and how to check each cell (:func:`gobetween.monitoring.kinds.read_entries`); this module only
turns the file's bytes into rows. A workbook is searched sheet by sheet for the kind's header
(an HDX workbook has a README sheet first and an HXL-tagged copy of its data; the first sheet
with the header is read, its HXL row skipped). Rows and problems are bounded by
:class:`~gobetween.monitoring.limits.ImportLimits`, and a workbook's rows are counted before it
is parsed.

>>> from gobetween.monitoring.kinds_builtin import EXCHANGES
>>> data = ("Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by\\n"
...         "EX-1,2022-09-21,Chernihiv region,Russian Federation,Ukraine,civilians,2,ICRC\\n")
>>> read_entry_file(EXCHANGES, "returns.csv", data.encode()).entries[0].values["number"]
2
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import PurePath

from gobetween.errors import N_, Count, FileFormatError, InputError
from gobetween.formats.jcc import csv_rows, csv_text
from gobetween.formats.xlsx_limits import UNREADABLE_WORKBOOK, open_workbook, unreadable_sheet
from gobetween.monitoring.kinds import EntryImport, RecordKind, read_entries
from gobetween.monitoring.limits import DEFAULT_LIMITS, ImportLimits

__all__ = ["MAX_BYTES", "read_entry_file"]

#: The largest record file read, in bytes.
MAX_BYTES = 20_000_000


def _xlsx(kind: RecordKind, name: str, data: bytes, limits: ImportLimits) -> EntryImport:
    book = open_workbook(io.BytesIO(data), limits, name)
    try:
        for sheet in book.sheetnames:
            try:
                result = read_entries(
                    kind, book[sheet].iter_rows(values_only=True), f"{name} [{sheet}]", limits
                )
            except FileFormatError:
                continue  # not this sheet: a README, or another table
            except InputError:
                raise
            except UNREADABLE_WORKBOOK as error:
                raise unreadable_sheet(error, f"{name} [{sheet}]") from None
            return dataclasses.replace(result, source=f"{name} [{sheet}]")
    finally:
        book.close()
    labels = ", ".join(f.label for f in kind.fields if f.required)
    raise FileFormatError(
        N_("no sheet has the columns of a %(label)s file"),
        source=name,
        expected=N_("a sheet with a header naming %(labels)s (sheets: %(sheets)s)"),
        params={"label": kind.label, "labels": labels, "sheets": ", ".join(book.sheetnames)},
    )


def read_entry_file(
    kind: RecordKind, filename: str, data: bytes, limits: ImportLimits = DEFAULT_LIMITS
) -> EntryImport:
    """Read an uploaded CSV or XLSX file of ``kind``; no lock, no database.

    Raises
    ------
    FileFormatError
        A file too large, of an unknown type, not UTF-8, or without the kind's header.
    DataImportError
        More data rows than ``limits.max_rows``.
    """
    if len(data) > MAX_BYTES:
        raise FileFormatError(
            N_("the file of %(n_data)s bytes is too large"),
            source=filename,
            expected=N_("at most %(limit)s bytes"),
            params={"n_data": Count(len(data)), "limit": Count(MAX_BYTES)},
        )
    suffix = PurePath(filename).suffix.casefold()
    if suffix == ".xlsx":
        return _xlsx(kind, filename, data, limits)
    if suffix == ".csv":
        text = csv_text(data, filename)
        return read_entries(kind, csv_rows(text, filename), filename, limits)
    raise FileFormatError(
        N_("unknown file type %(suffix)r"),
        source=filename,
        expected=N_("a .csv or .xlsx file"),
        params={"suffix": suffix},
    )
