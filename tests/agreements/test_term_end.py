"""The words a term's end writes in the log read back as what they say, whatever the names
(a comma, digits or "days" inside a name included), so a page can give them in its reader's
language; a party's own words are not taken for them."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import assume, given
from hypothesis import strategies as st

from gobetween.agreements import term_end as te
from gobetween.agreements.lifecycle import (
    DAY,
    AgreementState,
    ConsentToRenewal,
    GiveNotice,
    Sign,
    Tick,
    step,
)
from gobetween.agreements.terms import OperativeTerms, Renewal, RenewalRule

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1).filter(
    lambda s: s == s.strip()
)


@given(st.dictionaries(names, st.integers(1, 10_000), min_size=2))
def test_differing_consents_read_back_with_each_signatorys_days(consents: dict[str, int]) -> None:
    # a name that itself holds "<number> days, " cannot be told from two consents
    assume(not any(re.search(r" \d+ days, ", name) for name in consents))
    said = te.read(te.consents_differ(consents))
    assert said == te.TermEnd("consents_differ", consents=tuple(consents.items()))


def test_a_name_with_a_comma_and_days_in_it_keeps_its_days() -> None:
    consents = {"Korea, Republic of": 120, "Party 7 days": 60}
    said = te.read(te.consents_differ(consents))
    assert said is not None
    assert dict(said.consents) == consents


@given(st.lists(names, min_size=1, unique=True))
def test_notice_and_missing_consents_name_the_parties(parties: list[str]) -> None:
    notice = te.read(te.notice_given(parties))
    missing = te.read(te.no_consent_from(parties))
    assert notice == te.TermEnd("notice", names=", ".join(sorted(parties)))
    assert missing == te.TermEnd("no_consent", names=", ".join(parties))


def test_fixed_words_and_a_partys_own_words() -> None:
    assert te.read(te.AUTOMATIC) == te.TermEnd("automatic")
    assert te.read(te.CONSENT_OF_ALL) == te.TermEnd("consent_of_all")
    assert te.read(te.NO_RENEWAL) == te.TermEnd("none")
    for own in ("suspended its participation", "notice given by ", "consents differ (A 1 days)"):
        assert te.read(own) is None


def _state(rule: RenewalRule) -> tuple[AgreementState, dt.datetime]:
    terms = OperativeTerms("g", {"x": "1"}, {"x": "One."}, 120, Renewal(rule), dt.date(2022, 7, 22))
    state = AgreementState.open(terms, {"A": ("A",), "B": ("B",)})
    t = dt.datetime(2022, 7, 22, tzinfo=dt.UTC)
    for party, signer in state.required:
        state, _ = step(state, Sign(signer, party), now=t)
    return state, t


def test_the_lifecycle_writes_words_that_read_back() -> None:
    """Each way a term can end, from the state machine itself, reads back as its case."""
    state, t = _state(RenewalRule.BY_CONSENT)
    state, _ = step(state, ConsentToRenewal("A", 120), now=t + 100 * DAY)
    state, _ = step(state, ConsentToRenewal("B", 60), now=t + 100 * DAY)
    state, events = step(state, Tick(), now=t + 121 * DAY)
    assert te.read(events[-1].to_dict()["basis"]) == te.TermEnd(
        "consents_differ", consents=(("A", 120), ("B", 60))
    )
    state, events = step(state, Tick(), now=t + 200 * DAY)
    assert te.read(events[-1].to_dict()["reason"]) == te.TermEnd("no_consent", names="A, B")
    state, t = _state(RenewalRule.AUTOMATIC_UNLESS_NOTICE)
    state, events = step(state, Tick(), now=t + 121 * DAY)
    assert te.read(events[-1].to_dict()["basis"]) == te.TermEnd("automatic")
    state, _ = step(state, GiveNotice("B", ""), now=t + 130 * DAY)
    state, events = step(state, Tick(), now=t + 241 * DAY)
    assert te.read(events[-1].to_dict()["reason"]) == te.TermEnd("notice", names="B")
    state, t = _state(RenewalRule.NONE)
    state, events = step(state, Tick(), now=t + 121 * DAY)
    assert te.read(events[-1].to_dict()["reason"]) == te.TermEnd("none")
