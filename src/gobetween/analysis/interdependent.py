"""Interdependent preferences: an additive part plus bonuses for packages inside a box.

A :class:`Bonus` adds its value to a party's utility when a package chooses, on each issue it
names, one of the listed options: Genius's hyperrectangle constraints (ANAC 2014) are bonuses
whose lists are ranges of integer values, and "joint inspection is worth 0.2 to us only if the
term is 120 days or more" is ``Bonus(0.2, {"inspection": ("joint",), "term": ("120", "150")})``.
A bonus may be negative ("demining without naval guarantees costs us 0.3").

:class:`InterdependentProfile` is one party's utility: per-issue option values (already
weighted) plus bonuses. It is scored directly, so it is also the brute-force reference of the
exact solver in :mod:`gobetween.analysis.milp`.

>>> from gobetween.model import Agenda, Issue
>>> agenda = Agenda((Issue.discrete("term", ["60", "120"]), Issue.discrete("inspection",
...                  ["none", "joint"])))
>>> p = InterdependentProfile.of(agenda, {"term": {"120": 0.5}},
...                              [Bonus(0.2, {"term": ("120",), "inspection": ("joint",)})])
>>> p.utility((1, 1)), p.utility((0, 1))
(0.7, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from gobetween.errors import N_, InvalidPreferences
from gobetween.model import MAX_BONUSES, Agenda, Bonus, Preferences
from gobetween.model.numbers import finite

__all__ = ["MAX_BONUSES", "Bonus", "InterdependentProfile"]


@dataclass(frozen=True)
class InterdependentProfile:
    """One party's utility on an agenda: ``sum_i value[i][choice_i] + sum of bonuses met``.

    Build it with :meth:`of` (names checked against the agenda). ``values[i][o]`` is the additive
    value of option ``o`` of issue ``i``; ``boxes[b][i]`` the option indices bonus ``b`` accepts
    on issue ``i`` (absent: any option).
    """

    agenda: Agenda
    values: tuple[tuple[float, ...], ...]
    bonuses: tuple[Bonus, ...] = ()
    boxes: tuple[Mapping[int, frozenset[int]], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.bonuses) > MAX_BONUSES:
            raise InvalidPreferences(
                N_("%(count)s bonuses, each interaction counted as one"),
                location="bonuses",
                expected=N_("at most %(limit)s"),
                params={"count": len(self.bonuses), "limit": MAX_BONUSES},
            )
        shape = self.agenda.shape
        if tuple(len(v) for v in self.values) != shape:
            raise InvalidPreferences(
                N_("the values do not match the agenda"),
                location="values",
                expected=N_("shape %(shape)s"),
                params={"shape": str(shape)},
            )
        boxes = tuple(self._box(b, index) for index, b in enumerate(self.bonuses))
        object.__setattr__(self, "boxes", boxes)

    def _box(self, bonus: Bonus, index: int) -> Mapping[int, frozenset[int]]:
        bonus.validate(self.agenda, f"bonuses[{index}]")
        box: dict[int, frozenset[int]] = {}
        for name, options in bonus.within.items():
            issue = self.agenda.issue(name)
            box[self.agenda.index(name)] = frozenset(issue.index(o) for o in options)
        return MappingProxyType(box)

    @classmethod
    def of(
        cls,
        agenda: Agenda,
        values: Mapping[str, Mapping[str, float]],
        bonuses: Sequence[Bonus] = (),
    ) -> InterdependentProfile:
        """A profile from option values by name (unnamed options are worth 0) and bonuses."""
        for name in values:
            if not agenda.has_issue(name):
                raise InvalidPreferences(
                    N_("values name issue %(issue)r, which the agenda lacks"),
                    location=f"values.{name}",
                    expected=N_("one of %(choices)s"),
                    params={"issue": name, "choices": ", ".join(map(repr, agenda.issue_names))},
                )
        table: list[tuple[float, ...]] = []
        for issue in agenda.issues:
            given = values.get(issue.name, {})
            for option in given:
                if not issue.has_option(option):
                    raise issue.unknown_option(
                        option, InvalidPreferences, location=f"values.{issue.name}"
                    )
            table.append(
                tuple(
                    finite(given.get(o, 0.0), f"values.{issue.name}.{o}")
                    for o in issue.option_names
                )
            )
        return cls(agenda, tuple(table), tuple(bonuses))

    @classmethod
    def from_preferences(cls, agenda: Agenda, preferences: Preferences) -> InterdependentProfile:
        """One party's profile from its :class:`~gobetween.model.Preferences`: the weighted
        ratings, its bonuses, and its interactions as bonuses of one option per issue (red lines
        are not utilities: the caller restricts the agenda or the packages).

        >>> from gobetween.model import Agenda, Issue, Preferences
        >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
        >>> prefs = Preferences({"a": 1, "b": 1}, {"a": {"x": 1, "y": 0}, "b": {"p": 0, "q": 1}},
        ...                     bonuses=(Bonus(0.5, {"a": ("y",), "b": ("q",)}),))
        >>> InterdependentProfile.from_preferences(agenda, prefs).utility((1, 1))
        1.0
        """
        preferences.validate(agenda)
        interactions = tuple(
            Bonus(i.bonus, {issue: (option,) for issue, option in sorted(i.pairs)})
            for i in preferences.interactions
        )
        return cls(agenda, preferences.issue_values(agenda), preferences.bonuses + interactions)

    def met(self, choices: Sequence[int]) -> tuple[bool, ...]:
        """Whether each bonus is met by the package with these option indices."""
        return tuple(all(choices[i] in ok for i, ok in box.items()) for box in self.boxes)

    def utility(self, choices: Sequence[int]) -> float:
        """The utility of the package with these option indices (exact sum, ``math.fsum``)."""
        parts = [self.values[i][c] for i, c in enumerate(choices)]
        parts.extend(b.value for b, m in zip(self.bonuses, self.met(choices), strict=True) if m)
        return math.fsum(parts)
