"""The term clock: terms, recorded renewals (disputed ones too), warnings, early end."""

from __future__ import annotations

import datetime as dt

import pytest

from gobetween.errors import InvalidModel
from gobetween.monitoring.bsgi import BSGI_TERM_CLOCK
from gobetween.monitoring.term import Extension, TermClock

D = dt.date


def test_bsgi_terms_add_up_to_the_day_it_ended() -> None:
    periods = BSGI_TERM_CLOCK.periods()
    assert [p.days for p in periods] == [120, 120, 60, 60]
    assert [p.end for p in periods] == [
        D(2022, 11, 19),
        D(2023, 3, 19),
        D(2023, 5, 18),
        D(2023, 7, 17),
    ]
    assert [p.disputed for p in periods] == [False, False, True, False]
    assert BSGI_TERM_CLOCK.end == D(2023, 7, 17)
    march = periods[2].extension
    assert march is not None
    assert dict(march.consents) == {"Ukraine": 120, "Russian Federation": 60}


def test_status_warns_before_expiry_and_shows_suspensions() -> None:
    status = BSGI_TERM_CLOCK.status(D(2022, 10, 30), warn_days=14)
    assert status.period is not None
    assert status.period.index == 0
    assert (status.days_left, status.warning, status.expired) == (20, False, False)
    assert status.suspended == ("Russian Federation",)
    near = BSGI_TERM_CLOCK.status(D(2022, 11, 10), warn_days=14)
    assert (near.days_left, near.warning, near.suspended) == (9, True, ())
    after = BSGI_TERM_CLOCK.status(D(2023, 7, 17))
    assert (after.expired, after.period, after.days_left) == (True, None, 0)
    before = BSGI_TERM_CLOCK.status(D(2022, 7, 1))
    assert before.expired


def test_an_early_end_cuts_the_current_term() -> None:
    clock = TermClock(
        D(2024, 1, 1), 120, ("A", "B"), ended_on=D(2024, 2, 1), end_reason="withdrawal"
    )
    assert clock.end == D(2024, 2, 1)
    status = clock.status(D(2024, 1, 25))
    assert (status.expires_on, status.days_left, status.warning) == (D(2024, 2, 1), 7, True)
    assert clock.status(D(2024, 2, 1)).expired


def test_extension_needs_every_party_and_a_timely_decision() -> None:
    with pytest.raises(InvalidModel, match="missing consent"):
        TermClock(D(2024, 1, 1), 30, ("A", "B"), (Extension(D(2024, 1, 20), {"A": 30}),))
    with pytest.raises(InvalidModel, match="non-parties"):
        TermClock(D(2024, 1, 1), 30, ("A",), (Extension(D(2024, 1, 20), {"A": 30, "Z": 30}),))
    with pytest.raises(InvalidModel, match="after the term expired"):
        TermClock(D(2024, 1, 1), 30, ("A",), (Extension(D(2024, 3, 1), {"A": 30}),))
    with pytest.raises(InvalidModel):
        Extension(D(2024, 1, 1), {})
    with pytest.raises(InvalidModel):
        Extension(D(2024, 1, 1), {"A": 0})
    with pytest.raises(InvalidModel):
        TermClock(D(2024, 1, 1), 0, ("A",))


def test_term_table_is_chart_ready() -> None:
    table = BSGI_TERM_CLOCK.table()
    assert table.columns == ("term", "start", "expires", "days", "consents", "disputed")
    assert table.rows[0] == (0, "2022-07-22", "2022-11-19", 120, "signature", 0)
    assert table.rows[2][4] == "Ukraine: 120; Russian Federation: 60"
    assert table.rows[2][5] == 1
