"""Hypothesis: the terms hash moves with every operative term and with nothing party-specific."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import replace

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gobetween.agreements import (
    Instrument,
    Link,
    OperativeTerms,
    Renewal,
    RenewalRule,
    Signatory,
    mirror_instruments,
)
from gobetween.model import OrganisationKind

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30
).filter(lambda s: s.strip())
names = text.map(lambda s: unicodedata.normalize("NFC", s)).filter(lambda s: s.strip())
hashes = st.binary(min_size=32, max_size=32).map(bytes.hex)
renewals = st.one_of(
    st.builds(Renewal, st.just(RenewalRule.AUTOMATIC_UNLESS_NOTICE), st.integers(0, 60)),
    st.sampled_from([Renewal(RenewalRule.BY_CONSENT), Renewal(RenewalRule.NONE)]),
)


@st.composite
def operative_terms(draw: st.DrawFn) -> OperativeTerms:
    issues = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    return OperativeTerms(
        agenda=draw(names),
        options={i: draw(names) for i in issues},
        clauses={i: draw(text) for i in issues},
        term_days=draw(st.integers(1, 10_000)),
        renewal=draw(renewals),
        effective_date=draw(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))),
        links=tuple(draw(st.lists(st.builds(Link, names, hashes), max_size=2))),
    )


@st.composite
def changed_terms(draw: st.DrawFn, terms: OperativeTerms) -> OperativeTerms:
    """A copy of ``terms`` with exactly one operative term changed (to a different value)."""
    field = draw(
        st.sampled_from(
            ["agenda", "option", "clause", "term_days", "renewal", "effective_date", "links"]
        )
    )
    issue = draw(st.sampled_from(terms.issues))
    if field == "agenda":
        return replace(terms, agenda=draw(names.filter(lambda s: s != terms.agenda)))
    if field == "option":
        value = draw(names.filter(lambda s: s != terms.options[issue]))
        return replace(terms, options={**terms.options, issue: value})
    if field == "clause":
        value = draw(text.filter(lambda s: _nfc(s) != terms.clauses[issue]))
        return replace(terms, clauses={**terms.clauses, issue: value})
    if field == "term_days":
        days = draw(st.integers(1, 10_000).filter(lambda d: d != terms.term_days))
        return replace(terms, term_days=days)
    if field == "renewal":
        return replace(terms, renewal=draw(renewals.filter(lambda r: r != terms.renewal)))
    if field == "effective_date":
        delta = draw(st.integers(1, 1000) | st.integers(-1000, -1))
        return replace(terms, effective_date=terms.effective_date + dt.timedelta(days=delta))
    extra = draw(st.builds(Link, names, hashes))
    return replace(terms, links=(*terms.links, extra))


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@settings(max_examples=300)
@given(st.data())
def test_any_change_to_an_operative_term_changes_the_terms_hash(data: st.DataObject) -> None:
    terms = data.draw(operative_terms())
    other = data.draw(changed_terms(terms))
    assert other.differences(terms)
    assert other.canonical_bytes() != terms.canonical_bytes()
    assert other.terms_hash() != terms.terms_hash()


@settings(max_examples=100)
@given(operative_terms(), st.permutations(range(5)))
def test_reordering_mappings_does_not_change_the_hash(
    terms: OperativeTerms, order: list[int]
) -> None:
    issues = [terms.issues[i] for i in order if i < len(terms.issues)]
    shuffled_clauses = {i: terms.clauses[i] for i in issues}
    again = replace(terms, clauses=shuffled_clauses)
    assert again.terms_hash() == terms.terms_hash()


@settings(max_examples=100)
@given(operative_terms())
def test_decomposed_unicode_gives_the_same_hash(terms: OperativeTerms) -> None:
    nfd = replace(
        terms,
        agenda=unicodedata.normalize("NFD", terms.agenda),
        clauses={i: unicodedata.normalize("NFD", c) for i, c in terms.clauses.items()},
    )
    assert nfd.terms_hash() == terms.terms_hash()


@st.composite
def party_specific(draw: st.DrawFn) -> dict[str, object]:
    party = draw(names)
    mediators = draw(st.lists(names.filter(lambda m: m != party), max_size=3, unique=True))
    return {
        "party": party,
        "title": draw(text),
        "preamble": draw(text),
        "signatories": (
            Signatory(party, OrganisationKind.PARTY, draw(st.text(max_size=20))),
            *(
                Signatory(m, OrganisationKind.MEDIATOR, draw(st.text(max_size=20)))
                for m in mediators
            ),
        ),
    }


@settings(max_examples=200)
@given(operative_terms(), party_specific(), party_specific())
def test_party_specific_parts_do_not_change_the_terms_hash(
    terms: OperativeTerms, mine: dict[str, object], theirs: dict[str, object]
) -> None:
    a = Instrument(terms=terms, **mine)  # type: ignore[arg-type]
    b = Instrument(terms=terms, **theirs)  # type: ignore[arg-type]
    assert a.terms.terms_hash() == b.terms.terms_hash() == terms.terms_hash()
    assert a.to_dict()["terms_hash"] == b.to_dict()["terms_hash"]
    assert a.to_dict()["terms"] == b.to_dict()["terms"]
    assume(a != b)
    # The party-specific parts are signed: they change the instrument's own hash.
    assert a.instrument_hash() != b.instrument_hash()


@settings(max_examples=50)
@given(operative_terms(), st.lists(names, min_size=1, max_size=4, unique=True))
def test_mirror_instruments_share_terms_and_differ_in_party(
    terms: OperativeTerms, parties: list[str]
) -> None:
    instruments = mirror_instruments(
        terms,
        [Signatory(p, OrganisationKind.PARTY) for p in parties],
        [Signatory("\u2060mediator\u2060", OrganisationKind.MEDIATOR)],
    )
    assert {i.terms.terms_hash() for i in instruments} == {terms.terms_hash()}
    assert len({i.instrument_hash() for i in instruments}) == len(parties)
