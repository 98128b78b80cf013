"""Reference frontiers found in Genius folders: rows of comma-separated utilities.

Some published Genius scenarios (the ANAC 2014 ones among them) ship, next to the domain and
the profiles, a file holding the scenario's Pareto frontier as plain numbers, one point per line
(``0.93,0.41``), often under a ``.xml`` name. It is not XML: gobetween recognises it, lists it
among the folder's ignored files and never reads it as a profile.
"""

from __future__ import annotations

import math
import re

__all__ = ["parse_reference_frontier"]

_SEPARATORS = re.compile(r"\s*[,;]\s*|\s+")


def _row(line: str) -> tuple[float, ...] | None:
    numbers: list[float] = []
    for token in _SEPARATORS.split(line.strip()):
        try:
            value = float(token)
        except ValueError:
            return None
        if not math.isfinite(value):
            return None
        numbers.append(value)
    return tuple(numbers)


def parse_reference_frontier(data: bytes) -> tuple[tuple[float, ...], ...] | None:
    """The rows of numbers in ``data``, or ``None`` when ``data`` is anything else.

    Numbers are separated by commas (semicolons and spaces are accepted too); empty lines are
    skipped. Text with any token that is not a finite number (XML, prose) gives ``None``.

    >>> parse_reference_frontier(b"0.9,0.2\\n0.5, 0.6\\n")
    ((0.9, 0.2), (0.5, 0.6))
    >>> parse_reference_frontier(b"<utility_space/>") is None
    True
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    rows: list[tuple[float, ...]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        row = _row(line)
        if row is None:
            return None
        rows.append(row)
    return tuple(rows) if rows else None
