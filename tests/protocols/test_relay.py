"""Relayed offers: rules, confidentiality of the views, wire form and replay."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.protocols.contract import ProtocolContract

from gobetween.errors import ProtocolError, ValidationFailed
from gobetween.model import Agenda
from gobetween.protocols.relay import (
    PROTOCOL,
    CloseRelay,
    DeclineOffer,
    ForwardOffer,
    OfferStatus,
    RelayAction,
    RelayState,
    RelayStatus,
    SubmitOffer,
    event_from_dict,
    mediator_view,
    party_view,
    replay,
    step,
)

T0 = datetime(2023, 3, 1, tzinfo=UTC)
PARTIES = ("A", "B", "C")


def opened(agenda: Agenda) -> RelayState:
    return RelayState.open(agenda, PARTIES, ("M",))


def with_offer(agenda: Agenda) -> RelayState:
    state, _ = step(opened(agenda), SubmitOffer("A", {"ports": "three ports"}, "orig"), now=T0)
    return state


def test_forward_defaults_to_other_parties_and_original_content(agenda: Agenda) -> None:
    state, events = step(with_offer(agenda), ForwardOffer("M", 1), now=T0)
    assert events[0].type == "offer_forwarded"
    assert state.forwards[0].recipients == ("B", "C")
    assert dict(state.forwards[0].options) == {"ports": "three ports"}
    assert state.offer(1).status is OfferStatus.FORWARDED
    for party in ("B", "C"):
        (received,) = party_view(state, party).received
        assert received.sender == "mediators"
        assert received.message == "orig"


def test_recipient_sees_only_the_edited_version(agenda: Agenda) -> None:
    state = with_offer(agenda)
    edited = ForwardOffer("M", 1, ("B",), {"ports": "Odesa+Chornomorsk"}, "A middle ground.")
    state, _ = step(state, edited, now=T0 + timedelta(hours=1))
    view_b = party_view(state, "B").to_dict()
    assert view_b["received"] == [
        {
            "number": 1,
            "options": {"ports": "Odesa+Chornomorsk"},
            "message": "A middle ground.",
            "at": "2023-03-01T01:00:00+00:00",
            "sender": "mediators",
        }
    ]
    text = json.dumps(view_b)
    assert "orig" not in text
    assert "three ports" not in text
    assert '"A"' not in text
    assert party_view(state, "C").received == ()
    sent = party_view(state, "A").sent
    assert [(s.status, s.message) for s in sent] == [(OfferStatus.FORWARDED, "orig")]
    assert "middle ground" not in json.dumps(party_view(state, "A").to_dict())


def test_decline_tells_the_sender_only(agenda: Agenda) -> None:
    state, _ = step(with_offer(agenda), DeclineOffer("M", 1, "too far from the text"), now=T0)
    (sent,) = party_view(state, "A").sent
    assert (sent.status, sent.decline_reason) == (OfferStatus.DECLINED, "too far from the text")
    assert "too far" not in json.dumps(party_view(state, "B").to_dict())
    with pytest.raises(ProtocolError, match="declined and cannot be forwarded"):
        step(state, ForwardOffer("M", 1), now=T0)
    with pytest.raises(ProtocolError, match="already declined"):
        step(state, DeclineOffer("M", 1), now=T0)


def test_forwarded_offer_may_be_forwarded_again_but_not_declined(agenda: Agenda) -> None:
    state, _ = step(with_offer(agenda), ForwardOffer("M", 1, ("B",)), now=T0)
    state, _ = step(state, ForwardOffer("M", 1, ("C",), message="Reworded for C."), now=T0)
    assert [f.number for f in mediator_view(state).forwards] == [1, 2]
    with pytest.raises(ProtocolError, match="already forwarded"):
        step(state, DeclineOffer("M", 1), now=T0)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (SubmitOffer("M", {"ports": "Odesa"}), "not a party"),
        (SubmitOffer("A"), "is empty"),
        (SubmitOffer("A", {"tolls": "none"}), "not on the agenda"),
        (ForwardOffer("A", 1), "not a mediator"),
        (ForwardOffer("M", 2), "no offer 2"),
        (ForwardOffer("M", 1, ("A",)), "its own sender"),
        (ForwardOffer("M", 1, ("Z",)), "not a party"),
        (ForwardOffer("M", 1, ()), "at least one recipient"),
        (ForwardOffer("M", 1, "B"), "not one string"),  # type: ignore[arg-type]
        (ForwardOffer("M", 1, ("B", "B")), "distinct"),
        (ForwardOffer("M", 1, options={}, message=" "), "is empty"),
        (ForwardOffer("M", 1, options={"ports": "Mykolaiv"}), "which has only"),
        (DeclineOffer("B", 1), "not a mediator"),
        (CloseRelay("A"), "not a mediator"),
    ],
)
def test_refused_actions(agenda: Agenda, action: RelayAction, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        step(with_offer(agenda), action, now=T0)


def test_closed_relay_refuses_everything(agenda: Agenda) -> None:
    state, _ = step(with_offer(agenda), CloseRelay("M", "moved to single text"), now=T0)
    assert party_view(state, "B").status is RelayStatus.CLOSED
    assert party_view(state, "B").to_dict()["closed_reason"] == "moved to single text"
    with pytest.raises(ProtocolError, match="closed \\(moved to single text\\)"):
        step(state, SubmitOffer("B", {}, "hello?"), now=T0)


def test_open_needs_two_parties(agenda: Agenda) -> None:
    with pytest.raises(ProtocolError, match="at least two parties"):
        RelayState.open(agenda, ("A",), ("M",))


def test_unknown_and_bad_events_are_refused(agenda: Agenda) -> None:
    with pytest.raises(ValidationFailed, match="unknown relay event type"):
        event_from_dict({"type": "offer_retracted", "at": T0.isoformat()}, agenda)
    event = with_offer(agenda).log[0].to_dict()
    event["options"] = {"ports": "Mykolaiv"}
    with pytest.raises(ValidationFailed) as info:
        event_from_dict(event, agenda)
    assert info.value.location == "options"


# -- properties --------------------------------------------------------------------------------


RELAY_KIND = st.sampled_from(["submit"] * 3 + ["forward"] * 3 + ["decline", "close"])
SENDER = st.sampled_from(PARTIES) | st.just("M")
MEDIATOR = st.just("M") | st.sampled_from(PARTIES)
RECIPIENTS = st.none() | st.lists(st.sampled_from(PARTIES), max_size=3).map(tuple)
OFFER_OPTIONS = st.dictionaries(
    st.sampled_from(["ports", "term", "inspections"]),
    st.sampled_from(["Odesa", "three ports", "60", "180", "Istanbul"]),
    max_size=2,
)


def relay_action(draw: st.DrawFn, serial: int, offers: int) -> RelayAction:
    kind = draw(RELAY_KIND)
    if kind == "close" and draw(st.integers(0, 4)):
        kind = "submit"
    number = draw(st.integers(0, offers + 1))
    if kind == "submit":
        party = draw(SENDER)
        return SubmitOffer(party, draw(OFFER_OPTIONS), f"original-{party}-{serial}")
    if kind == "forward":
        options = draw(OFFER_OPTIONS) if draw(st.booleans()) else None
        message = f"forwarded-{serial}" if draw(st.booleans()) else None
        return ForwardOffer(draw(MEDIATOR), number, draw(RECIPIENTS), options, message)
    if kind == "decline":
        return DeclineOffer(draw(MEDIATOR), number, f"declined-{serial}")
    return CloseRelay(draw(MEDIATOR))


@st.composite
def relay_runs(draw: st.DrawFn, agenda: Agenda) -> tuple[RelayState, RelayState]:
    initial = opened(agenda)
    state, now = initial, T0
    for serial in range(draw(st.integers(0, 30))):
        now += timedelta(minutes=draw(st.integers(0, 600)))
        action = relay_action(draw, serial, len(state.offers))
        snapshot = json.dumps([e.to_dict() for e in state.log])
        try:
            state, _ = step(state, action, now=now)
        except ProtocolError:
            assert json.dumps([e.to_dict() for e in state.log]) == snapshot
    return initial, state


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_replay_and_confidentiality(agenda: Agenda, data: st.DataObject) -> None:
    initial, state = data.draw(relay_runs(agenda))
    wire = json.loads(json.dumps([e.to_dict() for e in state.log]))
    assert replay(initial, wire) == state
    for forward in state.forwards:
        assert forward.recipients
        assert state.offer(forward.offer).sender not in forward.recipients
    for party in PARTIES:
        view = party_view(state, party)
        text = json.dumps(view.to_dict())
        passed_on = {f.message for f in state.forwards if party in f.recipients}
        for offer in state.offers:  # another's message shows only if mediators passed it on
            if offer.sender != party and offer.message not in passed_on:
                assert f'"{offer.message}"' not in text
        for forward in state.forwards:
            if forward.message not in passed_on | {o.message for o in state.offers}:
                assert f'"{forward.message}"' not in text
        for offer in state.offers:
            if offer.status is OfferStatus.DECLINED and offer.sender != party:
                assert f'"{offer.decline_reason}"' not in text
        assert len(view.received) == sum(party in f.recipients for f in state.forwards)
        assert all(f.sender == "mediators" for f in view.received)
        assert len(view.sent) == sum(o.sender == party for o in state.offers)


def test_mediator_view_has_everything(agenda: Agenda) -> None:
    state, _ = step(with_offer(agenda), ForwardOffer("M", 1, ("B",), message="edited"), now=T0)
    state, _ = step(state, SubmitOffer("B", {}, "counter"), now=T0)
    wire = json.loads(json.dumps(mediator_view(state).to_dict()))
    assert [(o["party"], o["message"], o["status"]) for o in wire["offers"]] == [
        ("A", "orig", "forwarded"),
        ("B", "counter", "pending"),
    ]
    assert wire["forwards"][0]["recipients"] == ["B"]
    assert wire["pending"] == [2]


# -- the protocol contract -----------------------------------------------------------------------


class TestRelayContract(ProtocolContract):
    """Relayed offers keep the contract of every registered protocol (tests/protocols/contract)."""

    protocol = PROTOCOL
    parties = PARTIES
    golden = ("relay_log.json", 0)

    def initial(self, agenda: Agenda) -> RelayState:
        state: RelayState = PROTOCOL.initial(agenda, PARTIES, ("M",), {})
        return state

    def golden_initial(self, agenda: Agenda, settings: list[dict[str, Any]]) -> RelayState:
        return RelayState.open(agenda, ("RU", "UA"), ("UN",))

    def script(self, agenda: Agenda) -> list[tuple[Any, datetime]]:
        hour = timedelta(hours=1)
        return [
            (SubmitOffer("A", {"ports": "three ports"}, "our offer"), T0),
            (ForwardOffer("M", 1, ("B",), message="They could widen the ports."), T0 + hour),
            (SubmitOffer("B", {"term": "60"}, "only 60 days"), T0 + 2 * hour),
            (DeclineOffer("M", 2, "not now"), T0 + 3 * hour),
            (CloseRelay("M", "moved to the single text"), T0 + 4 * hour),
        ]

    def worlds(self, agenda: Agenda) -> tuple[str, list[Any], list[Any]]:
        hour = timedelta(hours=1)
        offer = (SubmitOffer("A", {"ports": "three ports"}, "our offer"), T0)
        return (
            "C",
            [offer, (ForwardOffer("M", 1, ("B",)), T0 + hour)],
            [offer, (DeclineOffer("M", 1, "no"), T0 + hour)],
        )
