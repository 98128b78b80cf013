"""Simulated delegations: their answers, determinism given rng, and whole simulated tracks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.errors import InvalidPreferences, ProtocolError
from gobetween.model import Agenda, Issue, Package, Preferences, Scenario
from gobetween.protocols.simulated import (
    SimulatedParty,
    follow_amendments,
    run_single_text,
    simulated_parties,
)
from gobetween.protocols.single_text import (
    Answer,
    AnswerKind,
    PublishText,
    SingleTextState,
    TextVersion,
    TrackStatus,
    replay,
    step,
)

T0 = datetime(2022, 7, 1, tzinfo=UTC)
CHOICES = st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2))


def version(package: Package, number: int = 1) -> TextVersion:
    return TextVersion(number, package, {}, "", T0, None, "UN")


def party(scenario: Scenario, name: str, amend_probability: float = 1.0) -> SimulatedParty:
    return SimulatedParty(name, scenario.preferences[name], amend_probability)


def test_accepts_an_acceptable_text(scenario: Scenario) -> None:
    text = scenario.agenda.package(
        {"ports": "Odesa+Chornomorsk", "term": "120", "inspections": "Istanbul"}
    )
    for name in ("A", "B"):
        answer = party(scenario, name).answer(version(text), rng=0)
        assert answer.kind is AnswerKind.ACCEPT
        assert answer.party == name


def test_amends_to_clear_a_red_line_first(scenario: Scenario) -> None:
    text = scenario.agenda.package({"ports": "three ports", "term": "180", "inspections": "at sea"})
    answer = party(scenario, "A").answer(version(text), rng=0)
    assert answer.kind is AnswerKind.AMEND
    assert dict(answer.amendments) == {"inspections": "joint Istanbul"}


def test_amends_on_the_issue_with_the_largest_gain(scenario: Scenario) -> None:
    text = scenario.agenda.package({"ports": "Odesa", "term": "60", "inspections": "Istanbul"})
    answer = party(scenario, "A").answer(version(text), rng=0)
    assert dict(answer.amendments) == {"ports": "three ports"}  # worth 0.5 to A; term only 0.3


def test_rejects_naming_the_issues_that_hurt_most(scenario: Scenario) -> None:
    text = scenario.agenda.package({"ports": "Odesa", "term": "60", "inspections": "at sea"})
    answer = party(scenario, "A", amend_probability=0.0).answer(version(text), rng=0)
    assert answer.kind is AnswerKind.REJECT
    assert answer.amendments == {}
    assert len(answer.reasons) == 3
    assert answer.reasons[0] == "red line: we cannot accept inspections='at sea'"
    assert answer.reasons[1].startswith("ports: 'Odesa' hurts us most here (we lose 0.50")
    assert answer.reasons[2].startswith("term: '60' hurts us most here (we lose 0.30")


def test_answers_are_valid_protocol_actions(scenario: Scenario) -> None:
    text = scenario.agenda.package({"ports": "Odesa", "term": "60", "inspections": "at sea"})
    state = SingleTextState.open(scenario.agenda, ("A", "B"), ("UN",))
    state, _ = step(state, PublishText("UN", text), now=T0)
    for member in simulated_parties(scenario, amend_probability=0.5):
        assert state.current is not None
        state, _ = step(state, member.answer(state.current, rng=1), now=T0)
    assert set(state.answers_to(1)) == {"A", "B"}


def test_ties_are_broken_by_rng_deterministically() -> None:
    agenda = Agenda((Issue.discrete("a", ["lo", "hi"]), Issue.discrete("b", ["lo", "hi"])))
    prefs = Preferences(
        {"a": 1, "b": 1}, {"a": {"lo": 0, "hi": 1}, "b": {"lo": 0, "hi": 1}}, reservation=0.9
    )
    member = SimulatedParty("P", prefs)
    text = version(agenda.package({"a": "lo", "b": "lo"}))
    picks = {seed: tuple(member.answer(text, rng=seed).amendments) for seed in range(20)}
    assert set(picks.values()) == {("a",), ("b",)}
    assert all(tuple(member.answer(text, rng=seed).amendments) == picks[seed] for seed in picks)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"amend_probability": 1.5}, "amend_probability"), ({"max_reasons": 0}, "max_reasons")],
)
def test_bad_settings(scenario: Scenario, kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        SimulatedParty("A", scenario.preferences["A"], **kwargs)  # type: ignore[arg-type]


def test_run_reaches_agreement_and_replays(scenario: Scenario) -> None:
    start = scenario.agenda.package({"ports": "Odesa", "term": "60", "inspections": "at sea"})
    state = run_single_text(scenario, follow_amendments(start), start=T0, rng=3)
    assert state.status is TrackStatus.READY_FOR_AGREEMENT
    assert state.current is not None
    assert len(state.versions) == 3  # A clears its red line, then asks for three ports
    assert state.current.package.options == {
        "ports": "three ports",
        "term": "60",
        "inspections": "joint Istanbul",
    }
    assert all(scenario.preferences[p].accepts(state.current.package) for p in ("A", "B"))
    assert all(
        scenario.preferences[p].utility(state.current.package)
        >= scenario.preferences[p].reservation
        for p in ("A", "B")
    )
    initial = SingleTextState.open(scenario.agenda, ("A", "B"), ("mediator",))
    assert replay(initial, json.loads(json.dumps([e.to_dict() for e in state.log]))) == state
    assert state.versions[1].published_at == T0 + timedelta(days=1)


def test_run_closes_when_the_strategy_has_nothing_left(scenario: Scenario) -> None:
    start = scenario.agenda.package({"ports": "Odesa", "term": "60", "inspections": "at sea"})
    members = simulated_parties(scenario, amend_probability=0.0)  # reject only: nothing to grant
    state = run_single_text(scenario, follow_amendments(start), members, start=T0, rng=3)
    assert state.status is TrackStatus.CLOSED
    assert state.closed_reason == "no agreement after 1 version(s)"


def test_follow_amendments_skips_conflicts_and_settled_issues(scenario: Scenario) -> None:
    agenda = scenario.agenda
    start = agenda.package({"ports": "Odesa", "term": "120", "inspections": "Istanbul"})
    state = SingleTextState.open(agenda, ("A", "B"), ("UN",))
    strategy = follow_amendments(start)
    assert strategy(state) == start
    state, _ = step(state, PublishText("UN", start), now=T0)
    ask_a = party(scenario, "A").answer(version(start))  # wants three ports
    state, _ = step(state, ask_a, now=T0)
    nxt = strategy(state)
    assert nxt is not None
    assert nxt.option("ports") == "three ports"
    state, _ = step(state, PublishText("UN", nxt), now=T0)
    state, _ = step(state, Answer("B", 2, AnswerKind.AMEND, (), {"ports": "Odesa"}), now=T0)
    assert strategy(state) is None  # ports moved once already
    state, _ = step(state, Answer("A", 2, AnswerKind.AMEND, (), {"term": "180"}), now=T0)
    state, _ = step(state, Answer("B", 2, AnswerKind.AMEND, (), {"term": "60"}), now=T0)
    assert strategy(state) is None  # conflicting requests on term


@settings(max_examples=60, deadline=None)
@given(
    choices=st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)),
    seed=st.integers(0, 2**32),
)
def test_answers_follow_the_preferences(
    scenario: Scenario, choices: tuple[int, int, int], seed: int
) -> None:
    package = Package.from_indices(scenario.agenda, choices)
    for member in simulated_parties(scenario, amend_probability=0.5):
        prefs = member.preferences
        answer = member.answer(version(package), rng=seed)
        assert answer == member.answer(version(package), rng=seed)
        acceptable = prefs.accepts(package) and prefs.utility(package) >= prefs.reservation
        assert (answer.kind is AnswerKind.ACCEPT) == acceptable
        if answer.kind is AnswerKind.AMEND:
            ((issue, option),) = answer.amendments.items()
            changed = package.replace(**{issue: option})
            crossed = sum(r.violated_by(package) for r in prefs.red_lines)
            assert sum(r.violated_by(changed) for r in prefs.red_lines) < crossed or (
                prefs.utility(changed) > prefs.utility(package)
            )
        if answer.kind is AnswerKind.REJECT:
            assert answer.reasons


@settings(max_examples=25, deadline=None)
@given(
    choices=st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)),
    seed=st.integers(0, 1000),
)
def test_runs_are_deterministic_given_rng(
    scenario: Scenario, choices: tuple[int, int, int], seed: int
) -> None:
    start = Package.from_indices(scenario.agenda, choices)
    members = simulated_parties(scenario, amend_probability=0.7)
    first = run_single_text(scenario, follow_amendments(start), members, start=T0, rng=seed)
    again = run_single_text(scenario, follow_amendments(start), members, start=T0, rng=seed)
    assert first == again
    assert first.status in (TrackStatus.READY_FOR_AGREEMENT, TrackStatus.CLOSED)
    assert len(first.versions) <= len(scenario.agenda) + 1


def test_preferences_for_another_agenda_are_refused(scenario: Scenario) -> None:
    agenda = Agenda((Issue.discrete("ports", ["Odesa", "three ports"]),))
    member = party(scenario, "A")
    with pytest.raises(InvalidPreferences, match="not on the agenda"):
        member.answer(version(agenda.package({"ports": "Odesa"})))
