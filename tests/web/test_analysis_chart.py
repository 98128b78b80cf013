"""The utility chart's solution names, structurally: each is drawn where it covers no marker (a
text version's circle, a solution's shape), no other name, and stays inside the plot. Found on
the demo's analysis page: "Nash = Kalai-Smorodinsky = Egalitarian" was drawn over the circle of
version 1, so "v1" could not be read."""

from __future__ import annotations

import pytest
from tests.web.chart_boxes import chart_of, clashes, markers, names

from gobetween.i18n import use_locale
from gobetween.web.chart import utility_chart

MET = ("Nash", "Kalai-Smorodinsky", "Egalitarian")

#: The demo's food corridor as the UN mediator saw it after publishing version 1 as the drafting
#: page offers it: the frontier, the reservation levels, the solutions (all three at one point)
#: and version 1.
DEMO_FRONTIER = [
    (0.898, 0.496), (0.878, 0.594), (0.848, 0.638), (0.838, 0.666), (0.818, 0.678),
    (0.808, 0.71), (0.794, 0.726), (0.778, 0.75), (0.764, 0.77), (0.734, 0.81), (0.694, 0.818),
    (0.684, 0.85), (0.644, 0.858), (0.596, 0.87), (0.556, 0.878), (0.508, 0.89), (0.468, 0.898),
]  # fmt: skip


def _chart(
    solutions: list[tuple[str, tuple[float, float]]],
    versions: list[tuple[int, tuple[float, float]]],
    frontier: list[tuple[float, float]] = DEMO_FRONTIER,
    lang: str = "en",
) -> str:
    with use_locale(lang):
        return utility_chart(
            "Ukraine",
            "Russian Federation",
            frontier=frontier,
            reservations=(0.75, 0.65),
            solutions=solutions,
            versions=versions,
        )


@pytest.mark.parametrize("lang", ["en", "uk", "ar"])
def test_the_demos_solution_names_leave_version_1_readable(lang: str) -> None:
    svg = chart_of(_chart([(n, (0.808, 0.71)) for n in MET], [(1, (0.54, 0.61))], lang=lang))
    assert len(names(svg)) == 1
    assert [m for m, _ in markers(svg)].count("v1") == 1
    assert clashes(svg) == []


def test_names_of_solutions_at_three_points_among_versions_keep_apart() -> None:
    frontier = [(0.2, 0.95), (0.5, 0.8), (0.55, 0.75), (0.6, 0.7), (0.9, 0.3)]
    solutions = [(MET[0], (0.55, 0.75)), (MET[1], (0.5, 0.8)), (MET[2], (0.6, 0.7))]
    versions = [(1, (0.45, 0.7)), (2, (0.5, 0.65)), (3, (0.62, 0.6)), (4, (0.4, 0.76))]
    svg = chart_of(_chart(solutions, versions, frontier))
    assert len(names(svg)) == 3
    assert clashes(svg) == []


@pytest.mark.parametrize("corner", [(0.99, 0.99), (0.01, 0.01), (0.99, 0.01), (0.01, 0.99)])
def test_a_name_at_a_corner_stays_inside_the_plot(corner: tuple[float, float]) -> None:
    svg = chart_of(_chart([(n, corner) for n in MET], [(1, corner)], [corner]))
    assert clashes(svg) == []


def test_a_name_moved_away_from_its_point_is_tied_to_it() -> None:
    # version 1 sits where the names would go first (below left): they go further out, and a
    # thin line leads from the point to them
    svg = chart_of(_chart([(n, (0.808, 0.71)) for n in MET], [(1, (0.54, 0.61))]))
    (leader,) = svg.select("g.solution line.leader")
    (_, box) = names(svg)[0]
    end = float(str(leader["x2"])), float(str(leader["y2"]))
    assert box[0] - 1 <= end[0] <= box[2] + 1
    assert box[1] - 1 <= end[1] <= box[3] + 1


def test_the_placement_does_not_change_from_one_drawing_to_the_next() -> None:
    solutions = [(n, (0.808, 0.71)) for n in MET]
    assert _chart(solutions, [(1, (0.54, 0.61))]) == _chart(solutions, [(1, (0.54, 0.61))])
