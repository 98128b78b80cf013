"""Simulated bidders: strategies stay within their reservation values; simulations settle
exactly when the figures can cross, and only at amounts both sides accept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.errors import ProtocolError
from gobetween.protocols import blind_bidding as bb
from gobetween.protocols.simulated_bidders import (
    Conceding,
    Stubborn,
    Truthful,
    bidder_from_spec,
    simulate,
)


def test_conceding_moves_in_equal_steps_to_its_reservation_value() -> None:
    payee = Conceding(90_000, 60_000)
    assert [payee.bid(bb.Side.PAYEE, k, 4) for k in (1, 2, 3, 4)] == [
        90_000,
        80_000,
        70_000,
        60_000,
    ]
    assert Conceding(10, 40).bid(bb.Side.PAYER, 1, 1) == 40


def test_no_strategy_bids_beyond_its_reservation_value() -> None:
    assert Stubborn(90, 60).bid(bb.Side.PAYER, 1, 3) == 60  # an offer above it is held down
    assert Stubborn(10, 60).bid(bb.Side.PAYEE, 1, 3) == 60  # a demand below it is held up


def test_truthful_bidders_settle_in_round_one_at_the_midpoint_when_a_zone_exists() -> None:
    run = simulate(Truthful(70), Truthful(50), bb.BiddingRules(max_rounds=3))
    assert (run.status, run.settlement, len(run.rounds)) == ("settled", 60.0, 1)


def test_a_stubborn_side_fails_the_bidding_without_a_band() -> None:
    run = simulate(Stubborn(40, 70), Conceding(90, 50), bb.BiddingRules(max_rounds=3))
    assert run.rounds[-1].offer == 40
    assert run.rounds[-1].demand == 50
    assert run.status == "failed"
    assert run.settlement is None
    banded = bb.BiddingRules(max_rounds=3, tolerance=bb.Tolerance(relative=0.25))
    assert simulate(Stubborn(40, 70), Conceding(90, 50), banded).settlement == 45.0


def test_a_deadline_before_the_last_round_ends_the_simulation() -> None:
    from gobetween.protocols.simulated_bidders import START

    rules = bb.BiddingRules(max_rounds=5, deadline=START)
    run = simulate(Truthful(10), Truthful(90), rules)
    assert run.status == "expired"
    assert len(run.rounds) == 1


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ("greedy:1", "unknown bidder"),
        ("conceding:1", "takes 2 number"),
        ("truthful:x", "must be numbers"),
        ("truthful:-5", "finite number >= 0"),
    ],
)
def test_bad_specs_are_refused_by_name(spec: str, error: str) -> None:
    with pytest.raises(ProtocolError, match=error):
        bidder_from_spec(spec)


@settings(max_examples=200, deadline=None)
@given(
    pay=st.integers(0, 1000),
    accept=st.integers(0, 1000),
    opening_pay=st.integers(0, 1000),
    opening_accept=st.integers(0, 1000),
    rounds=st.integers(1, 6),
)
def test_conceding_bidders_settle_iff_a_zone_exists_and_within_it(
    pay: int, accept: int, opening_pay: int, opening_accept: int, rounds: int
) -> None:
    """Both concede to their reservation values by the last round, so they settle exactly when
    the payer would pay at least what the payee accepts, at an amount both accept."""
    run = simulate(
        Conceding(opening_pay, pay), Conceding(opening_accept, accept), bb.BiddingRules(rounds)
    )
    assert (run.status == "settled") == (pay >= accept)
    if run.settlement is not None:
        assert accept <= run.settlement <= pay
