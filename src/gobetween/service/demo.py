"""The Black Sea demonstration process, built through the service functions.

- mediators: the United Nations and Türkiye (food corridor), Qatar (energy facilities), the
  United Arab Emirates (prisoner return); parties: Ukraine and the Russian Federation; the ICRC
  observes the prisoner-return track;
- tracks: *food corridor* with the agenda of the bundled scenario ``black_sea_corridor`` and its
  (illustrative) preferences recorded as each party's first version; *energy facilities* and
  *prisoner return* with small illustrative agendas;
- one login per seat, with a fresh random password each time the demo is (re)built;
- the languages (:mod:`gobetween.service.demo_languages`): the food corridor works in English,
  Ukrainian, Russian and Turkish with the UN's translators, the energy facilities also in Arabic
  with Qatar's; every option carries its clause in each of its track's languages.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.formats import examples
from gobetween.model import Agenda, Issue, IssueKind, OrganisationKind, Role
from gobetween.service import demo_languages, identity, negotiate, prepare
from gobetween.service.security import PasswordHasher
from gobetween.store import repositories
from gobetween.store import tables as t

__all__ = ["PROCESS_NAME", "DemoLogin", "build_demo"]

PROCESS_NAME = "Black Sea food-security talks"

#: (login name, display name, organisation or None for the admin, kind, role)
SEATS: tuple[tuple[str, str, str | None, OrganisationKind | None, Role], ...] = (
    ("secretariat", "Process secretariat", None, None, Role.ADMIN),
    ("un", "UN mediator", "United Nations", OrganisationKind.MEDIATOR, Role.MEDIATOR),
    ("turkiye", "Türkiye mediator", "Türkiye", OrganisationKind.MEDIATOR, Role.MEDIATOR),
    ("qatar", "Qatar mediator", "Qatar", OrganisationKind.MEDIATOR, Role.MEDIATOR),
    ("uae", "UAE mediator", "United Arab Emirates", OrganisationKind.MEDIATOR, Role.MEDIATOR),
    ("ukraine", "Ukraine delegate", "Ukraine", OrganisationKind.PARTY, Role.PARTY_MEMBER),
    (
        "russia",
        "Russian Federation delegate",
        "Russian Federation",
        OrganisationKind.PARTY,
        Role.PARTY_MEMBER,
    ),
    ("icrc", "ICRC observer", "ICRC", OrganisationKind.OBSERVER, Role.OBSERVER),
)

DOMAIN = "demo.gobetween.org"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """One printed login."""

    seat: str
    organisation: str
    email: str
    password: str


def energy_agenda() -> Agenda:
    """Illustrative agenda of a moratorium on strikes against energy facilities."""
    return Agenda(
        (
            Issue.discrete("scope", ["power generation", "generation and grid", "all energy"]),
            Issue.from_range("duration", 30, 90, 30, kind=IssueKind.INTEGER, unit="days"),
            Issue.discrete("verification", ["none", "IAEA at nuclear sites", "joint monitoring"]),
        ),
        name="energy facilities (illustrative)",
    )


def prisoner_agenda() -> Agenda:
    """Illustrative agenda of a prisoner return."""
    return Agenda(
        (
            Issue.from_range("number each", 50, 200, 50, kind=IssueKind.INTEGER, unit="people"),
            Issue.discrete("categories", ["wounded and sick", "civilians", "all"]),
            Issue.discrete("remains returned", ["no", "yes"]),
        ),
        name="prisoner return (illustrative)",
    )


def _password() -> str:
    return secrets.token_urlsafe(12)


def _users(session: Session, hasher: PasswordHasher) -> tuple[dict[str, t.User], list[DemoLogin]]:
    users: dict[str, t.User] = {}
    logins = []
    for seat, display, org, _, role in SEATS:
        email = f"{seat}@{DOMAIN}"
        password = _password()
        user = session.execute(select(t.User).where(t.User.email == email)).scalar_one_or_none()
        if user is None:
            user = identity.create_user(
                session, hasher, email=email, name=display, password=password
            )
        else:
            identity.set_password(session, hasher, user, password)
        users[seat] = user
        logins.append(DemoLogin(f"{role.value}", org or "(process admin)", email, password))
    return users, logins


def build_demo(session: Session, hasher: PasswordHasher) -> tuple[int, list[DemoLogin]]:
    """Create the demo process (or reset its passwords if it exists); its id and the logins."""
    users, logins = _users(session, hasher)
    translators = demo_languages.translator_logins(session, hasher, DOMAIN)
    logins += [
        DemoLogin(Role.TRANSLATOR.value, organisation, user.email, password)
        for (_, _, organisation, _), (user, password) in zip(
            demo_languages.TRANSLATORS, translators.values(), strict=True
        )
    ]
    existing = session.execute(
        select(t.Process.id).where(t.Process.name == PROCESS_NAME)
    ).scalar_one_or_none()
    if existing is not None:
        return existing, logins
    admin = repositories.load_actor(session, users["secretariat"].id)
    process = prepare.create_process(
        session,
        admin,
        name=PROCESS_NAME,
        description="Demo: the Black Sea talks of 2022 with illustrative preferences.",
    )
    admin = repositories.load_actor(session, users["secretariat"].id)
    orgs: dict[str, int] = {}
    for seat, _, org, kind, role in SEATS:
        if org is None or kind is None:
            continue
        orgs[org] = prepare.add_organisation(session, admin, process.id, name=org, kind=kind).id
        prepare.add_member(
            session,
            admin,
            process.id,
            email=users[seat].email,
            role=role,
            organisation_id=orgs[org],
        )
    corridor = examples.load("black_sea_corridor")
    parties = ["Ukraine", "Russian Federation"]
    food = prepare.create_track(
        session,
        admin,
        process.id,
        name="food corridor",
        agenda=demo_languages.with_wording(corridor.scenario.agenda, demo_languages.FOOD_WORDING),
        organisation_ids=[orgs[p] for p in parties] + [orgs[m] for m in corridor.mediators],
        source="scenario:black_sea_corridor",
    )
    prepare.create_track(
        session,
        admin,
        process.id,
        name="energy facilities",
        agenda=demo_languages.with_wording(energy_agenda(), demo_languages.ENERGY_WORDING),
        organisation_ids=[orgs[p] for p in parties] + [orgs["Qatar"]],
    )
    prepare.create_track(
        session,
        admin,
        process.id,
        name="prisoner return",
        agenda=prisoner_agenda(),
        organisation_ids=[orgs[p] for p in parties] + [orgs["United Arab Emirates"], orgs["ICRC"]],
    )
    for seat, party in (("ukraine", "Ukraine"), ("russia", "Russian Federation")):
        actor = repositories.load_actor(session, users[seat].id)
        negotiate.record_preferences(session, actor, food.id, corridor.scenario.preferences[party])
    demo_languages.add_languages(session, admin.user_id, process.id, translators)
    return process.id, logins
