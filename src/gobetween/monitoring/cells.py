"""Reading one cell of a record file (JCC voyages, exchanges...): text, numbers, dates, flags.

Pure (no I/O): the readers in :mod:`gobetween.formats` and the record kinds of
:mod:`gobetween.monitoring.kinds` share these.

Numbers may carry thousands separators (``"18,137"``, ``"1 067 392"``) or decimals
(``"8640.04"``); dates come as ``14-Jun-2023``, ``9-Jun-2023``, ISO ``2023-06-14``,
``14/06/2023``, ``14.06.2023``, ``14 June 2023``, as Excel date-times (rounded to the nearest
day: the JCC workbook stores local midnight as 22:00 or 23:00 of the day before) or as Excel
serial numbers. A cell that cannot be read raises :class:`~gobetween.errors.DataImportError`
(with what was expected), which the importer turns into a problem of its row.

>>> parse_number("18,137"), parse_date("9-Jun-2023"), parse_flag("WFP")
(18137.0, datetime.date(2023, 6, 9), True)
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence

from gobetween.errors import N_, DataImportError

__all__ = [
    "cell_text",
    "is_blank",
    "is_hxl",
    "normalise_header",
    "parse_date",
    "parse_flag",
    "parse_integer",
    "parse_number",
    "parse_optional_date",
]

_DATE_FORMATS = ("%d-%b-%Y", "%d-%b-%y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y")
_NUMBER = re.compile(r"^\d{1,3}([, ]\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")
_TRUE = {"wfp", "yes", "y", "true", "1"}
_FALSE = {"", "no", "n", "false", "0", "-"}


def normalise_header(header: object) -> str:
    """A header cell compared loosely: case, spacing, BOM and Turkish dotted I ignored."""
    text = "" if header is None else str(header)
    text = text.replace("\ufeff", "").replace("İ", "I").replace("ı", "i")
    return " ".join(text.casefold().split())


def cell_text(value: object) -> str:
    """A cell as text with its whitespace collapsed (whole floats without ``.0``)."""
    if type(value) is str:
        text = value.strip()
        if "  " in text or "\t" in text or "\n" in text or "\xa0" in text:
            text = " ".join(text.split())
        return text
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def is_hxl(row: Sequence[object]) -> bool:
    """A row of HXL hashtags (``#meta+vessel+name``): every non-empty cell starts with ``#``.

    >>> is_hxl([None, "#date+departure", "#country+name"]), is_hxl(["#", "x"])
    (True, False)
    """
    found = False
    for cell in row:
        text = cell_text(cell)
        if not text:
            continue
        if not text.startswith("#") or len(text) == 1:
            return False
        found = True
    return found


def is_blank(row: Sequence[object]) -> bool:
    """True when every cell of the row is empty."""
    return all(cell is None or (type(cell) is str and not cell.strip()) for cell in row)


@functools.lru_cache(maxsize=65536)
def _number_text(text: str) -> float:
    if not _NUMBER.match(text):
        raise DataImportError(
            N_("not a number: %(value)r"),
            expected=N_("a number like 18137, 18,137 or 8640.04"),
            params={"value": text},
        )
    return float(text.replace(",", "").replace(" ", ""))


def parse_number(value: object) -> float:
    """A number, with or without thousands separators."""
    if type(value) is str and value and not value[0].isspace() and not value[-1].isspace():
        return _number_text(value)
    if isinstance(value, bool):
        raise DataImportError(
            N_("not a number: %(value)r"), expected=N_("a number"), params={"value": value}
        )
    if isinstance(value, int | float):
        return float(value)
    text = cell_text(value)
    if not text:
        raise DataImportError(N_("empty"), expected=N_("a number"))
    return _number_text(text)


def parse_integer(value: object) -> int:
    """A whole number (``"981"``, ``981.0``)."""
    number = parse_number(value)
    if not number.is_integer():
        raise DataImportError(
            N_("not a whole number: %(value)r"),
            expected=N_("a whole number"),
            params={"value": value},
        )
    return int(number)


@functools.lru_cache(maxsize=65536)
def _date_text(text: str) -> dt.date:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DataImportError(
        N_("not a date: %(value)r"),
        expected=N_("a date like 14-Jun-2023, 2023-06-14 or 14/06/2023"),
        params={"value": text},
    )


def parse_date(value: object) -> dt.date:
    """A date from text, an Excel date-time (rounded to the nearest day) or serial number."""
    if isinstance(value, dt.datetime):
        return (value + dt.timedelta(hours=12)).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 20_000 <= value <= 80_000:
            raise DataImportError(
                N_("not a date: %(value)r"),
                expected=N_("an Excel date serial between 1954 and 2119"),
                params={"value": value},
            )
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value), hours=12)).date()
    return _date_text(cell_text(value))


def parse_optional_date(value: object) -> dt.date | None:
    """A date, or ``None`` for an empty cell or ``TBD``."""
    text = cell_text(value)
    if not text or text.upper() == "TBD":
        return None
    return parse_date(value)


def parse_flag(value: object) -> bool | None:
    """The WFP mark: ``WFP`` is true, empty is false, ``unknown`` is ``None``."""
    text = cell_text(value).casefold()
    if text == "unknown":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise DataImportError(
        N_("not a WFP mark: %(value)r"),
        expected=N_("'WFP', empty or 'unknown'"),
        params={"value": value},
    )
