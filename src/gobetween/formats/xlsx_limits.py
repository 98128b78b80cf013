"""A workbook's size, measured before a spreadsheet library parses it.

openpyxl reads about 5,000 rows a second; a workbook of 300,000 rows compresses to under 1 MB
(issue 9). :func:`check_workbook` streams each worksheet's XML out of the zip file and counts
its ``<row`` elements, refusing the workbook as soon as one sheet has more rows than the import
allows or the sheets expand beyond a bound (a zip bomb), so a file that would be refused after
minutes of parsing is refused in a fraction of a second.

>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w") as book:
...     book.writestr("xl/worksheets/sheet1.xml", "<sheetData>" + "<row r='1'/>" * 5)
>>> check_workbook(buffer, ImportLimits(max_rows=3), "book.xlsx")
Traceback (most recent call last):
...
gobetween.errors.DataImportError: book.xlsx [xl/worksheets/sheet1.xml], row 5: the file has ...
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import IO, Any

from gobetween.errors import N_, Count, FileFormatError
from gobetween.monitoring.limits import ImportLimits

__all__ = ["UNREADABLE_WORKBOOK", "check_workbook", "open_workbook", "unreadable_sheet"]

_CHUNK = 1 << 20
#: How a row element starts, with or without a namespace prefix (``<x:row ...>``).
_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")
#: Expanded worksheet bytes allowed per permitted row (generous: a JCC row is ~300 bytes).
_BYTES_PER_ROW = 4_000
#: Expanded bytes allowed for all the other parts together (shared strings, styles, themes ...):
#: a base, and more per permitted row. openpyxl holds the shared strings in memory (about three
#: times their size): an 820 KB file whose strings expanded to 800 MB took 11.6 s and 2.5 GB.
_OTHER_BYTES_BASE = 16 << 20
_OTHER_BYTES_PER_ROW = 1_000


def _count_rows(book: zipfile.ZipFile, name: str, limits: ImportLimits, source: str) -> int:
    budget = max(limits.max_rows, 1_000) * _BYTES_PER_ROW
    rows = 0
    tail = b""
    expanded = 0
    with book.open(name) as part:
        while chunk := part.read(_CHUNK):
            expanded += len(chunk)
            if expanded > budget:
                raise FileFormatError(
                    N_("the sheet expands to more than %(budget)s bytes"),
                    source=f"{source} [{name}]",
                    expected=N_("a workbook of at most %(rows)s rows per sheet"),
                    params={"budget": Count(budget), "rows": Count(limits.max_rows)},
                )
            data = tail + chunk
            rows += sum(data.count(tag) for tag in _ROW_TAGS)
            # a tag split across two chunks is counted once: the 4 bytes kept cannot hold a
            # whole 5-byte tag, so nothing counted before is counted again
            tail = chunk[-4:]
            limits.check_row(rows - 1, f"{source} [{name}]", row=rows)
    return rows


#: What openpyxl and zipfile raise on a damaged or hostile workbook: every workbook reader
#: translates these at its edge into a :class:`~gobetween.errors.FileFormatError`.
UNREADABLE_WORKBOOK: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,  # xml.etree's ParseError
    NotImplementedError,  # an unsupported compression method or zip version
    RuntimeError,  # an encrypted member
)


def _refused(message: str, error: BaseException, source: str) -> FileFormatError:
    """A workbook that cannot be read: ``message`` (marked :func:`N_`) names ``error``."""
    return FileFormatError(
        message, source=source, expected=N_("an .xlsx workbook"), params={"error": error}
    )


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _check_other_parts(book: zipfile.ZipFile, limits: ImportLimits, source: str) -> None:
    """Refuse a workbook whose parts other than its sheets expand beyond their bound. Each
    part's declared size bounds what zipfile gives out of it (more fails its CRC check)."""
    budget = _OTHER_BYTES_BASE + max(limits.max_rows, 1_000) * _OTHER_BYTES_PER_ROW
    expanded = sum(info.file_size for info in book.infolist() if not _is_sheet(info.filename))
    if expanded > budget:
        raise FileFormatError(
            N_(
                "the parts of the workbook other than its sheets expand to more than "
                "%(budget)s bytes"
            ),
            source=source,
            expected=N_("a workbook of at most %(rows)s rows per sheet"),
            params={"budget": Count(budget), "rows": Count(limits.max_rows)},
        )


def check_workbook(file: str | Path | IO[bytes], limits: ImportLimits, source: str) -> None:
    """Refuse a workbook with a sheet of more rows than ``limits`` allow, before parsing it.

    A file that is not a zip archive is left to the workbook reader (which names the problem).

    Raises
    ------
    DataImportError
        When a worksheet has more than ``limits.max_rows`` rows after its first.
    FileFormatError
        When a worksheet expands beyond a bound proportional to the row limit.
    """
    try:
        book = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError):
        if hasattr(file, "seek"):
            file.seek(0)
        return  # the workbook reader names the problem
    try:
        _check_other_parts(book, limits, source)
        for info in book.infolist():
            if _is_sheet(info.filename):
                _count_rows(book, info.filename, limits, source)
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        zlib.error,
        NotImplementedError,  # an unsupported compression method
        RuntimeError,  # an encrypted member
    ) as error:
        raise _refused(N_("the workbook is damaged: %(error)s"), error, source) from None
    finally:
        book.close()
        if hasattr(file, "seek"):
            file.seek(0)


def open_workbook(file: str | Path | IO[bytes], limits: ImportLimits, source: str) -> Any:
    """The workbook, read-only with cell values, once :func:`check_workbook` has counted it.

    The caller closes it. openpyxl is imported here: only workbook imports pay for it.

    Raises
    ------
    FileFormatError
        When openpyxl cannot open the file (not a workbook, damaged, hostile).
    DataImportError
        When a worksheet has more rows than ``limits`` allow.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_workbook(file, limits, source)  # counts the rows before openpyxl parses any
    try:
        return openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, *UNREADABLE_WORKBOOK) as error:
        raise _refused(N_("cannot open the workbook: %(error)s"), error, source) from None


def unreadable_sheet(error: BaseException, source: str) -> FileFormatError:
    """The error for a damaged sheet inside a workbook that opened (one of UNREADABLE_WORKBOOK)."""
    return _refused(N_("cannot read the sheet: %(error)s"), error, source)
