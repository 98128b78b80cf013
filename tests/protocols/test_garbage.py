"""Actions with fields of the wrong type are refused with ProtocolError, never another error.

The service builds actions from API fields; whatever slips past its schemas must still be
answered with the protocol's own error (mapped to a clean HTTP answer), not a TypeError.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.errors import ProtocolError, ValidationFailed
from gobetween.model import Agenda
from gobetween.protocols import blind_bidding as bb
from gobetween.protocols import relay
from gobetween.protocols import single_text as stx

T0 = datetime(2022, 7, 1, tzinfo=UTC)
MODULES: dict[str, Any] = {m.__name__: m for m in (stx, relay, bb)} | {
    "gobetween.protocols.single_text_events": stx
}
JUNK = [None, 0, 1, -1, True, 1.5, float("nan"), "", "x", "A", (), ("A",), [], {}, {"x": 1}, T0]
JUNK += [{"term": 5}, [1], ("A", 1), {1: "x"}, {"term": "60", "tolls": "none"}]
GARBAGE = st.sampled_from(JUNK)


def single_text_state(agenda: Agenda) -> stx.SingleTextState:
    state = stx.SingleTextState.open(agenda, ("A", "B"), ("M",))
    package = agenda.package({"ports": "Odesa", "term": "60", "inspections": "at sea"})
    state = stx.step(state, stx.PublishText("M", package), now=T0)[0]
    return stx.step(state, stx.Answer("A", 1, stx.AnswerKind.REJECT, ("no",)), now=T0)[0]


def relay_state(agenda: Agenda) -> relay.RelayState:
    state = relay.RelayState.open(agenda, ("A", "B"), ("M",))
    return relay.step(state, relay.SubmitOffer("A", {"term": "60"}, "hi"), now=T0)[0]


def valid_actions(agenda: Agenda) -> list[Any]:
    package = agenda.package({"ports": "Odesa", "term": "120", "inspections": "at sea"})
    return [
        stx.PublishText("M", package, {"term": "t"}, "n", None, 2),
        stx.Answer("A", 1, stx.AnswerKind.AMEND, ("r",), {"term": "120"}),
        stx.WithdrawAnswer("A", 1),
        stx.ExtendDeadline("M", 1, None),
        stx.CloseTrack("M", "r"),
        relay.SubmitOffer("B", {"term": "60"}, "m"),
        relay.ForwardOffer("M", 1, ("B",), {"term": "60"}, "m"),
        relay.DeclineOffer("M", 1, "r"),
        relay.CloseRelay("M", "r"),
        bb.SubmitBid("buyer", 1, 10.0),
        bb.CloseBidding("M", "r"),
    ]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_garbage_fields_raise_protocol_error_only(agenda: Agenda, data: st.DataObject) -> None:
    action = data.draw(st.sampled_from(valid_actions(agenda)))
    names = [f.name for f in dataclasses.fields(action)]
    changed = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
    broken = dataclasses.replace(action, **{n: data.draw(GARBAGE) for n in changed})
    module = MODULES[type(action).__module__]
    with contextlib.suppress(ProtocolError):
        module.step(states(agenda)[module], broken, now=T0)


def states(agenda: Agenda) -> dict[Any, Any]:
    return {
        stx: single_text_state(agenda),
        relay: relay_state(agenda),
        bb: bb.BiddingState.open("buyer", "seller", bb.BiddingRules(), ("M",)),
    }


@pytest.mark.parametrize("index", range(11))
def test_every_field_with_every_junk_value(agenda: Agenda, index: int) -> None:
    action = valid_actions(agenda)[index]
    module = MODULES[type(action).__module__]
    state = states(agenda)[module]
    module.step(state, action, now=T0)  # the unbroken action is allowed
    refused = 0
    for name in (f.name for f in dataclasses.fields(action)):
        for junk in JUNK:
            try:
                module.step(state, dataclasses.replace(action, **{name: junk}), now=T0)
            except ProtocolError:
                refused += 1
    assert refused > 0


@pytest.mark.parametrize("now", [None, "2022-07-01", 0, datetime(2022, 7, 1)])
def test_bad_now_is_refused(agenda: Agenda, now: object) -> None:
    with pytest.raises(ProtocolError, match="now must be"):
        stx.step(single_text_state(agenda), stx.WithdrawAnswer("A", 1), now=now)  # type: ignore[arg-type]


def full_logs(agenda: Agenda) -> list[tuple[Any, Any, list[dict[str, Any]]]]:
    """Per protocol: its module, the initial state and a stored log with every event type."""
    s = single_text_state(agenda)
    for action in (
        stx.ExtendDeadline("M", 1, None),
        stx.WithdrawAnswer("A", 1),
        stx.Answer("A", 1, stx.AnswerKind.ACCEPT),
        stx.Answer("B", 1, stx.AnswerKind.ACCEPT),
        stx.CloseTrack("M", "signed"),
    ):
        s = stx.step(s, action, now=T0)[0]
    r = relay_state(agenda)
    for relay_action in (
        relay.ForwardOffer("M", 1),
        relay.SubmitOffer("B", {}, "m"),
        relay.DeclineOffer("M", 2, "no"),
        relay.CloseRelay("M"),
    ):
        r = relay.step(r, relay_action, now=T0)[0]
    b0 = bb.BiddingState.open("buyer", "seller", bb.BiddingRules(), ("M",))
    b = b0
    for bid in (bb.SubmitBid("buyer", 1, 10), bb.SubmitBid("seller", 1, 20)):
        b = bb.step(b, bid, now=T0)[0]
    b = bb.step(b, bb.CloseBidding("M"), now=T0)[0]
    return [
        (stx, stx.SingleTextState.open(agenda, ("A", "B"), ("M",)), [e.to_dict() for e in s.log]),
        (relay, relay.RelayState.open(agenda, ("A", "B"), ("M",)), [e.to_dict() for e in r.log]),
        (bb, b0, [e.to_dict() for e in b.log]),
    ]


@pytest.mark.parametrize("which", range(3))
def test_junk_in_stored_events_is_refused_cleanly(agenda: Agenda, which: int) -> None:
    module, initial, wire = full_logs(agenda)[which]
    assert module.replay(initial, wire).log  # the clean log replays
    refused = 0
    for i, event in enumerate(wire):
        for key in event:
            for junk in [*JUNK[:15], "__delete__"]:
                broken = json.loads(json.dumps(wire))
                if junk == "__delete__":
                    del broken[i][key]
                else:
                    broken[i][key] = junk
                try:
                    module.replay(initial, broken)
                except (ProtocolError, ValidationFailed):
                    refused += 1
    assert refused > len(wire) * 10
