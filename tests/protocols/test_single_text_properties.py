"""Properties of the single text over random action sequences (valid and invalid).

- a refused action raises :class:`ProtocolError` (nothing else) and leaves the state as it was;
- replaying the stored events, round-tripped through JSON, rebuilds exactly the same state;
- a party's view never contains another party's answer;
- the track is ready exactly when every party accepted the current version.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.errors import ProtocolError
from gobetween.model import Agenda, Package
from gobetween.protocols.single_text import (
    Answer,
    AnswerGiven,
    AnswerKind,
    AnswerWithdrawn,
    CloseTrack,
    DeadlineExtended,
    ExtendDeadline,
    PublishText,
    SingleTextAction,
    SingleTextState,
    TextPublished,
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


@functools.cache
def choices(
    agenda: Agenda,
) -> tuple[
    st.SearchStrategy[Package], st.SearchStrategy[dict[str, str]], st.SearchStrategy[dict[str, str]]
]:
    """Strategies for packages, clean partial packages and partial packages with bad names.

    Built once per agenda: building strategies inside every draw dominates the run time.
    """
    packages = st.tuples(*(st.integers(0, issue.size - 1) for issue in agenda.issues)).map(
        lambda picks: Package.from_indices(agenda, picks)
    )
    options = sorted({o for i in agenda.issues for o in i.option_names} | {"Mykolaiv"})
    clean = st.dictionaries(
        st.sampled_from(agenda.issue_names), st.sampled_from(options), max_size=2
    )
    bad = st.dictionaries(
        st.sampled_from([*agenda.issue_names, "tolls"]), st.sampled_from(options), max_size=2
    )
    return packages, clean, st.just({}) | clean | bad


KIND = st.sampled_from(KINDS)
ACTOR = {
    True: st.sampled_from(PARTIES) | st.sampled_from(ACTORS),
    False: st.sampled_from(MEDIATORS) | st.sampled_from(ACTORS),
}
OFFSET = st.none() | st.integers(-3600, 5 * 86400)
VERSION = st.none() | st.integers(0, 4)
ANSWER_KIND = st.sampled_from([AnswerKind.ACCEPT, *AnswerKind])
SMALL = st.integers(0, 3)


def deadline(draw: st.DrawFn, now: datetime) -> datetime | None:
    offset = draw(OFFSET)
    return None if offset is None else now + timedelta(seconds=offset)


def action(
    draw: st.DrawFn, agenda: Agenda, now: datetime, serial: int, current: int
) -> SingleTextAction:
    packages, clean, amendments = choices(agenda)
    kind = draw(KIND)
    if kind == "close" and draw(SMALL):
        kind = "answer"  # closing ends a run: keep it rare
    if current == 0 and draw(st.booleans()):
        kind = "publish"
    actor = draw(ACTOR[kind in ("answer", "withdraw")])
    picked = draw(VERSION)
    version = current if picked is None else picked
    if kind == "publish":
        clauses = draw(clean)
        return PublishText(
            actor,
            draw(packages),
            {issue: f"clause {text}" for issue, text in clauses.items()},
            "second reading" if draw(st.booleans()) else "",
            deadline(draw, now),
            None if draw(st.booleans()) else draw(SMALL),
        )
    if kind == "answer":
        reasons = tuple(f"secret-{actor}-{serial}-{i}" for i in range(draw(SMALL)))
        return Answer(actor, version, draw(ANSWER_KIND), reasons, draw(amendments))
    if kind == "withdraw":
        return WithdrawAnswer(actor, version)
    if kind == "extend":
        return ExtendDeadline(actor, version, deadline(draw, now))
    return CloseTrack(actor, "signed" if draw(st.booleans()) else "")


@st.composite
def runs(
    draw: st.DrawFn, agenda: Agenda
) -> tuple[SingleTextState, SingleTextState, list[Exception]]:
    initial = SingleTextState.open(agenda, PARTIES, MEDIATORS)
    state, now, refused = initial, T0, []
    for serial in range(draw(st.integers(0, 40))):
        now += timedelta(seconds=draw(st.integers(0, 86400)))
        act = action(draw, agenda, now, serial, len(state.versions))
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


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_replay_of_json_events_rebuilds_the_state(agenda: Agenda, data: st.DataObject) -> None:
    initial, state, _ = data.draw(runs(agenda))
    wire = json.loads(json.dumps([e.to_dict() for e in state.log]))
    assert replay(initial, wire) == state
    assert replay(initial, state.log) == state


@settings(max_examples=120, deadline=None)
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


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_invariants_hold_after_any_run(agenda: Agenda, data: st.DataObject) -> None:
    _, state, refused = data.draw(runs(agenda))
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
    # every logged answer came from a party, for the current version, within its deadline
    deadline: datetime | None = None
    version = 0
    for event in state.log:
        if isinstance(event, TextPublished):
            version, deadline = event.version, event.deadline
            assert event.mediator in MEDIATORS
        elif isinstance(event, DeadlineExtended):
            deadline = event.deadline
            assert event.mediator in MEDIATORS
        elif isinstance(event, AnswerGiven | AnswerWithdrawn):
            assert event.party in PARTIES
            assert event.version == version
            assert deadline is None or event.at <= deadline
    for exc in refused:
        assert str(exc)  # every refusal says why
