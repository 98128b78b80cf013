"""A small world to test against: one process, two tracks, every kind of seat, API tokens.

Built through the service functions (fast), then used through the HTTP API in-process.
"""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass, field
from typing import Any

import httpx
from tests.service import prepared
from tests.service.asgi import client as asgi_client

from gobetween.model import Agenda, Issue, IssueKind, OrganisationKind, Role
from gobetween.service import identity, prepare
from gobetween.service.app import create_app
from gobetween.service.context import Services
from gobetween.service.settings import Settings
from gobetween.store import repositories
from gobetween.store import tables as store_tables

PASSWORD = "correct horse battery"


def make_settings(url: str, **overrides: object) -> Settings:
    """Settings for tests: cheap Argon2, cookies usable over the test client."""
    values: dict[str, object] = {
        "database_url": url,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "sse_poll_seconds": 0.05,
        "max_attachment_bytes": 10_000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def food_agenda() -> Agenda:
    return Agenda(
        (
            Issue.discrete("ports", ["Odesa", "Odesa+Chornomorsk", "three ports"]),
            Issue.discrete("inspection", ["Istanbul JCC", "at sea", "none"]),
            Issue.from_range("term", 60, 180, 60, kind=IssueKind.INTEGER, unit="days"),
        ),
        name="food corridor",
    )


def energy_agenda() -> Agenda:
    return Agenda((Issue.discrete("targets", ["none", "generation", "all"]),), name="energy")


class Clock:
    """The store's clock, set by hand: every timestamp the server takes (``tables.utcnow``, which
    every row default and service call uses) reads ``now``.

    Two worlds run on two clocks set to the same instants for the observed party's steps show
    whether any timestamp a party sees depends on when (or whether) another party acted.
    """

    def __init__(self, start: dt.datetime) -> None:
        self.now = start
        clock = self

        class _Frozen(dt.datetime):
            @classmethod
            def now(cls, tz: dt.tzinfo | None = None) -> Any:
                return clock.now if tz is None else clock.now.astimezone(tz)

        self.module = types.SimpleNamespace(**{**vars(dt), "datetime": _Frozen})

    def install(self, monkeypatch: Any) -> None:
        monkeypatch.setattr(store_tables, "dt", self.module)

    def set(self, at: dt.datetime) -> None:
        self.now = at


#: What a world remembers of its database, copied with it (tests/service/prepared.py).
FACTS = ("tokens", "users", "orgs", "tracks", "channels", "process_id")


@dataclass
class World:
    """The app, a client, and the ids and tokens of the fixture process."""

    app: Any
    client: httpx.Client
    services: Services
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    orgs: dict[str, int] = field(default_factory=dict)
    tracks: dict[str, int] = field(default_factory=dict)
    channels: dict[tuple[str, str], int] = field(default_factory=dict)
    process_id: int = 0

    @classmethod
    def build(cls, settings: Settings) -> World:
        """The world on ``settings``' empty database: a copy of this process's prepared one
        (tests/service/prepared.py) where it can be, else built afresh."""
        facts = prepared.copy_into("world", settings, cls._prepare)
        app = create_app(settings)
        client = asgi_client(app)
        world = cls(app=app, client=client, services=app.state.services)
        if facts is None:
            world._populate()
        else:
            for name, value in facts.items():
                setattr(world, name, value)
        return world

    @classmethod
    def _prepare(cls, settings: Settings) -> dict[str, Any]:
        """Build the world on ``settings``' database; the ids and tokens it remembers."""
        app = create_app(settings)
        world = cls(app=app, client=asgi_client(app), services=app.state.services)
        try:
            world._populate()
            return {name: getattr(world, name) for name in FACTS}
        finally:
            world.close()

    def close(self) -> None:
        self.client.close()
        self.services.db.dispose()

    def _populate(self) -> None:
        hasher = self.services.hasher
        people = {
            "admin": None,
            "un": ("United Nations", OrganisationKind.MEDIATOR, Role.MEDIATOR),
            "tr": ("Türkiye", OrganisationKind.MEDIATOR, Role.MEDIATOR),
            "icrc": ("ICRC", OrganisationKind.MEDIATOR, Role.MEDIATOR),
            "ua": ("Ukraine", OrganisationKind.PARTY, Role.PARTY_MEMBER),
            "ua2": ("Ukraine", OrganisationKind.PARTY, Role.PARTY_MEMBER),
            "ru": ("Russian Federation", OrganisationKind.PARTY, Role.PARTY_MEMBER),
            "obs": ("Observers", OrganisationKind.OBSERVER, Role.OBSERVER),
            "outsider": None,
        }
        with self.services.db.unit_of_work() as session:
            for name in people:
                user = identity.create_user(
                    session, hasher, email=f"{name}@example.org", name=name, password=PASSWORD
                )
                self.users[name] = user.id
                _, token = identity.create_api_token(
                    session, repositories.load_actor(session, user.id), "test"
                )
                self.tokens[name] = token
            admin = repositories.load_actor(session, self.users["admin"])
            process = prepare.create_process(session, admin, name="Black Sea talks")
            self.process_id = process.id
            admin = repositories.load_actor(session, self.users["admin"])
            for name, seat in people.items():
                if seat is None:
                    continue
                org_name, kind, role = seat
                if org_name not in self.orgs:
                    org = prepare.add_organisation(
                        session, admin, process.id, name=org_name, kind=kind
                    )
                    self.orgs[org_name] = org.id
                prepare.add_member(
                    session,
                    admin,
                    process.id,
                    email=f"{name}@example.org",
                    role=role,
                    organisation_id=self.orgs[org_name],
                )
            o = self.orgs
            food = prepare.create_track(
                session,
                admin,
                process.id,
                name="food corridor",
                agenda=food_agenda(),
                organisation_ids=[
                    o["Ukraine"],
                    o["Russian Federation"],
                    o["United Nations"],
                    o["Türkiye"],
                    o["Observers"],
                ],
            )
            energy = prepare.create_track(
                session,
                admin,
                process.id,
                name="energy facilities",
                agenda=energy_agenda(),
                organisation_ids=[o["Ukraine"], o["Russian Federation"], o["ICRC"]],
            )
            self.tracks = {"food": food.id, "energy": energy.id}
            session.flush()
            mediator = repositories.load_actor(session, self.users["un"])
            _, view = repositories.track(session, mediator, food.id)
            for ch in repositories.channels(session, view):
                party = "ua" if ch.party_id == o["Ukraine"] else "ru"
                self.channels[("food", party)] = ch.id
            mediator = repositories.load_actor(session, self.users["icrc"])
            _, view = repositories.track(session, mediator, energy.id)
            for ch in repositories.channels(session, view):
                party = "ua" if ch.party_id == o["Ukraine"] else "ru"
                self.channels[("energy", party)] = ch.id

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def request(self, who: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers(who), **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)

    def get(self, who: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.request(who, "GET", url, **kwargs)

    def post(self, who: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.request(who, "POST", url, **kwargs)

    def put(self, who: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.request(who, "PUT", url, **kwargs)


def food_preferences(favour: str) -> dict[str, Any]:
    """Preferences over the food agenda; ``favour`` 'ua' or 'ru' flips the ratings."""
    ua = favour == "ua"
    return {
        "weights": {"ports": 5, "inspection": 3, "term": 2},
        "ratings": {
            "ports": {
                "Odesa": 0 if ua else 10,
                "Odesa+Chornomorsk": 6,
                "three ports": 10 if ua else 0,
            },
            "inspection": {"Istanbul JCC": 7, "at sea": 2 if ua else 10, "none": 10 if ua else 0},
            "term": {"60": 2 if ua else 10, "120": 6, "180": 10 if ua else 3},
        },
        "scale": {"low": 0, "high": 10},
        "reservation": 0.3,
        "red_lines": [[{"issue": "inspection", "option": "at sea" if ua else "none"}]],
    }
