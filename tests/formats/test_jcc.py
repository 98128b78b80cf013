"""The JCC voyage importers: both layouts, every kind of bad row, idempotent re-import."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.errors import FileFormatError
from gobetween.formats.jcc import (
    read_csv,
    read_csv_text,
    read_jcc,
    read_rows,
    read_xlsx,
    write_shipments_csv,
    write_table_csv,
)
from gobetween.monitoring.figures import FigureTable
from gobetween.monitoring.voyages import Shipment, merge

DATA = Path(__file__).parents[1] / "data" / "bsgi"
CSV_SLICE = DATA / "outbound_shipments_slice.csv"
XLSX_SLICE = DATA / "vessel_movements_slice.xlsx"
HEADER = (
    "Status,#,Vessel name,IMO,Departure port,Country,Commodity,Metric tons,"
    "Departure date,Inspection cleared,WFP\n"
)


def _csv(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


# --- the published CSV layout -------------------------------------------------------------


def test_csv_slice_reads_every_row_with_continuations() -> None:
    result = read_csv(CSV_SLICE)
    assert len(result.shipments) == 36
    assert len(result.voyages) == 31
    assert result.ok
    first = next(s for s in result.shipments if s.voyage == 981 and s.cargo_index == 0)
    second = next(s for s in result.shipments if s.voyage == 981 and s.cargo_index == 1)
    assert (first.country, first.tonnes, second.country, second.tonnes) == (
        "Spain",
        18137.0,
        "France",
        28963.0,
    )
    assert first.departure_date == dt.date(2023, 6, 14)
    assert first.inspection_date is None
    assert first.wfp is False


def test_csv_slice_reports_the_renamed_vessel_but_imports_it() -> None:
    result = read_csv(CSV_SLICE)
    (problem,) = result.problems
    assert problem.row == 23
    assert problem.column == "Vessel name"
    assert "NAVIN VULTURE" in problem.message
    assert not problem.skipped
    voyage = next(v for v in result.voyages if v.number == 148)
    assert len(voyage.shipments) == 2


def test_single_digit_days_and_wfp_flags() -> None:
    result = read_csv(CSV_SLICE)
    assert any(s.departure_date.day < 10 for s in result.shipments)
    assert sum(1 for s in result.shipments if s.wfp) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14-Jun-2023", dt.date(2023, 6, 14)),
        ("9-Jun-2023", dt.date(2023, 6, 9)),
        ("2023-06-14", dt.date(2023, 6, 14)),
        ("14/06/2023", dt.date(2023, 6, 14)),
        ("14.06.2023", dt.date(2023, 6, 14)),
        ("14 June 2023", dt.date(2023, 6, 14)),
    ],
)
def test_date_formats(text: str, expected: dt.date) -> None:
    result = read_csv_text(_csv(f'Outbound,1,A,9000001,Odesa,Kenya,Wheat,"1,000",{text},,'))
    assert result.shipments[0].departure_date == expected


@pytest.mark.parametrize(
    ("tonnage", "expected"),
    [("18,137", 18137.0), ("1,067,392", 1067392.0), ("8640.04", 8640.04), ("500", 500.0)],
)
def test_thousands_separators(tonnage: str, expected: float) -> None:
    result = read_csv_text(_csv(f'Outbound,1,A,9000001,Odesa,Kenya,Wheat,"{tonnage}",1-Aug-2022,,'))
    assert result.shipments[0].tonnes == expected


def test_malformed_rows_are_reported_with_their_row_numbers() -> None:
    text = _csv(
        'Outbound,1,A,9000001,Odesa,Kenya,Wheat,"1,000",1-Aug-2022,3-Aug-2022,',  # row 2: fine
        'Outbound,2,B,9000002,Odesa,Kenya,Wheat,"18,13",1-Aug-2022,,',  # 3: bad number
        'Outbound,3,C,9000003,Odesa,Kenya,Wheat,"1,000",31-Feb-2022,,',  # 4: bad date
        'Inbound,4,D,9000004,Odesa,Kenya,Wheat,"1,000",1-Aug-2022,,',  # 5: unknown status
        'Outbound +,5,E,9000005,Odesa,Kenya,Wheat,"1,000",1-Aug-2022,,',  # 6: orphan
        'Outbound,6,,9000006,Odesa,Kenya,Wheat,"1,000",1-Aug-2022,,',  # 7: empty name
        'Outbound,7,G,9000007,Odesa,Kenya,Wheat,"1,000",5-Aug-2022,1-Aug-2022,',  # 8: order
        'Outbound,1,A,9000001,Odesa,Chad,Corn,"2,000",1-Aug-2022,3-Aug-2022,',  # 9: 2nd head
        'Outbound +,1,A,9000009,Odesa,Chad,Corn,"2,000",1-Aug-2022,3-Aug-2022,',  # 10: IMO
        'Outbound,8,H,9000008,Odesa,Kenya,Wheat,"1,000",1-Aug-2022,,maybe',  # 11: WFP mark
        'Outbound,9,I,abc,Odesa,Kenya,Wheat,"1,000",1-Aug-2022,,',  # 12: IMO not a number
        'Outbound,10.5,J,9000010,Odesa,Kenya,Wheat,"1,000",1-Aug-2022,,',  # 13: voyage
    )
    result = read_csv_text(text, "bad.csv")
    assert [s.voyage for s in result.shipments] == [1]
    rows = {p.row: p for p in result.problems}
    assert sorted(rows) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert all(p.skipped for p in result.problems)
    assert rows[3].column == "Metric tons"
    assert rows[4].column == "Departure date"
    assert "Inbound" in rows[5].message
    assert "without its 'Outbound' row" in rows[6].message
    assert rows[7].column == "Vessel name"
    assert "before departing" in rows[8].message
    assert "second, different 'Outbound'" in rows[9].message
    assert rows[10].column == "IMO"
    assert rows[11].column == "WFP"
    assert rows[12].column == "IMO"
    assert "whole number" in rows[13].message
    assert result.skipped_rows == 11
    assert not result.ok


def test_continuations_of_a_rejected_first_row_are_reported_too() -> None:
    text = _csv(
        'Outbound,1,A,9000001,Odesa,Kenya,Wheat,"n/a",1-Aug-2022,,',
        'Outbound +,1,A,9000001,Odesa,Chad,Corn,"2,000",1-Aug-2022,,',
    )
    result = read_csv_text(text)
    assert result.shipments == ()
    assert [p.row for p in result.problems] == [2, 3]


def test_a_repeated_identical_row_is_counted_not_duplicated() -> None:
    row = 'Outbound,1,A,9000001,Odesa,Kenya,Wheat,"1,000",1-Aug-2022,,'
    result = read_csv_text(_csv(row, row, ""))
    assert len(result.shipments) == 1
    assert result.duplicates == 1
    assert result.problems == ()


def test_reimporting_the_same_file_adds_nothing() -> None:
    first = read_csv(CSV_SLICE)
    second = read_csv(CSV_SLICE)
    merged = merge(first.shipments, second.shipments)
    assert merged.new == 0
    assert merged.duplicates == len(first.shipments)
    assert merged.shipments == tuple(sorted(first.shipments, key=lambda s: s.key))


def test_missing_columns_are_a_file_format_error() -> None:
    with pytest.raises(FileFormatError) as info:
        read_csv_text("Status,#,Vessel name\nOutbound,1,A\n", "short.csv")
    assert info.value.source == "short.csv"
    assert "Metric tons" in str(info.value.expected).title() or "metric tons" in str(
        info.value.expected
    )


def test_not_utf8_and_unknown_suffix(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(HEADER.encode() + "Outbound,1,Ä,1,Odesa,K,W,1,1-Aug-2022,,\n".encode("latin-1"))
    with pytest.raises(FileFormatError, match="not UTF-8"):
        read_csv(bad)
    other = tmp_path / "voyages.txt"
    other.write_text(HEADER)
    with pytest.raises(FileFormatError, match="unknown file type"):
        read_jcc(other)
    with pytest.raises(FileFormatError, match="cannot read"):
        read_csv(tmp_path / "missing.csv")


def test_byte_order_mark_and_unknown_columns() -> None:
    result = read_rows(
        [["\ufeffStatus", *HEADER.strip().split(",")[1:], "Remarks"]], "x.csv", format="csv"
    )
    assert result.notes == ("ignored columns: Remarks",)


# --- the JCC's own workbook ---------------------------------------------------------------


def test_xlsx_slice_chooses_the_data_sheet_and_rounds_datetimes() -> None:
    result = read_xlsx(XLSX_SLICE)
    assert result.sheet == "Data"
    assert result.format == "xlsx"
    assert len(result.shipments) == 30
    assert result.blank_rows == 2
    assert result.ok
    first = result.shipments[0]
    assert (first.voyage, first.imo, first.vessel_name) == (1, 9086526, "RAZONI")
    assert first.departure_date == dt.date(2022, 8, 1)  # stored as 2022-07-31 23:00
    assert first.inspection_date == dt.date(2022, 8, 3)
    assert first.wfp is None  # the workbook has no WFP column


def test_xlsx_hxl_sheet_skips_the_hashtag_row() -> None:
    plain = read_xlsx(XLSX_SLICE)
    hxl = read_xlsx(XLSX_SLICE, sheet="Data_HXL")
    assert hxl.notes == ("row 2: HXL hashtag row skipped",)
    assert hxl.shipments == plain.shipments


def test_xlsx_and_csv_agree_on_shared_voyages() -> None:
    book = {s.key: s for s in read_jcc(XLSX_SLICE).shipments}
    table = {s.key: s for s in read_jcc(CSV_SLICE).shipments}
    shared = sorted(set(book) & set(table))
    assert len(shared) >= 12
    for key in shared:
        a, b = book[key], table[key]
        assert (a.departure_date, a.inspection_date, round(a.tonnes)) == (
            b.departure_date,
            b.inspection_date,
            round(b.tonnes),
        )


def test_xlsx_errors(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="no sheet named"):
        read_xlsx(XLSX_SLICE, sheet="Nope")
    with pytest.raises(FileFormatError, match="no JCC header"):
        read_xlsx(XLSX_SLICE, sheet="Readme")
    book = openpyxl.Workbook()
    book.active.append(["just", "a", "table"])
    path = tmp_path / "other.xlsx"
    book.save(path)
    with pytest.raises(FileFormatError, match="no sheet has a JCC header row"):
        read_xlsx(path)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip")
    with pytest.raises(FileFormatError, match="cannot open the workbook"):
        read_xlsx(fake)


def test_excel_serial_dates_and_tbd() -> None:
    header = ["Status", "#", "Vessel name", "IMO", "Departure port", "Country", "Commodity"]
    header += ["Tonnage", "Departure", "Inspection İstanbul"]
    rows = [
        header,
        ["Outbound", 1, "A", 9000001, "Odesa", "Kenya", "Wheat", 10, 44774.0, "TBD"],
        ["Outbound", 2, "B", 9000002, "Odesa", "Kenya", "Wheat", 10, 12.0, None],
    ]
    result = read_rows(rows, "serials.xlsx", format="xlsx")
    assert result.shipments[0].departure_date == dt.date(2022, 8, 1)
    assert result.shipments[0].inspection_date is None
    assert [p.row for p in result.problems] == [3]


# --- writing ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [CSV_SLICE, XLSX_SLICE])
def test_written_csv_reads_back_identically(path: Path) -> None:
    original = read_jcc(path).shipments
    buffer = io.StringIO()
    assert write_shipments_csv(original, buffer) == len(original)
    again = read_csv_text(buffer.getvalue()).shipments
    assert again == original


_names = st.text(alphabet="ABCDEFGHIJ ,\"'-", min_size=1, max_size=12).filter(lambda s: s.strip())


@st.composite
def _shipments(draw: st.DrawFn) -> list[Shipment]:
    out = []
    for voyage in sorted(draw(st.sets(st.integers(1, 5000), min_size=1, max_size=6))):
        departure = draw(st.dates(dt.date(2022, 8, 1), dt.date(2023, 7, 17)))
        wait = draw(st.none() | st.integers(0, 40))
        inspection = None if wait is None else departure + dt.timedelta(days=wait)
        imo = draw(st.integers(1_000_000, 9_999_999))
        name = " ".join(draw(_names).split())
        wfp = draw(st.sampled_from([True, False, None]))
        for cargo in range(draw(st.integers(1, 3))):
            out.append(
                Shipment(
                    voyage=voyage,
                    imo=imo,
                    cargo_index=cargo,
                    vessel_name=name,
                    departure_port="Odesa",
                    country=f"{' '.join(draw(_names).split())} {cargo}",
                    commodity="Corn",
                    tonnes=draw(st.floats(0, 1e6, allow_nan=False).map(lambda t: round(t, 2))),
                    departure_date=departure,
                    inspection_date=inspection,
                    wfp=wfp,
                )
            )
    return out


@settings(max_examples=60, deadline=None)
@given(_shipments())
def test_write_read_round_trip(shipments: list[Shipment]) -> None:
    buffer = io.StringIO()
    write_shipments_csv(shipments, buffer)
    result = read_csv_text(buffer.getvalue())
    assert result.problems == ()
    assert list(result.shipments) == shipments


def test_write_table_csv() -> None:
    table = FigureTable("waits", ("month", "median_days"), (("2022-08", 2.0), ("2022-09", None)))
    buffer = io.StringIO()
    assert write_table_csv(table, buffer) == 2
    assert buffer.getvalue() == "month,median_days\n2022-08,2.0\n2022-09,\n"


def test_files_above_the_size_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from gobetween.formats import jcc

    monkeypatch.setattr(jcc, "_MAX_BYTES", 100)
    with pytest.raises(FileFormatError, match="too large"):
        read_csv(CSV_SLICE)
    with pytest.raises(FileFormatError, match="too large"):
        read_xlsx(XLSX_SLICE)


def test_missing_workbook(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="cannot read"):
        read_xlsx(tmp_path / "missing.xlsx")
