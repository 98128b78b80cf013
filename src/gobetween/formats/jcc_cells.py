"""Reading one cell of a JCC voyage file: the parsers live in :mod:`gobetween.monitoring.cells`.

Kept under this name for the readers of :mod:`gobetween.formats.jcc`; the record kinds of the
pure core use the same parsers.

>>> parse_number("18,137")
18137.0
"""

from __future__ import annotations

from gobetween.monitoring.cells import (
    cell_text,
    is_blank,
    is_hxl,
    normalise_header,
    parse_date,
    parse_flag,
    parse_integer,
    parse_number,
    parse_optional_date,
)

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
