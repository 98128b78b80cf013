"""The agreement lifecycle: entry into force, term clock, renewal, suspension, withdrawal."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.agreements import Bundle, OperativeTerms, Renewal, RenewalRule
from gobetween.agreements.events import Renewed, event_from_dict
from gobetween.agreements.lifecycle import (
    AgreementAction,
    AgreementState,
    AgreementStatus,
    ConsentToRenewal,
    GiveNotice,
    Resume,
    Sign,
    Suspend,
    Tick,
    Withdraw,
    clock,
    link_statuses,
    replay,
    step,
    term_periods,
)
from gobetween.errors import ProtocolError, ValidationFailed

UTC = dt.UTC
SIGNING = dt.datetime(2022, 7, 22, 13, 0, tzinfo=UTC)


def opened(bundle: Bundle, renewal: Renewal | None = None) -> AgreementState:
    terms = bundle.terms if renewal is None else replace(bundle.terms, renewal=renewal)
    if renewal is None:
        return AgreementState.for_bundle(bundle)
    return AgreementState.open(terms, {i.party: i.signatory_names for i in bundle.instruments})


def in_force(bundle: Bundle, renewal: Renewal | None = None) -> AgreementState:
    state = opened(bundle, renewal)
    for party, signer in state.required:
        state, _ = step(state, Sign(signer, party), now=SIGNING)
    return state


def test_in_force_when_the_last_signatory_signs(unsigned: Bundle) -> None:
    state = opened(unsigned)
    assert state.status is AgreementStatus.DRAFT
    assert len(state.required) == 6
    for party, signer in state.required[:-1]:
        state, events = step(state, Sign(signer, party), now=SIGNING)
        assert [e.type for e in events] == ["signed"]
    party, signer = state.required[-1]
    state, events = step(state, Sign(signer, party), now=SIGNING)
    assert [e.type for e in events] == ["signed", "entered_into_force"]
    assert state.status is AgreementStatus.IN_FORCE
    assert state.term_start == SIGNING
    assert state.term_end == SIGNING + dt.timedelta(days=120)
    assert state.term_number == 1


def test_the_term_starts_at_a_later_effective_date(unsigned: Bundle) -> None:
    later = replace(unsigned.terms, effective_date=dt.date(2022, 8, 1))
    state = AgreementState.open(later, {"A": ("A",)})
    state, _ = step(state, Sign("A", "A"), now=SIGNING)
    assert state.term_start == dt.datetime(2022, 8, 1, tzinfo=UTC)
    assert state.in_force_from == SIGNING


def test_signing_twice_or_as_a_stranger_is_refused(unsigned: Bundle) -> None:
    state = opened(unsigned)
    state, _ = step(state, Sign("Ukraine", "Ukraine"), now=SIGNING)
    with pytest.raises(ProtocolError, match="already signed"):
        step(state, Sign("Ukraine", "Ukraine"), now=SIGNING)
    with pytest.raises(ProtocolError, match="does not sign"):
        step(state, Sign("Ukraine", "Russian Federation"), now=SIGNING)


def test_acts_need_an_agreement_in_force(unsigned: Bundle) -> None:
    state = opened(unsigned)
    for action in (Suspend("Ukraine", "x"), Withdraw("Ukraine", "x"), GiveNotice("Ukraine", "x")):
        with pytest.raises(ProtocolError, match="not in force"):
            step(state, action, now=SIGNING)


def test_bsgi_suspension_and_resumption_keep_the_clock(unsigned: Bundle) -> None:
    state = in_force(unsigned)
    end = state.term_end
    state, events = step(
        state,
        Suspend("Russian Federation", "attack on the fleet at Sevastopol"),
        now=dt.datetime(2022, 10, 29, tzinfo=UTC),
    )
    assert state.status is AgreementStatus.SUSPENDED
    assert state.suspended_by == ("Russian Federation",)
    with pytest.raises(ProtocolError, match="already suspended"):
        step(
            state, Suspend("Russian Federation", "again"), now=dt.datetime(2022, 10, 30, tzinfo=UTC)
        )
    with pytest.raises(ProtocolError, match="has not suspended"):
        step(state, Resume("Ukraine"), now=dt.datetime(2022, 10, 30, tzinfo=UTC))
    with pytest.raises(ProtocolError, match="not a party"):
        step(
            state,
            Suspend("Türkiye", "mediators do not suspend"),
            now=dt.datetime(2022, 10, 30, tzinfo=UTC),
        )
    state, events = step(
        state, Resume("Russian Federation"), now=dt.datetime(2022, 11, 2, tzinfo=UTC)
    )
    assert [e.type for e in events] == ["resumed"]
    assert state.status is AgreementStatus.IN_FORCE
    assert state.term_end == end


def test_automatic_renewal_for_the_same_term(unsigned: Bundle) -> None:
    state = in_force(unsigned)
    first_end = state.term_end
    assert first_end is not None
    state, events = step(state, Tick(), now=first_end)
    assert [type(e) for e in events] == [Renewed]
    assert state.term_number == 2
    assert state.term_start == first_end
    assert state.term_end == first_end + dt.timedelta(days=120)
    # A long silence renews once per elapsed term.
    state, events = step(state, Tick(), now=first_end + dt.timedelta(days=365))
    assert [e.type for e in events] == ["renewed", "renewed", "renewed"]  # ends at +120, +240, +360
    assert state.term_number == 5


def test_notice_ends_the_agreement_at_the_end_of_the_term(unsigned: Bundle) -> None:
    state = in_force(unsigned)
    end = state.term_end
    assert end is not None
    state, _ = step(
        state,
        GiveNotice("Russian Federation", "memorandum not fulfilled"),
        now=end - dt.timedelta(hours=1),
    )
    with pytest.raises(ProtocolError, match="already given notice"):
        step(state, GiveNotice("Russian Federation", "again"), now=end - dt.timedelta(minutes=1))
    state, events = step(state, Tick(), now=end + dt.timedelta(days=1))
    assert [e.type for e in events] == ["expired"]
    assert "notice given by Russian Federation" in events[0].to_dict()["reason"]
    assert state.status is AgreementStatus.EXPIRED
    assert state.ended_at == end
    with pytest.raises(ProtocolError, match="has ended"):
        step(state, Suspend("Ukraine", "x"), now=end + dt.timedelta(days=2))


def test_notice_must_respect_the_notice_period(unsigned: Bundle) -> None:
    state = in_force(unsigned, Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE, notice_days=30))
    end = state.term_end
    assert end is not None
    with pytest.raises(ProtocolError, match="30 days' notice"):
        step(state, GiveNotice("Ukraine", "late"), now=end - dt.timedelta(days=29))
    state, _ = step(state, GiveNotice("Ukraine", "on time"), now=end - dt.timedelta(days=30))
    assert set(state.notices) == {"Ukraine"}


def test_renewal_by_consent_needs_every_signatory_and_the_same_term(unsigned: Bundle) -> None:
    state = in_force(unsigned, Renewal(RenewalRule.BY_CONSENT))
    end = state.term_end
    assert end is not None
    when = end - dt.timedelta(days=3)
    for signatory in state.signatories:
        state, _ = step(state, ConsentToRenewal(signatory, 60), now=when)
    state, events = step(state, Tick(), now=end)
    assert [e.to_dict()["term_days"] for e in events] == [60]
    assert state.term_end == end + dt.timedelta(days=60)
    assert state.consents == {}


def test_march_2023_consents_to_different_terms_renew_for_the_shortest_disputed(
    unsigned: Bundle,
) -> None:
    state = in_force(unsigned, Renewal(RenewalRule.BY_CONSENT))
    end = state.term_end
    assert end is not None
    said = {"Ukraine": 120, "Russian Federation": 60, "Türkiye": 120, "United Nations": 120}
    for signatory, days in said.items():
        state, _ = step(state, ConsentToRenewal(signatory, days), now=end - dt.timedelta(days=5))
    state, events = step(state, Tick(), now=end)
    basis = events[0].to_dict()["basis"]
    assert state.status is AgreementStatus.IN_FORCE
    assert state.term_end == end + dt.timedelta(days=60)
    assert "disputed: consents differ" in basis
    assert "Russian Federation 60 days" in basis
    assert "Ukraine 120 days" in basis
    first, second = term_periods(state)
    assert (first.disputed, second.disputed, second.days) == (False, True, 60)
    assert dict(second.consents) == said


def test_renewal_by_consent_without_everyone_expires(unsigned: Bundle) -> None:
    state = in_force(unsigned, Renewal(RenewalRule.BY_CONSENT))
    end = state.term_end
    assert end is not None
    state, _ = step(state, ConsentToRenewal("Ukraine", 120), now=end - dt.timedelta(days=5))
    state, events = step(state, Tick(), now=end)
    assert (
        "no consent to renew from Türkiye, United Nations, Russian Federation"
        in (events[0].to_dict()["reason"])
    )


def test_consent_and_notice_apply_only_under_their_rule(unsigned: Bundle) -> None:
    automatic = in_force(unsigned)
    with pytest.raises(ProtocolError, match="renewal by consent does not apply"):
        step(automatic, ConsentToRenewal("Ukraine", 120), now=SIGNING)
    by_consent = in_force(unsigned, Renewal(RenewalRule.BY_CONSENT))
    with pytest.raises(ProtocolError, match="notice of non-renewal does not apply"):
        step(by_consent, GiveNotice("Ukraine", "x"), now=SIGNING)
    with pytest.raises(ProtocolError, match="positive"):
        step(by_consent, ConsentToRenewal("Ukraine", 0), now=SIGNING)


def test_no_renewal_rule_expires(unsigned: Bundle) -> None:
    state = in_force(unsigned, Renewal(RenewalRule.NONE))
    assert state.term_end is not None
    state, events = step(state, Tick(), now=state.term_end + dt.timedelta(seconds=1))
    assert state.status is AgreementStatus.EXPIRED
    assert events[0].to_dict()["reason"] == "the term ended and the agreement has no renewal"


def test_withdrawal_ends_the_agreement(unsigned: Bundle) -> None:
    state = in_force(unsigned)
    state, events = step(
        state,
        Withdraw("Russian Federation", "declines to continue"),
        now=SIGNING + dt.timedelta(days=10),
    )
    assert state.status is AgreementStatus.WITHDRAWN
    assert events[0].to_dict()["party"] == "Russian Federation"
    assert clock(state, SIGNING + dt.timedelta(days=11)).days_left is None


def test_time_must_not_run_backwards_and_must_be_aware(unsigned: Bundle) -> None:
    state = in_force(unsigned)
    with pytest.raises(ProtocolError, match="backwards"):
        step(state, Tick(), now=SIGNING - dt.timedelta(seconds=1))
    with pytest.raises(ProtocolError, match="timezone-aware"):
        step(state, Tick(), now=dt.datetime(2022, 8, 1))


def test_the_term_clock(unsigned: Bundle) -> None:
    state = in_force(unsigned, Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE, notice_days=7))
    end = state.term_end
    assert end is not None
    early = clock(state, SIGNING + dt.timedelta(days=1))
    assert (early.days_left, early.warning, early.renewal_due) == (119, False, False)
    assert early.notice_by == end - dt.timedelta(days=7)
    warned = clock(state, end - dt.timedelta(days=21))
    assert warned.warning
    assert warned.days_left == 21
    due = clock(state, end + dt.timedelta(hours=1))
    assert due.renewal_due
    assert due.days_left == 0
    assert json.loads(json.dumps(due.to_dict()))["term_end"] == end.isoformat()
    assert clock(opened(unsigned), SIGNING).term_end is None


def test_events_round_trip_and_replay_rebuilds_the_state(unsigned: Bundle) -> None:
    state = in_force(unsigned)
    assert state.term_end is not None
    state, _ = step(state, Suspend("Russian Federation", "x"), now=SIGNING + dt.timedelta(days=99))
    state, _ = step(state, Resume("Russian Federation"), now=SIGNING + dt.timedelta(days=103))
    state, _ = step(
        state, GiveNotice("Russian Federation", "y"), now=SIGNING + dt.timedelta(days=200)
    )
    state, _ = step(state, Tick(), now=SIGNING + dt.timedelta(days=500))
    wire = json.loads(json.dumps([e.to_dict() for e in state.log]))
    assert [event_from_dict(d) for d in wire] == list(state.log)
    assert replay(opened(unsigned), wire) == state
    assert [e["type"] for e in wire][-4:] == ["resumed", "renewed", "notice_given", "expired"]


@pytest.mark.parametrize(
    "data",
    [
        {"type": "nonsense"},
        {"type": "resumed", "party": "A"},
        {"type": "resumed", "party": 1, "at": "2022-01-01T00:00:00+00:00"},
        {"type": "resumed", "party": "A", "at": "yesterday"},
    ],
)
def test_bad_wire_events_are_refused(data: dict[str, object]) -> None:
    with pytest.raises(ValidationFailed):
        event_from_dict(data)


def test_links_are_exposed_for_monitoring(terms: OperativeTerms) -> None:
    from gobetween.agreements import Link

    memorandum = replace(terms, agenda="Memorandum on Russian food and fertiliser", term_days=1095)
    initiative = replace(terms, links=(Link("Memorandum", memorandum.terms_hash()),))
    state = AgreementState.open(initiative, {"Ukraine": ("Ukraine",)})
    assert [link.terms_hash for link in state.links] == [memorandum.terms_hash()]
    assert state.terms_hash != memorandum.terms_hash()
    assert [s.status for s in link_statuses(state, {})] == [None]
    memo = AgreementState.open(memorandum, {"Russian Federation": ("Russian Federation", "UN")})
    memo, _ = step(memo, Sign("Russian Federation", "Russian Federation"), now=SIGNING)
    memo, _ = step(memo, Sign("UN", "Russian Federation"), now=SIGNING)
    memo, _ = step(
        memo, Withdraw("Russian Federation", "not fulfilled"), now=SIGNING + dt.timedelta(days=9)
    )
    (status,) = link_statuses(state, {memorandum.terms_hash(): memo})
    assert status.status is AgreementStatus.WITHDRAWN
    assert status.to_dict() == {
        "title": "Memorandum",
        "terms_hash": memorandum.terms_hash(),
        "relation": "side-instrument",
        "status": "withdrawn",
    }


actions = st.one_of(
    st.builds(Sign, st.sampled_from(["A", "B", "M"]), st.sampled_from(["A", "B"])),
    st.builds(Suspend, st.sampled_from(["A", "B"]), st.just("r")),
    st.builds(Resume, st.sampled_from(["A", "B"])),
    st.builds(GiveNotice, st.sampled_from(["A", "B"]), st.just("r")),
    st.builds(ConsentToRenewal, st.sampled_from(["A", "B", "M"]), st.sampled_from([30, 60])),
    st.builds(Withdraw, st.sampled_from(["A", "B"]), st.just("r")),
    st.just(Tick()),
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(list(RenewalRule)),
    st.lists(st.tuples(actions, st.integers(0, 90 * 24)), max_size=25),
)
def test_any_sequence_replays_to_the_same_state(
    rule: RenewalRule, script: list[tuple[AgreementAction, int]]
) -> None:
    terms = OperativeTerms("g", {"x": "1"}, {"x": "One."}, 60, Renewal(rule), dt.date(2024, 1, 1))
    initial = AgreementState.open(terms, {"A": ("A", "M"), "B": ("B", "M")})
    state, now = initial, dt.datetime(2024, 1, 1, tzinfo=UTC)
    for action, hours in script:
        now += dt.timedelta(hours=hours)
        try:
            state, _ = step(state, action, now=now)
        except ProtocolError:
            continue
        if state.term_end is not None and not state.status.is_over:
            assert state.term_end > now  # due renewals/expiry were applied first
        assert (state.status is AgreementStatus.SUSPENDED) == bool(state.suspended_by)
    assert replay(initial, [e.to_dict() for e in state.log]) == state
