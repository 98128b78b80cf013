"""An agenda issue declares which lifecycle rule of the agreement it settles (``settles``): a
secretariat that names its issues in its own language ("süre", not "term") still gets an
agreement with a term. Agendas that declare nothing keep being read by their issues' names
(:data:`gobetween.agreements.derive.LIFECYCLE_ISSUES`)."""

from __future__ import annotations

import datetime as dt

import pytest

from gobetween.agreements.derive import derive_lifecycle, lifecycle_issues, terms_from_text
from gobetween.agreements.terms import RenewalRule
from gobetween.errors import AgreementError, InvalidAgenda
from gobetween.model import Agenda, Issue, IssueKind, Option, Settles

DAY = dt.date(2022, 7, 22)


def _sure(**more: object) -> Issue:
    term = Issue.from_range("süre", 60, 180, 60, kind=IssueKind.INTEGER, unit="gün")
    return Issue(
        term.name, term.options, kind=term.kind, unit=term.unit, settles=Settles.TERM, **more
    )


def test_a_declared_term_on_an_issue_named_in_turkish_is_the_agreements_term() -> None:
    agenda = Agenda(
        (
            Issue.discrete("limanlar", ["bir", "üç"]),
            _sure(names={"ar": "المدة", "en": "term"}),
            Issue(
                "yenileme",
                (Option("kendiliğinden"), Option("rıza ile")),
                settles=Settles.RENEWAL,
            ),
        )
    )
    package = agenda.package({"limanlar": "üç", "süre": "120", "yenileme": "rıza ile"})
    clauses = {"yenileme": "Renewal by consent of every party."}
    said = derive_lifecycle(package, clauses)
    assert said.term_days == 120
    assert said.sources["term_days"] == "süre"
    assert said.renewal is not None
    assert said.renewal.rule is RenewalRule.BY_CONSENT
    assert said.sources["renewal"] == "yenileme"
    terms = terms_from_text(package, clauses, effective_date=DAY)
    assert terms.term_days == 120


def test_a_declared_setting_comes_before_an_issue_named_like_the_rule() -> None:
    agenda = Agenda((Issue.discrete("term", ["30", "90"]), _sure()))
    said = derive_lifecycle(agenda.package({"term": "30", "süre": "180"}))
    assert (said.term_days, said.sources["term_days"]) == (180, "süre")
    assert lifecycle_issues(agenda) == {Settles.TERM: "süre"}


def test_an_agenda_that_declares_nothing_is_read_by_its_issues_names() -> None:
    agenda = Agenda(
        (
            Issue.discrete("süre", ["60", "120"]),
            Issue.discrete("Term", ["90", "120"]),
            Issue.discrete("renewal", ["by consent", "automatic"]),
        )
    )
    assert lifecycle_issues(agenda) == {Settles.TERM: "Term", Settles.RENEWAL: "renewal"}
    said = derive_lifecycle(agenda.package({"süre": "60", "Term": "90", "renewal": "by consent"}))
    assert (said.term_days, said.sources["term_days"]) == (90, "Term")
    undeclared = Agenda((Issue.discrete("süre", ["60", "120"]),))
    with pytest.raises(AgreementError) as refused:
        terms_from_text(undeclared.package({"süre": "60"}), {}, effective_date=DAY)
    assert "sets: how long it lasts" in str(refused.value), refused.value


def test_two_issues_settling_the_same_rule_are_refused_by_their_names() -> None:
    with pytest.raises(InvalidAgenda) as refused:
        Agenda((_sure(), Issue.discrete("vade", ["30", "60"]), _sure_named("müddet")))
    message = str(refused.value)
    assert "'süre'" in message, message
    assert "'müddet'" in message, message
    assert "how long it lasts (days)" in message, message


def _sure_named(name: str) -> Issue:
    return Issue(name, (Option("90"), Option("120")), settles=Settles.TERM)


@pytest.mark.parametrize("settles", [Settles.TERM, Settles.NOTICE, "notice"])
def test_a_term_or_notice_whose_options_are_not_whole_days_is_refused(
    settles: Settles | str,
) -> None:
    with pytest.raises(InvalidAgenda) as refused:
        Issue(
            "limanlar",
            (Option("bir"), Option("üç")),
            settles=settles,  # type: ignore[arg-type]  # a string is read as its member
        )
    assert "'limanlar'" in str(refused.value), refused.value
    assert "whole number of days" in str(refused.value), refused.value
    with pytest.raises(InvalidAgenda):
        Issue("süre", (Option("60.5", value=60.5), Option("90")), settles=Settles.TERM)
    assert Issue("ihbar", (Option("30 gün"), Option("60")), settles="notice").settles is (  # type: ignore[arg-type]
        Settles.NOTICE
    )
    with pytest.raises(InvalidAgenda):
        Issue("süre", (Option("60"),), settles="how long")  # type: ignore[arg-type]
