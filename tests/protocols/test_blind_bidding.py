"""Double-blind bidding: midpoint, tolerance band, no reveal, rounds, deadlines, replay."""

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
from gobetween.protocols import blind_bidding_release as sealed
from gobetween.protocols.blind_bidding import (
    BiddingAction,
    BiddingRules,
    BiddingState,
    BiddingStatus,
    CloseBidding,
    Expire,
    RoundResolved,
    Side,
    SubmitBid,
    Tolerance,
    bidder_view,
    crossing,
    event_from_dict,
    mediator_view,
    replay,
    step,
)

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def bidding(**rules: object) -> BiddingState:
    return BiddingState.open("buyer", "seller", BiddingRules(**rules), ("M",))  # type: ignore[arg-type]


def bid_round(
    state: BiddingState, offer: float, demand: float, *, seller_first: bool = False
) -> BiddingState:
    bids = [SubmitBid("buyer", state.round, offer), SubmitBid("seller", state.round, demand)]
    for action in reversed(bids) if seller_first else bids:
        state, _ = step(state, action, now=T0)
    return state


@pytest.mark.parametrize(
    ("offer", "demand", "tolerance", "expected"),
    [
        (100, 100, Tolerance(), 100.0),
        (120, 100, Tolerance(), 110.0),  # overlap split at the midpoint
        (99.99, 100, Tolerance(), None),
        (70, 100, Tolerance(relative=0.3), 85.0),  # within 30 % of the demand
        (69, 100, Tolerance(relative=0.3), None),
        (95_000, 100_000, Tolerance(relative=0.01, absolute=5_000), 97_500.0),
        (94_999, 100_000, Tolerance(relative=0.01, absolute=5_000), None),
        (0, 0, Tolerance(), 0.0),
    ],
)
def test_crossing_rule(
    offer: float, demand: float, tolerance: Tolerance, expected: float | None
) -> None:
    assert crossing(offer, demand, tolerance) == expected


def test_settles_at_the_midpoint_whoever_bids_last() -> None:
    for seller_first in (False, True):
        state = bid_round(bidding(), 120, 100, seller_first=seller_first)
        assert state.status is BiddingStatus.SETTLED
        assert state.settlement == 110.0
        for party in ("buyer", "seller"):
            view = bidder_view(state, party)
            assert view.settlement == 110.0
            assert view.results[0].summary == "settled in round 1 at 110"


def test_no_settlement_reveals_nothing() -> None:
    state = bid_round(bidding(max_rounds=3), 61_234, 98_765)
    assert state.status is BiddingStatus.OPEN
    assert state.round == 2
    buyer = json.dumps(bidder_view(state, "buyer").to_dict())
    seller = json.dumps(bidder_view(state, "seller").to_dict())
    assert "98765" not in buyer
    assert "61234" not in seller
    assert "no settlement in round 1" in buyer
    assert "no settlement in round 1" in seller
    assert state.results[0].offer == 61_234  # the mediators' record keeps both
    assert state.results[0].demand == 98_765


def test_pending_bid_is_sealed() -> None:
    state, events = step(bidding(), SubmitBid("seller", 1, 77_777), now=T0)
    assert len(events) == 1
    assert "77777" not in json.dumps(bidder_view(state, "buyer").to_dict())
    assert bidder_view(state, "buyer").own_bids == ()


def test_fails_after_the_last_round() -> None:
    state = bid_round(bidding(max_rounds=2), 10, 50)
    state = bid_round(state, 20, 40)
    assert state.status is BiddingStatus.FAILED
    assert state.settlement is None
    assert [r.summary for r in bidder_view(state, "seller").results] == [
        "no settlement in round 1",
        "no settlement in round 2",
    ]
    with pytest.raises(ProtocolError, match="over \\(failed\\)"):
        step(state, SubmitBid("buyer", 2, 40), now=T0)


def test_settles_in_a_later_round_with_tolerance() -> None:
    state = bid_round(bidding(tolerance=Tolerance(absolute=1_000)), 40_000, 60_000)
    state = bid_round(state, 49_000, 50_000)
    assert (state.status, state.settlement, len(state.results)) == (
        BiddingStatus.SETTLED,
        49_500.0,
        2,
    )


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (SubmitBid("M", 1, 10), "neither side"),
        (SubmitBid("buyer", 2, 10), "round 1 is open, not round 2"),
        (SubmitBid("buyer", True, 10), "not round True"),  # type: ignore[arg-type]
        (SubmitBid("buyer", 1, -1), "negative"),
        (SubmitBid("buyer", 1, float("nan")), "finite number"),
        (SubmitBid("buyer", 1, "10"), "finite number"),  # type: ignore[arg-type]
        (CloseBidding("buyer"), "not a mediator"),
    ],
)
def test_refused_actions(action: BiddingAction, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        step(bidding(), action, now=T0)


def test_one_bid_per_side_per_round() -> None:
    state, _ = step(bidding(), SubmitBid("buyer", 1, 10), now=T0)
    with pytest.raises(ProtocolError, match="already bid in round 1"):
        step(state, SubmitBid("buyer", 1, 20), now=T0)


def test_monotone_rule_names_only_own_bids() -> None:
    state = bid_round(bidding(), 40, 60)
    with pytest.raises(ProtocolError, match=r"below your earlier offer of 40$"):
        step(state, SubmitBid("buyer", 2, 39), now=T0)
    with pytest.raises(ProtocolError, match=r"above your earlier demand of 60$"):
        step(state, SubmitBid("seller", 2, 61), now=T0)
    free = bid_round(bidding(monotone=False), 40, 60)
    free = bid_round(free, 30, 70)
    assert free.round == 3


def test_deadline_is_enforced() -> None:
    deadline = T0 + timedelta(days=2)
    state = bidding(deadline=deadline)
    step(state, SubmitBid("buyer", 1, 10), now=deadline)
    with pytest.raises(ProtocolError, match="deadline passed"):
        step(state, SubmitBid("buyer", 1, 10), now=deadline + timedelta(seconds=1))
    with pytest.raises(ProtocolError, match="aware datetime"):
        BiddingRules(deadline=datetime(2024, 5, 3))


def test_expiry_after_the_deadline() -> None:
    deadline = T0 + timedelta(days=2)
    state, _ = step(bidding(deadline=deadline), SubmitBid("seller", 1, 90), now=T0)
    assert bidder_view(state, "buyer").can_bid(deadline)
    assert not bidder_view(state, "seller").can_bid(T0)  # already bid this round
    with pytest.raises(ProtocolError, match="has not expired"):
        step(state, Expire(), now=deadline)
    with pytest.raises(ProtocolError, match="has not expired"):
        step(bidding(), Expire(), now=T0)  # no deadline at all
    state, events = step(state, Expire(), now=deadline + timedelta(seconds=1))
    assert [e.type for e in events] == ["bidding_expired"]
    assert state.status is BiddingStatus.EXPIRED
    assert not bidder_view(state, "buyer").can_bid(T0)
    with pytest.raises(ProtocolError, match="over \\(expired\\)"):
        step(state, Expire(), now=deadline + timedelta(days=1))
    initial = bidding(deadline=deadline)
    assert replay(initial, json.loads(json.dumps([e.to_dict() for e in state.log]))) == state


def test_mediator_may_close() -> None:
    state, _ = step(bidding(), CloseBidding("M", "parties settled directly"), now=T0)
    assert state.status is BiddingStatus.CLOSED
    with pytest.raises(ProtocolError, match="over \\(closed\\)"):
        step(state, SubmitBid("buyer", 1, 10), now=T0)


@pytest.mark.parametrize(
    "kwargs",
    [{"max_rounds": 0}, {"max_rounds": 1.5}, {"tolerance": 0.3}],
)
def test_bad_rules(kwargs: dict[str, object]) -> None:
    with pytest.raises(ProtocolError):
        BiddingRules(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs", [{"relative": 1.0}, {"relative": -0.1}, {"absolute": float("inf")}]
)
def test_bad_tolerance(kwargs: dict[str, float]) -> None:
    with pytest.raises(ProtocolError, match="tolerance"):
        Tolerance(**kwargs)


def test_open_checks_names() -> None:
    with pytest.raises(ProtocolError, match="distinct"):
        BiddingState.open("x", "x", BiddingRules())
    assert bidder_view(bidding(), "seller").side is Side.PAYEE


def test_bad_stored_events() -> None:
    with pytest.raises(ValidationFailed, match="needs an amount"):
        event_from_dict(
            {
                "type": "round_resolved",
                "round": 1,
                "settled": True,
                "amount": None,
                "at": "2024-05-01T00:00:00+00:00",
            }
        )
    with pytest.raises(ValidationFailed, match="unknown side"):
        event_from_dict(
            {
                "type": "bid_submitted",
                "party": "x",
                "side": "buyer",
                "round": 1,
                "amount": 1,
                "at": "2024-05-01T00:00:00+00:00",
            }
        )
    with pytest.raises(ProtocolError, match="without both bids"):
        replay(bidding(), [RoundResolved(1, False, None, T0)])


def test_rules_round_trip_and_mediator_view() -> None:
    rules = BiddingRules(4, Tolerance(0.3, 5000), False, T0 + timedelta(days=9), "EUR")
    assert BiddingRules.from_dict(json.loads(json.dumps(rules.to_dict()))) == rules
    with pytest.raises(ValidationFailed) as info:
        BiddingRules.from_dict({**rules.to_dict(), "tolerance": {"relative": "30%"}})
    assert info.value.location == "tolerance.relative"
    state = bid_round(bidding(), 61_234, 98_765)
    view = json.loads(json.dumps(mediator_view(state)))
    assert [(b["party"], b["amount"]) for b in view["bids"]] == [
        ("buyer", 61_234),
        ("seller", 98_765),
    ]
    assert view["results"][0]["offer"] == 61_234
    assert view["results"][0]["demand"] == 98_765
    assert view["round"] == 2


# -- properties --------------------------------------------------------------------------------

AMOUNTS = st.integers(0, 200).map(lambda n: n * 500.0 + 0.25)


@st.composite
def bidding_runs(draw: st.DrawFn) -> tuple[BiddingState, BiddingState, list[float]]:
    tolerance = Tolerance(draw(st.sampled_from([0.0, 0.1, 0.3])), draw(st.sampled_from([0, 1e3])))
    rules = BiddingRules(
        max_rounds=draw(st.integers(1, 4)),
        tolerance=tolerance,
        monotone=draw(st.booleans()),
        deadline=T0 + timedelta(hours=draw(st.integers(1, 60))),
    )
    initial = BiddingState.open("buyer", "seller", rules, ("M",))
    state, now, rejected = initial, T0, []
    for _ in range(draw(st.integers(0, 12))):
        now += timedelta(hours=draw(st.integers(0, 8)))
        party = draw(st.sampled_from(["buyer", "seller", "M"]))
        action: BiddingAction
        pick = draw(st.integers(0, 15))
        if pick == 0:
            action = CloseBidding(party)
        elif pick == 1:
            action = Expire()
        else:
            action = SubmitBid(party, draw(st.just(state.round) | st.integers(0, 5)), draw(AMOUNTS))
        try:
            state, _ = step(state, action, now=now)
        except ProtocolError:
            if isinstance(action, SubmitBid):
                rejected.append(action.amount)
    return initial, state, rejected


def numbers(tree: object) -> set[float]:
    """Every number in a JSON-like tree."""
    if isinstance(tree, dict):
        return set().union(*(numbers(v) for v in tree.values()))
    if isinstance(tree, list):
        return set().union(*(numbers(v) for v in tree))
    if isinstance(tree, int | float) and not isinstance(tree, bool):
        return {float(tree)}
    return set()


@settings(max_examples=150, deadline=None)
@given(run=bidding_runs())
def test_replay_no_reveal_and_midpoint(run: tuple[BiddingState, BiddingState, list[float]]) -> None:
    initial, state, _ = run
    assert replay(initial, json.loads(json.dumps([e.to_dict() for e in state.log]))) == state
    for party, other in (("buyer", "seller"), ("seller", "buyer")):
        shown = numbers(bidder_view(state, party).to_dict())
        may_show = {b.amount for b in state.bids_of(party)} | {state.settlement}
        for bid in state.bids_of(other):
            if bid.amount not in may_show:
                assert bid.amount not in shown
    for result in state.results:
        settles = result.offer >= result.demand - state.rules.tolerance.band(result.demand)
        assert result.settled == settles
        if settles:
            assert result.amount == (result.offer + result.demand) / 2
    assert (state.status is BiddingStatus.SETTLED) == any(r.settled for r in state.results)
    deadline = state.rules.deadline
    assert deadline is not None
    assert all(b.at <= deadline for b in state.bids)
    if state.status is BiddingStatus.EXPIRED:
        assert state.log[-1].at > deadline
    if state.rules.monotone:
        for party, sign in (("buyer", 1), ("seller", -1)):
            amounts = [b.amount * sign for b in state.bids_of(party)]
            assert amounts == sorted(amounts)


# -- the protocol contract -----------------------------------------------------------------------


class TestBlindBiddingContract(ProtocolContract):
    """Double-blind bidding as registered (sealed rounds, released by a mediator) keeps the
    contract of every registered protocol (tests/protocols/contract)."""

    protocol = sealed.PROTOCOL
    parties = ("A", "B", "C")
    golden = ("blind_bidding_log.json", 1)

    def settings(self, payer: str, payee: str, rules: dict[str, Any]) -> dict[str, Any]:
        return {"payer": payer, "payee": payee, "rules": rules}

    def initial(self, agenda: Agenda) -> sealed.SealedBidding:
        rules = BiddingRules(max_rounds=3, tolerance=Tolerance(relative=0.05), unit="EUR")
        settings = self.settings("A", "B", rules.to_dict())
        state: sealed.SealedBidding = sealed.PROTOCOL.initial(
            agenda, self.parties, ("M",), settings
        )
        return state

    def golden_initial(
        self, agenda: Agenda, settings: list[dict[str, Any]]
    ) -> sealed.SealedBidding:
        state: sealed.SealedBidding = sealed.PROTOCOL.initial(
            agenda,
            ("insurer", "claimant"),
            ("M",),
            self.settings("insurer", "claimant", settings[0]),
        )
        return state

    def script(self, agenda: Agenda) -> list[tuple[Any, datetime]]:
        hour = timedelta(hours=1)
        return [
            (SubmitBid("A", 1, 40_000), T0),
            (SubmitBid("B", 1, 60_000), T0 + hour),
            (sealed.ReleaseResult("M"), T0 + 2 * hour),
            (SubmitBid("B", 2, 52_000), T0 + 3 * hour),
            (SubmitBid("A", 2, 50_000), T0 + 4 * hour),
            (sealed.ReleaseResult("M"), T0 + 5 * hour),
        ]

    def worlds(self, agenda: Agenda) -> tuple[str, list[Any], list[Any]]:
        mine = (SubmitBid("A", 1, 40_000), T0)
        theirs = (SubmitBid("B", 1, 41_000), T0 + timedelta(minutes=5))
        return "A", [mine, theirs], [mine]
