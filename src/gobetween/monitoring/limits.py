"""Bounds on one import: how many rows a file may have and how many problems are listed.

An import is work one user can start, so it is bounded (DESIGN.md, "Storage and scale"): a file
with more data rows than :attr:`ImportLimits.max_rows` is refused as soon as the reader reaches
the first row too many (it does not read the rest), and at most
:attr:`ImportLimits.max_problems` problems are kept, the ones with the lowest row numbers; the
others are only counted. A file with 300,000 bad rows answers with the first problems and the
count of the rest, never with every one of them.

>>> log = ProblemLog(max_problems=2)
>>> for row in (9, 4, 7, 5):
...     log.add(ImportProblem(row, "IMO", "empty"))
>>> [p.row for p in log.kept()], log.total, log.not_shown, log.skipped_rows
([4, 5], 4, 2, 4)
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from gobetween.errors import N_, Count, DataImportError, InvalidModel
from gobetween.monitoring.cells import is_blank, is_hxl
from gobetween.monitoring.voyages import ImportProblem

__all__ = ["DEFAULT_LIMITS", "DataRows", "ImportLimits", "ProblemLog", "find_header"]


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """The most data rows one file may have and the most problems listed for it.

    >>> ImportLimits(max_rows=10).check_row(11, "f.csv")
    Traceback (most recent call last):
    ...
    gobetween.errors.DataImportError: f.csv, row 11: the file has more than 10 data rows...
    """

    max_rows: int = 50_000
    max_problems: int = 200

    def __post_init__(self) -> None:
        for name in ("max_rows", "max_problems"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InvalidModel(
                    N_("%(name)s %(value)r must be a whole number of at least 1"),
                    location=name,
                    expected=N_("an integer >= 1"),
                    params={"name": name, "value": value},
                )

    def check_row(self, data_rows: int, source: str, *, row: int | None = None) -> None:
        """Refuse the file once it has read more than :attr:`max_rows` data rows.

        ``data_rows`` counts the rows after the header (blank ones too: a sheet of a million
        empty rows costs as much to read as a full one); ``row`` is the spreadsheet row number.
        """
        if data_rows > self.max_rows:
            raise DataImportError(
                N_(
                    "the file has more than %(max_rows)s data rows; split it into smaller files "
                    "and import each"
                ),
                source=source,
                location=f"row {row if row is not None else data_rows}",
                expected=N_("at most %(max_rows)s rows (setting GOBETWEEN_IMPORT_MAX_ROWS)"),
                params={"max_rows": Count(self.max_rows)},
            )


#: The limits of the library functions when the caller names none (the service's defaults).
DEFAULT_LIMITS = ImportLimits()


@dataclass(slots=True)
class ProblemLog:
    """The problems of one import: the ``max_problems`` with the lowest rows, and counts.

    Memory stays bounded by ``max_problems`` whatever the file; ``skipped_rows`` counts the
    distinct rows left out (bounded by the row limit).
    """

    max_problems: int = DEFAULT_LIMITS.max_problems
    total: int = 0
    _heap: list[tuple[int, int, ImportProblem]] = field(default_factory=list)
    _skipped: set[int] = field(default_factory=set)
    _order: itertools.count[int] = field(default_factory=itertools.count)

    def add(self, problem: ImportProblem) -> None:
        """Record one problem (kept if among the lowest rows so far, else only counted)."""
        self.total += 1
        if problem.skipped:
            self._skipped.add(problem.row)
        entry = (-problem.row, -next(self._order), problem)
        if len(self._heap) < self.max_problems:
            heapq.heappush(self._heap, entry)
        elif entry > self._heap[0]:
            heapq.heapreplace(self._heap, entry)

    def extend(self, problems: list[ImportProblem]) -> None:
        """Record several problems."""
        for problem in problems:
            self.add(problem)

    def kept(self) -> tuple[ImportProblem, ...]:
        """The problems kept, by row (in the order found within a row)."""
        return tuple(p for _, _, p in sorted(self._heap, key=lambda e: (-e[0], -e[1])))

    @property
    def not_shown(self) -> int:
        """How many problems were counted but not kept."""
        return self.total - len(self._heap)

    @property
    def skipped_rows(self) -> int:
        """How many distinct rows were left out because of a problem."""
        return len(self._skipped)


@dataclass(slots=True)
class DataRows:
    """The data rows under a header row, numbered as in the file, bounded by ``limits``.

    Iterating yields ``(number, row)`` for every row with data; the first row past
    ``limits.max_rows`` raises :class:`~gobetween.errors.DataImportError` before it is read on.
    Blank rows are counted in :attr:`blank` and rows of HXL hashtags (an HDX copy has one under
    its header) listed by number in :attr:`hxl`; both are passed over.

    >>> rows = DataRows([["#vessel"], ["RAZONI"], [None], ["KUBROSLI"]], 1, "f.csv", ImportLimits())
    >>> list(rows), rows.blank, rows.hxl
    ([(3, ['RAZONI']), (5, ['KUBROSLI'])], 1, [2])
    """

    rows: Iterable[Sequence[object]]
    header_row: int
    source: str
    limits: ImportLimits
    blank: int = 0
    hxl: list[int] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[int, Sequence[object]]]:
        number = self.header_row
        for row in self.rows:
            number += 1
            self.limits.check_row(number - self.header_row, self.source, row=number)
            if is_blank(row):
                self.blank += 1
            elif is_hxl(row):
                self.hxl.append(number)
            else:
                yield number, row


Header = TypeVar("Header")


def find_header(
    rows: Iterator[Sequence[object]], read: Callable[[Sequence[object]], Header | None], within: int
) -> tuple[Header | None, int]:
    """The first row that ``read`` takes for a header, and its number (blank rows passed over).

    The search gives up at the first row that is not a header once ``within`` rows are read
    (``0``: the first row with data must be the header); then the header is ``None`` and the
    number is of the last row read (``0`` for no rows). ``rows`` is left at the first data row.

    >>> rows = iter([[None], ["README"], ["vessel", "imo"], ["RAZONI", 9086526]])
    >>> find_header(rows, lambda row: row if row[0] == "vessel" else None, within=20)
    (['vessel', 'imo'], 3)
    >>> next(rows)
    ['RAZONI', 9086526]
    """
    number = 0
    for row in rows:
        number += 1
        if is_blank(row):
            continue
        header = read(row)
        if header is not None:
            return header, number
        if number >= within:
            break
    return None, number
