"""A scenario: an agenda and the named parties' preferences over it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from gobetween.errors import N_, InvalidModel, InvalidScenario
from gobetween.model.agenda import Agenda
from gobetween.model.package import Package
from gobetween.model.preferences import Preferences

__all__ = ["Scenario"]


@dataclass(frozen=True)
class Scenario:
    """An agenda with each party's preferences, validated together.

    >>> from gobetween.model import Agenda, Issue, Preferences
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
    >>> s = Scenario(agenda, {"A": Preferences({"a": 1}, {"a": {"x": 1, "y": 0}}),
    ...                       "B": Preferences({"a": 1}, {"a": {"x": 0, "y": 1}})})
    >>> s.party_names
    ('A', 'B')
    >>> s.utilities(agenda.package({"a": "x"}))
    (1.0, 0.0)
    """

    agenda: Agenda
    preferences: Mapping[str, Preferences]
    name: str = "scenario"
    description: str = ""
    illustrative: bool = False
    metadata: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.agenda, Agenda):
            raise InvalidScenario("a scenario needs an Agenda", location="agenda")
        prefs = dict(self.preferences)
        if not prefs:
            raise InvalidScenario(
                N_("the scenario has no parties"),
                location="parties",
                expected=N_("at least one party"),
            )
        for party, p in prefs.items():
            if not isinstance(party, str) or not party.strip():
                raise InvalidScenario(
                    N_("party name must be a non-empty string, got %(party)r"),
                    location="parties",
                    params={"party": party},
                )
            if not isinstance(p, Preferences):
                raise InvalidScenario(
                    N_("preferences of %(party)r are not Preferences"),
                    location=f"parties.{party}",
                    params={"party": party},
                )
            try:
                p.validate(self.agenda)
            except InvalidModel as exc:
                raise exc.located(location=f"parties.{party}") from None
        object.__setattr__(self, "preferences", MappingProxyType(prefs))
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))

    def __hash__(self) -> int:
        return hash((self.agenda, tuple(self.preferences.items()), self.name))

    @property
    def party_names(self) -> tuple[str, ...]:
        """Party names in declaration order."""
        return tuple(self.preferences)

    @property
    def is_additive(self) -> bool:
        """True when every party's preferences are additive (the fast exact path applies)."""
        return all(p.is_additive for p in self.preferences.values())

    def reservations(self) -> tuple[float, ...]:
        """Reservation values in party order."""
        return tuple(p.reservation for p in self.preferences.values())

    def utilities(self, package: Package) -> tuple[float, ...]:
        """Each party's utility for ``package``, in party order."""
        return tuple(p.utility(package) for p in self.preferences.values())

    def with_preferences(self, party: str, preferences: Preferences) -> Scenario:
        """A copy with one party's preferences replaced (or a party added)."""
        return replace(self, preferences={**self.preferences, party: preferences})
