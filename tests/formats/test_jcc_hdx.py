"""The JCC's data as HDX distributed it, built from the real slices in tests/data/bsgi: a README
sheet, the data and an HXL-tagged copy; continuation rows without a voyage number; files that
date their rows by inspection instead of departure; rows not yet inspected."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from gobetween.formats.jcc import read_csv_text, read_xlsx
from gobetween.monitoring.figures import VoyageArrays, dashboard
from gobetween.monitoring.voyages import merge

DATA = Path(__file__).resolve().parents[1] / "data" / "bsgi"
BOOK = DATA / "vessel_movements_slice.xlsx"
CSV = DATA / "outbound_shipments_slice.csv"


def _book(change: object) -> io.BytesIO:
    book = openpyxl.load_workbook(BOOK)
    change(book)  # type: ignore[operator]
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_hdx_workbook_reads_its_data_sheet_past_the_readme() -> None:
    names = openpyxl.load_workbook(BOOK, read_only=True).sheetnames
    assert names[0].casefold() == "readme"
    result = read_xlsx(BOOK)
    assert (result.sheet, len(result.shipments), result.skipped_rows) == ("Data", 30, 0)
    hxl = read_xlsx(BOOK, "Data_HXL")
    assert hxl.shipments == result.shipments
    assert any("HXL hashtag row skipped" in note for note in hxl.notes)


def test_continuation_rows_without_a_voyage_number_take_the_row_above() -> None:
    def blank(book: openpyxl.Workbook) -> None:
        sheet = book["Data"]
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == "Outbound +":
                row[1].value = None

    original = read_xlsx(BOOK)
    blanked = read_xlsx(_book(blank))
    assert blanked.shipments == original.shipments
    assert blanked.problems == ()
    assert sum(s.cargo_index > 0 for s in blanked.shipments) >= 1


def _dated_by_inspection(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    drop = rows[0].index("Departure date")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([v for i, v in enumerate(row) if i != drop])
    return out.getvalue()


def test_rows_dated_by_inspection_and_rows_not_yet_inspected() -> None:
    text = CSV.read_text(encoding="utf-8-sig")
    by_departure = read_csv_text(text, "june.csv")
    not_inspected = [s for s in by_departure.shipments if s.inspection_date is None]
    assert not_inspected  # the real slice has rows not yet inspected
    by_inspection = read_csv_text(_dated_by_inspection(text), "hdx.csv")
    assert any("dates its rows by inspection" in note for note in by_inspection.notes)
    assert all(s.departure_date is None for s in by_inspection.shipments)
    assert len(by_inspection.shipments) == len(by_departure.shipments) - len(not_inspected)
    assert by_inspection.skipped_rows == len(not_inspected)
    skipped = [p for p in by_inspection.problems if p.skipped]
    undated = [p for p in skipped if "neither a departure nor an inspection date" in p.message]
    assert len(undated) == len({s.voyage for s in not_inspected})  # named by row, once a voyage
    assert all(p in undated or "first row" in p.message for p in skipped)
    # an inspection-dated file merged into the departure-dated one adds and loses nothing
    merged = merge(by_departure.shipments, by_inspection.shipments)
    assert (merged.new, merged.updated) == (0, ())
    assert merged.shipments == merge((), by_departure.shipments).shipments
    # figures over inspection-dated rows alone: inspections counted, no departures, no waits
    figures = dashboard(VoyageArrays.from_shipments(by_inspection.shipments))
    per_day = figures["throughput_per_day"]
    assert sum(r[4] for r in per_day.rows) == len({s.voyage for s in by_inspection.shipments})  # type: ignore[misc]
    assert sum(r[1] for r in per_day.rows) == 0  # type: ignore[misc]
    assert figures["departure_to_inspection"].rows == ()
    assert all(q == 0 for _, q in figures["queue_length"].rows)
