"""Packages (outcomes): one option per issue, always validated against an agenda."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gobetween.errors import N_, InvalidPackage
from gobetween.model.agenda import Agenda

__all__ = ["Package"]


@dataclass(frozen=True, slots=True)
class Package:
    """A package: the chosen option's index on every issue of ``agenda``.

    Build one by names with :meth:`from_options` (or ``agenda.package({...})``), or by indices
    with :meth:`from_indices`; both validate.

    >>> from gobetween.model.agenda import Agenda, Issue
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
    >>> p = Package.from_options(agenda, {"a": "x", "b": "q"})
    >>> p.options
    {'a': 'x', 'b': 'q'}
    >>> p.option("b")
    'q'
    """

    agenda: Agenda
    choices: tuple[int, ...]

    def __post_init__(self) -> None:
        choices = tuple(int(c) for c in self.choices)
        object.__setattr__(self, "choices", choices)
        if len(choices) != len(self.agenda.issues):
            raise InvalidPackage(
                N_(
                    "a package needs one choice per issue: %(n_issues)s issues, %(n_choices)s "
                    "choices"
                ),
                expected=N_("%(n_issues)s choices"),
                params={"n_issues": len(self.agenda.issues), "n_choices": len(choices)},
            )
        for issue, choice in zip(self.agenda.issues, choices, strict=True):
            if not 0 <= choice < issue.size:
                raise InvalidPackage(
                    N_("issue %(name)r has no option number %(choice)s"),
                    location=issue.name,
                    expected=N_("an option number from 0 to %(last)s"),
                    params={"name": issue.name, "choice": choice, "last": issue.size - 1},
                )

    @classmethod
    def from_indices(cls, agenda: Agenda, choices: Iterable[int]) -> Package:
        """The package with the given option index per issue."""
        return cls(agenda, tuple(choices))

    @classmethod
    def from_options(cls, agenda: Agenda, options: Mapping[str, str]) -> Package:
        """The package choosing ``options[issue]`` for every issue; every issue must be named."""
        if not isinstance(options, Mapping):
            raise InvalidPackage(
                N_("a package must map issue names to option names, got %(name)s"),
                expected=N_("a mapping of issue -> option"),
                params={"name": type(options).__name__},
            )
        for name in options:
            if not agenda.has_issue(name):
                raise InvalidPackage(
                    N_("the package names an issue %(issue)r that is not on the agenda"),
                    location=str(name),
                    expected=N_("one of %(choices)s"),
                    params={"issue": name, "choices": ", ".join(map(repr, agenda.issue_names))},
                )
        choices = []
        for issue in agenda.issues:
            if issue.name not in options:
                raise InvalidPackage(
                    N_("the package has no option for issue %(issue)r"),
                    location=issue.name,
                    expected=N_("an option for every issue"),
                    params={"issue": issue.name},
                )
            option = options[issue.name]
            if not isinstance(option, str) or not issue.has_option(option):
                raise issue.unknown_option(option, InvalidPackage, issue.name)
            choices.append(issue.index(option))
        return cls(agenda, tuple(choices))

    @property
    def options(self) -> dict[str, str]:
        """Issue name -> chosen option name, in agenda order."""
        return {
            issue.name: issue.options[c].name
            for issue, c in zip(self.agenda.issues, self.choices, strict=True)
        }

    def option(self, issue: str) -> str:
        """The option chosen on ``issue``."""
        i = self.agenda.index(issue)
        return self.agenda.issues[i].options[self.choices[i]].name

    def replace(self, **changes: str) -> Package:
        """A copy with some issues set to other options (by name); keyword per issue.

        Issue names that are not identifiers can be passed with ``**{"name": "option"}``.
        """
        options = self.options
        options.update(changes)
        return Package.from_options(self.agenda, options)

    def differs_on(self, other: Package) -> tuple[str, ...]:
        """Names of the issues on which ``other`` chooses a different option."""
        if other.agenda != self.agenda:
            raise InvalidPackage("packages of different agendas cannot be compared")
        return tuple(
            issue.name
            for issue, a, b in zip(self.agenda.issues, self.choices, other.choices, strict=True)
            if a != b
        )
