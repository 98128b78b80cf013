"""Vectorised figures against plain-Python oracles."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.monitoring.figures import (
    Dimension,
    FigureTable,
    Period,
    VoyageArrays,
    counts_per_day,
    dashboard,
    monthly_waits,
    queue_length,
    queue_series,
    summary,
    throughput,
    tonnage_by,
    waiting_times,
)
from gobetween.monitoring.voyages import Shipment

DAY0 = dt.date(2022, 8, 1)


def _shipments(specs: list[tuple[int, int, int | None, float, str, int]]) -> list[Shipment]:
    """(voyage, departure offset, wait or None, tonnes, country, cargo rows) -> shipments."""
    out = []
    for voyage, offset, wait, tonnes, country, cargoes in specs:
        departure = DAY0 + dt.timedelta(days=offset)
        inspection = None if wait is None else departure + dt.timedelta(days=wait)
        for cargo in range(cargoes):
            out.append(
                Shipment(
                    voyage=voyage,
                    imo=9_000_000 + voyage,
                    cargo_index=cargo,
                    vessel_name="V",
                    departure_port=("Odesa", "Chornomorsk")[voyage % 2],
                    country=country,
                    commodity=("Corn", "Wheat")[cargo % 2],
                    tonnes=tonnes,
                    departure_date=departure,
                    inspection_date=inspection,
                    development_category="developing" if country != "Spain" else "developed",
                    wfp=voyage % 5 == 0,
                )
            )
    return out


specs = st.lists(
    st.tuples(
        st.integers(0, 200),
        st.none() | st.integers(0, 30),
        st.integers(0, 50_000).map(float),
        st.sampled_from(["Spain", "Egypt", "Kenya"]),
        st.integers(1, 3),
    ),
    min_size=1,
    max_size=40,
).map(lambda rows: [(i + 1, *row) for i, row in enumerate(rows)])


@settings(max_examples=60, deadline=None)
@given(specs)
def test_figures_match_plain_python(
    rows: list[tuple[int, int, int | None, float, str, int]],
) -> None:
    shipments = _shipments(rows)
    arrays = VoyageArrays.from_shipments(shipments)
    heads = [s for s in shipments if s.cargo_index == 0]
    s = summary(arrays)
    assert (s.voyages, s.shipments) == (len(heads), len(shipments))
    total = sum(x.tonnes for x in shipments)
    assert s.tonnes == pytest.approx(total)
    developing = sum(x.tonnes for x in shipments if x.development_category == "developing")
    assert s.developing_share == pytest.approx(developing / total if total else 0.0)
    assert s.wfp_tonnes == pytest.approx(sum(x.tonnes for x in shipments if x.wfp))

    waits: dict[str, list[int]] = defaultdict(list)
    for h in heads:
        if h.waiting_days is not None:
            waits[f"{h.departure_date:%Y-%m}"].append(h.waiting_days)
    table = waiting_times(arrays)
    for month, inspected, _, median, p90, mean in table.rows:
        values = waits.get(str(month), [])
        assert inspected == len(values)
        if values:
            assert median == pytest.approx(statistics.median(values))
            assert p90 == pytest.approx(float(np.percentile(values, 90)))
            assert mean == pytest.approx(statistics.fmean(values))

    days = throughput(arrays, Period.DAY)
    departed = Counter(h.departure_date.isoformat() for h in heads)
    inspected_on = Counter(h.inspection_date.isoformat() for h in heads if h.inspection_date)
    for day, voyages, _, _, inspections in days.rows:
        assert voyages == departed.get(str(day), 0)
        assert inspections == inspected_on.get(str(day), 0)
    months = throughput(arrays, Period.MONTH)
    assert sum(months.column("tonnes")) == pytest.approx(total)

    by_country = dict(
        zip(
            *(tonnage_by(arrays, Dimension.COUNTRY).column(c) for c in ("country", "tonnes")),
            strict=True,
        )
    )
    for country in {x.country for x in shipments}:
        expected = sum(x.tonnes for x in shipments if x.country == country)
        assert by_country[country] == pytest.approx(expected)


dates = st.integers(0, 60).map(lambda d: np.datetime64("2022-08-01") + d)


@given(st.lists(st.tuples(dates, st.none() | st.integers(0, 20)), max_size=30), st.integers(0, 70))
def test_queue_series_matches_a_day_by_day_count(
    items: list[tuple[np.datetime64, int | None]], length: int
) -> None:
    starts = np.array([s for s, _ in items], dtype="datetime64[D]")
    ends = np.array(
        [np.datetime64("NaT") if w is None else s + w for s, w in items], dtype="datetime64[D]"
    )
    first = np.datetime64("2022-08-05")
    last = first + length
    queue = queue_series(starts, ends, first, last)
    for i, day in enumerate(first + np.arange(length + 1)):
        expected = sum(
            1 for s, e in zip(starts, ends, strict=True) if s <= day and (np.isnat(e) or day < e)
        )
        assert queue[i] == expected


def test_queue_length_runs_to_as_of_for_voyages_still_waiting() -> None:
    arrays = VoyageArrays.from_shipments(
        _shipments([(1, 0, 2, 10.0, "Kenya", 1), (2, 1, None, 5.0, "Kenya", 1)])
    )
    table = queue_length(arrays, as_of=dt.date(2022, 8, 5))
    assert table.rows == (
        ("2022-08-01", 1),
        ("2022-08-02", 2),
        ("2022-08-03", 1),
        ("2022-08-04", 1),
        ("2022-08-05", 1),
    )


def test_counts_per_day_with_weights_and_out_of_range() -> None:
    days = np.array(["2022-08-01", "2022-08-01", "2022-09-30", "NaT"], dtype="datetime64[D]")
    out = counts_per_day(
        days,
        np.datetime64("2022-08-01"),
        np.datetime64("2022-08-02"),
        np.array([1.5, 2.0, 7.0, 9.0]),
    )
    assert out.tolist() == [3.5, 0.0]
    assert counts_per_day(days, np.datetime64("2022-08-02"), np.datetime64("2022-08-01")).size == 0


def test_monthly_waits_reports_items_still_waiting() -> None:
    starts = np.array(["2022-10-01", "2022-10-03", "2022-11-01"], dtype="datetime64[D]")
    ends = np.array(["NaT", "NaT", "2022-11-16"], dtype="datetime64[D]")
    assert monthly_waits(starts, ends).rows == (
        ("2022-10", 0, 2, None, None, None),
        ("2022-11", 1, 0, 15.0, 15.0, 15.0),
    )


def test_empty_inputs_give_empty_tables() -> None:
    arrays = VoyageArrays.from_shipments([])
    assert throughput(arrays).rows == ()
    assert queue_length(arrays).rows == ()
    assert waiting_times(arrays).rows == ()
    assert summary(arrays).developing_share == 0.0


def test_dashboard_names_and_chart_series() -> None:
    arrays = VoyageArrays.from_shipments(_shipments([(1, 0, 2, 10.0, "Kenya", 2)]))
    tables = dashboard(arrays)
    assert set(tables) == {
        "summary",
        "throughput_per_day",
        "throughput_per_month",
        "queue_length",
        "departure_to_inspection",
        "tonnage_by_country",
        "tonnage_by_income_group",
        "tonnage_by_commodity",
        "tonnage_by_development_category",
        "tonnage_by_departure_port",
    }
    series = tables["queue_length"].series("date", "queue")
    assert series.x == ("2022-08-01", "2022-08-02", "2022-08-03")
    assert series.y == (1.0, 1.0, 0.0)
    assert series.to_dict()["name"] == "queue_length: queue"
    assert tables["summary"].as_dict()["columns"] == ["figure", "value"]


def test_figure_table_unknown_column() -> None:
    with pytest.raises(KeyError, match="no column"):
        FigureTable("t", ("a",), ()).column("b")
