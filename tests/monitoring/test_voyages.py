"""Voyage and shipment records: validation, keys, grouping and the idempotent merge."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gobetween.errors import InvalidModel
from gobetween.monitoring.voyages import (
    ImportProblem,
    ImportResult,
    Shipment,
    ShipmentKey,
    Voyage,
    group_voyages,
    merge,
)


def ship(voyage: int = 1, cargo: int = 0, **changes: Any) -> Shipment:
    fields: dict[str, Any] = {
        "voyage": voyage,
        "imo": 9_000_000 + voyage,
        "cargo_index": cargo,
        "vessel_name": f"V{voyage}",
        "departure_port": "Odesa",
        "country": "Egypt",
        "commodity": "Wheat",
        "tonnes": 1000.0,
        "departure_date": dt.date(2022, 9, 1),
    }
    fields.update(changes)
    return Shipment(**fields)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"voyage": 0}, "voyage number"),
        ({"imo": -1}, "IMO"),
        ({"cargo_index": -1}, "cargo index"),
        ({"tonnes": float("nan")}, "tonnage"),
        ({"tonnes": -5.0}, "tonnage"),
        ({"inspection_date": dt.date(2022, 8, 31)}, "before departing"),
    ],
)
def test_shipment_validation(changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidModel, match=fragment):
        ship(**changes)


def test_key_and_waiting_days() -> None:
    s = ship(7, 2, inspection_date=dt.date(2022, 9, 16))
    assert s.key == ShipmentKey(7, 9_000_007, 2)
    assert s.waiting_days == 15
    assert ship().waiting_days is None


def test_voyage_checks_its_cargo_rows() -> None:
    with pytest.raises(InvalidModel):
        Voyage(())
    with pytest.raises(InvalidModel, match="cargo index 1"):
        Voyage((ship(1, 0), ship(1, 2)))
    with pytest.raises(InvalidModel):
        Voyage((ship(1, 0), ship(2, 1)))
    voyage = Voyage((ship(1, 0), ship(1, 1, tonnes=500.0)))
    assert (voyage.number, voyage.tonnes, voyage.first.cargo_index) == (1, 1500.0, 0)


def test_group_voyages_orders_by_number_and_cargo() -> None:
    rows = [ship(2, 1), ship(1, 0), ship(2, 0)]
    voyages = group_voyages(rows)
    assert [(v.number, [s.cargo_index for s in v.shipments]) for v in voyages] == [
        (1, [0]),
        (2, [0, 1]),
    ]


def test_merge_counts_new_duplicate_and_updated() -> None:
    old = [ship(1), ship(2)]
    newer = [ship(2, inspection_date=dt.date(2022, 9, 5)), ship(3), ship(1)]
    result = merge(old, newer)
    assert (result.new, result.duplicates, result.updated) == (
        1,
        1,
        (ShipmentKey(2, 9_000_002, 0),),
    )
    assert [s.voyage for s in result.shipments] == [1, 2, 3]
    assert result.shipments[1].inspection_date == dt.date(2022, 9, 5)


def test_merge_keeps_values_the_newer_file_does_not_know() -> None:
    old = ship(1, wfp=True, income_group="low-income")
    newer = ship(1, wfp=None, income_group="", vessel_name="RENAMED")
    result = merge([old], [newer])
    (merged,) = result.shipments
    assert (merged.wfp, merged.income_group, merged.vessel_name) == (True, "low-income", "RENAMED")
    assert len(result.updated) == 1


@given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 3)), max_size=40))
def test_merge_is_idempotent(keys: list[tuple[int, int]]) -> None:
    rows = list({(v, c): ship(v, c) for v, c in keys}.values())
    once = merge([], rows)
    twice = merge(once.shipments, rows)
    assert twice.shipments == once.shipments
    assert (twice.new, twice.duplicates, twice.updated) == (0, len(rows), ())
    assert len({s.key for s in once.shipments}) == len(once.shipments) == once.new


def test_import_result_properties() -> None:
    problems = (
        ImportProblem(3, "IMO", "bad", "a number"),
        ImportProblem(3, "Country", "bad too"),
        ImportProblem(5, "Vessel name", "renamed", skipped=False),
    )
    result = ImportResult("f.csv", (ship(1), ship(1, 1)), problems, duplicates=0, blank_rows=0)
    assert result.skipped_rows == 1
    assert not result.ok
    assert len(result.voyages) == 1
    assert str(problems[2]) == "row 5, Vessel name: renamed [imported]"
    assert dataclasses.replace(result, problems=problems[2:]).ok
