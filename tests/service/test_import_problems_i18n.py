"""Issue 12: the problems of an imported voyage file are listed in the caller's language.

The core keeps each problem's marked template and its values (``ImportProblem.sentence``); the
service says them in the language of ``Accept-Language``, and without it exactly as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.service.agree_helpers import create, make_ready, register_keys, sign_all
from tests.service.world import World

SLICE = Path(__file__).parents[1] / "data" / "bsgi" / "outbound_shipments_slice.csv"


@pytest.fixture
def aid(world: World) -> int:
    agreement_id = int(create(world, make_ready(world))["id"])
    sign_all(world, agreement_id, register_keys(world))
    return agreement_id


def _problems(world: World, aid: int, data: bytes, language: str | None) -> list[dict[str, Any]]:
    headers = {"Accept-Language": language} if language else {}
    r = world.request(
        "un",
        "POST",
        f"/api/agreements/{aid}/record/imports",
        headers=headers,
        files={"file": ("voyages.csv", data, "text/csv")},
    )
    assert r.status_code == 201, r.text
    return r.json()["problems"]  # type: ignore[no-any-return]


def test_a_structure_problem_of_a_voyage_file_in_ukrainian(world: World, aid: int) -> None:
    lines = SLICE.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("SSI AVENGER", "SSI AVENGER II", 1)
    data = ("\n".join(lines) + "\n").encode()
    english = _problems(world, aid, data, None)
    assert english[0] == (
        {
            "row": 3,
            "column": "Vessel name",
            "message": "'SSI AVENGER II' differs from row 2's 'SSI AVENGER'; the voyage keeps "
            "the first row's",
            "expected": "the same value on every row of a voyage",
            "skipped": False,
        }
    )
    ukrainian = _problems(world, aid, data, "uk")
    assert [p["row"] for p in ukrainian] == [p["row"] for p in english]
    assert ukrainian[0]["row"] == 3
    assert "'SSI AVENGER II' відрізняється від 'SSI AVENGER' рядка 2" in ukrainian[0]["message"]
    assert "differs" not in ukrainian[0]["message"]
    assert "the same value" not in ukrainian[0]["expected"]
