"""The preferences form: 100 points of importance, a 0–10 slider per option, red lines,
"if ... then ... is worth ..." rules and a reservation level. (The preview of how a few packages
would score is :func:`gobetween.service.scores.preview`, which the JSON API serves too.)

Pure functions between :class:`~gobetween.model.Preferences` and the form's fields. Fields are
named by position (``points-0``, ``rating-0-2``, ``red-0-2``, ``reservation``; a rule ``k`` has
``bonus-k-points``, a box ``bonus-k-i-j`` per option ``j`` of issue ``i`` it counts, and
``bonus-k-remove``; ``bonus-count`` says how many rules the form showed) so that issue and
option names never need escaping. A rule is a :class:`~gobetween.model.Bonus`: "if ``term`` is
90 or 120 and ``monitoring`` is neutral, then this package is worth 15 more points (of 100)" is
``Bonus(0.15, {"term": ("90", "120"), "monitoring": ("neutral",)})``, checked by the model as
the API's preferences are.

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
>>> rule = parse_form({"points-0": "100", "bonus-count": "1", "bonus-0-0-1": "on",
...                    "bonus-0-1-0": "on", "bonus-0-points": "-20"}, agenda)
>>> to_preferences(rule, agenda).bonuses
(Bonus(value=-0.2, within=mappingproxy({'a': ('y',), 'b': ('p',)})),)
>>> describe(rule.bonuses[0], agenda)
'If a is y and b is p, this package is worth 20 points less.'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from babel.lists import format_list

from gobetween.errors import InvalidPreferences, Sentence
from gobetween.i18n import _, current_locale, format_decimal
from gobetween.model import Agenda, Bonus, Preferences, RatingScale, RedLine
from gobetween.service.errors import translated

__all__ = [
    "BonusRow",
    "PrefsForm",
    "default_form",
    "describe",
    "from_preferences",
    "parse_form",
    "to_body",
    "to_preferences",
]

TOP = 10.0
SCALE = RatingScale(0.0, TOP)
#: Most "if ... then ..." rules the form edits (the API takes up to MAX_BONUSES).
MAX_FORM_BONUSES = 100
#: Empty rules shown below the recorded ones, to add one.
BLANK_RULES = 1


@dataclass
class BonusRow:
    """One "if ... then ... is worth ..." rule: per issue index, the option indices it counts
    (an issue left out counts any option), and the points (of 100) the package gains (< 0:
    loses)."""

    options: dict[int, set[int]]
    points: float

    @property
    def blank(self) -> bool:
        """Nothing ticked and no points: a row left empty, ignored."""
        return not any(self.options.values()) and self.points == 0

    def sentence(self, agenda: Agenda) -> str:
        """The rule in words (see :func:`describe`)."""
        return describe(self, agenda)

    def to_bonus(self, agenda: Agenda) -> Bonus:
        """The model's bonus (raises :class:`~gobetween.errors.InvalidPreferences`)."""
        issues = agenda.issues
        within = {
            issues[i].name: tuple(issues[i].option_names[j] for j in sorted(chosen))
            for i, chosen in sorted(self.options.items())
            if chosen
        }
        return Bonus(self.points / 100, within)


@dataclass
class PrefsForm:
    """The values of the form, in agenda order, and what is wrong with them."""

    points: list[float]
    ratings: list[list[float]]
    red: set[tuple[int, int]]
    reservation: float
    errors: list[str] = field(default_factory=list)
    bonuses: list[BonusRow] = field(default_factory=list)
    #: False when the current version has more rules than the form edits (an import): they
    #: are then kept as they are (``bonus-count`` is ``-1``).
    edits_bonuses: bool = True
    #: How many rules are kept unedited (when ``edits_bonuses`` is False).
    kept_bonuses: int = 0

    @property
    def rows(self) -> list[BonusRow]:
        """The rules to show: the form's, then :data:`BLANK_RULES` empty ones to add more."""
        room = max(0, min(BLANK_RULES, MAX_FORM_BONUSES - len(self.bonuses)))
        return self.bonuses + [BonusRow({}, 0.0) for _ in range(room)]

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
        bonuses=[_row(b, agenda) for b in prefs.bonuses]
        if len(prefs.bonuses) <= MAX_FORM_BONUSES
        else [],
        edits_bonuses=len(prefs.bonuses) <= MAX_FORM_BONUSES,
        kept_bonuses=len(prefs.bonuses) if len(prefs.bonuses) > MAX_FORM_BONUSES else 0,
    )


def _row(bonus: Bonus, agenda: Agenda) -> BonusRow:
    options = {
        agenda.index(name): {agenda.issue(name).index(o) for o in listed}
        for name, listed in bonus.within.items()
    }
    return BonusRow(options, round(100 * bonus.value, 4))


def describe(row: BonusRow, agenda: Agenda) -> str:
    """The rule in words, in the reader's language."""
    locale = current_locale()
    parts = [
        _("%(issue)s is %(options)s")
        % {
            "issue": agenda.issues[i].name,
            "options": format_list(
                [agenda.issues[i].options[j].title for j in sorted(chosen)],
                style="or",
                locale=locale,
            ),
        }
        for i, chosen in sorted(row.options.items())
        if chosen
    ]
    values = {"condition": format_list(parts, locale=locale), "points": f"{abs(row.points):g}"}
    if row.points >= 0:
        return _("If %(condition)s, this package is worth %(points)s points more.") % values
    return _("If %(condition)s, this package is worth %(points)s points less.") % values


def _number(raw: object, what: str, low: float, high: float, errors: list[str]) -> float:
    try:
        value = float(str(raw))
    except ValueError:
        errors.append(_("%(what)s: “%(value)s” is not a number.") % {"what": what, "value": raw})
        return low
    if not math.isfinite(value) or not low <= value <= high:
        # in the reader's notation (10,5 in Ukrainian); a value too large to write out, or not
        # finite, in the short form Python reads (1e+300, inf)
        shown = format_decimal(value) if abs(value) < 1e15 else f"{value:g}"
        errors.append(
            _("%(what)s: %(value)s is outside %(low)s to %(high)s.")
            % {
                "what": what,
                "value": shown,
                "low": format_decimal(low),
                "high": format_decimal(high),
            }
        )
        return min(max(value, low), high) if math.isfinite(value) else low
    return value


def parse_form(values: Mapping[str, object], agenda: Agenda) -> PrefsForm:
    """The form's values, with a message for each one that cannot be used."""
    errors: list[str] = []
    points = [
        _number(
            values.get(f"points-{i}", 0),
            _("Points for “%(issue)s”") % {"issue": issue.called(current_locale())},
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
                _("Rating of “%(option)s”") % {"option": option.called(current_locale())},
                0,
                TOP,
                errors,
            )
            for j, option in enumerate(issue.options)
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
    edits = str(values.get("bonus-count", 0)) != "-1"
    bonuses = _parse_rules(values, agenda, errors) if edits else []
    form = PrefsForm(points, ratings, red, reservation, errors, bonuses, edits)
    if not edits:
        kept = str(values.get("bonus-kept", "0"))
        form.kept_bonuses = int(kept) if kept.isdigit() and len(kept) < 7 else 0
    if abs(form.total - 100) > 1e-6:
        errors.append(
            _("The points add up to %(total)s; give out exactly 100.")
            % {"total": f"{form.total:g}"}
        )
    for i, issue in enumerate(agenda.issues):
        if all((i, j) in red for j in range(issue.size)):
            errors.append(
                _("Every option of “%(issue)s” is a red line: no package could pass.")
                % {"issue": issue.called(current_locale())}
            )
    return form


def _parse_rules(values: Mapping[str, object], agenda: Agenda, errors: list[str]) -> list[BonusRow]:
    """The filled "if ... then ..." rows (blank and removed ones dropped), each checked by the
    model as the API checks a bonus."""
    try:
        count = int(str(values.get("bonus-count", 0)))
    except ValueError:
        count = 0
    rows: list[BonusRow] = []
    for k in range(max(0, min(count, MAX_FORM_BONUSES + BLANK_RULES))):
        if values.get(f"bonus-{k}-remove"):
            continue
        options = {
            i: {j for j in range(issue.size) if values.get(f"bonus-{k}-{i}-{j}")}
            for i, issue in enumerate(agenda.issues)
        }
        what = _("Rule %(number)s, points") % {"number": k + 1}
        points = _number(values.get(f"bonus-{k}-points") or 0, what, -100, 100, errors)
        row = BonusRow({i: c for i, c in options.items() if c}, points)
        if row.blank:
            continue
        rows.append(row)
        if not row.options:
            errors.append(
                _("Rule %(number)s: tick at least one option it depends on.") % {"number": k + 1}
            )
        elif row.points == 0:
            errors.append(
                _("Rule %(number)s: give the points it adds (or, below zero, takes away).")
                % {"number": k + 1}
            )
        else:
            try:
                row.to_bonus(agenda).validate(agenda)
            except InvalidPreferences as exc:
                errors.append(
                    _("Rule %(number)s: %(problem)s")
                    % {"number": k + 1, "problem": translated(Sentence(exc.template, exc.params))}
                )
    if len(rows) > MAX_FORM_BONUSES:
        errors.append(
            _("At most %(count)s rules can be edited here.") % {"count": MAX_FORM_BONUSES}
        )
    return rows


def _scores(form: PrefsForm, agenda: Agenda) -> tuple[dict[str, float], dict[str, Any]]:
    """The form's points (weights) and ratings by issue and option name."""
    issues = agenda.issues
    weights = {issue.name: form.points[i] for i, issue in enumerate(issues)}
    ratings = {
        issue.name: {o: form.ratings[i][j] for j, o in enumerate(issue.option_names)}
        for i, issue in enumerate(issues)
    }
    return weights, ratings


def _bonuses(form: PrefsForm, agenda: Agenda, keep: Preferences | None) -> tuple[Bonus, ...]:
    if form.edits_bonuses or keep is None:
        return tuple(row.to_bonus(agenda) for row in form.bonuses)
    return keep.bonuses


def _pairs(pairs: Sequence[tuple[str, str]] | frozenset[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"issue": i, "option": o} for i, o in sorted(pairs)]


def to_body(form: PrefsForm, agenda: Agenda, keep: Preferences | None = None) -> dict[str, Any]:
    """The form as the body of ``PUT /api/tracks/{id}/preferences`` (``PreferencesIn``): what
    :func:`to_preferences` describes, in the API's words, for the page to read through the
    API's schema (the red lines over several issues, the interactions and, when the form does
    not edit them, the bonuses of ``keep`` carried over).

    >>> from gobetween.model import Agenda, Issue
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
    >>> form = parse_form({"points-0": "100", "rating-0-0": "10", "red-0-1": "on"}, agenda)
    >>> body = to_body(form, agenda)
    >>> body["weights"], body["red_lines"], body["reservation"]
    ({'a': 100.0}, [[{'issue': 'a', 'option': 'y'}]], 0.5)
    """
    issues = agenda.issues
    weights, ratings = _scores(form, agenda)
    singles = [_pairs([(issues[i].name, issues[i].option_names[j])]) for i, j in sorted(form.red)]
    kept = [_pairs(r.pairs) for r in keep.red_lines if not r.is_single] if keep else []
    interactions = keep.interactions if keep else ()
    return {
        "weights": weights,
        "ratings": ratings,
        "scale": {"low": SCALE.low, "high": SCALE.high},
        "reservation": form.reservation / 100,
        "red_lines": singles + kept,
        "interactions": [{"pairs": _pairs(x.pairs), "bonus": x.bonus} for x in interactions],
        "bonuses": [
            {"when": {i: list(o) for i, o in b.within.items()}, "bonus": b.value}
            for b in _bonuses(form, agenda, keep)
        ],
    }


def to_preferences(form: PrefsForm, agenda: Agenda, keep: Preferences | None = None) -> Preferences:
    """The preferences the form describes; red lines over several issues and interactions of
    ``keep`` (the current version) are carried over, since the form does not edit them, and so
    are its bonuses when there are more than the form edits."""
    issues = agenda.issues
    singles = tuple(
        RedLine.of((issues[i].name, issues[i].option_names[j])) for i, j in sorted(form.red)
    )
    kept = tuple(r for r in keep.red_lines if not r.is_single) if keep else ()
    weights, ratings = _scores(form, agenda)
    return Preferences(
        weights=weights,
        ratings=ratings,
        scale=SCALE,
        reservation=form.reservation / 100,
        red_lines=singles + kept,
        interactions=keep.interactions if keep else (),
        bonuses=_bonuses(form, agenda, keep),
    )
