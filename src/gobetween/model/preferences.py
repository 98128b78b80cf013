"""A party's private preferences over an agenda.

Utility is additive: ``u(package) = sum_i w_i * r_i(option_i)`` where the weights ``w`` are the
declared issue weights normalised to sum to 1 and ``r_i`` is the declared rating of the chosen
option mapped from the declared rating scale onto ``[0, 1]``. So every utility lies in ``[0, 1]``
and the reservation value is given on that same scale.

Three optional parts make preferences *non-additive*:

- a *red line* is a set of ``(issue, option)`` pairs that the party will not accept together. A
  red line of one pair simply forbids that option; a red line of several pairs couples issues.
- an *interaction* adds a bonus (or, negative, a penalty) in utility units whenever a package
  contains all of its ``(issue, option)`` pairs.
- a *bonus* (:class:`~gobetween.model.bonuses.Bonus`) adds its value whenever a package picks, on
  every issue it names, one of the options it lists: "if the term is 120 days or more, joint
  inspection is worth 0.2 more", or a Genius hyperrectangle constraint. An interaction is the
  bonus that lists one option per issue.

Preferences with bonuses are analysed exactly by mixed-integer programming
(:mod:`gobetween.analysis.milp`); interactions and red lines over several issues, without bonuses,
by exact enumeration (with a size limit).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from gobetween.errors import N_, InvalidPreferences, Sentence
from gobetween.model.agenda import Agenda
from gobetween.model.bonuses import MAX_BONUSES, Bonus
from gobetween.model.numbers import finite
from gobetween.model.package import Package

__all__ = ["Interaction", "Preferences", "RatingScale", "RedLine", "check_bonus_limit"]

Condition = frozenset[tuple[str, str]]

#: The refusal of a red line or an interaction that names what the agenda lacks.
_OFF_AGENDA = {
    "red line": N_("red line names %(issue)s=%(option)s, which is not on the agenda"),
    "interaction": N_("interaction names %(issue)s=%(option)s, which is not on the agenda"),
}

#: The refusal of a red line or an interaction that names two options of one issue.
_TWO_OPTIONS = {
    "red line": N_(
        "a red line names two options of the same issue, so no package could contain it: %(pairs)s"
    ),
    "interaction": N_(
        "an interaction names two options of the same issue, so no package could contain it: "
        "%(pairs)s"
    ),
}

#: The refusal of a red line or an interaction that names no (issue, option) pair.
_EMPTY = {
    "red line": N_("a red line needs at least one (issue, option) pair"),
    "interaction": N_("an interaction needs at least one (issue, option) pair"),
}


def _finite(value: object, what: str | Sentence, location: str) -> float:
    """``value`` as a float; ``what`` names it (marked :func:`N_`, or a :class:`Sentence`)."""
    return finite(
        value,
        location,
        N_("%(what)s must be a finite number, got %(value)r"),
        params={"what": what if isinstance(what, Sentence) else Sentence(what)},
    )


def _bonuses(bonuses: Iterable[Bonus]) -> tuple[Bonus, ...]:
    result = tuple(bonuses)
    if len(result) > MAX_BONUSES:
        raise InvalidPreferences(
            N_("%(count)s bonuses given"),
            location="bonuses",
            expected=N_("at most %(limit)s"),
            params={"count": len(result), "limit": MAX_BONUSES},
        )
    for k, bonus in enumerate(result):
        if not isinstance(bonus, Bonus):
            raise InvalidPreferences(
                N_("bonus %(k)s is a %(name)s, not a Bonus"),
                location=f"bonuses[{k}]",
                params={"k": k, "name": type(bonus).__name__},
            )
    return result


@dataclass(frozen=True, slots=True)
class RatingScale:
    """The scale option ratings are declared on, e.g. 0..10 or 0..100; mapped onto [0, 1].

    >>> RatingScale(0, 10).normalise(7.5)
    0.75
    """

    low: float = 0.0
    high: float = 1.0

    def __post_init__(self) -> None:
        low = _finite(self.low, N_("the low end of the scale"), "scale")
        high = _finite(self.high, N_("the high end of the scale"), "scale")
        if not high > low:
            raise InvalidPreferences(
                N_("the rating scale needs high > low, got [%(low)s, %(high)s]"),
                location="scale",
                expected=N_("[low, high] with high > low"),
                params={"low": low, "high": high},
            )
        if not math.isfinite(high - low):  # every rating would normalise to 0
            raise InvalidPreferences(
                N_("the rating scale [%(low)s, %(high)s] spans more than a number can hold"),
                location="scale",
                expected=N_("a scale whose span is a finite number, such as 0 to 10"),
                params={"low": low, "high": high},
            )

    def normalise(self, rating: float) -> float:
        """Map a rating on this scale onto [0, 1]."""
        return (rating - self.low) / (self.high - self.low)

    def contains(self, rating: float, tol: float = 1e-9) -> bool:
        """Whether ``rating`` lies on the scale (within ``tol``)."""
        return self.low - tol <= rating <= self.high + tol


def _condition(pairs: Iterable[tuple[str, str]], what: str) -> Condition:
    result = frozenset((str(i), str(o)) for i, o in pairs)
    if not result:
        raise InvalidPreferences(_EMPTY[what])
    issues = [i for i, _ in result]
    if len(set(issues)) != len(issues):
        raise InvalidPreferences(
            _TWO_OPTIONS[what],
            expected=N_("at most one option per issue"),
            params={"pairs": ", ".join(f"{i}={o}" for i, o in sorted(result))},
        )
    return result


@dataclass(frozen=True, slots=True)
class RedLine:
    """Options a party will not accept together; one pair forbids a single option.

    >>> RedLine.of(("naval presence", "full")).is_single
    True
    """

    pairs: Condition

    def __post_init__(self) -> None:
        object.__setattr__(self, "pairs", _condition(self.pairs, "red line"))

    @classmethod
    def of(cls, *pairs: tuple[str, str]) -> RedLine:
        """A red line over the given ``(issue, option)`` pairs."""
        return cls(frozenset(pairs))

    @property
    def is_single(self) -> bool:
        """True when the red line forbids one option of one issue (no coupling)."""
        return len(self.pairs) == 1

    def violated_by(self, package: Package) -> bool:
        """Whether ``package`` contains every pair of this red line."""
        chosen = package.options
        return all(chosen.get(issue) == option for issue, option in self.pairs)


@dataclass(frozen=True, slots=True)
class Interaction:
    """A utility bonus (negative: penalty) for packages containing all ``pairs`` together."""

    pairs: Condition
    bonus: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "pairs", _condition(self.pairs, "interaction"))
        object.__setattr__(self, "bonus", _finite(self.bonus, N_("interaction bonus"), "bonus"))

    def applies_to(self, package: Package) -> bool:
        """Whether ``package`` contains every pair."""
        chosen = package.options
        return all(chosen.get(issue) == option for issue, option in self.pairs)


@dataclass(frozen=True)
class Preferences:
    """One party's private preferences.

    Parameters
    ----------
    weights
        Issue name -> importance (>= 0, not all zero); normalised to sum to 1.
    ratings
        Issue name -> option name -> rating on ``scale``.
    scale
        The rating scale (default 0..1).
    reservation
        Utility of no agreement, on the normalised [0, 1] utility scale (a value outside
        it is refused: no package could be worth more than 1, or less than 0).
    red_lines
        Combinations the party will not accept.
    interactions
        Non-additive bonuses or penalties.
    discount
        Genius discount factor (kept for round trips; the analysis is undiscounted).
    bonuses
        Bonuses (or penalties) for packages inside a set of options on several issues; at most
        :data:`~gobetween.model.bonuses.MAX_BONUSES`.

    >>> from gobetween.model.agenda import Agenda, Issue
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
    >>> prefs = Preferences(weights={"a": 3, "b": 1},
    ...                     ratings={"a": {"x": 10, "y": 0}, "b": {"p": 0, "q": 10}},
    ...                     scale=RatingScale(0, 10))
    >>> prefs.validate(agenda)
    >>> prefs.utility(agenda.package({"a": "x", "b": "q"}))
    1.0
    >>> prefs.utility(agenda.package({"a": "y", "b": "q"}))
    0.25
    """

    weights: Mapping[str, float]
    ratings: Mapping[str, Mapping[str, float]]
    scale: RatingScale = field(default_factory=RatingScale)
    reservation: float = 0.0
    red_lines: tuple[RedLine, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    discount: float | None = None
    bonuses: tuple[Bonus, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.weights, Mapping):
            raise InvalidPreferences(
                N_("weights must map issue names to numbers"), location="weights"
            )
        if not isinstance(self.ratings, Mapping):
            raise InvalidPreferences(
                N_("ratings must map issue names to {option: rating}"), location="ratings"
            )
        weights = {
            str(k): _finite(v, Sentence(N_("weight of %(issue)r"), {"issue": k}), f"weights.{k}")
            for k, v in self.weights.items()
        }
        for name, w in weights.items():
            if w < 0:
                raise InvalidPreferences(
                    N_("weight of issue %(issue)r is negative (%(weight)s)"),
                    location=f"weights.{name}",
                    expected=N_("a number >= 0"),
                    params={"issue": name, "weight": w},
                )
        total = sum(weights.values())
        if not total > 0:
            raise InvalidPreferences(
                N_("the weights sum to %(total)s, so no issue matters"),
                location="weights",
                expected=N_("weights that sum to a positive value"),
                params={"total": total},
            )
        if not math.isfinite(total):  # every weight would normalise to 0
            raise InvalidPreferences(
                N_("the weights sum to more than a number can hold"),
                location="weights",
                expected=N_("weights whose sum is a finite number, such as 0 to 100 each"),
            )
        ratings: dict[str, Mapping[str, float]] = {}
        for issue, table in self.ratings.items():
            if not isinstance(table, Mapping):
                raise InvalidPreferences(
                    N_("ratings of issue %(issue)r must map option names to numbers"),
                    location=f"ratings.{issue}",
                    params={"issue": issue},
                )
            row: dict[str, float] = {}
            for option, value in table.items():
                what = Sentence(
                    N_("the rating of %(issue)s=%(option)s"), {"issue": issue, "option": option}
                )
                rating = _finite(value, what, f"ratings.{issue}.{option}")
                if not self.scale.contains(rating):
                    raise InvalidPreferences(
                        N_("rating %(rating)s of %(issue)s=%(option)s is off the scale"),
                        location=f"ratings.{issue}.{option}",
                        expected=N_("a number from %(low)s to %(high)s"),
                        params={
                            "rating": rating,
                            "issue": issue,
                            "option": option,
                            "low": self.scale.low,
                            "high": self.scale.high,
                        },
                    )
                row[str(option)] = rating
            ratings[str(issue)] = MappingProxyType(row)
        reservation = _finite(self.reservation, N_("reservation value"), "reservation")
        if not 0 <= reservation <= 1:  # a utility: what no agreement is worth, 0 to 1
            raise InvalidPreferences(
                N_("the reservation value %(reservation)s is off the utility scale"),
                location="reservation",
                expected=N_("a number from 0 to 1 (the utility of no agreement)"),
                params={"reservation": reservation},
            )
        if self.discount is not None:
            discount = _finite(self.discount, N_("discount factor"), "discount")
            if not 0 < discount <= 1:
                raise InvalidPreferences(
                    N_("discount factor %(discount)s is out of range"),
                    location="discount",
                    expected=N_("a number in (0, 1]"),
                    params={"discount": discount},
                )
        object.__setattr__(self, "weights", MappingProxyType(weights))
        object.__setattr__(self, "ratings", MappingProxyType(ratings))
        object.__setattr__(self, "reservation", reservation)
        object.__setattr__(self, "red_lines", tuple(self.red_lines))
        object.__setattr__(self, "interactions", tuple(self.interactions))
        object.__setattr__(self, "bonuses", _bonuses(self.bonuses))

    def __hash__(self) -> int:
        return hash(
            (
                tuple(sorted(self.weights.items())),
                tuple(sorted((i, tuple(sorted(r.items()))) for i, r in self.ratings.items())),
                self.scale,
                self.reservation,
                self.red_lines,
                self.interactions,
                self.discount,
                self.bonuses,
            )
        )

    @property
    def is_additive(self) -> bool:
        """True when utility is additive and red lines forbid single options only."""
        return (
            not self.interactions and not self.bonuses and all(r.is_single for r in self.red_lines)
        )

    def normalised_weights(self, agenda: Agenda) -> tuple[float, ...]:
        """Weights in agenda order, summing to 1."""
        total = sum(self.weights.values())
        return tuple(self.weights[issue.name] / total for issue in agenda.issues)

    def validate(self, agenda: Agenda) -> None:
        """Check that these preferences cover exactly ``agenda``; raise with the location."""
        for key, given, refusal in (
            (
                "weights",
                self.weights,
                N_("weight given for issue %(issue)r, which is not on the agenda"),
            ),
            (
                "ratings",
                self.ratings,
                N_("ratings given for issue %(issue)r, which is not on the agenda"),
            ),
        ):
            for name in given:
                if not agenda.has_issue(name):
                    raise InvalidPreferences(
                        refusal,
                        location=f"{key}.{name}",
                        expected=N_("one of %(choices)s"),
                        params={"issue": name, "choices": ", ".join(map(repr, agenda.issue_names))},
                    )
        for issue in agenda.issues:
            if issue.name not in self.weights:
                raise InvalidPreferences(
                    N_("no weight for issue %(issue)r"),
                    location=f"weights.{issue.name}",
                    expected=N_("a weight for every issue"),
                    params={"issue": issue.name},
                )
            table = self.ratings.get(issue.name)
            if table is None:
                raise InvalidPreferences(
                    N_("no ratings for issue %(issue)r"),
                    location=f"ratings.{issue.name}",
                    expected=N_("a rating for every option"),
                    params={"issue": issue.name},
                )
            for option in table:
                if not issue.has_option(option):
                    raise issue.unknown_option(
                        option,
                        InvalidPreferences,
                        location=f"ratings.{issue.name}.{option}",
                        template=N_(
                            "rating given for option %(option)r, which issue %(issue)r lacks"
                        ),
                    )
            for option in issue.option_names:
                if option not in table:
                    raise InvalidPreferences(
                        N_("no rating for option %(option)r of issue %(issue)r"),
                        location=f"ratings.{issue.name}.{option}",
                        expected=N_("a rating for every option"),
                        params={"option": option, "issue": issue.name},
                    )
        rules: list[tuple[str, Condition]] = [("red line", r.pairs) for r in self.red_lines]
        rules += [("interaction", i.pairs) for i in self.interactions]
        for kind, pairs in rules:
            for issue_name, option in sorted(pairs):
                if not agenda.has_issue(issue_name) or not agenda.issue(issue_name).has_option(
                    option
                ):
                    raise InvalidPreferences(
                        _OFF_AGENDA[kind],
                        location="red_lines" if kind == "red line" else "interactions",
                        expected=N_("issue and option names from the agenda"),
                        params={"issue": issue_name, "option": option},
                    )
        for k, bonus in enumerate(self.bonuses):
            bonus.validate(agenda, f"bonuses[{k}]")

    def issue_values(self, agenda: Agenda) -> tuple[tuple[float, ...], ...]:
        """Per issue (agenda order), each option's weighted normalised rating ``w_i * r_i``.

        The additive part of the utility: a package's utility is the sum of its options' values
        (plus interactions and bonuses, if any).
        """
        weights = self.normalised_weights(agenda)
        return tuple(
            tuple(w * self.scale.normalise(self.ratings[issue.name][o]) for o in issue.option_names)
            for issue, w in zip(agenda.issues, weights, strict=True)
        )

    def forbidden_options(self) -> frozenset[tuple[str, str]]:
        """``(issue, option)`` pairs that single-pair red lines forbid outright."""
        return frozenset(next(iter(r.pairs)) for r in self.red_lines if r.is_single)

    def accepts(self, package: Package) -> bool:
        """Whether the package crosses none of the red lines (reservation not considered)."""
        return not any(r.violated_by(package) for r in self.red_lines)

    def utility(self, package: Package) -> float:
        """Utility of ``package`` on [0, 1] (interactions and bonuses may push it outside)."""
        values = self.issue_values(package.agenda)
        parts = [v[c] for v, c in zip(values, package.choices, strict=True)]
        parts += [i.bonus for i in self.interactions if i.applies_to(package)]
        parts += [b.value for b in self.bonuses if b.applies_to(package)]
        return math.fsum(parts)


def check_bonus_limit(preferences: Preferences) -> None:
    """Refuse ``preferences`` whose bonuses and interactions together pass
    :data:`~gobetween.model.bonuses.MAX_BONUSES`.

    The exact solver (:mod:`gobetween.analysis.milp`) takes each interaction as a bonus of one
    option per issue, so the limit counts both, whether or not the party has bonuses (another
    party's bonuses send every party's profile to the solver). Every input checks it: the API
    and the preferences page (:func:`gobetween.service.negotiate.record_preferences`, the
    preview), scenario files, and the analysis of preferences stored before the check, which
    are read whatever their size (nothing stored is lost) and refused, named, when analysed.
    The constructor does not check it, so stored preferences still load.

    Raises
    ------
    InvalidPreferences
        Located at ``bonuses`` (``interactions`` when there is no bonus).

    >>> many = tuple(Interaction(frozenset({("a", str(k))}), 0.1) for k in range(1999))
    >>> prefs = Preferences({"a": 1}, {}, interactions=many,
    ...                     bonuses=(Bonus(0.1, {"a": ("0",)}), Bonus(0.2, {"a": ("1",)})))
    >>> check_bonus_limit(prefs)
    Traceback (most recent call last):
    ...
    gobetween.errors.InvalidPreferences: bonuses: 2001 bonuses and interactions together ...
    """
    bonuses, interactions = len(preferences.bonuses), len(preferences.interactions)
    if bonuses + interactions > MAX_BONUSES:
        raise InvalidPreferences(
            N_(
                "%(count)s bonuses and interactions together (bonuses: %(bonuses)s, "
                "interactions: %(interactions)s)"
            ),
            location="bonuses" if bonuses else "interactions",
            expected=N_("at most %(limit)s bonuses and interactions together"),
            params={
                "count": bonuses + interactions,
                "bonuses": bonuses,
                "interactions": interactions,
                "limit": MAX_BONUSES,
            },
        )
