"""Templates of the record kinds' files, and the importer reading them in every language.

A tester found that an exchanges file had to name its columns in English (a Ukrainian mediator's
"Дата, Місце, ..." was refused: "no header row of a Обміни file found") and that there was no
template to start from. Each kind now has a CSV and an XLSX template whose header row is in the
reader's language, and the importer reads those headers (and a closed vocabulary's values,
"цивільні") in every interface language, a name that could stand for two fields in none.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from gobetween import i18n
from gobetween.errors import FileFormatError
from gobetween.formats.record_templates import import_words
from gobetween.formats.records import read_entry_file
from gobetween.monitoring.cells import normalise_header
from gobetween.monitoring.kinds import REGISTRY, RecordKind
from gobetween.monitoring.kinds_builtin import EXCHANGES, INCIDENTS
from gobetween.service.record_templates import kind_template

#: A valid row of each kind, by field (a choice in English; each test says it in turn).
ROWS = {
    "exchanges": {
        "exchange": "EX-1",
        "date": "2022-09-21",
        "place": "Chernihiv region",
        "released_by": "Russian Federation",
        "returned_to": "Ukraine",
        "category": "civilians",
        "number": "7",
        "observer": "ICRC",
        "names_list": "",
    },
    "incidents": {
        "incident": "INC-1",
        "date": "2025-03-21",
        "place": "Kursk region",
        "facility": "gas metering station",
        "alleged_by": "Russian Federation",
        "accused": "Ukraine",
        "description": "a drone",
        "assessment": "pending",
        "summary": "",
    },
}
KINDS = [EXCHANGES, INCIDENTS]


def _row(kind: RecordKind, code: str) -> list[str]:
    """The kind's valid row, its choices as ``code`` writes them."""
    catalog = i18n.translations(code)
    values = ROWS[kind.name]
    return [
        catalog.gettext(values[f.name]) if f.choices and values[f.name] else values[f.name]
        for f in kind.fields
    ]


def _csv(row: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(row)
    return out.getvalue().encode()


@pytest.mark.parametrize("code", i18n.LOCALES)
@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_a_filled_csv_template_imports_in_every_language(kind: RecordKind, code: str) -> None:
    with i18n.use_locale(code):
        template, name = kind_template(kind.name, "csv")
    assert name == f"{kind.name}-template.csv"
    header = next(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    labels = [i18n.translations(code).gettext(f.label) for f in kind.fields]
    assert header == labels  # every column, as the reader's language labels it
    filled = template + _csv(_row(kind, code))
    result = read_entry_file(kind, name, filled, words=import_words(kind))
    assert [str(p) for p in result.problems] == []
    (entry,) = result.entries
    assert entry.values[kind.key[0]] == ROWS[kind.name][kind.key[0]]
    choice = next(f for f in kind.fields if f.choices)
    assert entry.values[choice.name] == ROWS[kind.name][choice.name]  # stored in English


def test_translated_headers_were_refused_and_are_read_only_with_the_words() -> None:
    with i18n.use_locale("uk"):
        template, name = kind_template("exchanges", "csv")
    filled = template + _csv(_row(EXCHANGES, "uk"))
    with pytest.raises(FileFormatError, match="no header row of a Exchanges file"):
        read_entry_file(EXCHANGES, name, filled)  # as the importer was
    assert len(read_entry_file(EXCHANGES, name, filled, words=import_words(EXCHANGES)).entries)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_no_written_name_could_stand_for_two_fields(kind: RecordKind) -> None:
    """Every language's label of every field is read as that field (none left out as
    ambiguous), and none is another field's declared name."""
    words = import_words(kind)
    for code in i18n.LOCALES:
        for f in kind.fields:
            said = normalise_header(i18n.translations(code).gettext(f.label))
            declared = {normalise_header(a) for a in (f.name, f.label, *f.aliases)}
            assert said in declared or words.headers.get(said) == f.name, (code, f.label)
            for choice in f.choices:
                word = normalise_header(i18n.translations(code).gettext(choice))
                assert word == normalise_header(choice) or (
                    words.choices[f.name].get(word) == choice
                ), (code, choice)


def test_the_xlsx_template_has_its_header_and_a_sheet_saying_what_each_column_takes() -> None:
    with i18n.use_locale("uk"):
        data, name = kind_template("exchanges", "xlsx")
        expected_date = i18n.gettext("a date like 2022-09-21 or 21-Sep-2022")
    assert name == "exchanges-template.xlsx"
    book = load_workbook(io.BytesIO(data))
    first, notes = book.worksheets
    header = [c.value for c in next(first.iter_rows())]
    assert header == [i18n.translations("uk").gettext(f.label) for f in EXCHANGES.fields]
    rows = [[c.value for c in row] for row in notes.iter_rows()]
    assert len(rows) == 1 + len(EXCHANGES.fields)
    date = next(r for r in rows if r[0] == header[1])
    assert date[2] == expected_date, date
    first.append(_row(EXCHANGES, "uk"))
    out = io.BytesIO()
    book.save(out)
    result = read_entry_file(EXCHANGES, name, out.getvalue(), words=import_words(EXCHANGES))
    assert [str(p) for p in result.problems] == []
    assert len(result.entries) == 1  # the notes sheet is never read as data


def test_the_voyages_template_keeps_the_jccs_english_headers() -> None:
    with i18n.use_locale("ar"):
        data, _name = kind_template("voyages", "csv")
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Status,#,Vessel name,IMO,"), header


def test_every_registered_kind_has_its_templates() -> None:
    for name in REGISTRY:
        for suffix in ("csv", "xlsx"):
            data, file_name = kind_template(name, suffix)
            assert data
            assert file_name.endswith(suffix)
