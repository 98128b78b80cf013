"""Obligations from the terms and their compliance over events and voyages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gobetween.errors import InvalidModel
from gobetween.formats.jcc import read_csv
from gobetween.monitoring.bsgi import BSGI_INSPECTIONS_TEMPLATE
from gobetween.monitoring.events import (
    Event,
    GateDecision,
    Inspection,
    InspectionResult,
    Registration,
    TeamMember,
    Verdict,
)
from gobetween.monitoring.figures import Period, VoyageArrays
from gobetween.monitoring.obligations import (
    Comparison,
    Metric,
    Obligation,
    ObligationTemplate,
    evaluate,
    evaluate_counts,
    evaluate_voyages,
    obligations_from_terms,
)

TEAM = (TeamMember("UN", "a"),)
CSV_SLICE = Path(__file__).parents[1] / "data" / "bsgi" / "outbound_shipments_slice.csv"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2022, 10, day, hour, minute, tzinfo=dt.UTC)


def inspections(*times: dt.datetime) -> list[Event]:
    return [Inspection(t, f"v{i}", TEAM, InspectionResult.PASSED) for i, t in enumerate(times)]


def rule(**changes: object) -> Obligation:
    base: dict[str, object] = {
        "name": "ins",
        "party": "JCC",
        "what": "joint inspections",
        "metric": Metric.INSPECTIONS,
        "threshold": 2,
    }
    base.update(changes)
    return Obligation(**base)  # type: ignore[arg-type]


def test_days_missed_are_counted_and_named() -> None:
    events = inspections(at(1, 8), at(1, 9), at(2, 9), at(4, 9), at(4, 10), at(4, 11))
    report = evaluate(rule(), events, dt.date(2022, 10, 1), dt.date(2022, 10, 4))
    assert report.counts == (2, 1, 0, 3)
    assert report.periods_missed == ("2022-10-02", "2022-10-03")
    assert report.missed_count == 2
    assert report.table().rows[1] == ("2022-10-02", 1, 2, 1)


def test_deadline_counts_only_events_by_that_time() -> None:
    plan = rule(
        name="plan",
        party="Ukraine",
        what="departure plan approvals",
        metric=Metric.APPROVALS,
        threshold=1,
        step="departure_plan",
        deadline=dt.time(13, 0),
    )
    events: list[Event] = [
        Registration(at(1, 7), "v", "Ukraine"),
        GateDecision(at(1, 12, 59), "v", "departure_plan", "Ukraine", Verdict.APPROVE),
        GateDecision(at(2, 13, 5), "v", "departure_plan", "Ukraine", Verdict.APPROVE),
        GateDecision(at(3, 9), "v", "registration", "Ukraine", Verdict.APPROVE),
        GateDecision(at(3, 10), "v", "departure_plan", "Russia", Verdict.BLOCK, "no"),
    ]
    report = evaluate(plan, events, dt.date(2022, 10, 1), dt.date(2022, 10, 3))
    assert report.counts == (1, 0, 0)
    assert "by 13:00 UTC" in plan.describe()


def test_deadline_is_judged_in_utc() -> None:
    istanbul = dt.timezone(dt.timedelta(hours=3))
    late = Inspection(
        dt.datetime(2022, 10, 1, 15, 0, tzinfo=istanbul), "v", TEAM, InspectionResult.PASSED
    )
    report = evaluate(
        rule(threshold=1, deadline=dt.time(12, 0)),
        [late],
        dt.date(2022, 10, 1),
        dt.date(2022, 10, 1),
    )
    assert report.counts == (1,)  # 15:00 in Istanbul is 12:00 UTC


def test_at_most_and_monthly() -> None:
    cap = rule(comparison=Comparison.AT_MOST, threshold=1, metric=Metric.PASSED_INSPECTIONS)
    events = [
        *inspections(at(1, 8), at(1, 9)),
        Inspection(at(2, 8), "x", TEAM, InspectionResult.FAILED, "hidden cargo"),
    ]
    assert evaluate(cap, events, dt.date(2022, 10, 1), dt.date(2022, 10, 2)).counts == (2, 0)
    monthly = rule(period=Period.MONTH, threshold=40)
    report = evaluate_counts(monthly, dt.date(2022, 9, 29), [10, 10, 5, 5, 5])
    assert report.periods == ("2022-09", "2022-10")
    assert report.counts == (20, 15)
    assert report.missed == (True, True)


def test_other_metrics() -> None:
    events: list[Event] = [Registration(at(1, 8), "v", "Ukraine")]
    assert evaluate(
        rule(metric=Metric.REGISTRATIONS, threshold=1),
        events,
        dt.date(2022, 10, 1),
        dt.date(2022, 10, 1),
    ).missed == (False,)
    assert evaluate(
        rule(metric=Metric.DEPARTURES, threshold=1),
        events,
        dt.date(2022, 10, 1),
        dt.date(2022, 10, 1),
    ).missed == (True,)


def test_invalid_obligations_and_ranges() -> None:
    with pytest.raises(InvalidModel):
        rule(threshold=-1)
    with pytest.raises(InvalidModel):
        rule(threshold=2.5)
    with pytest.raises(InvalidModel):
        rule(party=" ")
    with pytest.raises(InvalidModel, match="empty"):
        evaluate(rule(), [], dt.date(2022, 10, 2), dt.date(2022, 10, 1))


def test_obligations_from_terms_take_the_threshold_from_the_chosen_option() -> None:
    options = {"inspections per day": "9 per day", "ports": "three ports"}
    clauses = {
        "inspections per day": "Joint teams inspect at least nine vessels a day.",
        "ports": "...",
    }
    (obligation,) = obligations_from_terms(options, clauses, [BSGI_INSPECTIONS_TEMPLATE])
    assert obligation.threshold == 9
    assert obligation.clause == clauses["inspections per day"]
    assert (
        obligation.describe() == "Joint Coordination Centre: joint inspections at least 9 per day"
    )
    with pytest.raises(InvalidModel, match="no issue"):
        obligations_from_terms({"ports": "x"}, {}, [BSGI_INSPECTIONS_TEMPLATE])
    bad = ObligationTemplate("p", "JCC", "ports", Metric.DEPARTURES, issue="ports")
    with pytest.raises(InvalidModel, match="whole number"):
        obligations_from_terms(options, clauses, [bad])


def test_evaluate_voyages_counts_outbound_inspections_per_day() -> None:
    shipments = read_csv(CSV_SLICE).shipments
    arrays = VoyageArrays.from_shipments(shipments)
    report = evaluate_voyages(rule(threshold=1), arrays)
    heads = [s for s in shipments if s.cargo_index == 0 and s.inspection_date]
    first = min(s.inspection_date for s in heads if s.inspection_date)
    last = max(s.inspection_date for s in heads if s.inspection_date)
    assert report.periods[0] == first.isoformat()
    assert report.periods[-1] == last.isoformat()
    assert sum(report.counts) == len(heads)
    inspected_days = {s.inspection_date.isoformat() for s in heads if s.inspection_date}
    assert set(report.periods_missed) == set(report.periods) - inspected_days
    with pytest.raises(InvalidModel, match="cannot be judged"):
        evaluate_voyages(rule(metric=Metric.REGISTRATIONS), arrays)
    with pytest.raises(InvalidModel, match="no departures dates"):
        evaluate_voyages(rule(metric=Metric.DEPARTURES), VoyageArrays.from_shipments([]))


def test_obligations_and_term_clock_from_signed_operative_terms() -> None:
    from gobetween.agreements import OperativeTerms, Renewal, RenewalRule
    from gobetween.agreements import lifecycle as lc
    from gobetween.model import Agenda, Issue
    from gobetween.monitoring.term import term_table

    agenda = Agenda(
        (
            Issue.discrete("ports", ["Odesa", "three ports"]),
            Issue.discrete("inspections per day", ["5", "9", "11"]),
        ),
        name="corridor",
    )
    terms = OperativeTerms.from_package(
        agenda.package({"ports": "three ports", "inspections per day": "9"}),
        {
            "ports": "Exports leave from Odesa, Chornomorsk and Yuzhny.",
            "inspections per day": "Joint teams inspect at least nine vessels a day.",
        },
        term_days=120,
        renewal=Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE),
        effective_date=dt.date(2022, 7, 22),
    )
    (obligation,) = obligations_from_terms(
        terms.options, terms.clauses, [BSGI_INSPECTIONS_TEMPLATE]
    )
    assert obligation.threshold == 9
    assert obligation.clause == "Joint teams inspect at least nine vessels a day."
    state = lc.AgreementState.open(terms, {"Ukraine": ("Ukraine",)})
    state, _ = lc.step(state, lc.Sign("Ukraine", "Ukraine"),
                       now=dt.datetime(2022, 7, 22, 12, tzinfo=dt.UTC))  # fmt: skip
    assert term_table(state).rows[0][2] == "2022-11-19"
