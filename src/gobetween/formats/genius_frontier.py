"""Reference frontiers found in Genius folders: rows of comma-separated utilities.

Some published Genius scenarios (the ANAC 2014 ones among them) ship, next to the domain and
the profiles, a file holding the scenario's Pareto frontier as plain numbers, one point per line
(``0.93,0.41``), often under a ``.xml`` name. It is not XML: gobetween recognises it, lists it
among the folder's ignored files and never reads it as a profile.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

from gobetween.formats.reading import DEFAULT_MAX_BYTES, read_bytes

__all__ = ["parse_reference_frontier", "reference_frontiers"]

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


def reference_frontiers(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> dict[str, tuple[tuple[float, ...], ...]]:
    """The reference frontiers of the Genius folder at ``path`` (or of the folder holding the
    domain file ``path``), by file name: every file of the folder that holds rows of numbers.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "pareto.xml").write_text("1,0\\n0.5,0.5\\n")
    ...     _ = (Path(folder) / "A.xml").write_text("<utility_space/>")
    ...     reference_frontiers(folder)
    {'pareto.xml': ((1.0, 0.0), (0.5, 0.5))}
    """
    location = Path(path)
    folder = location if location.is_dir() else location.parent
    found: dict[str, tuple[tuple[float, ...], ...]] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or not entry.is_file() or entry.stat().st_size == 0:
            continue
        rows = parse_reference_frontier(read_bytes(entry, max_bytes=max_bytes))
        if rows is not None:
            found[entry.name] = rows
    return found
