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
  with Qatar's; every option carries its clause in each of its track's languages, and the
  process, its organisations and its tracks are named in their working languages.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.formats import examples
from gobetween.model import Agenda, Issue, IssueKind, OrganisationKind, Role
from gobetween.policy import Actor
from gobetween.service import demo_languages, identity, negotiate, prepare
from gobetween.service.security import PasswordHasher
from gobetween.store import repositories
from gobetween.store import tables as t

__all__ = [
    "PROCESS_NAME",
    "DemoLogin",
    "DemoPassword",
    "build_demo",
    "demo_logins",
    "demo_passwords",
]

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


@dataclass(frozen=True, slots=True)
class DemoPassword:
    """A demo login's fresh password and its Argon2 hash, made before the writing unit."""

    password: str = field(repr=False)
    hashed: str = field(repr=False)


def demo_logins() -> tuple[str, ...]:
    """The login names of the demo (each seat's, then each translator's)."""
    return (*(seat for seat, *_ in SEATS), *(login for login, *_ in demo_languages.TRANSLATORS))


def demo_passwords(hasher: PasswordHasher) -> dict[str, DemoPassword]:
    """A fresh password for every demo login, hashed now: call it with nothing held, before
    :func:`build_demo`'s writing unit (one Argon2 per login, 0.1 to 0.25 s each at the default
    cost, which a server running on the same SQLite database need not wait for)."""
    out = {}
    for login in demo_logins():
        password = _password()
        out[login] = DemoPassword(password, hasher.hash(password))
    return out


def demo_user(
    session: Session,
    hasher: PasswordHasher,
    email: str,
    name: str,
    password: str,
    hashed: str | None = None,
) -> t.User:
    """The demo's user with ``email``, made or found, and from now on with ``password`` (each
    run of the demo prints fresh passwords); ``hashed``, its hash made before the unit."""
    user = session.execute(select(t.User).where(t.User.email == email)).scalar_one_or_none()
    if user is None:
        return identity.create_user(
            session, hasher, email=email, name=name, password=password, hashed=hashed
        )
    identity.set_password(session, hasher, user, password, hashed=hashed)
    return user


def seat_actor(session: Session, seat: str) -> Actor:
    """The demo user of ``seat`` (``<seat>@`` :data:`DOMAIN`) as an actor, roles read now."""
    user = session.execute(select(t.User).where(t.User.email == f"{seat}@{DOMAIN}")).scalar_one()
    return repositories.load_actor(session, user.id)


def seat_members(
    session: Session,
    admin: Actor,
    process_id: int,
    seats: Mapping[str, tuple[str, OrganisationKind, Role]],
) -> list[int]:
    """Each seat's organisation (name, kind) in the process, with the seat's user as a member
    in its role; the organisations' ids in the seats' order."""
    orgs = []
    for seat, (name, kind, role) in seats.items():
        org = prepare.add_organisation(session, admin, process_id, name=name, kind=kind)
        prepare.add_member(
            session, admin, process_id, email=f"{seat}@{DOMAIN}", role=role, organisation_id=org.id
        )
        orgs.append(org.id)
    return orgs


@dataclass(frozen=True, slots=True)
class _Logins:
    session: Session
    hasher: PasswordHasher
    passwords: Mapping[str, DemoPassword]

    def login(
        self, login: str, name: str, role: Role, organisation: str
    ) -> tuple[t.User, DemoLogin]:
        email = f"{login}@{DOMAIN}"
        made = self.passwords.get(login)
        password = made.password if made is not None else _password()
        hashed = made.hashed if made is not None else None
        user = demo_user(self.session, self.hasher, email, name, password, hashed)
        return user, DemoLogin(role.value, organisation, email, password)


def build_demo(
    session: Session,
    hasher: PasswordHasher,
    passwords: Mapping[str, DemoPassword] | None = None,
) -> tuple[int, list[DemoLogin]]:
    """Create the demo process (or reset its passwords if it exists); its id and the logins.

    ``passwords``: :func:`demo_passwords`, made before this writing unit (without them, each
    login's password is made and hashed here, holding the unit).
    """
    made = _Logins(session, hasher, passwords or {})
    users: dict[str, t.User] = {}
    logins = []
    for seat, display, org, _, role in SEATS:
        users[seat], printed = made.login(seat, display, role, org or "(process admin)")
        logins.append(printed)
    translators = {}
    for login, display, org, _ in demo_languages.TRANSLATORS:
        user, printed = made.login(login, display, Role.TRANSLATOR, org)
        translators[login] = (user, printed.password)
        logins.append(printed)
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
    seats = {s: (org, kind, role) for s, _, org, kind, role in SEATS if org and kind}
    ids = seat_members(session, admin, process.id, seats)
    orgs = {name: org_id for (name, _, _), org_id in zip(seats.values(), ids, strict=True)}
    corridor = examples.load("black_sea_corridor")
    parties = ["Ukraine", "Russian Federation"]
    food = prepare.create_track(
        session,
        admin,
        process.id,
        name="food corridor",
        agenda=demo_languages.with_names(
            demo_languages.with_wording(corridor.scenario.agenda, demo_languages.FOOD_WORDING),
            demo_languages.FOOD_NAMES,
        ),
        organisation_ids=[orgs[p] for p in parties] + [orgs[m] for m in corridor.mediators],
        source="scenario:black_sea_corridor",
    )
    prepare.create_track(
        session,
        admin,
        process.id,
        name="energy facilities",
        agenda=demo_languages.with_names(
            demo_languages.with_wording(energy_agenda(), demo_languages.ENERGY_WORDING),
            demo_languages.ENERGY_NAMES,
        ),
        organisation_ids=[orgs[p] for p in parties] + [orgs["Qatar"]],
    )
    prepare.create_track(
        session,
        admin,
        process.id,
        name="prisoner return",
        agenda=demo_languages.with_names(prisoner_agenda(), demo_languages.PRISONER_NAMES),
        organisation_ids=[orgs[p] for p in parties] + [orgs["United Arab Emirates"], orgs["ICRC"]],
    )
    for seat, party in (("ukraine", "Ukraine"), ("russia", "Russian Federation")):
        actor = repositories.load_actor(session, users[seat].id)
        negotiate.record_preferences(session, actor, food.id, corridor.scenario.preferences[party])
    demo_languages.add_languages(session, admin.user_id, process.id, translators)
    demo_languages.name_in_languages(session, admin.user_id, process.id)
    return process.id, logins
