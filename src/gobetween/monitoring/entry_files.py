"""Files of record entries: rows (a header first) read as the entries of one record kind.

The kind (:mod:`gobetween.monitoring.kinds`) says what each column may hold; this module finds
the header row (in English or, with :class:`~gobetween.monitoring.kinds.ImportWords`, in an
interface language), reads each row through the kind, names every bad row by its number and
field, counts rows repeated, and merges entries with those already in a record by their keys.

>>> from gobetween.monitoring.kinds import FieldSpec, FieldType, RecordKind
>>> kind = RecordKind("counts", "Counts", "count", fields=(
...     FieldSpec("ref", "Reference"), FieldSpec("n", "Number", FieldType.INTEGER)), key=("ref",))
>>> [e.values["n"] for e in read_entries(kind, [["Number", "Reference"], ["4", "A"]]).entries]
[4]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gobetween.errors import N_, DataImportError, FileFormatError, Sentence
from gobetween.monitoring.bounds import RecordBounds
from gobetween.monitoring.cells import normalise_header
from gobetween.monitoring.kinds import Entry, FieldSpec, ImportWords, RecordKind
from gobetween.monitoring.limits import (
    DEFAULT_LIMITS,
    DataRows,
    ImportLimits,
    ProblemLog,
    find_header,
)
from gobetween.monitoring.voyages import ImportProblem

__all__ = [
    "HEADER_EXPECTED",
    "EntryImport",
    "header_names",
    "merge_entries",
    "read_entries",
]


@dataclass(frozen=True, slots=True)
class EntryImport:
    """What reading a file of one kind produced (problems bounded as for voyages)."""

    source: str
    kind: str
    entries: tuple[Entry, ...]
    problems: tuple[ImportProblem, ...]
    problems_not_shown: int
    skipped_rows: int
    duplicates: int
    blank_rows: int
    #: The bounds the rows were read within (``None``: read without them, offline).
    bounds: RecordBounds | None = None


def _columns(
    kind: RecordKind, header: Sequence[object], words: ImportWords | None = None
) -> dict[str, int] | None:
    names: dict[str, str] = {}
    for spec in kind.fields:
        for alias in (spec.name, spec.label, *spec.aliases):
            names.setdefault(normalise_header(alias), spec.name)
    for said, field_name in (words.headers if words else {}).items():
        names.setdefault(said, field_name)  # a declared name keeps its own field
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        found = names.get(normalise_header(cell))
        if found is not None and found not in columns:
            columns[found] = i
    required = {f.name for f in kind.fields if f.required}
    return columns if required <= set(columns) else None


def _find_header(
    kind: RecordKind,
    rows: Iterable[Sequence[object]],
    source: str,
    words: ImportWords | None = None,
) -> tuple[dict[str, int], int, Iterable[Sequence[object]]]:
    iterator = iter(rows)
    # a README sheet's lines come first in HDX workbooks: the header may be as far as row 20
    columns, number = find_header(iterator, lambda row: _columns(kind, row, words), within=20)
    if columns is not None:
        return columns, number, iterator
    raise FileFormatError(
        N_("no header row of a %(label)s file found"),
        source=source,
        location=f"row {number}" if number else None,
        expected=HEADER_EXPECTED,
        params={"label": Sentence(kind.label), "wanted": header_names(kind)},
    )


#: What a record file's header must be (``wanted``: :func:`header_names`).
HEADER_EXPECTED = N_(
    "a header row naming the columns as the kind's template does, in English (%(wanted)s) or "
    "in an interface language"
)


def header_names(kind: RecordKind) -> str:
    """The English column names a file of ``kind`` must have (its required fields' labels).

    >>> from gobetween.monitoring.kinds import kind_named
    >>> header_names(kind_named("exchanges"))[:22]
    'Exchange, Date, Place,'
    """
    return ", ".join(f.label for f in kind.fields if f.required)


def read_entries(
    kind: RecordKind,
    rows: Iterable[Sequence[object]],
    source: str = "<rows>",
    limits: ImportLimits = DEFAULT_LIMITS,
    bounds: RecordBounds | None = None,
    words: ImportWords | None = None,
) -> EntryImport:
    """Read rows (a header first) as entries of ``kind``; every bad row named by its number.

    Rows repeating an earlier key with the same values are counted as duplicates; with other
    values they are problems (the first row wins). With ``bounds`` (the agreement's), a row
    naming someone who is not a party, or dated outside the agreement's days, is a problem of
    its row at that column too. With ``words``, headers and choices may be written in them too
    (a template in the reader's language).
    """
    columns, header_row, iterator = _find_header(kind, rows, source, words)
    log = ProblemLog(limits.max_problems)
    entries: dict[tuple[str, ...], Entry] = {}
    first_row: dict[tuple[str, ...], int] = {}
    duplicates = 0
    data = DataRows(iterator, header_row, source, limits)
    for number, row in data:
        values = {}
        for name, index in columns.items():
            values[name] = row[index] if index < len(row) else None
        out, refused = kind.parse(values, bounds, words)
        for spec, error in refused:  # every problem of the row, each with its field
            log.add(_problem(number, spec, error))
        if refused:
            continue
        entry = kind.entry_of(out)
        old = entries.get(entry.key)
        if old is None:
            entries[entry.key] = entry
            first_row[entry.key] = number
        elif dict(old.values) == dict(entry.values):
            duplicates += 1
        else:
            log.add(
                ImportProblem.said(
                    number,
                    None,
                    Sentence(
                        N_("%(noun)s %(key)s differs from row %(first)s"),
                        {
                            "noun": Sentence(kind.noun),
                            "key": entry.key_text,
                            "first": first_row[entry.key],
                        },
                    ),
                    Sentence(N_("one row per key, or the same values")),
                )
            )
    return EntryImport(
        source,
        kind.name,
        tuple(entries.values()),
        log.kept(),
        log.not_shown,
        log.skipped_rows,
        duplicates,
        data.blank,
        bounds,
    )


def _problem(number: int, spec: FieldSpec, error: DataImportError) -> ImportProblem:
    """The problem of row ``number`` at ``spec``'s column: the cell's refusal, and what the
    field expects (its declared words, or the cell reader's own, as the refusal said)."""
    if error.expected is None or error.expected == spec.expected:
        expected: Sentence | None = spec.expected_sentence if error.expected else None
    else:
        expected = Sentence(error.expected_template or error.expected, error.params)
    return ImportProblem.said(number, spec.label, Sentence(error.template, error.params), expected)


def merge_entries(
    existing: Iterable[Entry], new: Iterable[Entry]
) -> tuple[dict[tuple[str, ...], Entry], int, int, list[tuple[str, ...]]]:
    """Existing and new entries by key, and the counts: new, unchanged, updated keys.

    >>> e = Entry("k", ("a",), {"n": 1})
    >>> merged, new, same, updated = merge_entries([e], [e, Entry("k", ("b",), {"n": 2})])
    >>> sorted(merged), new, same, updated
    ([('a',), ('b',)], 1, 1, [])
    """
    out = {e.key: e for e in existing}
    new_count = same = 0
    updated: list[tuple[str, ...]] = []
    for entry in new:
        old = out.get(entry.key)
        if old is None:
            new_count += 1
        elif dict(old.values) == dict(entry.values):
            same += 1
            continue
        else:
            updated.append(entry.key)
        out[entry.key] = entry
    return out, new_count, same, updated
