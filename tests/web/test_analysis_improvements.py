"""The analysis page once a text is published, structurally, as the UN mediator of the demo saw
it after publishing version 1 of the food corridor as the drafting page first offers it.

Found there: "13 frontier packages are better for every party than version 1. The fairest is
first." over 9 rows, the fairest package listed again as the last row, and that "fairest"
package gave Ukraine 73 where its reservation level is 75, while the Nash package (81, 71) met
both parties' levels; and the solutions' names were drawn over the circle of version 1.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag
from tests.web import drafting_helpers as drafting
from tests.web.chart_boxes import chart_of, clashes
from tests.web.site import Site, csrf, one, soup, text_of

FOOD = "food corridor"


def _after_version_1(site: Site) -> tuple[BeautifulSoup, dict[str, float]]:
    """The analysis page once version 1 is out, and each party's reservation level (percent)."""
    food = site.tracks[FOOD]
    un = site.client("un")
    assert drafting.publish(un, food).status_code == 303
    api = un.get(f"/api/tracks/{food}/analysis").json()
    levels = {p: 100 * r for p, r in api["zopa"]["reservations"].items()}
    return soup(un.get(f"/tracks/{food}/analysis")), levels


def _utilities(row: Tag, levels: dict[str, float]) -> dict[str, tuple[int, bool]]:
    """Each party's utility in ``row`` (percent) and whether the row marks it below the level."""
    cells = {party: one(row, f"td[data-label='{party}']") for party in levels}
    return {
        party: (int(re.findall(r"\d+", cell.get_text())[0]), bool(cell.select(".below")))
        for party, cell in cells.items()
    }


def test_the_count_says_how_many_rows_there_are_and_none_repeats(site: Site) -> None:
    page, _ = _after_version_1(site)
    said = text_of(page, "#improvements-count")
    total = int(re.findall(r"(\d+) frontier packages? (?:is|are) better", said)[0])
    rows = page.select("#improvements tr.improvement")
    assert rows
    assert len(rows) == total or f"The table shows {len(rows)} of the {total}" in said
    links = [str(one(row, "a.draft-from")["href"]) for row in rows]
    assert len(set(links)) == len(links), "a package listed twice"


def test_the_fairest_leaves_no_party_below_its_reservation_level(site: Site) -> None:
    page, levels = _after_version_1(site)
    rows = page.select("#improvements tr.improvement")
    fairest = [row for row in rows if "fairest" in (row.get("class") or [])]
    assert rows[:1] == fairest
    assert one(fairest[0], "th").get_text() == "fairest"
    for party, (utility, marked) in _utilities(fairest[0], levels).items():
        assert utility >= round(levels[party]), party
        assert not marked
    # version 1 leaves both parties below their levels: the fairest counts gains from them,
    # as the Nash solution does
    nash = one(page, "tr[data-solution=Nash] a.draft-from")["href"]
    assert one(fairest[0], "a.draft-from")["href"] == nash
    said = text_of(page, "#fairest-said")
    assert "reservation level" in said
    assert "product of the parties’ gains" in said
    for row in rows:  # below a level, a cell says so
        for party, (utility, marked) in _utilities(row, levels).items():
            if marked:
                assert utility <= round(levels[party]), (party, utility)
            else:
                assert utility >= round(levels[party]), (party, utility)
    acceptable = [r for r in rows if not r.select(".below")]
    assert rows[: len(acceptable)] == acceptable  # those every party can accept come first
    count = text_of(page, "#improvements-count")
    assert f"{len(acceptable)} of them leave every party at or above its reservation" in count


def test_the_solutions_names_leave_version_1_readable(site: Site) -> None:
    page, _ = _after_version_1(site)
    svg = chart_of(one(page, "svg.chart"))
    assert len(svg.select("g.version")) == 1
    assert clashes(svg) == []


def test_when_every_improvement_leaves_a_party_below_none_is_called_fairest(site: Site) -> None:
    food = site.tracks[FOOD]
    ua = site.client("ukraine")
    page = f"/tracks/{food}/preferences"
    mine = ua.get(f"/api/tracks/{food}/preferences").json()[-1]["preferences"]
    token = csrf(soup(ua.get(page)))
    body = {**mine, "reservation": 0.99}  # above anything version 1 can be improved to
    put = ua.put(f"/api/tracks/{food}/preferences", json=body, headers={"X-CSRF-Token": token})
    assert put.status_code in (200, 201), put.text
    shown, _ = _after_version_1(site)
    said = text_of(shown, "#improvements-count")
    assert "None of them leaves every party at or above its reservation level" in said
    rows = shown.select("#improvements tr.improvement")
    assert rows
    assert not shown.select("#improvements tr.fairest, #fairest-said")
    assert all(row.select("td[data-label='Ukraine'] .below") for row in rows)
