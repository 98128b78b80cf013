"""Files of any declared record kind (exchanges, incidents, ...): CSV or XLSX, bounded.

The kind's declaration says which columns to find (by name, label or alias, compared loosely)
and how to check each cell (:func:`gobetween.monitoring.entry_files.read_entries`); this module only
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

from gobetween.errors import N_, Count, FileFormatError, InputError, Sentence
from gobetween.formats.jcc import csv_rows
from gobetween.formats.xlsx_limits import UNREADABLE_WORKBOOK, open_workbook, unreadable_sheet
from gobetween.monitoring.bounds import RecordBounds
from gobetween.monitoring.entry_files import EntryImport, header_names, read_entries
from gobetween.monitoring.kinds import ImportWords, RecordKind
from gobetween.monitoring.limits import DEFAULT_LIMITS, ImportLimits

__all__ = ["MAX_BYTES", "read_entry_file"]

#: The largest record file read, in bytes.
MAX_BYTES = 20_000_000


def _not_this_file(kind: RecordKind, name: str, what: str, expected: str) -> FileFormatError:
    """A file that is not what its name says, in plain words (never a library's): ``what`` it
    is not and the ``expected`` file (both marked :func:`N_`), with the English header."""
    return FileFormatError(
        what,
        source=name,
        expected=expected,
        params={"label": Sentence(kind.label), "wanted": header_names(kind)},
    )


def _xlsx(
    kind: RecordKind,
    name: str,
    data: bytes,
    limits: ImportLimits,
    bounds: RecordBounds | None,
    words: ImportWords | None,
) -> EntryImport:
    try:
        book = open_workbook(io.BytesIO(data), limits, name)
    except FileFormatError as error:
        if not any(isinstance(v, BaseException) for v in error.params.values()):
            raise  # a bound of the import, said in its own words
        raise _not_this_file(
            kind,
            name,
            N_(
                "the file cannot be read as an Excel workbook (.xlsx): it is another kind of file, "
                "or damaged"
            ),
            N_(
                "an .xlsx workbook of %(label)s with a header row naming the columns as the "
                "kind's template does, in English (%(wanted)s) or in an interface language"
            ),
        ) from None
    try:
        for sheet in book.sheetnames:
            try:
                rows = book[sheet].iter_rows(values_only=True)
                result = read_entries(kind, rows, f"{name} [{sheet}]", limits, bounds, words)
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
        params={
            "label": Sentence(kind.label),
            "labels": labels,
            "sheets": ", ".join(book.sheetnames),
        },
    )


def read_entry_file(
    kind: RecordKind,
    filename: str,
    data: bytes,
    limits: ImportLimits = DEFAULT_LIMITS,
    bounds: RecordBounds | None = None,
    words: ImportWords | None = None,
) -> EntryImport:
    """Read an uploaded CSV or XLSX file of ``kind``; no lock, no database. With ``bounds``
    (the agreement's parties and days), a row outside them is a problem of its row. With
    ``words`` (:func:`gobetween.formats.record_templates.import_words`), the headers and
    choices the kind's template writes in an interface language are read too.

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
        return _xlsx(kind, filename, data, limits, bounds, words)
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:  # a workbook or a picture renamed .csv, ...
            raise _not_this_file(
                kind,
                filename,
                N_(
                    "the file is not CSV text: it is not text in UTF-8 (a workbook, a picture or "
                    "text saved in another encoding)"
                ),
                N_(
                    "a CSV file of %(label)s saved as UTF-8 text, with a header row naming the "
                    "columns as the kind's template does, in English (%(wanted)s) or in an "
                    "interface language"
                ),
            ).located(location=f"byte {error.start}") from None
        return read_entries(kind, csv_rows(text, filename), filename, limits, bounds, words)
    raise FileFormatError(
        N_("unknown file type %(suffix)r"),
        source=filename,
        expected=N_("a .csv or .xlsx file"),
        params={"suffix": suffix},
    )
