"""Properties of the single text over random action sequences (valid and invalid).

- a refused action raises :class:`ProtocolError` (nothing else) and leaves the state as it was;
- replaying the stored events, round-tripped through JSON, rebuilds exactly the same state;
- a party's view never contains another party's answer;
- the track is ready exactly when every party accepted the current version.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.errors import ProtocolError
from gobetween.model import Agenda, Package
from gobetween.protocols.single_text import (
    Answer,
    AnswerKind,
    CloseTrack,
    ExtendDeadline,
    PublishText,
    SingleTextAction,
    SingleTextState,
    TrackStatus,
    WithdrawAnswer,
    replay,
    step,
)
from gobetween.protocols.single_text_views import mediator_view, party_view

T0 = datetime(2022, 7, 1, tzinfo=UTC)
PARTIES = ("A", "B", "C")
MEDIATORS = ("UN", "TR")
ACTORS = (*PARTIES, *MEDIATORS, "X")
KINDS = ["publish"] * 3 + ["answer"] * 14 + ["withdraw", "extend", "close"]


def packages(agenda: Agenda) -> st.SearchStrategy[Package]:
    return st.tuples(*(st.integers(0, issue.size - 1) for issue in agenda.issues)).map(
        lambda choices: Package.from_indices(agenda, choices)
    )


def partial(agenda: Agenda, with_bad: bool) -> st.SearchStrategy[dict[str, str]]:
    issues = [*agenda.issue_names, "tolls"] if with_bad else list(agenda.issue_names)
    options = sorted({o for i in agenda.issues for o in i.option_names} | {"Mykolaiv"})
    return st.dictionaries(st.sampled_from(issues), st.sampled_from(options), max_size=2)


def deadlines(now: datetime) -> st.SearchStrategy[datetime | None]:
    return st.none() | st.integers(-3600, 5 * 86400).map(lambda s: now + timedelta(seconds=s))


@st.composite
def action(
    draw: st.DrawFn, agenda: Agenda, now: datetime, serial: int, current: int
) -> SingleTextAction:
    kind = draw(st.sampled_from(KINDS))
    if kind == "close" and draw(st.integers(0, 3)):
        kind = "answer"  # closing ends a run: keep it rare
    if current == 0 and draw(st.booleans()):
        kind = "publish"
    usual = PARTIES if kind in ("answer", "withdraw") else MEDIATORS
    actor = draw(st.sampled_from(usual) | st.sampled_from(ACTORS))
    version = draw(st.just(current) | st.integers(0, 4))
    if kind == "publish":
        clauses = draw(partial(agenda, with_bad=False))
        return PublishText(
            actor,
            draw(packages(agenda)),
            {issue: f"clause {text}" for issue, text in clauses.items()},
            draw(st.sampled_from(["", "second reading"])),
            draw(deadlines(now)),
            draw(st.none() | st.integers(0, 5)),
        )
    if kind == "answer":
        reasons = tuple(f"secret-{actor}-{serial}-{i}" for i in range(draw(st.integers(0, 2))))
        return Answer(
            actor,
            version,
            draw(st.sampled_from([AnswerKind.ACCEPT, *AnswerKind])),
            reasons,
            draw(st.just({}) | partial(agenda, with_bad=draw(st.booleans()))),
        )
    if kind == "withdraw":
        return WithdrawAnswer(actor, version)
    if kind == "extend":
        return ExtendDeadline(actor, version, draw(deadlines(now)))
    return CloseTrack(actor, draw(st.sampled_from(["", "signed"])))


@st.composite
def runs(
    draw: st.DrawFn, agenda: Agenda
) -> tuple[SingleTextState, SingleTextState, list[Exception]]:
    initial = SingleTextState.open(agenda, PARTIES, MEDIATORS)
    state, now, refused = initial, T0, []
    for serial in range(draw(st.integers(0, 40))):
        now += timedelta(seconds=draw(st.integers(0, 86400)))
        act = draw(action(agenda, now, serial, len(state.versions)))
        before = state
        snapshot = json.dumps(mediator_view(state).to_dict())
        try:
            state, events = step(state, act, now=now)
        except ProtocolError as exc:
            refused.append(exc)
            assert json.dumps(mediator_view(before).to_dict()) == snapshot
            continue
        assert state.log[len(before.log) :] == events
        assert events
    return initial, state, refused


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_replay_of_json_events_rebuilds_the_state(agenda: Agenda, data: st.DataObject) -> None:
    initial, state, _ = data.draw(runs(agenda))
    wire = json.loads(json.dumps([e.to_dict() for e in state.log]))
    assert replay(initial, wire) == state
    assert replay(initial, state.log) == state


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_party_views_never_show_other_answers(agenda: Agenda, data: st.DataObject) -> None:
    _, state, _ = data.draw(runs(agenda))
    for party in PARTIES:
        text = json.dumps(party_view(state, party).to_dict())
        for other in ACTORS:
            if other != party:
                assert f"secret-{other}-" not in text
        own = party_view(state, party).own_answers
        assert all(answer.party == party for answer in own.values())


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_invariants_hold_after_any_run(agenda: Agenda, data: st.DataObject) -> None:
    _, state, _ = data.draw(runs(agenda))
    assert [v.number for v in state.versions] == list(range(1, len(state.versions) + 1))
    view = mediator_view(state)
    if state.status is TrackStatus.READY_FOR_AGREEMENT:
        assert view.accepted == PARTIES
    if state.status is TrackStatus.AWAITING_ANSWERS:
        assert view.accepted != PARTIES
    assert sorted(view.accepted + view.rejected + view.amend_requested + view.pending) == (
        sorted(PARTIES) if state.versions else []
    )
    for number, row in state.answers.items():
        for party, answer in row.items():
            assert answer.party == party
            assert answer.version == number
            assert party in PARTIES
