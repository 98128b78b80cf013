"""The preferences form: 100 points of importance, a 0–10 slider per option, red lines and a
reservation level. (The preview of how a few packages would score is
:func:`gobetween.service.scores.preview`, which the JSON API serves too.)

Pure functions between :class:`~gobetween.model.Preferences` and the form's fields. Fields are
named by position (``points-0``, ``rating-0-2``, ``red-0-2``, ``reservation``) so that issue and
option names never need escaping.

>>> from gobetween.model import Agenda, Issue
>>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
>>> form = parse_form({"points-0": "70", "points-1": "30", "rating-0-0": "10", "rating-0-1": "0",
...                    "rating-1-0": "5", "rating-1-1": "10", "red-1-0": "on",
...                    "reservation": "40"}, agenda)
>>> form.errors
[]
>>> prefs = to_preferences(form, agenda)
>>> round(prefs.utility(agenda.package({"a": "x", "b": "q"})), 2)
1.0
>>> [line.pairs for line in prefs.red_lines]
[frozenset({('b', 'p')})]
>>> from_preferences(prefs, agenda).points
[70.0, 30.0]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gobetween.i18n import _
from gobetween.model import Agenda, Preferences, RatingScale, RedLine

__all__ = ["PrefsForm", "default_form", "from_preferences", "parse_form", "to_preferences"]

TOP = 10.0
SCALE = RatingScale(0.0, TOP)


@dataclass
class PrefsForm:
    """The values of the form, in agenda order, and what is wrong with them."""

    points: list[float]
    ratings: list[list[float]]
    red: set[tuple[int, int]]
    reservation: float
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        """The points given out so far."""
        return math.fsum(self.points)


def _round_points(shares: Sequence[float]) -> list[int]:
    """Whole points summing to 100 by largest remainder.

    >>> _round_points([1, 1, 1])
    [34, 33, 33]
    """
    total = math.fsum(shares) or 1.0
    exact = [100 * s / total for s in shares]
    points = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: points[i] - exact[i])
    for i in order[: 100 - sum(points)]:
        points[i] += 1
    return points


def default_form(agenda: Agenda) -> PrefsForm:
    """A neutral start: equal points, every option at the middle, no red lines, 50 %."""
    return PrefsForm(
        points=[float(p) for p in _round_points([1.0] * len(agenda))],
        ratings=[[TOP / 2] * issue.size for issue in agenda.issues],
        red=set(),
        reservation=50.0,
    )


def from_preferences(prefs: Preferences, agenda: Agenda) -> PrefsForm:
    """The form showing ``prefs`` (weights as points, ratings rescaled to 0–10)."""
    span = prefs.scale.high - prefs.scale.low
    ratings = [
        [
            round(2 * TOP * (prefs.ratings[issue.name][o] - prefs.scale.low) / span) / 2
            for o in issue.option_names
        ]
        for issue in agenda.issues
    ]
    red = set()
    for i, issue in enumerate(agenda.issues):
        for j, option in enumerate(issue.option_names):
            if (issue.name, option) in prefs.forbidden_options():
                red.add((i, j))
    weights = [prefs.weights[issue.name] for issue in agenda.issues]
    return PrefsForm(
        points=[float(p) for p in _round_points(weights)],
        ratings=ratings,
        red=red,
        reservation=round(100 * prefs.reservation, 1),
    )


def _number(raw: object, what: str, low: float, high: float, errors: list[str]) -> float:
    try:
        value = float(str(raw))
    except ValueError:
        errors.append(f"{what}: “{raw}” is not a number.")
        return low
    if not math.isfinite(value) or not low <= value <= high:
        errors.append(
            _("%(what)s: %(value)s is outside %(low)s to %(high)s.")
            % {"what": what, "value": f"{value:g}", "low": f"{low:g}", "high": f"{high:g}"}
        )
        return min(max(value, low), high) if math.isfinite(value) else low
    return value


def parse_form(values: Mapping[str, object], agenda: Agenda) -> PrefsForm:
    """The form's values, with a message for each one that cannot be used."""
    errors: list[str] = []
    points = [
        _number(
            values.get(f"points-{i}", 0),
            _("Points for “%(issue)s”") % {"issue": issue.name},
            0,
            100,
            errors,
        )
        for i, issue in enumerate(agenda.issues)
    ]
    ratings = [
        [
            _number(
                values.get(f"rating-{i}-{j}", TOP / 2),
                _("Rating of “%(option)s”") % {"option": option},
                0,
                TOP,
                errors,
            )
            for j, option in enumerate(issue.option_names)
        ]
        for i, issue in enumerate(agenda.issues)
    ]
    red = {
        (i, j)
        for i, issue in enumerate(agenda.issues)
        for j in range(issue.size)
        if values.get(f"red-{i}-{j}")
    }
    reservation = _number(values.get("reservation", 50), _("Reservation level"), 0, 100, errors)
    form = PrefsForm(points, ratings, red, reservation, errors)
    if abs(form.total - 100) > 1e-6:
        errors.append(
            _("The points add up to %(total)s; give out exactly 100.")
            % {"total": f"{form.total:g}"}
        )
    for i, issue in enumerate(agenda.issues):
        if all((i, j) in red for j in range(issue.size)):
            errors.append(
                _("Every option of “%(issue)s” is a red line: no package could pass.")
                % {"issue": issue.name}
            )
    return form


def to_preferences(form: PrefsForm, agenda: Agenda, keep: Preferences | None = None) -> Preferences:
    """The preferences the form describes; red lines over several issues and interactions of
    ``keep`` (the current version) are carried over, since the form does not edit them."""
    issues = agenda.issues
    singles = tuple(
        RedLine.of((issues[i].name, issues[i].option_names[j])) for i, j in sorted(form.red)
    )
    kept = tuple(r for r in keep.red_lines if not r.is_single) if keep else ()
    return Preferences(
        weights={issue.name: form.points[i] for i, issue in enumerate(issues)},
        ratings={
            issue.name: {o: form.ratings[i][j] for j, o in enumerate(issue.option_names)}
            for i, issue in enumerate(issues)
        },
        scale=SCALE,
        reservation=form.reservation / 100,
        red_lines=singles + kept,
        interactions=keep.interactions if keep else (),
    )
