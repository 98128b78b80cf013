"""Genius non-linear profiles (ANAC 2014): hyperrectangle constraints, read and written.

A profile ``<utility_space type="nonlinear">`` scores a package by the sum of the utilities of
the constraints it satisfies. Each constraint (``<hyperRectangle utility_function="u">``, also
read under the tag ``<constraint>``) lists bounds on integer issues by their ``index``:
``<INCLUDES index="3" min="2" max="5"/>`` holds when issue 3's value is between 2 and 5,
``<EXCLUDES ...>`` when it is not; several bounds on one issue must all hold. Genius divides the
sum by the profile's ``<utility_function maxutility="...">`` when it is positive; a profile without
it (or with ``-1``, "unknown") is divided by the sum of its positive constraint utilities
instead, so that every utility stays at most 1.

In gobetween each constraint is a :class:`~gobetween.model.Bonus` of ``u / maxutility`` over
the options its bounds allow; the additive part is zero (every weight 1, every rating 0). A
constraint no package can satisfy (bounds that leave no value of some issue) is left out.
Constraints with an aggregation other than a sum, and elements of unknown kind holding bounds,
are refused with their line, never guessed at.

Writing (:func:`nonlinear_profile_xml`): every bonus becomes one hyperrectangle per combination
of runs of consecutive values it lists (a list ``1, 2, 5`` on one issue is two runs), and a
party's additive part one single-issue hyperrectangle per option worth something, with
``maxutility="1"``, so the utilities read back are the same.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from html import escape

from gobetween.errors import N_, InputError, InvalidScenario
from gobetween.formats.reading import XmlElement, refusal
from gobetween.model import MAX_BONUSES, Agenda, Bonus, Issue, Preferences, RatingScale

__all__ = ["MAX_RECTANGLES_PER_BONUS", "is_nonlinear", "nonlinear_preferences"]

#: A bonus whose option lists split into more boxes than this is refused on export.
MAX_RECTANGLES_PER_BONUS = 1_000
_RECTANGLES = ("hyperRectangle", "constraint")
_BOUNDS = ("INCLUDES", "EXCLUDES")


def is_nonlinear(root: XmlElement) -> bool:
    """Whether a profile's root says ``type="nonlinear"``."""
    return (root.get("type") or "").strip().lower() == "nonlinear"


def _check_aggregation(source: str, root: XmlElement) -> None:
    for ufun in root.iter("ufun"):
        how = (ufun.get("aggregation") or "SUM").strip().upper()
        if how != "SUM":
            raise refusal(
                source,
                ufun,
                N_("the constraints are combined by %(how)r"),
                N_('aggregation="SUM" (gobetween reads summed constraints only)'),
                how=how,
            )


def _allowed(
    source: str, rectangle: XmlElement, issues: Mapping[int, Issue]
) -> dict[str, tuple[str, ...]] | None:
    """Per issue, the options the rectangle's bounds allow; None when some issue has none."""
    allowed: dict[str, list[str]] = {}
    for bound in rectangle.children:
        if bound.tag not in _BOUNDS:
            continue
        index = bound.number("index", source=source)
        issue = issues.get(int(index)) if index.is_integer() else None
        if issue is None:
            raise refusal(
                source,
                bound,
                N_("the bound names issue index %(index)r, which the profile lacks"),
                N_("one of %(choices)s"),
                index=bound.get("index"),
                choices=", ".join(str(k) for k in sorted(issues)),
            )
        low, high = bound.number("min", source=source), bound.number("max", source=source)
        inside = bound.tag == "INCLUDES"
        kept = [
            o.name
            for o in issue.options
            if o.value is not None and (low <= o.value <= high) == inside
        ]
        previous = allowed.get(issue.name)
        allowed[issue.name] = kept if previous is None else [o for o in previous if o in kept]
    if not allowed:
        raise refusal(
            source, rectangle, N_("the constraint has no bound"), N_("INCLUDES or EXCLUDES")
        )
    if not all(allowed.values()):
        return None
    return {name: tuple(options) for name, options in allowed.items()}


def nonlinear_preferences(
    source: str,
    root: XmlElement,
    agenda: Agenda,
    indices: Mapping[int, str],
    reservation: float,
    discount: float | None,
) -> Preferences:
    """A non-linear profile as preferences of bonuses (see the module docstring).

    ``indices`` maps the profile's issue indices to agenda issue names.
    """
    _check_aggregation(source, root)
    issues = {k: agenda.issue(name) for k, name in indices.items()}
    for k, issue in issues.items():
        if any(o.value is None for o in issue.options):
            raise InvalidScenario(
                N_("issue %(name)r (index %(k)s) is not an integer issue"),
                source=source,
                expected=N_("integer issues in a non-linear profile"),
                params={"name": issue.name, "k": k},
            )
    found: list[tuple[float, XmlElement, dict[str, tuple[str, ...]] | None]] = []
    for tag in _RECTANGLES:
        for rectangle in root.iter(tag):
            value = rectangle.number("utility_function", "utility", "value", source=source)
            found.append((value, rectangle, _allowed(source, rectangle, issues)))
    if len(found) > MAX_BONUSES:
        raise refusal(
            source,
            root,
            N_("the profile has %(count)s constraints"),
            N_("at most %(limit)s"),
            count=len(found),
            limit=MAX_BONUSES,
        )
    top = None
    for tag in ("utility_function", "utility"):
        for utility in root.iter(tag):
            if utility.get("maxutility") is not None:
                top = utility.number("maxutility", source=source)
    scale = top if top is not None and top > 0 else math.fsum(v for v, _, _ in found if v > 0)
    scale = scale or 1.0
    bonuses = tuple(Bonus(v / scale, within) for v, _, within in found if within and v != 0)
    try:
        return Preferences(
            weights=dict.fromkeys(agenda.issue_names, 1.0),
            ratings={i.name: dict.fromkeys(i.option_names, 0.0) for i in agenda.issues},
            scale=RatingScale(0.0, 1.0),
            reservation=reservation,
            discount=discount,
            bonuses=bonuses,
        )
    except InputError as exc:
        raise exc.located(source=source) from None


# --- writing -------------------------------------------------------------------------------


def _attr(value: object) -> str:
    return '"' + escape(str(value), quote=True) + '"'


def _runs(issue: Issue, options: Sequence[str]) -> list[tuple[int, int]]:
    """The listed options' integer values as runs of consecutive values ``(low, high)``."""
    values = sorted(int(issue.options[issue.index(o)].value or 0) for o in options)
    runs: list[tuple[int, int]] = []
    for v in values:
        if runs and v == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def _rectangle(value: float, bounds: Sequence[tuple[int, int, int]]) -> list[str]:
    lines = [f"<hyperRectangle utility_function={_attr(repr(float(value)))}>"]
    lines += [
        f"<INCLUDES index={_attr(k)} min={_attr(lo)} max={_attr(hi)}/>" for k, lo, hi in bounds
    ]
    lines.append("</hyperRectangle>")
    return lines


def nonlinear_profile_xml(
    party: str, prefs: Preferences, agenda: Agenda, kinds: Sequence[str]
) -> list[str]:
    """The ``<utility_function ...>`` part of a non-linear profile for ``prefs`` (issues
    numbered from 1 in agenda order, as the domain writes them)."""
    not_integer = [i.name for i, k in zip(agenda.issues, kinds, strict=True) if k != "integer"]
    if not_integer:
        raise InvalidScenario(
            N_(
                "party %(party)r has bonuses, which Genius writes as non-linear constraints over "
                "integer issues, but issue %(value)r is not a run of integers"
            ),
            location=f"parties.{party}.bonuses",
            expected=N_("integer issues only (consecutive values), or preferences without bonuses"),
            params={"party": party, "value": not_integer[0]},
        )
    lines = [
        '<utility_function maxutility="1.0">',
        '<ufun type="PlainUfun" weight="1" aggregation="sum">',
    ]
    values = prefs.issue_values(agenda)
    for k, (issue, row) in enumerate(zip(agenda.issues, values, strict=True), start=1):
        for option, value in zip(issue.options, row, strict=True):
            if value != 0:
                v = int(option.value or 0)
                lines += _rectangle(value, [(k, v, v)])
    for b, bonus in enumerate(prefs.bonuses):
        named = sorted(bonus.within, key=agenda.index)
        runs = [_runs(agenda.issue(name), bonus.within[name]) for name in named]
        if math.prod(len(r) for r in runs) > MAX_RECTANGLES_PER_BONUS:
            raise InvalidScenario(
                N_("bonus %(b)s of party %(party)r lists options in too many separate runs"),
                location=f"parties.{party}.bonuses[{b}]",
                expected=N_("at most %(most)s boxes of consecutive values"),
                params={"b": b, "party": party, "most": MAX_RECTANGLES_PER_BONUS},
            )
        for combination in itertools.product(*runs):
            bounds = [
                (agenda.index(name) + 1, lo, hi)
                for name, (lo, hi) in zip(named, combination, strict=True)
            ]
            lines += _rectangle(bonus.value, bounds)
    lines += ["</ufun>", "</utility_function>"]
    return lines
