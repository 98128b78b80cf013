"""The demo process behind an in-process client, and helpers to read pages by CSS selectors.

Built through :func:`gobetween.service.demo.build_demo` (the same data ``gobetween demo``
serves), with cheap Argon2 so that logging in is fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from bs4 import BeautifulSoup, Tag
from tests.service import prepared
from tests.service.asgi import client as asgi_client
from tests.service.world import make_settings

from gobetween.model import Role
from gobetween.policy import Actor
from gobetween.service import invitations
from gobetween.service.app import create_app
from gobetween.service.context import Services
from gobetween.service.demo import build_demo
from gobetween.service.settings import Settings
from gobetween.store import repositories
from gobetween.store import tables as t

SEATS = ("secretariat", "un", "turkiye", "qatar", "uae", "ukraine", "russia", "icrc")


@dataclass
class Site:
    """The app with the demo loaded; passwords by seat, track ids by name."""

    app: Any
    services: Services
    passwords: dict[str, str] = field(default_factory=dict)
    tracks: dict[str, int] = field(default_factory=dict)
    orgs: dict[str, int] = field(default_factory=dict)
    clients: list[httpx.Client] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings) -> Site:
        """The demo on ``settings``' empty database: a copy of this process's prepared one
        (tests/service/prepared.py) where it can be, else built afresh."""
        facts = prepared.copy_into("demo", settings, cls._prepare)
        app = create_app(settings)
        site = cls(app=app, services=app.state.services)
        if facts is None:
            site._populate()
        else:
            site.passwords, site.tracks, site.orgs = (
                facts["passwords"],
                facts["tracks"],
                facts["orgs"],
            )
        return site

    @classmethod
    def _prepare(cls, settings: Settings) -> dict[str, Any]:
        """Build the demo on ``settings``' database; the passwords and ids it remembers."""
        app = create_app(settings)
        site = cls(app=app, services=app.state.services)
        try:
            site._populate()
            return {"passwords": site.passwords, "tracks": site.tracks, "orgs": site.orgs}
        finally:
            site.close()

    def _populate(self) -> None:
        with self.services.db.unit_of_work() as session:
            _, logins = build_demo(session, self.services.hasher)
            self.passwords = {lg.email.split("@")[0]: lg.password for lg in logins}
            self.tracks = {row.name: row.id for row in session.query(t.Track).all()}
            self.orgs = {row.name: row.id for row in session.query(t.Organisation).all()}

    def client(self, seat: str | None = None) -> httpx.Client:
        """A client, logged in as ``seat`` through the login form when given."""
        c = asgi_client(self.app)
        self.clients.append(c)
        if seat is not None:
            token = csrf(BeautifulSoup(c.get("/login").text, "html.parser"))  # log-in CSRF
            r = c.post(
                "/login",
                data={
                    "email": f"{seat}@demo.gobetween.org",
                    "password": self.passwords[seat],
                    "csrf_token": token,
                },
            )
            assert r.status_code == 303, r.text
        return c

    def close(self) -> None:
        for c in self.clients:
            c.close()
        self.services.db.dispose()


def settings_for(url: str) -> Settings:
    return make_settings(url, secure_cookies=True)


def soup(response: httpx.Response) -> BeautifulSoup:
    """The parsed page (the response must be HTML)."""
    assert response.headers["content-type"].startswith("text/html"), response.headers
    return BeautifulSoup(response.text, "html.parser")


def one(doc: BeautifulSoup | Tag, selector: str) -> Tag:
    """The single element ``selector`` matches (fails when none or several do)."""
    found = doc.select(selector)
    assert len(found) == 1, f"{selector!r} matched {len(found)} elements"
    return found[0]


def text_of(doc: BeautifulSoup | Tag, selector: str) -> str:
    """The whitespace-normalised text of the one element ``selector`` matches."""
    return re.sub(r"\s+", " ", one(doc, selector).get_text(" ")).strip()


def csrf(doc: BeautifulSoup) -> str:
    """The CSRF token a page's forms carry."""
    return str(doc.select("input[name=csrf_token]")[0]["value"])


def unlabelled_controls(doc: BeautifulSoup) -> list[str]:
    """Form controls a screen reader could not name (no label, aria-label or wrapping label)."""
    labelled = {str(lab.get("for")) for lab in doc.select("label[for]")}
    missing = []
    for el in doc.select("input, select, textarea"):
        if el.get("type") in ("hidden", "submit", "button"):
            continue
        if el.get("aria-label") or el.get("aria-labelledby"):
            continue
        if el.get("id") in labelled or el.find_parent("label") is not None:
            continue
        missing.append(str(el)[:120])
    return missing


def actors(session: Any, *seats: str) -> dict[str, Actor]:
    """The demo's ``seats`` (``un``, ``ukraine`` ...) as actors, in ``session``."""
    return {
        seat: repositories.load_actor(
            session,
            session.query(t.User).filter_by(email=f"{seat}@demo.gobetween.org").one().id,
        )
        for seat in seats
    }


def invitation_token(site: Site, email: str = "new.person@example.org") -> str:
    """A pending invitation of ``email`` to the demo process as a United Nations mediator,
    made by its secretariat: the link's token."""
    with site.services.db.unit_of_work() as session:
        process_id = session.query(t.Process.id).order_by(t.Process.id).first()
        assert process_id is not None
        _, token = invitations.invite(
            session,
            actors(session, "secretariat")["secretariat"],
            process_id[0],
            email=email,
            role=Role.MEDIATOR,
            organisation_id=site.orgs["United Nations"],
        )
    return str(token)
