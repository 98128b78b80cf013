"""`analyze` puts the pieces together and serialises to JSON."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from tests.strategies import scenarios

from gobetween.analysis import analyze, nash, pareto_frontier, zopa
from gobetween.model import Agenda, Issue, Preferences, Scenario


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_issues=3))
def test_analysis_is_consistent_and_json_serialisable(scenario: Scenario) -> None:
    result = analyze(scenario)
    front = pareto_frontier(scenario)
    np.testing.assert_array_equal(result.frontier.utilities, front.utilities)
    assert result.nash == nash(front)
    assert result.zopa == zopa(front)
    assert result.outcome_space_size == scenario.agenda.size
    assert len(result.trade_offs) == len(scenario.agenda)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["frontier_size"] == len(front)
    assert data["method"] == front.method
    assert [p["tie_count"] for p in data["frontier"]] == list(front.tie_counts)
    assert data["parties"] == list(scenario.party_names)
    for key, solution in data["solutions"].items():
        assert (solution is None) == (getattr(result, key) is None)


def test_disagreement_point_can_be_given() -> None:
    agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]),))
    s = Scenario(
        agenda,
        {
            "A": Preferences({"a": 1}, {"a": {"x": 1, "y": 0.6, "z": 0}}, reservation=0.7),
            "B": Preferences({"a": 1}, {"a": {"x": 0, "y": 0.6, "z": 1}}),
        },
    )
    default = analyze(s)
    # Only x satisfies A's reservation, and it gives B nothing: no solution, a one-point zone.
    assert default.disagreement == (0.7, 0.0)
    assert default.nash is None
    assert default.kalai_smorodinsky is None
    assert default.egalitarian is None
    assert default.zopa.indices == (0,)
    assert default.max_welfare is not None
    given_point = analyze(s, disagreement=[0.0, 0.0])
    assert given_point.nash is not None
    assert given_point.nash.package.options == {"a": "y"}
    assert given_point.zopa.reservations == (0.7, 0.0)
    assert len(given_point.solutions) == 4


def test_huge_counts_survive_json() -> None:
    agenda = Agenda(tuple(Issue.discrete(f"i{j}", ["a", "b"]) for j in range(70)))
    prefs = Preferences(
        {f"i{j}": 1 for j in range(70)}, {f"i{j}": {"a": 1, "b": 1} for j in range(70)}
    )
    result = analyze(Scenario(agenda, {"A": prefs, "B": prefs}))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["frontier"][0]["tie_count"] == 2**70
    assert data["frontier_package_count"] == 2**70
