"""Tournament results on disk, appended as they come, so that a rerun skips finished tasks.

Two formats, chosen by the output's name:

``results.csv``
    One CSV file, a header then one row per run, appended and flushed every batch (a run
    killed mid-write leaves at most a partial last line, which the next run ignores).
``results.parquet``
    A Parquet *dataset*: a folder of part files (``part-00000.parquet``, ...), one per batch,
    each written to a temporary name and renamed, so a part is either whole or absent. Pandas,
    Polars, DuckDB and ``pyarrow.parquet.read_table`` read the folder as one table. Needs
    ``pyarrow`` (``pip install 'gobetween[parquet]'``).

When a key (scenario, strategy, behaviour, seed) appears more than once (a failed task run
again), the last row counts.
"""

from __future__ import annotations

import csv
import importlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gobetween.batch.tasks import FIELDS
from gobetween.errors import N_, ConfigurationError, InputError

__all__ = ["ResultStore"]

Row = dict[str, Any]
Key = tuple[str, str, str, int]
_BOOL = {"True": True, "False": False, "true": True, "false": False, "": None}


def _pyarrow() -> Any:
    try:
        pa = importlib.import_module("pyarrow")  # an optional extra, without type stubs
        pq = importlib.import_module("pyarrow.parquet")
    except ImportError:  # not installed (the extra is optional)
        raise ConfigurationError(
            N_("Parquet output needs pyarrow: %(command)s (or write .csv)"),
            params={"command": "pip install 'gobetween[parquet]'"},
        ) from None
    return pa, pq


#: The columns that are not text, by type: a CSV file holds them as text (read back by
#: :func:`_typed`), a Parquet dataset as these types (:meth:`ResultStore._append_parquet`).
_TYPES: dict[str, type] = {
    "seed": int,
    "agreement": bool,
    "pareto_optimal": bool,
    "nash_distance": float,
    "rounds": int,
    "seconds": float,
}
#: Text columns read back from CSV as None when empty (the others keep their empty text).
_OPTIONAL_TEXT = ("utilities", "package")


def _typed(row: dict[str, str]) -> Row:
    """A CSV row with its numbers and flags read back."""
    out: Row = dict(row)
    for name, kind in _TYPES.items():
        text = row[name]
        if kind is bool:
            out[name] = _BOOL.get(text)
        elif name == "seed":  # part of the key: always written
            out[name] = int(text)
        else:
            out[name] = kind(text) if text not in ("", None) else None
    for name in _OPTIONAL_TEXT:
        out[name] = row[name] or None
    return out


class ResultStore:
    """Results of one tournament: read what is there, append more.

    Raises
    ------
    InputError
        The name ends neither in ``.csv`` nor ``.parquet``, or an existing CSV has other columns.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in (".csv", ".parquet"):
            raise InputError(
                N_("unknown results format %(suffix)r")
                if suffix
                else N_("the results file's name has no extension"),
                source=str(self.path),
                expected=N_("a name ending in .csv or .parquet"),
                params={"suffix": suffix},
            )
        self.parquet = suffix == ".parquet"
        self._parts = 0

    def rows(self) -> list[Row]:
        """Every row stored so far, last row per key."""
        latest: dict[Key, Row] = {}
        for row in self._read():
            latest[(row["scenario"], row["strategy"], row["behaviour"], int(row["seed"]))] = row
        return list(latest.values())

    def finished(self, *, retry_failed: bool = False) -> set[Key]:
        """Keys already played (with ``retry_failed``, only those that gave a result)."""
        return {
            (r["scenario"], r["strategy"], r["behaviour"], int(r["seed"]))
            for r in self.rows()
            if not retry_failed or r["status"] == "ok"
        }

    def _read(self) -> Iterable[Row]:
        if self.parquet:
            if not self.path.is_dir() or not any(self.path.glob("part-*.parquet")):
                return []
            _, pq = _pyarrow()
            table = pq.read_table(self.path)
            return [{name: row.get(name) for name in FIELDS} for row in table.to_pylist()]
        if not self.path.exists():
            return []
        with self.path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is not None and tuple(reader.fieldnames) != FIELDS:
                raise InputError(
                    N_("the results file has other columns than a tournament writes"),
                    source=str(self.path),
                    expected=N_("the columns %(columns)s"),
                    params={"columns": ", ".join(FIELDS)},
                )
            # a partial last line (a run killed mid-write) lacks fields: skipped
            return [_typed(row) for row in reader if None not in row.values()]

    def append(self, rows: list[Row]) -> None:
        """Add ``rows`` durably (flushed CSV lines, or one new Parquet part)."""
        if not rows:
            return
        if self.parquet:
            self._append_parquet(rows)
            return
        new = not self.path.exists() or self.path.stat().st_size == 0
        with self.path.open("a", newline="", encoding="utf-8") as handle:
            if not new:
                self._end_line(handle)
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            if new:
                writer.writeheader()
            writer.writerows(
                {k: ("" if v is None else v) for k, v in row.items() if k in FIELDS} for row in rows
            )
            handle.flush()

    def _end_line(self, handle: Any) -> None:
        """Start on a fresh line if the file ends in a partial line (a killed run)."""
        with self.path.open("rb") as raw:
            raw.seek(-1, os.SEEK_END)
            if raw.read(1) != b"\n":
                handle.write("\n")

    def _append_parquet(self, rows: list[Row]) -> None:
        pa, pq = _pyarrow()
        self.path.mkdir(parents=True, exist_ok=True)
        types = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
        schema = pa.schema([(name, types[_TYPES.get(name, str)]) for name in FIELDS])
        table = pa.Table.from_pylist([{k: row.get(k) for k in FIELDS} for row in rows], schema)
        while True:
            name = self.path / f"part-{self._parts:05d}.parquet"
            self._parts += 1
            if not name.exists():
                break
        temporary = name.with_suffix(".tmp")
        pq.write_table(table, temporary)
        os.replace(temporary, name)
