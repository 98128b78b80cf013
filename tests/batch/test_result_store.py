"""The result store reads back, from CSV as from Parquet, the rows a tournament appended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gobetween.batch.store import ResultStore
from gobetween.batch.tasks import FIELDS, Task, failed_row


def _played(seed: int) -> dict[str, Any]:
    return {
        "scenario": "toy",
        "strategy": "veto",
        "behaviour": "truthful",
        "seed": seed,
        "status": "ok",
        "agreement": True,
        "pareto_optimal": False,
        "nash_distance": 0.25,
        "rounds": 7,
        "seconds": 0.5,
        "utilities": '{"A": 0.5, "B": 0.75}',
        "package": '{"term": "60"}',
        "error": "",
    }


@pytest.mark.parametrize("name", ["results.csv", "results.parquet"])
def test_rows_come_back_with_their_types_and_their_gaps(tmp_path: Path, name: str) -> None:
    rows = [
        _played(0),
        {**_played(1), "agreement": False, "nash_distance": None, "package": None},
        failed_row(Task("toy", "veto", "truthful", 2), "timeout", seconds=30.0),
        failed_row(Task("toy", "veto", "truthful", 3), "error", error="boom"),
    ]
    store = ResultStore(tmp_path / name)
    store.append(rows)
    back = sorted(store.rows(), key=lambda row: row["seed"])
    assert [tuple(row) for row in back] == [FIELDS] * 4
    assert back[:2] == rows[:2]
    timeout, error = back[2:]
    assert (timeout["status"], timeout["seconds"], timeout["error"]) == ("timeout", 30.0, "")
    assert (error["status"], error["seconds"], error["error"]) == ("error", None, "boom")
    for row in (timeout, error):
        assert row["agreement"] is row["pareto_optimal"] is None
        assert row["nash_distance"] is row["rounds"] is row["utilities"] is row["package"] is None
    assert isinstance(back[0]["seed"], int)
    assert isinstance(back[0]["rounds"], int)
    assert isinstance(back[0]["nash_distance"], float)
