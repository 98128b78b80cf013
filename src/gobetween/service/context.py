"""Per-request context: credentials, CSRF check, and the request's one unit of work.

A route asks for :class:`RequestContext` and opens ``with ctx.write() as unit:`` (or
``ctx.read()``): the transaction authenticates the caller, runs the service function and commits
before the response is sent, so an acknowledged write is a committed write.
"""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session

from gobetween.errors import AuthenticationFailed, PermissionDenied
from gobetween.policy import Actor
from gobetween.service.identity import authenticate_session, authenticate_token_actor
from gobetween.service.security import PasswordHasher
from gobetween.service.settings import Settings
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store.db import Database

__all__ = ["SESSION_COOKIE", "RequestContext", "Services", "Unit", "request_context"]

SESSION_COOKIE = "gobetween_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Services:
    """What the app holds for its lifetime: settings, database, password hasher."""

    settings: Settings
    db: Database
    hasher: PasswordHasher


@dataclass
class Unit:
    """One unit of work: the session, the authenticated user and their actor."""

    session: Session
    user: t.User
    actor: Actor


@dataclass
class RequestContext:
    """Credentials taken from a request, and the way to open its unit of work."""

    services: Services
    bearer: str | None
    session_token: str | None
    csrf: str | None
    safe: bool
    client: str

    @property
    def settings(self) -> Settings:
        """The app's settings."""
        return self.services.settings

    def _authenticate(self, session: Session) -> tuple[t.User, Actor]:
        if self.bearer is not None:
            return authenticate_token_actor(session, self.bearer)  # one query for both
        if self.session_token is not None:
            user, row = authenticate_session(session, self.session_token)
            if not self.safe and not (self.csrf and hmac.compare_digest(self.csrf, row.csrf_token)):
                raise PermissionDenied(
                    f"missing or wrong CSRF token: send the {CSRF_HEADER} header or a "
                    "csrf_token form field"
                )
            return user, repositories.load_actor(session, user.id)
        raise AuthenticationFailed("log in or send an API token (Authorization: Bearer ...)")

    @contextlib.contextmanager
    def _unit(self, write: bool) -> Iterator[Unit]:
        with self.services.db.unit_of_work(write=write) as session:
            user, actor = self._authenticate(session)
            yield Unit(session, user, actor)

    def read(self) -> contextlib.AbstractContextManager[Unit]:
        """A read-only unit of work as the authenticated caller."""
        return self._unit(write=False)

    def write(self) -> contextlib.AbstractContextManager[Unit]:
        """A writing unit of work as the authenticated caller; commits when the block ends."""
        return self._unit(write=True)

    @contextlib.contextmanager
    def anonymous(self, *, write: bool = True) -> Iterator[Session]:
        """A unit of work without authentication (login, accepting an invitation)."""
        with self.services.db.unit_of_work(write=write) as session:
            yield session


async def request_context(request: Request) -> RequestContext:
    """FastAPI dependency: the credentials of this request (nothing is checked yet)."""
    services: Services = request.app.state.services
    auth = request.headers.get("authorization", "")
    bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else None
    csrf = request.headers.get(CSRF_HEADER)
    session_token = request.cookies.get(SESSION_COOKIE)
    safe = request.method in _SAFE
    if csrf is None and session_token and not safe:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            csrf = value if isinstance(value, str) else None
    client = request.client.host if request.client else "unknown"
    return RequestContext(services, bearer, session_token, csrf, safe, client)
