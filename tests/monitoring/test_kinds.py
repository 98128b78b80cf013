"""Record kinds as declarations: validation, natural keys, figures with caveats, a fourth kind."""

from __future__ import annotations

import datetime as dt

import pytest

from gobetween.errors import (
    DataImportError,
    FileFormatError,
    InputError,
    InvalidModel,
    problems_of,
)
from gobetween.monitoring.bounds import RecordBounds
from gobetween.monitoring.entry_files import merge_entries, read_entries
from gobetween.monitoring.figures import FigureTable
from gobetween.monitoring.kinds import (
    REGISTRY,
    FieldSpec,
    FieldType,
    FigureSpec,
    RecordKind,
    kind_named,
    register,
)
from gobetween.monitoring.kinds_builtin import EXCHANGES, INCIDENTS
from gobetween.monitoring.limits import ImportLimits
from gobetween.policy import EntryAccess, reads_field

HEADER = [
    "Exchange",
    "Date",
    "Place",
    "Released by",
    "Returned to",
    "Category",
    "Number",
    "Verified by",
    "Names list",
]
ROWS = [
    HEADER,
    [
        "EX-1",
        "21-Sep-2022",
        "Chernihiv region",
        "Russian Federation",
        "Ukraine",
        "prisoners of war",
        "215",
        "ICRC",
        "list UA-17",
    ],
    [
        "EX-1",
        "21-Sep-2022",
        "Chernihiv region",
        "Ukraine",
        "Russian Federation",
        "prisoners of war",
        "55",
        "ICRC",
        "list RU-4",
    ],
    [
        "EX-2",
        "2022-10-29",
        "Zaporizhzhia region",
        "Russian Federation",
        "Ukraine",
        "civilians",
        "2",
        "ICRC",
        "",
    ],
]


def test_exchanges_read_validated_with_row_numbers() -> None:
    bad = [
        *ROWS,
        ["EX-3", "31-Nov-2022", "x", "A", "B", "civilians", "2", "ICRC", ""],
        ["EX-3", "2022-11-30", "x", "A", "B", "hostages", "2", "ICRC", ""],
        ["EX-3", "2022-11-30", "x", "A", "B", "civilians", "2.5", "ICRC", ""],
        ["EX-3", "2022-11-30", "", "A", "B", "civilians", "2", "ICRC", ""],
    ]
    result = read_entries(EXCHANGES, bad, "returns.csv")
    assert len(result.entries) == 3
    problems = [(p.row, p.column) for p in result.problems]
    assert problems == [(5, "Date"), (6, "Category"), (7, "Number"), (8, "Place")]
    assert "not a date" in result.problems[0].message
    assert result.problems[1].expected == "one of prisoners of war, civilians, remains"
    assert result.skipped_rows == 4


def test_the_natural_key_makes_reimports_add_nothing() -> None:
    first = read_entries(EXCHANGES, ROWS).entries
    merged, new, same, updated = merge_entries([], first)
    assert (len(merged), new, same, updated) == (3, 3, 0, [])
    merged, new, same, updated = merge_entries(
        merged.values(), read_entries(EXCHANGES, ROWS).entries
    )
    assert (len(merged), new, same, updated) == (3, 0, 3, [])
    changed = [row[:] for row in ROWS]
    changed[3][6] = "3"
    merged, new, same, updated = merge_entries(
        merged.values(), read_entries(EXCHANGES, changed).entries
    )
    assert (new, same, updated) == (0, 2, [("EX-2", "Ukraine", "civilians")])


def test_a_conflicting_repeat_in_one_file_is_a_problem() -> None:
    rows = [*ROWS, [*ROWS[1][:6], "216", "ICRC", "list UA-17"], ROWS[1]]
    result = read_entries(EXCHANGES, rows)
    assert result.duplicates == 1
    assert [(p.row, p.message) for p in result.problems] == [
        (5, "exchange EX-1/Ukraine/prisoners of war differs from row 2")
    ]


def test_figures_carry_their_caveats() -> None:
    figures = EXCHANGES.compute_figures(read_entries(EXCHANGES, ROWS).entries)
    summary = dict(figures["exchanges_summary"].rows)
    assert summary == {
        "exchanges": 2,
        "returned to Russian Federation": 55,
        "returned to Ukraine": 217,
    }
    assert all(t.caveat for t in figures.values())
    assert figures["returns_by_month"].rows[0] == (
        "2022-09",
        "Russian Federation",
        "prisoners of war",
        55,
    )


def test_confidential_and_public_fields() -> None:
    entry = read_entries(EXCHANGES, ROWS).entries[0]
    # what a party that shares the record reads, and what the public reads once published
    # (gobetween.policy.reads_field: the one rule the entries' view applies)
    shared = {f.name for f in EXCHANGES.fields if reads_field(EntryAccess.SHARED, f)}
    public = {f.name for f in EXCHANGES.fields if reads_field(EntryAccess.PUBLIC, f)}
    assert "names_list" not in shared
    assert "exchange" in shared
    assert "exchange" not in public
    assert all(reads_field(EntryAccess.FULL, f) for f in EXCHANGES.fields)
    assert not any(reads_field(EntryAccess.NONE, f) for f in EXCHANGES.fields)
    assert EXCHANGES.concerns(entry) == {"Ukraine"}
    incident = INCIDENTS.entry(
        {
            "incident": "INC-1",
            "date": "2025-03-20",
            "place": "Sudzha",
            "facility": "gas metering station",
            "alleged_by": "Russian Federation",
            "accused": "Ukraine",
            "description": "drone strike",
        }
    )
    assert incident.values["assessment"] is None
    assert INCIDENTS.concerns(incident) == {"Russian Federation", "Ukraine"}
    assert {f.name for f in INCIDENTS.fields if reads_field(EntryAccess.PUBLIC, f)} == {
        "date",
        "place",
        "facility",
        "assessment",
        "summary",
    }


def test_headers_are_found_below_a_readme_and_missing_columns_named() -> None:
    rows = [["README"], ["Returns verified by the ICRC"], [], *ROWS]
    assert len(read_entries(EXCHANGES, rows).entries) == 3
    with pytest.raises(FileFormatError, match="no header row of a Exchanges file") as info:
        read_entries(EXCHANGES, [["Exchange", "Date"], ["EX-1", "2022-09-21"]], "x.csv")
    assert "Returned to" in str(info.value.expected)


def test_row_limit_applies_to_every_kind() -> None:
    with pytest.raises(DataImportError, match="more than 2 data rows"):
        read_entries(EXCHANGES, ROWS, limits=ImportLimits(max_rows=2))


def test_a_fourth_kind_is_a_declaration() -> None:
    def cleared(entries: object) -> FigureTable:
        rows = tuple((e.values["area"], e.values["hectares"]) for e in entries)  # type: ignore[attr-defined]
        return FigureTable("cleared", ("area", "hectares"), rows)

    demining = RecordKind(
        name="demining-test",
        label="Demining",
        noun="clearance",
        fields=(
            FieldSpec("area", "Area"),
            FieldSpec("hectares", "Hectares", FieldType.NUMBER, unit="ha", minimum=0, public=True),
        ),
        key=("area",),
        figures=(
            FigureSpec(
                "cleared", "Land cleared", "Only areas surveyed after the agreement.", cleared
            ),
        ),
    )
    register(demining)
    try:
        assert kind_named("demining-test") is demining
        result = read_entries(
            demining, [["Area", "Hectares"], ["Port of Odesa", "12.5"], ["Mykolaiv", "x"]]
        )
        assert [e.values["hectares"] for e in result.entries] == [12.5]
        assert (result.problems[0].row, result.problems[0].column) == (3, "Hectares")
        figure = demining.compute_figures(result.entries)["cleared"]
        assert figure.rows == (("Port of Odesa", 12.5),)
        assert figure.caveat
    finally:
        del REGISTRY["demining-test"]


def test_declarations_are_checked() -> None:
    with pytest.raises(InvalidModel, match="unknown field 'nope'"):
        RecordKind("x", "X", "x", fields=(FieldSpec("a", "A"),), key=("nope",))
    with pytest.raises(InvalidModel, match="no record kind 'ships'"):
        kind_named("ships")
    with pytest.raises(InvalidModel, match="already registered"):
        register(RecordKind("exchanges", "X", "x", fields=(FieldSpec("a", "A"),), key=("a",)))


def test_every_column_of_every_kind_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "formats.md").read_text("utf-8")
    section = doc.split("## Record files of the joint record", 1)[1]
    missing = [
        f"{kind.name}: {f.label}"
        for kind in REGISTRY.values()
        for f in kind.fields
        if f"`{f.label}`" not in section
    ]
    assert not missing


#: The prisoner-exchange agreement of the walk: its parties, in force from 1 September 2022,
#: today 6 December 2026.
BOUNDS = RecordBounds(("Ukraine", "Russian Federation"), dt.date(2022, 9, 1), dt.date(2026, 12, 6))


def test_rows_outside_the_agreements_bounds_are_problems_of_their_row() -> None:
    """A Ukrainian mediator's file counted "returned to Венера 7" (neither Марс nor Венера is a
    party) and an exchange of 15 December 2026 on 6 December: each is now a problem of its row,
    at its column, naming the value and what was expected."""
    rows = [
        *ROWS,
        ["EX-9", "2022-11-30", "Суми", "Марс", "Венера", "civilians", "7", "ICRC", ""],
        ["EX-10", "15.12.2026", "Суми", "Russian Federation", "ukraine", "civilians", "3", "ICRC"],
        ["EX-11", "2022-08-31", "Суми", "Ukraine", "Russian Federation", "remains", "1", "ICRC"],
        ["EX-12", "2026-12-06", "Суми", "russian federation", "Ukraine", "remains", "1", "ICRC"],
    ]
    result = read_entries(EXCHANGES, rows, "returns.csv", bounds=BOUNDS)
    assert [(p.row, p.column) for p in result.problems] == [
        (5, "Released by"),
        (5, "Returned to"),
        (6, "Date"),
        (7, "Date"),
    ]
    said = [str(p) for p in result.problems]
    assert said[0] == (
        "row 5, Released by: 'Марс' is not a party of the agreement "
        "(expected one of Ukraine, Russian Federation)"
    )
    assert "'Венера'" in said[1]
    assert said[2] == (
        "row 6, Date: the date 2026-12-15 is in the future (expected a date on or before "
        "2026-12-06)"
    )
    assert "before the agreement entered into force" in said[3]
    assert "2022-09-01" in said[3]
    assert result.skipped_rows == 3
    assert [e.key_text for e in result.entries][-1] == "EX-12/Ukraine/remains"
    assert result.entries[-1].values["released_by"] == "Russian Federation"  # as it signed
    summary = dict(EXCHANGES.compute_figures(result.entries)["exchanges_summary"].rows)
    assert "returned to Венера" not in summary
    assert result.bounds == BOUNDS
    offline = read_entries(EXCHANGES, rows, "returns.csv")  # no agreement: not checked
    assert [p.row for p in offline.problems] == []
    assert offline.bounds is None


def test_an_incident_is_between_the_parties_and_within_the_agreements_days() -> None:
    good = {
        "incident": "INC-1",
        "date": "2026-12-06",
        "place": "Sudzha",
        "facility": "gas metering station",
        "alleged_by": "Russian Federation",
        "accused": "Ukraine",
        "description": "a drone",
    }
    assert INCIDENTS.entry(good, BOUNDS).values["date"] == "2026-12-06"
    with pytest.raises(InputError) as info:
        INCIDENTS.entry({**good, "date": "2099-01-01", "accused": "Венера"}, BOUNDS)
    assert [(p.location, p.template) for p in problems_of(info.value)] == [
        ("date", "the date %(date)s is in the future"),
        ("accused", "%(party)r is not a party of the agreement"),
    ]
    assert info.value.expected == "a date on or before 2026-12-06"
