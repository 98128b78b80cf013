"""Small agendas and preferences for the protocol tests (built here; session-scoped because
they are immutable, which also lets Hypothesis tests use them)."""

from __future__ import annotations

import pytest

from gobetween.model import Agenda, Issue, IssueKind, Preferences, RatingScale, RedLine, Scenario


def grain_agenda() -> Agenda:
    """A three-issue agenda in the shape of the Black Sea talks (illustrative)."""
    return Agenda(
        (
            Issue.discrete("ports", ["Odesa", "Odesa+Chornomorsk", "three ports"]),
            Issue.from_range("term", 60, 180, 60, kind=IssueKind.INTEGER, unit="days"),
            Issue.discrete("inspections", ["at sea", "Istanbul", "joint Istanbul"]),
        ),
        name="grain",
    )


def grain_scenario() -> Scenario:
    """Two parties with opposed ratings on ports and term, shared interest in inspections."""
    agenda = grain_agenda()
    scale = RatingScale(0, 10)
    a = Preferences(
        weights={"ports": 5, "term": 3, "inspections": 2},
        ratings={
            "ports": {"Odesa": 0, "Odesa+Chornomorsk": 6, "three ports": 10},
            "term": {"60": 0, "120": 7, "180": 10},
            "inspections": {"at sea": 0, "Istanbul": 6, "joint Istanbul": 10},
        },
        scale=scale,
        reservation=0.5,
        red_lines=(RedLine.of(("inspections", "at sea")),),
    )
    b = Preferences(
        weights={"ports": 3, "term": 4, "inspections": 3},
        ratings={
            "ports": {"Odesa": 10, "Odesa+Chornomorsk": 7, "three ports": 2},
            "term": {"60": 10, "120": 8, "180": 0},
            "inspections": {"at sea": 10, "Istanbul": 4, "joint Istanbul": 8},
        },
        scale=scale,
        reservation=0.45,
    )
    return Scenario(agenda, {"A": a, "B": b}, name="grain")


@pytest.fixture(scope="session")
def agenda() -> Agenda:
    return grain_agenda()


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return grain_scenario()
