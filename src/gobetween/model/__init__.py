"""The negotiation domain: frozen, validated objects with no I/O."""

from gobetween.model.agenda import (
    IN_LANGUAGES,
    SETTLES_WORDS,
    Agenda,
    Issue,
    IssueKind,
    Option,
    Settles,
    in_languages,
)
from gobetween.model.bonuses import MAX_BONUSES, Bonus
from gobetween.model.package import Package
from gobetween.model.preferences import (
    Interaction,
    Preferences,
    RatingScale,
    RedLine,
    check_bonus_limit,
)
from gobetween.model.roles import OrganisationKind, Role
from gobetween.model.scenario import Scenario

__all__ = [
    "IN_LANGUAGES",
    "MAX_BONUSES",
    "SETTLES_WORDS",
    "Agenda",
    "Bonus",
    "Interaction",
    "Issue",
    "IssueKind",
    "Option",
    "OrganisationKind",
    "Package",
    "Preferences",
    "RatingScale",
    "RedLine",
    "Role",
    "Scenario",
    "Settles",
    "check_bonus_limit",
    "in_languages",
]
