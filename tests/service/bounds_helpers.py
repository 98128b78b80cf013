"""Large tracks for the bound tests: a process of its own, N parties, issues x options, random
preferences recorded through the service functions (the body limits of the API are not what
these tests are about)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from gobetween.model import Agenda, Issue, OrganisationKind, Preferences, Role
from gobetween.service import identity, negotiate, prepare
from gobetween.service.context import Services
from gobetween.store import repositories

_COUNTER = itertools.count(1)


@dataclass
class BigTrack:
    """A track in a process of its own, and the API tokens of its seats."""

    process_id: int
    track_id: int
    mediator: str  # API token
    parties: list[str] = field(default_factory=list)  # API tokens


def _user(services: Services, session: object, label: str) -> tuple[int, str]:
    user = identity.create_user(
        session,  # type: ignore[arg-type]
        services.hasher,
        email=f"{label}@bounds.example.org",
        name=label,
        password=None,
    )
    actor = repositories.load_actor(session, user.id)  # type: ignore[arg-type]
    _, token = identity.create_api_token(session, actor, "bounds")  # type: ignore[arg-type]
    return user.id, token


def big_track(
    services: Services,
    parties: int,
    issues: int,
    options: int,
    *,
    seed: int = 0,
    opposed: bool = False,
) -> BigTrack:
    """A process with ``parties`` parties on one track of ``issues`` x ``options``, each party
    with random preferences recorded; ``opposed``: the second party rates every option exactly
    opposite to the first (every option of every issue is then on the frontier)."""
    n = next(_COUNTER)
    rng = np.random.default_rng(seed)
    agenda = Agenda(
        tuple(Issue.discrete(f"issue{k}", [f"o{j}" for j in range(options)]) for k in range(issues))
    )
    with services.db.unit_of_work() as session:
        admin_id, _ = _user(services, session, f"admin{n}")
        admin = repositories.load_actor(session, admin_id)
        process = prepare.create_process(session, admin, name=f"bounds {n}")
        admin = repositories.load_actor(session, admin_id)
        seats: list[tuple[int, str, int]] = []
        kinds = [OrganisationKind.MEDIATOR] + [OrganisationKind.PARTY] * parties
        for i, kind in enumerate(kinds):
            org = prepare.add_organisation(session, admin, process.id, name=f"org{i}", kind=kind)
            user_id, token = _user(services, session, f"seat{n}x{i}")
            role = Role.MEDIATOR if kind is OrganisationKind.MEDIATOR else Role.PARTY_MEMBER
            session.flush()
            prepare.add_member(
                session,
                admin,
                process.id,
                email=f"seat{n}x{i}@bounds.example.org",
                role=role,
                organisation_id=org.id,
            )
            seats.append((org.id, token, user_id))
        track = prepare.create_track(
            session,
            admin,
            process.id,
            name=f"large {parties}x{issues}x{options}",
            agenda=agenda,
            organisation_ids=[org for org, _, _ in seats],
        )
        session.flush()
        first = rng.random((issues, options))
        for n_party, (_, _, user_id) in enumerate(seats[1:]):
            weights = {f"issue{k}": float(rng.integers(1, 10)) for k in range(issues)}
            if opposed:
                weights = dict.fromkeys(weights, 1.0)
                table = first if n_party == 0 else 1 - first
            else:
                table = rng.random((issues, options))
            ratings = {
                f"issue{k}": {f"o{j}": round(float(v), 3) for j, v in enumerate(row)}
                for k, row in enumerate(table)
            }
            actor = repositories.load_actor(session, user_id)
            negotiate.record_preferences(session, actor, track.id, Preferences(weights, ratings))
        return BigTrack(process.id, track.id, seats[0][1], [token for _, token, _ in seats[1:]])
