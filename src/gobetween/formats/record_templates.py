"""Templates of a record kind's file (CSV and XLSX), and the words its importer also reads.

A template's header row names every column of the kind as the reader's interface language
labels it (the kind's declared English labels, translated by the catalogs); the importer
reads those headers, and a choice written in any interface language, besides the declared
English ones (:func:`import_words`, passed to
:func:`gobetween.formats.records.read_entry_file`). The XLSX template has a second sheet that
says, in the same language, what each column takes; the importer reads the first sheet whose
header row names the kind's columns, so that sheet is never read as data. The CSV template is
the header row alone (a row of explanations would be read as data).

Why the translated headers are safe to read: a header is compared whole (loosely: case,
spacing) with a closed set of names per kind; a name that would stand for two fields (two
languages writing different labels alike, or a translation that is another field's English
name) is not read as either (and ``tests/formats/test_record_templates.py`` checks the
shipped kinds have none); values other than a closed vocabulary's are read as they are.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from gobetween import i18n
from gobetween.formats.jcc_write import defuse
from gobetween.monitoring.cells import normalise_header
from gobetween.monitoring.kinds import ImportWords, RecordKind

__all__ = ["TemplateColumn", "import_words", "template_csv", "template_xlsx"]


@dataclass(frozen=True, slots=True)
class TemplateColumn:
    """One column of a template: its ``header`` as the template writes it, whether it is
    ``required``, what a cell takes (``expected``) and a ``note`` (both in the reader's
    words)."""

    header: str
    required: bool
    expected: str = ""
    note: str = ""


@functools.cache
def import_words(kind: RecordKind) -> ImportWords:
    """The headers and choices of ``kind`` as each interface language writes them (what its
    templates write), for the importer; a written form that would stand for two fields (or
    two choices), or that is another field's declared name, is left out.

    >>> from gobetween.monitoring.kinds_builtin import EXCHANGES
    >>> words = import_words(EXCHANGES)
    >>> words.headers["звільнила сторона"], words.choices["category"]["цивільні"]
    ('released_by', 'civilians')
    """
    declared = {
        normalise_header(alias): f.name
        for f in kind.fields
        for alias in (f.name, f.label, *f.aliases)
    }
    headers: dict[str, set[str]] = {}
    choices: dict[str, dict[str, set[str]]] = {}
    for code in i18n.LOCALES:
        catalog = i18n.translations(code)
        for f in kind.fields:
            headers.setdefault(normalise_header(catalog.gettext(f.label)), set()).add(f.name)
            said = choices.setdefault(f.name, {})
            for choice in f.choices:
                said.setdefault(normalise_header(catalog.gettext(choice)), set()).add(choice)
    return ImportWords(
        headers={
            word: next(iter(names))
            for word, names in headers.items()
            if len(names) == 1 and declared.get(word, next(iter(names))) in names
        },
        choices={
            name: {
                word: next(iter(values))
                for word, values in said.items()
                if len(values) == 1
                and all(normalise_header(c) != word for c in kind.field(name).choices)
            }
            for name, said in choices.items()
            if said
        },
    )


def template_csv(columns: Sequence[TemplateColumn]) -> bytes:
    """A CSV template: the header row alone, UTF-8 with a byte-order mark (so that Excel
    reads its non-Latin headers as they are; the importer drops the mark).

    >>> template_csv([TemplateColumn("Дата", True), TemplateColumn("=x", False)])
    b"\\xef\\xbb\\xbf\\xd0\\x94\\xd0\\xb0\\xd1\\x82\\xd0\\xb0,'=x\\r\\n"
    """
    out = io.StringIO()
    csv.writer(out).writerow([defuse(c.header) for c in columns])
    return out.getvalue().encode("utf-8-sig")


#: What a sheet's name may not hold in Excel, and its longest length.
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_SHEET_LENGTH = 31


def _sheet_name(name: str, fallback: str) -> str:
    safe = _SHEET_UNSAFE.sub(" ", name).strip().strip("'")[:_SHEET_LENGTH].strip()
    return safe or fallback


def template_xlsx(
    title: str,
    columns: Sequence[TemplateColumn],
    notes_title: str,
    notes_header: Sequence[str],
    yes_no: tuple[str, str],
) -> bytes:
    """An XLSX template: a first sheet (``title``) with the header row, and a second
    (``notes_title``, its own ``notes_header`` row) with a row per column: its header, whether
    it is required (``yes_no``), what it takes and a note. Every cell is text (never run as a
    formula)."""
    from openpyxl import Workbook  # only a template's download pays for it

    book = Workbook()
    data = book.active
    assert data is not None  # a new workbook has its one sheet
    data.title = _sheet_name(title, "data")
    data.append([defuse(c.header) for c in columns])
    notes = book.create_sheet(_sheet_name(notes_title, "notes"))
    notes.append([defuse(h) for h in notes_header])
    for c in columns:
        required = yes_no[0] if c.required else yes_no[1]
        notes.append([defuse(text) for text in (c.header, required, c.expected, c.note)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
