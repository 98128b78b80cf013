"""The full JCC files reproduce the figures the UN published (needs ../shared/data)."""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from collections import defaultdict

import pytest
from tests.shared_data import SHARED_DATA

from gobetween.formats.jcc import read_jcc
from gobetween.monitoring.figures import (
    Dimension,
    Period,
    VoyageArrays,
    summary,
    throughput,
    tonnage_by,
    waiting_times,
)
from gobetween.monitoring.voyages import ImportResult, merge

BSGI = SHARED_DATA / "bsgi"
CSV = BSGI / "outbound_shipments_2023-06-14.csv"
XLSX = BSGI / "vessel_movements_2023-01-10.xlsx"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(
        not (CSV.exists() and XLSX.exists()),
        reason=f"the full JCC files are not in {BSGI} (../shared/data is absent)",
    ),
]


@pytest.fixture(scope="module")
def june() -> ImportResult:
    return read_jcc(CSV)


@pytest.fixture(scope="module")
def book() -> ImportResult:
    return read_jcc(XLSX)


@pytest.fixture(scope="module")
def arrays(june: ImportResult) -> VoyageArrays:
    return VoyageArrays.from_shipments(june.shipments)


def test_every_row_is_imported(june: ImportResult) -> None:
    assert len(june.shipments) == 1120
    assert june.skipped_rows == 0
    assert sum(1 for s in june.shipments if s.cargo_index == 0) == 981
    # Voyage #148's second cargo row names another vessel; it is imported and reported.
    assert [(p.row, p.column, p.skipped) for p in june.problems] == [(956, "Vessel name", False)]


def test_published_headline_figures(arrays: VoyageArrays) -> None:
    s = summary(arrays)
    assert s.voyages == 981
    assert s.tonnes == 31_744_756
    assert round(s.tonnes / 1e6, 2) == 31.74
    assert round(100 * s.developing_share, 1) == 57.1
    assert s.wfp_tonnes == 625_169
    assert dict(s.shipments_by_port) == {"Chornomorsk": 433, "Odesa": 373, "Yuzhny/Pivdennyi": 314}
    assert (s.first_departure, s.last_departure) == ("2022-08-01", "2023-06-14")
    assert s.inspected_voyages == 981 - 14


def test_published_median_waits(arrays: VoyageArrays) -> None:
    table = waiting_times(arrays)
    median = dict(zip(table.column("month"), table.column("median_days"), strict=True))
    assert median["2022-08"] == 2
    assert median["2022-10"] == 15


def test_tonnage_tables_add_up(arrays: VoyageArrays) -> None:
    for dimension in (Dimension.COUNTRY, Dimension.INCOME_GROUP, Dimension.COMMODITY):
        table = tonnage_by(arrays, dimension)
        assert sum(table.column("tonnes")) == pytest.approx(31_744_756)
        assert sum(table.column("shipments")) == 1120
    table = tonnage_by(arrays, Dimension.DEVELOPMENT_CATEGORY)
    shares = dict(zip(table.column("development_category"), table.column("share"), strict=True))
    assert round(100 * float(shares["developing"] or 0), 1) == 57.1


def test_monthly_throughput_adds_up(arrays: VoyageArrays) -> None:
    months = throughput(arrays, Period.MONTH)
    assert sum(months.column("voyages_departed")) == 981
    assert sum(months.column("inspections")) == 967
    assert months.rows[0][0] == "2022-08"


def test_the_workbook_matches_the_csv_on_every_shared_voyage(
    june: ImportResult, book: ImportResult
) -> None:
    assert book.sheet == "Data"
    assert (len(book.shipments), len(book.voyages), book.skipped_rows) == (714, 633, 0)
    csv_heads = {s.voyage: s for s in june.shipments if s.cargo_index == 0}
    for shipment in book.shipments:
        if shipment.cargo_index == 0:
            assert shipment.departure_date == csv_heads[shipment.voyage].departure_date
    assert sum(s.tonnes for s in book.shipments) == pytest.approx(
        sum(s.tonnes for s in june.shipments if s.voyage <= 633), abs=1
    )


def test_workbook_then_csv_merges_to_the_june_record(
    june: ImportResult, book: ImportResult
) -> None:
    merged = merge(book.shipments, june.shipments)
    assert (merged.new, len(merged.shipments)) == (1120 - 714, 1120)
    again = merge(merged.shipments, june.shipments)
    assert (again.new, len(again.updated), again.duplicates) == (0, 0, 1120)
    assert summary(VoyageArrays.from_shipments(merged.shipments)).tonnes == 31_744_756
    assert merged.shipments == tuple(sorted(june.shipments, key=lambda s: s.key))
    by_key = {s.key: s for s in book.shipments}
    # The two files list the cargoes of every shared voyage in the same order.
    for shipment in june.shipments:
        old = by_key.get(shipment.key)
        if old is not None:
            assert (old.country, old.commodity) == (shipment.country, shipment.commodity)


def test_hxl_sheet_reads_like_the_data_sheet(book: ImportResult) -> None:
    assert read_jcc(XLSX, sheet="Data_HXL").shipments == book.shipments


def test_voyages_still_waiting_departed_in_june_2023(arrays: VoyageArrays) -> None:
    table = waiting_times(arrays)
    waiting = {
        m: w for m, w in zip(table.column("month"), table.column("waiting"), strict=True) if w
    }
    assert waiting == {"2023-06": 14}


def day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d-%b-%Y").date()


def _oracle_rows() -> list[dict[str, str]]:
    """The raw CSV through the standard library only: an independent reading."""
    with CSV.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_waits_and_tonnage_match_a_standard_library_oracle(arrays: VoyageArrays) -> None:
    rows = _oracle_rows()
    waits: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row["Status"] == "Outbound" and row["Inspection cleared"]:
            left = day(row["Departure date"])
            waits[f"{left:%Y-%m}"].append((day(row["Inspection cleared"]) - left).days)
    table = waiting_times(arrays)
    assert table.column("month") == tuple(sorted(waits))
    for month, _, _, median, p90, _ in table.rows:
        values = waits[str(month)]
        assert median == statistics.median(values)
        assert p90 == pytest.approx(statistics.quantiles(values, n=10, method="inclusive")[8])
    tonnes: dict[str, int] = defaultdict(int)
    for row in rows:
        tonnes[row["Country"]] += int(row["Metric tons"].replace(",", ""))
    by_country = tonnage_by(arrays, Dimension.COUNTRY)
    assert dict(zip(by_country.column("country"), by_country.column("tonnes"), strict=True)) == {
        country: float(t) for country, t in tonnes.items()
    }
