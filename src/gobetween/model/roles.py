"""Closed vocabularies of who takes part in a process and how."""

from __future__ import annotations

import enum

__all__ = ["OrganisationKind", "Role"]


class OrganisationKind(enum.StrEnum):
    """What an organisation is in a process."""

    PARTY = "party"
    MEDIATOR = "mediator"
    OBSERVER = "observer"


class Role(enum.StrEnum):
    """A user's role in a process; decides what the policy lets them read and do."""

    PARTY_MEMBER = "party_member"
    MEDIATOR = "mediator"
    OBSERVER = "observer"
    ADMIN = "admin"
    #: a member of a mediating organisation who translates the channels of the tracks given to
    #: them, and does nothing else
    TRANSLATOR = "translator"
