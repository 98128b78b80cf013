"""The negotiation domain: frozen, validated objects with no I/O.

Its objects keep their mappings read-only (``types.MappingProxyType``), which :mod:`pickle` cannot
write by itself: importing this package teaches it to write one as a copy of its mapping (read
back read-only), so that agendas, preferences and profiles reach worker processes (the analysis's
process pools and Dask workers) as they are.
"""

import copyreg
from collections.abc import Mapping
from types import MappingProxyType

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


def read_only(mapping: dict[object, object]) -> Mapping[object, object]:
    """A read-only view of ``mapping`` (how a pickled one is read back)."""
    return MappingProxyType(mapping)


def _pickled(mapping: Mapping[object, object]) -> tuple[object, tuple[dict[object, object]]]:
    return read_only, (dict(mapping),)


copyreg.pickle(MappingProxyType, _pickled)  # type: ignore[arg-type]  # typeshed: a class, not its instances' reducer

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
