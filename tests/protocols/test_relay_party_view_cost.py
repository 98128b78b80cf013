"""A party's view of the relay does the same work however many offers the other parties sent.

Until 5 December 2026 :func:`~gobetween.protocols.relay.party_view` went through every offer and
every forward of the relay to find the party's own (about 4 us more per 400 of another party's
offers, ``.venv/bin/python -m benchmarks.side_channel_replay --core``), so the time a party's
offers page or own offer took told it how busy the other parties had been. The work is counted
here as the Python bytecode instructions the view runs (the same on every machine, whatever the
noise), and the views are checked against the old definition, by filtering every offer.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.protocols.test_relay import PARTIES, relay_runs

from gobetween import wire
from gobetween.model import Agenda
from gobetween.protocols import relay
from gobetween.protocols.base import ViewRole

T0 = datetime(2023, 3, 1, tzinfo=UTC)


def instructions(call: Callable[[], object]) -> int:
    """The bytecode instructions ``call()`` runs in Python code (every frame it opens)."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(None)
    return count


def busy_relay(agenda: Agenda, others: int) -> relay.RelayState:
    """A's two offers (one forwarded to B, one declined) and an offer forwarded to A; then
    ``others`` offers of B, each forwarded to C or declined by the mediators."""
    state = relay.RelayState.open(agenda, PARTIES, ("M",))
    actions: list[relay.RelayAction] = [
        relay.SubmitOffer("A", {"ports": "Odesa"}, "mine"),
        relay.ForwardOffer("M", 1, ("B",), message="passed on"),
        relay.SubmitOffer("C", {"ports": "three ports"}, "theirs"),
        relay.ForwardOffer("M", 2, ("A",), message="to A"),
        relay.SubmitOffer("A", {}, "second"),
        relay.DeclineOffer("M", 3, "no"),
    ]
    for i in range(others):
        number = 4 + i
        actions.append(relay.SubmitOffer("B", {"ports": "three ports"}, f"offer {i}"))
        if i % 2:
            actions.append(relay.ForwardOffer("M", number, ("C",), message=f"fwd {i}"))
        else:
            actions.append(relay.DeclineOffer("M", number, f"reason {i}"))
    for action in actions:
        state, _ = relay.step(state, action, now=T0)
    return state


def test_a_partys_view_does_the_same_work_whatever_the_other_parties_sent(
    agenda: Agenda,
) -> None:
    """A's view, with 0, 40 and 400 offers of B (forwarded to C or declined): the same bytes
    and the same instructions run (before: 654, 1,074 and 4,854)."""
    view = relay.PROTOCOL.view
    # once first: what a process does once, on its first view (a cache another test may have
    # cleared), is not work that depends on anyone's offers; it made the first count 679
    # against 641 in one run of the whole suite
    view(busy_relay(agenda, 1), ViewRole.PARTY, "A")
    work, shown = [], []
    for others in (0, 40, 400):
        state = busy_relay(agenda, others)
        shown.append(json.dumps(view(state, ViewRole.PARTY, "A")))
        work.append(instructions(functools.partial(view, state, ViewRole.PARTY, "A")))
    assert shown[0] == shown[1] == shown[2]
    assert work[0] == work[1] == work[2], work


def _filtered(state: relay.RelayState, party: str) -> dict[str, Any]:
    """The party's view as it was defined before its indexes: every offer and forward looked
    at."""
    own = [o for o in state.offers if o.sender == party]
    mine = [f for f in state.forwards if party in f.recipients]
    return {
        "party": party,
        "status": state.status.value,
        "sent": [
            relay.SentOffer(i, o.options, o.message, o.at, o.status, o.decline_reason).to_dict()
            for i, o in enumerate(own, start=1)
        ],
        "received": [
            relay.ReceivedOffer(i, f.options, f.message, f.at).to_dict()
            for i, f in enumerate(mine, start=1)
        ],
        "closed_reason": state.closed_reason,
    }


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_the_party_views_are_those_of_every_offer_looked_at(
    agenda: Agenda, data: st.DataObject
) -> None:
    """Random runs: each party's view is, byte for byte, the one found by going through every
    offer and forward; so is it after a replay of the stored events, and after a party's own
    replay (its own and the mediators' events, blanks in the others' places)."""
    initial, state = data.draw(relay_runs(agenda))
    stored = json.loads(json.dumps([e.to_dict() for e in state.log]))
    replayed = relay.replay(initial, stored)
    assert replayed == state
    for party in PARTIES:
        expected = json.dumps(_filtered(state, party))
        assert json.dumps(relay.party_view(state, party).to_dict()) == expected
        seen = [
            e
            for e in stored
            if e["type"] != "offer_submitted" or e["party"] == party  # a party's own replay
        ]
        own = wire.replay(
            relay.apply_seen_by, lambda d: relay.event_from_dict(d, agenda), initial, seen
        )
        assert json.dumps(relay.party_view(own, party).to_dict()) == expected
