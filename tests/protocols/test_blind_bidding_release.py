"""Sealed rounds: a side sees nothing of the other's bid until a mediator releases the round."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.errors import ProtocolError, ValidationFailed
from gobetween.model import Issue
from gobetween.protocols import blind_bidding as bb
from gobetween.protocols import blind_bidding_release as sealed

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def opened(**rules: object) -> sealed.SealedBidding:
    return sealed.SealedBidding.open("buyer", "seller", bb.BiddingRules(**rules), ("M",))  # type: ignore[arg-type]


def outcome(state: sealed.SealedBidding, action: sealed.SealedAction) -> object:
    """What the acting side observes of an action: the error's words, or its new view."""
    try:
        state, _ = sealed.step(state, action, now=T0)
    except ProtocolError as exc:
        return ("refused", str(exc))
    party = action.party if isinstance(action, bb.SubmitBid) else "buyer"
    return sealed.side_view(state, party).to_dict()


def test_a_result_waits_for_the_release_and_reaches_both_sides_together() -> None:
    state = opened(max_rounds=3)
    state, _ = sealed.step(state, bb.SubmitBid("seller", 1, 50_000), now=T0)
    state, events = sealed.step(state, bb.SubmitBid("buyer", 1, 52_000), now=T0)
    assert [e.type for e in events] == ["bid_submitted"]  # the round resolves at the release
    assert state.machine.status is bb.BiddingStatus.OPEN
    assert state.waiting == 1
    shown = sealed.mediator_view(state)  # computed for the mediators, not stored
    assert (shown["status"], shown["results"][0]["amount"], shown["waiting"]) == (
        "settled",
        51_000.0,
        1,
    )
    for party in ("buyer", "seller"):
        view = sealed.side_view(state, party)
        assert view.status is bb.BiddingStatus.OPEN
        assert view.results == ()
        assert view.settlement is None
        assert not view.can_bid(T0)
    state, events = sealed.step(state, sealed.ReleaseResult("M"), now=T0)
    assert [(e.type, e.to_dict()["round"]) for e in events] == [
        ("round_resolved", 1),
        ("result_released", 1),
    ]
    assert state.machine.status is bb.BiddingStatus.SETTLED
    for party in ("buyer", "seller"):
        view = sealed.side_view(state, party)
        assert view.status is bb.BiddingStatus.SETTLED
        assert view.settlement == 51_000.0
    assert sealed.mediator_view(state)["released"] == 1


def test_release_needs_a_resolved_round_and_a_mediator() -> None:
    state = opened()
    with pytest.raises(ProtocolError, match="no result to release"):
        sealed.step(state, sealed.ReleaseResult("M"), now=T0)
    state, _ = sealed.step(state, bb.SubmitBid("seller", 1, 90), now=T0)
    state, _ = sealed.step(state, bb.SubmitBid("buyer", 1, 10), now=T0)
    with pytest.raises(ProtocolError, match="not a mediator"):
        sealed.step(state, sealed.ReleaseResult("buyer"), now=T0)


def test_the_next_round_opens_for_a_side_only_after_the_release() -> None:
    state = opened(max_rounds=3)
    state, _ = sealed.step(state, bb.SubmitBid("buyer", 1, 10), now=T0)
    state, _ = sealed.step(state, bb.SubmitBid("seller", 1, 90), now=T0)
    assert state.waiting == 1  # complete inside, unseen outside
    alone = opened(max_rounds=3)
    alone, _ = sealed.step(alone, bb.SubmitBid("buyer", 1, 10), now=T0)
    for action in (bb.SubmitBid("buyer", 2, 20), bb.SubmitBid("buyer", 1, 20)):
        assert outcome(state, action) == outcome(alone, action)
    state, _ = sealed.step(state, sealed.ReleaseResult("M"), now=T0)
    state, _ = sealed.step(state, bb.SubmitBid("buyer", 2, 20), now=T0)
    assert [r.summary for r in sealed.side_view(state, "buyer").results] == [
        "no settlement in round 1"
    ]


def test_replay_and_wire_round_trip() -> None:
    state = opened(max_rounds=2)
    for action in (
        bb.SubmitBid("buyer", 1, 10),
        bb.SubmitBid("seller", 1, 90),
        sealed.ReleaseResult("M"),
        bb.SubmitBid("seller", 2, 80),
    ):
        state, _ = sealed.step(state, action, now=T0)
    stored = [json.loads(json.dumps(e.to_dict())) for e in state.log]
    again = sealed.replay(opened(max_rounds=2), stored)
    assert again == state
    with pytest.raises(ProtocolError, match="out of order"):
        sealed.replay(opened(max_rounds=2), [*stored[:1], stored[3]])
    with pytest.raises(ValidationFailed):
        sealed.event_from_dict({"type": "result_released", "round": 1, "at": T0.isoformat()})


def test_a_log_stored_with_the_round_resolved_at_the_second_bid_still_replays() -> None:
    """Before the release resolved rounds, the second bid stored ``round_resolved`` at once and
    the release only ``result_released``: such a log replays to the state the new order gives
    (the round's date was the second bid's then and is now), and goes on under the new rule."""
    t1, t2, t3 = T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    old = [
        bb.BidSubmitted("buyer", bb.Side.PAYER, 1, 10.0, t1),
        bb.BidSubmitted("seller", bb.Side.PAYEE, 1, 90.0, t2),
        bb.RoundResolved(1, False, None, t2),
        sealed.ResultReleased("M", 1, t3),
    ]
    stored = [json.loads(json.dumps(e.to_dict())) for e in old]
    from_old = sealed.replay(opened(max_rounds=3), stored)
    state = opened(max_rounds=3)
    for action, moment in (
        (bb.SubmitBid("buyer", 1, 10), t1),
        (bb.SubmitBid("seller", 1, 90), t2),
        (sealed.ReleaseResult("M"), t3),
    ):
        state, _ = sealed.step(state, action, now=moment)
    assert [e.type for e in state.log] == [
        "bid_submitted",
        "bid_submitted",
        "round_resolved",
        "result_released",
    ]
    assert (from_old.machine.results, from_old.released) == (state.machine.results, 1)
    for party in ("buyer", "seller"):
        assert sealed.side_view(from_old, party) == sealed.side_view(state, party)
    # an old log stopped between the resolution and the release: the release stores only that
    waiting = sealed.replay(opened(max_rounds=3), stored[:3])
    assert waiting.waiting == 1
    waiting, events = sealed.step(waiting, sealed.ReleaseResult("M"), now=t3)
    assert [e.type for e in events] == ["result_released"]
    assert waiting == from_old


def test_a_bid_stores_one_event_whether_or_not_it_completes_the_round() -> None:
    first, second = opened(max_rounds=2), opened(max_rounds=2)
    second, _ = sealed.step(second, bb.SubmitBid("seller", 1, 50), now=T0)
    _, alone = sealed.step(first, bb.SubmitBid("buyer", 1, 40), now=T0)
    _, completing = sealed.step(second, bb.SubmitBid("buyer", 1, 40), now=T0)
    assert [e.to_dict() for e in alone] == [e.to_dict() for e in completing]


def test_closing_is_decided_against_the_complete_round() -> None:
    """A complete round that settles ends the bidding (closing is refused, as when the second
    bid resolved it); one that does not leaves it open to close, and its release after the
    close keeps the bidding closed."""
    state = opened(max_rounds=3)
    state, _ = sealed.step(state, bb.SubmitBid("seller", 1, 50), now=T0)
    settles, _ = sealed.step(state, bb.SubmitBid("buyer", 1, 60), now=T0)
    with pytest.raises(ProtocolError, match="over"):
        sealed.step(settles, bb.CloseBidding("M", "enough"), now=T0)
    apart, _ = sealed.step(state, bb.SubmitBid("buyer", 1, 10), now=T0)
    apart, _ = sealed.step(apart, bb.CloseBidding("M", "enough"), now=T0)
    apart, events = sealed.step(apart, sealed.ReleaseResult("M"), now=T0)
    assert [e.type for e in events] == ["round_resolved", "result_released"]
    assert apart.machine.status is bb.BiddingStatus.CLOSED
    assert [r.summary for r in sealed.side_view(apart, "buyer").results] == [
        "no settlement in round 1"
    ]


def test_golden_log_in_the_release_order_replays_byte_for_byte() -> None:
    """``data/blind_bidding_sealed_log.json``: a bidding stored with the rounds resolved at
    their release. The same figures as ``blind_bidding_log.json`` (stored with each round
    resolved at its second bid) come to the same rounds."""
    data = Path(__file__).parent / "data"
    wire = json.loads((data / "blind_bidding_sealed_log.json").read_text(encoding="utf-8"))
    rules = bb.BiddingRules.from_dict(wire[0])
    state = sealed.replay(sealed.SealedBidding.open("insurer", "claimant", rules, ("M",)), wire[1:])
    assert [rules.to_dict(), *(e.to_dict() for e in state.log)] == wire
    assert [e.type for e in state.log] == ["bid_submitted", "bid_submitted", "round_resolved",
                                           "result_released"] * 2  # fmt: skip
    assert (state.machine.status, state.released, state.waiting) == (bb.BiddingStatus.SETTLED, 2, 0)
    old = json.loads((data / "blind_bidding_log.json").read_text(encoding="utf-8"))
    before = sealed.replay(
        sealed.SealedBidding.open("insurer", "claimant", bb.BiddingRules.from_dict(old[0]), ("M",)),
        old[1:],
    )
    figures = [(r.round, r.offer, r.demand, r.settled, r.amount) for r in state.machine.results]
    assert figures == [(r.round, r.offer, r.demand, r.settled, r.amount)
                       for r in before.machine.results]  # fmt: skip
    assert side_view_of(state) == {"settlement": 67_000.0, "rounds": 2}


def side_view_of(state: sealed.SealedBidding) -> dict[str, object]:
    views = [sealed.side_view(state, p) for p in ("insurer", "claimant")]
    assert views[0].results == views[1].results
    return {"settlement": views[0].settlement, "rounds": len(views[0].results)}


def test_settled_option_maps_to_the_nearest_value_within_the_range() -> None:
    issue = Issue.from_range("sum", 100, 200, 50, unit="EUR")
    assert [sealed.settled_option(issue, a) for a in (100, 124.9, 125, 126, 200)] == [
        issue.options[i] for i in (0, 0, 0, 1, 2)
    ]
    assert sealed.settled_option(issue, 99.9) is None
    assert sealed.settled_option(Issue.discrete("port", ["Odesa"]), 1) is None


# -- two worlds: whatever the other side does within a round, a side observes the same ----------


@settings(max_examples=150, deadline=None)
@given(
    history=st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)), max_size=3),
    own=st.integers(0, 100),
    theirs=st.integers(0, 100),
    tries=st.lists(st.tuples(st.integers(1, 5), st.integers(0, 100)), max_size=4),
    monotone=st.booleans(),
    relative=st.sampled_from([0.0, 0.1, 0.3]),
    bidder=st.sampled_from(["buyer", "seller"]),
)
def test_a_side_observes_the_same_whether_or_not_the_other_bid(
    history: list[tuple[int, int]],
    own: int,
    theirs: int,
    tries: list[tuple[int, int]],
    monotone: bool,
    relative: float,
    bidder: str,
) -> None:
    """World A: the other side bids in the open round (maybe settling it); world B: it does
    not. Every view and every answer to the side's own attempts are identical until release."""
    rules = {"max_rounds": 5, "monotone": monotone, "tolerance": bb.Tolerance(relative=relative)}
    state = opened(**rules)
    other = "seller" if bidder == "buyer" else "buyer"
    moment = T0
    for offer, demand in history:  # released rounds both sides know
        if state.machine.status is not bb.BiddingStatus.OPEN:
            return
        k = state.machine.round
        for party, amount in (("buyer", offer), ("seller", demand)):
            try:
                state, _ = sealed.step(state, bb.SubmitBid(party, k, amount), now=moment)
            except ProtocolError:
                return  # a monotone rule refused the history: nothing to compare
        state, _ = sealed.step(state, sealed.ReleaseResult("M"), now=moment)
        moment += timedelta(minutes=5)
    if state.machine.status is not bb.BiddingStatus.OPEN:
        return
    k = state.machine.round
    worlds = []
    for other_bids in (True, False):
        world = state
        attempts = [(bidder, k, own), *((bidder, r, a) for r, a in tries)]
        if other_bids:
            try:
                world, _ = sealed.step(world, bb.SubmitBid(other, k, theirs), now=moment)
            except ProtocolError:
                return
        seen = [sealed.side_view(world, bidder).to_dict()]
        for party, r, amount in attempts:
            seen.append(outcome(world, bb.SubmitBid(party, r, amount)))
            with contextlib.suppress(ProtocolError):
                world, _ = sealed.step(world, bb.SubmitBid(party, r, amount), now=moment)
            seen.append(sealed.side_view(world, bidder).to_dict())
        worlds.append(seen)
    assert worlds[0] == worlds[1]
