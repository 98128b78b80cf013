"""Obligations derived from the operative terms, and whether they were kept.

An :class:`Obligation` says who must do what, how often and by when: *the joint centre carries
out at least 9 joint inspections a day*, *Ukraine files the next day's departure plan by 12:00
every day*. It is derived from the agreed terms with :func:`obligations_from_terms`: a template
per issue takes its threshold from the option the parties chose. :func:`evaluate` counts the
matching events per period and reports every period missed, as a chart-ready table.

>>> import datetime as dt
>>> from gobetween.monitoring.events import Inspection, InspectionResult, TeamMember
>>> rule = Obligation("inspections", party="JCC", what="joint inspections",
...                   metric=Metric.INSPECTIONS, threshold=2)
>>> at = lambda d, h: dt.datetime(2022, 10, d, h, tzinfo=dt.timezone.utc)
>>> events = [Inspection(at(1, h), f"v{h}", (TeamMember("UN", "A"),), InspectionResult.PASSED)
...           for h in (8, 9)] + [
...           Inspection(at(2, 8), "v3", (TeamMember("UN", "A"),), InspectionResult.PASSED)]
>>> report = evaluate(rule, events, dt.date(2022, 10, 1), dt.date(2022, 10, 3))
>>> report.counts, report.periods_missed
((2, 1, 0), ('2022-10-02', '2022-10-03'))
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field, fields

import numpy as np

from gobetween.errors import N_, Count, InvalidModel, Sentence
from gobetween.monitoring.events import (
    Arrival,
    Departure,
    Event,
    GateDecision,
    IncidentResponse,
    Inspection,
    InspectionResult,
    Registration,
    Verdict,
    check_choice,
    not_one_of,
)
from gobetween.monitoring.figures import FigureTable, Period, VoyageArrays, counts_per_day

__all__ = [
    "VOYAGE_FILE_CAVEATS",
    "Comparison",
    "Compliance",
    "Duty",
    "Metric",
    "Obligation",
    "ObligationTemplate",
    "evaluate",
    "evaluate_counts",
    "evaluate_voyages",
    "obligations_from_terms",
]


class Metric(enum.StrEnum):
    """What an obligation counts: one kind of event."""

    INSPECTIONS = "inspections"
    PASSED_INSPECTIONS = "passed_inspections"
    REGISTRATIONS = "registrations"
    APPROVALS = "approvals"
    DEPARTURES = "departures"
    ARRIVALS = "arrivals"
    INCIDENT_RESPONSES = "incident_responses"


class Comparison(enum.StrEnum):
    """Whether the count must reach the threshold or stay within it."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


def _counts(metric: Metric, event: Event, step: str) -> bool:
    if metric is Metric.INSPECTIONS:
        return isinstance(event, Inspection)
    if metric is Metric.PASSED_INSPECTIONS:
        return isinstance(event, Inspection) and event.result is InspectionResult.PASSED
    if metric is Metric.REGISTRATIONS:
        return isinstance(event, Registration)
    if metric is Metric.APPROVALS:
        return (
            isinstance(event, GateDecision)
            and event.verdict is Verdict.APPROVE
            and (not step or event.step == step)
        )
    if metric is Metric.DEPARTURES:
        return isinstance(event, Departure)
    if metric is Metric.ARRIVALS:
        return isinstance(event, Arrival)
    return isinstance(event, IncidentResponse)


@dataclass(frozen=True, slots=True)
class Duty:
    """What an obligation and its template (:class:`ObligationTemplate`) both say: who
    (``party``) must do what (``what``, counted by ``metric``), how often (``period``) and by when
    (``deadline``, a time of day in UTC); all but the first four are given by keyword.

    ``step`` narrows :attr:`Metric.APPROVALS` to one gated step; ``provision`` is the key of the
    provision (operative article) the obligation belongs to; ``caveat`` says what the data
    judging it can and cannot show.
    """

    name: str
    party: str
    what: str
    metric: Metric
    _: KW_ONLY
    comparison: Comparison = Comparison.AT_LEAST
    period: Period = Period.DAY
    deadline: dt.time | None = None
    step: str = ""
    provision: str = ""
    caveat: str = ""


def _check_vocabulary(duty: Duty) -> None:
    """``metric``, ``comparison`` and ``period`` as members of their vocabularies (their values
    accepted as plain text); anything else refused at the field, naming the choices.

    >>> Obligation("x", party="JCC", what="inspections", metric="inspection", threshold=1)
    Traceback (most recent call last):
    ...
    gobetween.errors.InvalidModel: metric: metric 'inspection' is not one of inspections, ...
    """
    for name, kind in (("metric", Metric), ("comparison", Comparison), ("period", Period)):
        object.__setattr__(duty, name, check_choice(kind, getattr(duty, name), name))


@dataclass(frozen=True, slots=True)
class Obligation(Duty):
    """A :class:`Duty` with its ``threshold``: at least (or at most, by ``comparison``) that
    many a period; ``clause`` quotes the term it comes from."""

    threshold: int
    clause: str = field(default="", kw_only=True)

    def __post_init__(self) -> None:
        for name in ("name", "party", "what"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise InvalidModel(
                    N_("obligation %(field)s must be non-empty text"),
                    location=name,
                    params={"field": name},
                )
        _check_vocabulary(self)
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int):
            raise InvalidModel(
                N_("obligation %(name)r: threshold %(threshold)r is not a whole number"),
                location="threshold",
                expected=N_("a whole number >= 0"),
                params={"name": self.name, "threshold": self.threshold},
            )
        if self.threshold < 0:
            raise InvalidModel(
                N_("obligation %(name)r: threshold %(threshold)s is negative"),
                location="threshold",
                expected=N_("a whole number >= 0"),
                params={"name": self.name, "threshold": self.threshold},
            )

    def sentence(self) -> Sentence:
        """The obligation in words, for translation where it is shown (who and what are the
        agreement's own words, kept as written).

        >>> Obligation("x", party="JCC", what="inspections", metric="inspections", threshold=9,
        ...     deadline=dt.time(18)).sentence().template
        '%(duty)s by %(deadline)s UTC'
        """
        duty = Sentence(
            _DESCRIBED[(self.comparison, self.period)],
            {"party": self.party, "what": self.what, "threshold": Count(self.threshold)},
        )
        if self.deadline is None:
            return duty
        return Sentence(
            N_("%(duty)s by %(deadline)s UTC"), {"duty": duty, "deadline": f"{self.deadline:%H:%M}"}
        )

    def describe(self) -> str:
        """One line in English: ``"JCC: joint inspections at least 9 per day"``."""
        return str(self.sentence())

    def met(self, count: float) -> bool:
        """Whether a period with ``count`` matching events keeps the obligation."""
        if self.comparison is Comparison.AT_LEAST:
            return count >= self.threshold
        return count <= self.threshold


#: An obligation in words by its comparison and period: who, what, how many.
_DESCRIBED = {
    (Comparison.AT_LEAST, Period.DAY): N_("%(party)s: %(what)s at least %(threshold)s per day"),
    (Comparison.AT_LEAST, Period.MONTH): N_("%(party)s: %(what)s at least %(threshold)s per month"),
    (Comparison.AT_MOST, Period.DAY): N_("%(party)s: %(what)s at most %(threshold)s per day"),
    (Comparison.AT_MOST, Period.MONTH): N_("%(party)s: %(what)s at most %(threshold)s per month"),
}


@dataclass(frozen=True, slots=True)
class Compliance:
    """The obligation's count and verdict per period (days or months) in the range."""

    obligation: Obligation
    periods: tuple[str, ...]
    counts: tuple[int, ...]
    missed: tuple[bool, ...]

    @property
    def periods_missed(self) -> tuple[str, ...]:
        """The periods in which the obligation was not met."""
        return tuple(p for p, m in zip(self.periods, self.missed, strict=True) if m)

    @property
    def missed_count(self) -> int:
        """How many periods were missed (days missed for a daily obligation)."""
        return sum(self.missed)

    def table(self) -> FigureTable:
        """Period, count, threshold and missed, ready to chart or export."""
        rows = tuple(
            (p, c, self.obligation.threshold, int(m))
            for p, c, m in zip(self.periods, self.counts, self.missed, strict=True)
        )
        return FigureTable(
            f"compliance_{self.obligation.name}", ("period", "count", "threshold", "missed"), rows
        )


def evaluate_counts(obligation: Obligation, start: dt.date, counts: Sequence[float]) -> Compliance:
    """Judge daily ``counts`` (the first on ``start``) against ``obligation``.

    For a monthly obligation the days are summed per calendar month first.

    >>> rule = Obligation("ins", party="JCC", what="inspections", metric=Metric.INSPECTIONS,
    ...                   threshold=5)
    >>> evaluate_counts(rule, dt.date(2023, 1, 1), [6, 4, 5]).periods_missed
    ('2023-01-02',)
    """
    days = np.datetime64(start, "D") + np.arange(len(counts))
    values = np.asarray(counts, dtype=np.float64)
    if obligation.period is Period.MONTH and len(counts):
        months = days.astype("datetime64[M]")
        labels, first = np.unique(months, return_index=True)
        values = np.add.reduceat(values, first)
        names = tuple(str(m) for m in labels)
    else:
        names = tuple(str(d) for d in days)
    totals = tuple(int(v) for v in values.tolist())
    return Compliance(
        obligation, names, totals, tuple(not obligation.met(v) for v in values.tolist())
    )


def evaluate(
    obligation: Obligation, events: Iterable[Event], start: dt.date, end: dt.date
) -> Compliance:
    """Count the events the obligation is about, per day from ``start`` to ``end`` inclusive.

    An event counts on its UTC date; with a ``deadline`` only events at or before that time of
    day count (a plan filed at 12:05 misses a 12:00 deadline).
    """
    n = (end - start).days + 1
    if n <= 0:
        raise InvalidModel(
            N_("evaluation range %(start)s to %(end)s is empty"),
            expected=N_("end on or after start"),
            params={"start": start, "end": end},
        )
    counts = [0] * n
    for event in events:
        if not _counts(obligation.metric, event, obligation.step):
            continue
        at = event.at.astimezone(dt.UTC)
        if obligation.deadline is not None and at.time() > obligation.deadline:
            continue
        offset = (at.date() - start).days
        if 0 <= offset < n:
            counts[offset] += 1
    return evaluate_counts(obligation, start, counts)


@dataclass(frozen=True, slots=True)
class ObligationTemplate(Duty):
    """How one ``issue`` of the terms becomes an obligation: the :class:`Duty`, all but the
    threshold.

    The threshold is the chosen option read as a whole number (``"9"``, ``"9 per day"``); an
    empty ``caveat`` stands for the metric's default (:data:`VOYAGE_FILE_CAVEATS`).
    """

    issue: str = field(kw_only=True)

    def __post_init__(self) -> None:
        _check_vocabulary(self)


#: What voyage files can show of an obligation judged on them, by metric.
VOYAGE_FILE_CAVEATS: Mapping[Metric, str] = {
    Metric.INSPECTIONS: "The voyage files count outbound inspections only (one per departed "
    "ship); inbound inspections are not in them, so a day counted as missed may have met the "
    "obligation.",
    Metric.DEPARTURES: "The voyage files list departures under the initiative; a ship that "
    "departed and was never registered is not in them.",
}


def _threshold(issue: str, option: str) -> int:
    head = option.strip().split(maxsplit=1)[0] if option.strip() else ""
    if not head.isdigit():
        raise InvalidModel(
            N_("option %(option)r of issue %(issue)r does not start with a whole number"),
            location=f"options[{issue!r}]",
            expected=N_("an option like '9' or '9 per day'"),
            params={"option": option, "issue": issue},
        )
    return int(head)


def obligations_from_terms(
    options: Mapping[str, str],
    clauses: Mapping[str, str],
    templates: Iterable[ObligationTemplate],
) -> tuple[Obligation, ...]:
    """Derive the obligations from the agreed terms (chosen option and clause per issue).

    ``options`` and ``clauses`` are the operative terms' tables (e.g. ``terms.options`` and
    ``terms.clauses`` of an agreement); a template whose issue is not in the terms is an error,
    so a renamed issue cannot silently drop an obligation.

    >>> t = ObligationTemplate("inspections", "JCC", "joint inspections", Metric.INSPECTIONS,
    ...                        issue="inspections per day")
    >>> [o.describe() for o in obligations_from_terms({"inspections per day": "9"},
    ...     {"inspections per day": "Joint teams inspect at least nine ships a day."}, [t])]
    ['JCC: joint inspections at least 9 per day']
    """
    out = []
    for template in templates:
        if template.issue not in options:
            raise not_one_of(
                N_("the terms have no issue %(issue)r for obligation %(name)r"),
                (repr(k) for k in options),
                "options",
                issue=template.issue,
                name=template.name,
            )
        duty = {f.name: getattr(template, f.name) for f in fields(Duty)}
        duty["caveat"] = template.caveat or VOYAGE_FILE_CAVEATS.get(template.metric, "")
        out.append(
            Obligation(
                **duty,
                threshold=_threshold(template.issue, options[template.issue]),
                clause=clauses.get(template.issue, ""),
            )
        )
    return tuple(out)


def evaluate_voyages(
    obligation: Obligation,
    arrays: VoyageArrays,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Compliance:
    """Judge a daily or monthly obligation on imported voyages (no event stream needed).

    Inspections count on their inspection date, departures on their departure date; the range
    defaults to the first to the last date in the data.

    Raises
    ------
    InvalidModel
        For a metric the voyage files do not record (registrations, approvals, ...), or a
        deadline (the files carry dates, not times).
    """
    dates = {Metric.INSPECTIONS: arrays.inspection, Metric.DEPARTURES: arrays.departure}
    if obligation.metric not in dates or obligation.deadline is not None:
        raise InvalidModel(
            N_(
                "obligation %(name)r (%(metric)s, deadline %(deadline)s) cannot be judged from "
                "voyage files"
            ),
            expected=N_("inspections or departures per day or month, without a deadline"),
            params={
                "name": obligation.name,
                "metric": obligation.metric,
                "deadline": obligation.deadline,
            },
        )
    days = dates[obligation.metric]
    known = days[~np.isnat(days)]
    if start is None or end is None:
        if known.size == 0:
            raise InvalidModel(
                N_("no %(metric)s dates in the voyages to judge"),
                params={"metric": obligation.metric},
            )
        start = start or known.min().astype(dt.date)
        end = end or known.max().astype(dt.date)
    counts = counts_per_day(days, np.datetime64(start, "D"), np.datetime64(end, "D"))
    return evaluate_counts(obligation, start, counts.tolist())
