"""The term clock of the joint record is the agreement's lifecycle: terms, disputed renewals,
warnings, suspensions and an early end, read from the one event log."""

from __future__ import annotations

import datetime as dt

from gobetween.agreements import lifecycle as lc
from gobetween.agreements.terms import OperativeTerms, Renewal, RenewalRule
from gobetween.monitoring.bsgi import BSGI_AGREEMENT, BSGI_TERMS, bsgi_history
from gobetween.monitoring.term import term_status, term_table

D = dt.date


def test_bsgi_terms_add_up_to_the_day_it_ended() -> None:
    periods = lc.term_periods(BSGI_AGREEMENT)
    assert [p.days for p in periods] == [120, 120, 60, 60]
    assert [p.end.date() for p in periods] == [
        D(2022, 11, 19),
        D(2023, 3, 19),
        D(2023, 5, 18),
        D(2023, 7, 17),
    ]
    assert [p.disputed for p in periods] == [False, False, True, False]
    assert BSGI_AGREEMENT.status is lc.AgreementStatus.EXPIRED
    assert BSGI_AGREEMENT.ended_at is not None
    assert BSGI_AGREEMENT.ended_at.date() == D(2023, 7, 17)
    march = periods[2].consents
    assert (march["Ukraine"], march["Russian Federation"]) == (120, 60)
    assert "disputed" in periods[2].basis


def test_the_end_says_who_did_not_consent() -> None:
    expired = BSGI_AGREEMENT.log[-1]
    assert expired.to_dict()["reason"] == "no consent to renew from Russian Federation"


def test_the_history_replays_from_its_stored_events() -> None:
    start = lc.AgreementState.open(
        BSGI_TERMS,
        {p: (p, "Türkiye", "United Nations") for p in ("Ukraine", "Russian Federation")},
    )
    assert lc.replay(start, [e.to_dict() for e in BSGI_AGREEMENT.log]) == BSGI_AGREEMENT
    assert len(bsgi_history()) == 6 + 2 + 4 + 4 + 4 + 3 + 1


def test_status_warns_before_expiry_and_shows_suspensions() -> None:
    status = term_status(BSGI_AGREEMENT, D(2022, 10, 30), warn_days=14)
    assert status.period is not None
    assert status.period.number == 1
    assert (status.days_left, status.warning, status.expired) == (20, False, False)
    assert status.suspended == ("Russian Federation",)
    near = term_status(BSGI_AGREEMENT, D(2022, 11, 10), warn_days=14)
    assert (near.days_left, near.warning, near.suspended) == (9, True, ())
    after = term_status(BSGI_AGREEMENT, D(2023, 7, 17))
    assert (after.expired, after.period, after.days_left) == (True, None, 0)
    before = term_status(BSGI_AGREEMENT, D(2022, 7, 1))
    assert before.expired


def test_an_early_end_cuts_the_current_term() -> None:
    terms = OperativeTerms("g", {"x": "1"}, {"x": "One."}, 120, Renewal(RenewalRule.NONE),
                           D(2024, 1, 1))  # fmt: skip
    state = lc.AgreementState.open(terms, {"A": ("A",), "B": ("B",)})
    t0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for party in ("A", "B"):
        state, _ = lc.step(state, lc.Sign(party, party), now=t0)
    state, _ = lc.step(state, lc.Withdraw("B", "withdrawal"), now=t0 + dt.timedelta(days=31))
    (period,) = lc.term_periods(state)
    assert period.end.date() == D(2024, 2, 1)
    status = term_status(state, D(2024, 1, 25))
    assert (status.expires_on, status.days_left, status.warning) == (D(2024, 2, 1), 7, True)
    assert term_status(state, D(2024, 2, 1)).expired


def test_an_unsigned_agreement_has_no_term() -> None:
    state = lc.AgreementState.open(BSGI_TERMS, {"Ukraine": ("Ukraine",)})
    status = term_status(state, D(2022, 8, 1))
    assert (status.period, status.expires_on, status.expired) == (None, None, True)
    assert term_table(state).rows == ()


def test_term_table_is_chart_ready() -> None:
    table = term_table(BSGI_AGREEMENT)
    assert table.columns == ("term", "start", "expires", "days", "consents", "disputed")
    assert table.rows[0] == (1, "2022-07-22", "2022-11-19", 120, "entry into force", 0)
    assert table.rows[2][4] == (
        "Ukraine: 120; Russian Federation: 60; Türkiye: 120; United Nations: 120"
    )
    assert table.rows[2][5] == 1
