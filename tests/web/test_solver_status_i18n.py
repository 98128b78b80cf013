"""Issue 12: the analysis page says an unproven frontier's solver status in the reader's
language (HiGHS's own status name kept), and does not call a solver error a time limit."""

from __future__ import annotations

from typing import Any

import pytest
from tests.web.site import Site, soup

from gobetween.service import decide


@pytest.mark.parametrize(
    ("status", "english", "ukrainian"),
    [
        ("time limit", "stopped at its time limit (time limit)", "(ліміт часу)"),
        (
            "solver error (kNotset)",
            "stopped before it could prove the frontier complete (solver error (kNotset))",
            "(помилка розв’язувача (kNotset))",
        ),
    ],
)
def test_an_unproven_frontier_s_status_in_ukrainian(
    site: Site, monkeypatch: pytest.MonkeyPatch, status: str, english: str, ukrainian: str
) -> None:
    exact = decide.track_analysis_blocking

    def unproven(ctx: Any, track_id: int) -> dict[str, Any]:
        result = dict(exact(ctx, track_id))
        return {**result, "method": "milp", "exact": False, "status": status}

    monkeypatch.setattr(decide, "track_analysis_blocking", unproven)
    food = site.tracks["food corridor"]
    un = site.client("un")
    said = {}
    for language in ("en", "uk"):
        un.cookies.set("gobetween_lang", language)
        page = soup(un.get(f"/tracks/{food}/analysis"))
        said[language] = " ".join(page.select_one("#solver-status").get_text().split())
    assert english in said["en"], said["en"]
    assert ukrainian in said["uk"], said["uk"]
    assert status not in said["uk"].replace("kNotset", "")
