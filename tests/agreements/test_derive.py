"""Agreements derive from the agreed text only; verify reports an instrument that contradicts it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.agreements import (
    Bundle,
    OperativeTerms,
    Renewal,
    RenewalRule,
    Signatory,
    mirror_instruments,
)
from gobetween.agreements.derive import consistency_problems, derive_lifecycle, terms_from_text
from gobetween.agreements.verify import FindingCode, verify_bundle
from gobetween.errors import AgreementError
from gobetween.model import Agenda, Issue, OrganisationKind

from .conftest import key_for

RENEWAL_OPTIONS = {
    "by explicit consent of every party": RenewalRule.BY_CONSENT,
    "automatic unless notice": RenewalRule.AUTOMATIC_UNLESS_NOTICE,
    "no renewal": RenewalRule.NONE,
}
RENEWAL_CLAUSES = {
    RenewalRule.BY_CONSENT: "The initiative is renewed by explicit consent of every party.",
    RenewalRule.AUTOMATIC_UNLESS_NOTICE: "The initiative is renewed automatically unless a "
    "party gives notice.",
    RenewalRule.NONE: "The initiative expires at the end of its term; it is not renewed.",
}


def _bundle_bytes(terms: OperativeTerms) -> bytes:
    bundle = Bundle.create(
        mirror_instruments(
            terms,
            [Signatory("Ukraine", OrganisationKind.PARTY)],
            [Signatory("United Nations", OrganisationKind.MEDIATOR)],
        )
    )
    for organisation in ("Ukraine", "United Nations"):
        bundle = bundle.sign(organisation, key_for(organisation))
    return bundle.to_bytes()


@st.composite
def agreed_texts(draw: st.DrawFn) -> tuple[Agenda, dict[str, str], dict[str, str]]:
    """A random agenda with term, renewal and notice issues among others, a package, clauses."""
    terms = draw(st.lists(st.integers(1, 999), min_size=1, max_size=4, unique=True))
    notices = draw(st.lists(st.integers(0, 90), min_size=1, max_size=3, unique=True))
    others = draw(st.lists(st.sampled_from(["ports", "cargo", "inspection"]), unique=True))
    issues = [
        Issue.discrete("term", [f"{d} days" for d in terms]),
        Issue.discrete("renewal", list(RENEWAL_OPTIONS)),
        Issue.discrete("notice", [str(n) for n in notices]),
        *(Issue.discrete(name, ["a", "b"]) for name in others),
    ]
    order = draw(st.permutations(issues))
    agenda = Agenda(tuple(order), name="corridor")
    options = {i.name: draw(st.sampled_from(i.option_names)) for i in agenda.issues}
    rule = RENEWAL_OPTIONS[options["renewal"]]
    clauses = {name: f"The parties agree on {name}: {options[name]}." for name in options}
    clauses["renewal"] = RENEWAL_CLAUSES[rule]
    return agenda, options, clauses


@settings(max_examples=40, deadline=None)
@given(agreed_texts())
def test_instruments_carry_exactly_the_texts_term_and_renewal(
    text: tuple[Agenda, dict[str, str], dict[str, str]],
) -> None:
    agenda, options, clauses = text
    package = agenda.package(options)
    terms = terms_from_text(package, clauses, effective_date=dt.date(2022, 7, 22))
    rule = RENEWAL_OPTIONS[options["renewal"]]
    assert terms.term_days == int(options["term"].split()[0])
    assert terms.renewal.rule is rule
    expected_notice = int(options["notice"]) if rule is RenewalRule.AUTOMATIC_UNLESS_NOTICE else 0
    assert terms.renewal.notice_days == expected_notice
    assert derive_lifecycle(package, clauses).renewal == terms.renewal
    assert consistency_problems(terms) == ()
    assert verify_bundle(_bundle_bytes(terms)).ok


@settings(max_examples=40, deadline=None)
@given(agreed_texts(), st.data())
def test_a_built_contradiction_is_always_reported_naming_both_articles(
    text: tuple[Agenda, dict[str, str], dict[str, str]], data: st.DataObject
) -> None:
    agenda, options, clauses = text
    package = agenda.package(options)
    good = terms_from_text(package, clauses, effective_date=dt.date(2022, 7, 22))
    rule = good.renewal.rule
    other = data.draw(st.sampled_from([r for r in RenewalRule if r is not rule]))
    issues = list(options)
    renewal_article = f"Article {issues.index('renewal') + 1} ('renewal')"
    if data.draw(st.booleans(), label="contradict the setting") or len(issues) < 2:
        # The defect of the food-corridor demo: the setting says something else than the text.
        bad = OperativeTerms.from_package(
            package,
            good.clauses,
            term_days=good.term_days,
            renewal=Renewal(other),
            effective_date=good.effective_date,
        )
        expected = [renewal_article, "renewal setting"]
    else:
        # A second article states another renewal rule: one rule per term.
        victim = data.draw(st.sampled_from([i for i in issues if i != "renewal"]))
        bad_clauses = {**good.clauses, victim: good.clauses[victim] + " " + RENEWAL_CLAUSES[other]}
        bad = OperativeTerms.from_package(
            package,
            bad_clauses,
            term_days=good.term_days,
            renewal=good.renewal,
            effective_date=good.effective_date,
        )
        expected = [renewal_article, f"Article {issues.index(victim) + 1} ({victim!r})"]
    report = verify_bundle(_bundle_bytes(bad))
    contradictions = [f.message for f in report.findings if f.code is FindingCode.TERMS_CONTRADICT]
    assert not report.ok
    assert contradictions, report.findings
    assert any(all(name in message for name in expected) for message in contradictions)


def test_the_food_corridor_defect_renewal_by_consent_but_automatic_setting_is_reported() -> None:
    agenda = Agenda(
        (
            Issue.discrete("term", ["120"]),
            Issue.discrete("renewal", ["by explicit consent of every party", "automatic"]),
        ),
        name="Black Sea Grain Initiative",
    )
    package = agenda.package({"term": "120", "renewal": "by explicit consent of every party"})
    clauses = {"term": "120 days.", "renewal": RENEWAL_CLAUSES[RenewalRule.BY_CONSENT]}
    with pytest.raises(AgreementError, match=r"Article 2 \('renewal'\) says renewal is by_consent"):
        terms_from_text(
            package,
            clauses,
            effective_date=dt.date(2022, 7, 22),
            renewal=Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE),
        )
    signed_anyway = OperativeTerms.from_package(
        package,
        clauses,
        term_days=120,
        renewal=Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE),
        effective_date=dt.date(2022, 7, 22),
    )
    report = verify_bundle(_bundle_bytes(signed_anyway))
    assert FindingCode.TERMS_CONTRADICT in report.codes


def test_a_form_cannot_add_a_term_or_renewal_the_text_does_not_hold() -> None:
    agenda = Agenda((Issue.discrete("term", ["120"]), Issue.discrete("ports", ["three"])))
    package = agenda.package({"term": "120", "ports": "three"})
    with pytest.raises(AgreementError, match="no article on renewal"):
        terms_from_text(
            package,
            {},
            effective_date=dt.date(2022, 7, 22),
            renewal=Renewal(RenewalRule.BY_CONSENT),
        )
    with pytest.raises(AgreementError, match="says 120 days"):
        terms_from_text(package, {}, effective_date=dt.date(2022, 7, 22), term_days=60)
    no_term = Agenda((Issue.discrete("ports", ["three"]),)).package({"ports": "three"})
    with pytest.raises(AgreementError, match="no article on the term"):
        terms_from_text(no_term, {}, effective_date=dt.date(2022, 7, 22), term_days=120)
    terms = terms_from_text(package, {}, effective_date=dt.date(2022, 7, 22))
    assert (terms.term_days, terms.renewal.rule) == (120, RenewalRule.NONE)


def test_without_a_renewal_issue_the_term_article_states_the_renewal_rule() -> None:
    agenda = Agenda((Issue.discrete("term", ["120"]), Issue.discrete("ports", ["three"])))
    package = agenda.package({"term": "120", "ports": "three"})
    clauses = {"term": "It runs 120 days and is extended automatically for the same period."}
    said = derive_lifecycle(package, clauses)
    assert said.renewal == Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE)
    assert said.sources["renewal"] == "term"
    with pytest.raises(AgreementError, match=r"Article 1 \('term'\) says renewal"):
        terms_from_text(
            package,
            clauses,
            effective_date=dt.date(2022, 7, 22),
            renewal=Renewal(RenewalRule.BY_CONSENT),
        )


def test_entry_into_force_on_a_date_comes_from_the_text() -> None:
    agenda = Agenda(
        (
            Issue.discrete("term", ["120"]),
            Issue.discrete("entry into force", ["on signature", "on 2022-08-01"]),
        )
    )
    dated = agenda.package({"term": "120", "entry into force": "on 2022-08-01"})
    with pytest.raises(AgreementError, match=r"Article 2 \('entry into force'\) says it enters"):
        terms_from_text(dated, {}, effective_date=dt.date(2022, 7, 22))
    terms = terms_from_text(dated, {}, effective_date=dt.date(2022, 8, 1))
    assert consistency_problems(terms) == ()
    other = OperativeTerms.from_package(
        dated,
        terms.clauses,
        term_days=120,
        renewal=terms.renewal,
        effective_date=dt.date(2022, 7, 22),
    )
    assert any("enters into force" in p for p in consistency_problems(other))
    on_signature = agenda.package({"term": "120", "entry into force": "on signature"})
    signed = terms_from_text(on_signature, {}, effective_date=dt.date(2022, 7, 22))
    assert signed.effective_date == dt.date(2022, 7, 22)
