"""Bonuses: interdependent preferences as "this package is worth more (or less) when ...".

A :class:`Bonus` adds its ``value`` (in utility units, the scale of
:meth:`~gobetween.model.Preferences.utility`) to a party's utility when a package chooses, on
*every* issue it names, one of the options listed for that issue. Genius's non-linear
hyperrectangle constraints (ANAC 2014) are bonuses whose lists are ranges of integer values, and
a delegate's conditional weight "joint inspection is worth 0.2 more to us if the term is 120 days
or more" is ``Bonus.conditional(0.2, when={"term": ["120", "150"]}, then={"inspection":
["joint"]})``. A negative value is a penalty ("demining without naval guarantees costs us 0.3").

An :class:`~gobetween.model.Interaction` is the special case that lists one option per issue.

>>> from gobetween.model import Agenda, Issue
>>> agenda = Agenda((Issue.discrete("term", ["60", "120"]),
...                  Issue.discrete("inspection", ["none", "joint"])))
>>> b = Bonus.conditional(0.2, when={"term": ["120"]}, then={"inspection": ["joint"]})
>>> b.validate(agenda)
>>> b.applies_to(agenda.package({"term": "120", "inspection": "joint"}))
True
>>> b.applies_to(agenda.package({"term": "60", "inspection": "joint"}))
False
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from gobetween.errors import N_, InvalidPreferences
from gobetween.model.agenda import Agenda
from gobetween.model.numbers import finite
from gobetween.model.package import Package

__all__ = ["MAX_BONUSES", "Bonus"]

#: One party's preferences hold at most this many bonuses (ANAC 2014 profiles have up to 200),
#: and at input at most this many bonuses and interactions together
#: (:func:`~gobetween.model.preferences.check_bonus_limit`).
MAX_BONUSES = 2_000


@dataclass(frozen=True)
class Bonus:
    """``value`` added when the package picks, on every issue of ``within``, a listed option.

    Parameters
    ----------
    value
        Utility added (negative: taken away) when the package falls inside.
    within
        Issue name -> the options of that issue that count (at least one issue, at least one
        option each; options are kept once, in the order given).

    >>> Bonus(0.3, {"ports": ("Odesa", "Pivdennyi")}).issues
    ('ports',)
    """

    value: float
    within: Mapping[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        value = finite(
            self.value,
            "value",
            N_("the bonus is %(value)r, not a finite number"),
            N_("a finite number (negative for a penalty)"),
        )
        if not isinstance(self.within, Mapping):
            raise InvalidPreferences(
                N_("a bonus must map issue names to lists of options"),
                location="within",
                expected=N_("{issue: [option, ...]}"),
            )
        within: dict[str, tuple[str, ...]] = {}
        for issue, options in self.within.items():
            if isinstance(options, str) or not isinstance(options, Sequence | frozenset | set):
                raise InvalidPreferences(
                    N_("the options of issue %(issue)r must be a list, got %(options)r"),
                    location=f"within.{issue}",
                    expected=N_("a list of option names"),
                    params={"issue": issue, "options": options},
                )
            listed = tuple(dict.fromkeys(str(o) for o in options))
            if not listed:
                raise InvalidPreferences(
                    N_("the bonus lists no option of issue %(issue)r"),
                    location=f"within.{issue}",
                    expected=N_("at least one option"),
                    params={"issue": issue},
                )
            within[str(issue)] = listed
        if not within:
            raise InvalidPreferences(
                N_("a bonus names no issue"), location="within", expected=N_("at least one issue")
            )
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "within", MappingProxyType(within))

    def __hash__(self) -> int:
        return hash((self.value, tuple(sorted(self.within.items()))))

    @property
    def issues(self) -> tuple[str, ...]:
        """The issues the bonus depends on."""
        return tuple(self.within)

    @classmethod
    def conditional(
        cls,
        value: float,
        *,
        when: Mapping[str, Sequence[str]],
        then: Mapping[str, Sequence[str]],
    ) -> Bonus:
        """The bonus read "if ``when``, then ``then`` is worth ``value``" (both sets of options).

        >>> b = Bonus.conditional(0.2, when={"term": ["120"]}, then={"inspection": ["joint"]})
        >>> dict(b.within)
        {'term': ('120',), 'inspection': ('joint',)}
        """
        both = sorted(set(when) & set(then))
        if both:
            raise InvalidPreferences(
                N_("issue %(issue)r is both in the condition and in what it is worth"),
                location=f"then.{both[0]}",
                expected=N_("different issues in 'when' and 'then'"),
                params={"issue": both[0]},
            )
        return cls(
            value,
            {**{k: tuple(v) for k, v in when.items()}, **{k: tuple(v) for k, v in then.items()}},
        )

    def validate(self, agenda: Agenda, location: str = "bonus") -> None:
        """Check that every issue and option named is on ``agenda``; raise with the location.

        >>> from gobetween.model import Agenda, Issue
        >>> Bonus(1, {"term": ("90",)}).validate(Agenda((Issue.discrete("term", ["60"]),)))
        Traceback (most recent call last):
        ...
        gobetween.errors.InvalidPreferences: bonus.within.term: issue 'term' has no option '90'...
        """
        for name, options in self.within.items():
            where = f"{location}.within.{name}"
            if not agenda.has_issue(name):
                raise InvalidPreferences(
                    N_("the bonus names issue %(issue)r, which the agenda lacks"),
                    location=where,
                    expected=N_("one of %(choices)s"),
                    params={"issue": name, "choices": ", ".join(map(repr, agenda.issue_names))},
                )
            issue = agenda.issue(name)
            for option in options:
                if not issue.has_option(option):
                    raise issue.unknown_option(option, InvalidPreferences, where)

    def applies_to(self, package: Package) -> bool:
        """Whether ``package`` picks a listed option on every issue of the bonus."""
        chosen = package.options
        return all(chosen.get(issue) in options for issue, options in self.within.items())
