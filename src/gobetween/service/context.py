"""Per-request context: credentials, CSRF check, and the request's one unit of work.

A route asks for :class:`RequestContext` and opens ``with ctx.write() as unit:`` (or
``ctx.read()``): the transaction authenticates the caller, runs the service function and commits
before the response is sent, so an acknowledged write is a committed write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from gobetween import i18n
from gobetween.policy import Actor
from gobetween.service import security_log
from gobetween.service.identity import CSRF_HEADER, Caller, Credentials
from gobetween.service.security import PasswordHasher, token_digest
from gobetween.service.settings import Settings
from gobetween.store import plans
from gobetween.store import tables as t
from gobetween.store.db import Database

__all__ = [
    "SESSION_COOKIE",
    "RequestContext",
    "Services",
    "Unit",
    "enrolment_context",
    "request_context",
]

SESSION_COOKIE = "gobetween_session"
T = TypeVar("T")
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Services:
    """What the app holds for its lifetime: settings, database, password hasher."""

    settings: Settings
    db: Database
    hasher: PasswordHasher
    #: session digest -> when this worker last wrote its "last seen" (at most once a minute)
    seen: dict[str, dt.datetime] = field(default_factory=dict)


class Unit:
    """One unit of work: the session and the authenticated caller (``user`` read on demand)."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self._user: t.User | None = None

    @property
    def user(self) -> t.User:
        """The caller's user row."""
        if self._user is None:
            self._user = self.session.get_one(t.User, self.actor.user_id)
        return self._user


def speak_as_user(caller: Caller) -> None:
    """From here on, the request speaks the signed-in user's own language and time zone (their
    settings), where they chose them, rather than the browser's: a page's refusals and notices
    are worded as soon as the caller is known, before the page's frame is drawn. The settings
    are read with the caller, in the same statement (:meth:`Credentials.caller_plan`); an API
    token's caller has none, and keeps the request's language."""
    if caller.locale or caller.time_zone:
        i18n.set_locale(caller.locale or i18n.current_locale(), caller.time_zone)


@dataclass
class RequestContext:
    """Credentials taken from a request, and the ways to open its unit of work or run a plan."""

    services: Services
    bearer: str | None
    session_token: str | None
    csrf: str | None
    safe: bool
    client: str
    #: the browser's own name (``User-Agent``)
    user_agent: str = ""
    #: the route lets a user who must set up a second factor in (:func:`enrolment_context`)
    enrolling: bool = False
    #: the request is the user's use of their session, so it writes "last seen" (which the idle
    #: limit reads); an event stream is not: it polls whenever anyone acts on the track
    touches: bool = True
    #: units of work open now (one inside another: "last seen" waits for the outermost)
    _open: int = field(default=0, init=False, repr=False)

    @property
    def settings(self) -> Settings:
        """The app's settings."""
        return self.services.settings

    @property
    def credentials(self) -> Credentials:
        """What the request presents, checked when a unit of work or a plan reads the caller."""
        rule = self.settings.require_two_factor
        return Credentials(
            self.bearer,
            self.session_token,
            self.csrf,
            self.safe,
            rule,
            self.enrolling,
            self.settings.session_idle_minutes,
        )

    @contextlib.contextmanager
    def _unit(self, write: bool) -> Iterator[Unit]:
        self._open += 1
        try:
            with self.services.db.unit_of_work(write=write) as session:
                caller = plans.run(session.connection(), self.credentials.caller_plan())
                speak_as_user(caller)
                yield Unit(session, caller.actor)
        finally:
            self._open -= 1
        if self._open == 0 and self._touching:
            self._seen()

    @property
    def _touching(self) -> bool:
        return self.touches and self.session_token is not None and self.bearer is None

    def _seen_due(self) -> bool:
        """Whether this worker may have to write "last seen" (most requests within a minute of
        the last write need not leave the event loop for :func:`security_log.seen`)."""
        assert self.session_token is not None
        last = self.services.seen.get(token_digest(self.session_token))
        return last is None or not dt.timedelta(0) <= t.utcnow() - last < security_log.SEEN_EVERY

    def _seen(self) -> None:
        assert self.session_token is not None
        security_log.seen(self.services.db, self.services.seen, self.session_token, self.user_agent)

    def read(self) -> contextlib.AbstractContextManager[Unit]:
        """A read-only unit of work as the authenticated caller."""
        return self._unit(write=False)

    def write(self) -> contextlib.AbstractContextManager[Unit]:
        """A writing unit of work as the authenticated caller; commits when the block ends."""
        return self._unit(write=True)

    @contextlib.contextmanager
    def anonymous(self, *, write: bool = True) -> Iterator[Session]:
        """A unit of work without authentication (login, accepting an invitation)."""
        self._open += 1
        try:
            with self.services.db.unit_of_work(write=write) as session:
                yield session
        finally:
            self._open -= 1

    async def run(self, make: Callable[[str, Credentials], plans.Plan[T]], *, write: bool) -> T:
        """Run the plan ``make(dialect, credentials)`` in a transaction of its own.

        On PostgreSQL on the event loop (psycopg, no thread); on SQLite in a worker thread, in
        a unit of work (a writing one when ``write``). It commits before this returns, so what
        the response acknowledges is committed.
        """
        db = self.services.db
        if db.async_pool is not None:
            result = await plans.run_async(db.async_pool, make(db.backend, self.credentials))
        else:

            def work() -> T:
                with db.unit_of_work(write=write) as session:
                    return plans.run(session.connection(), make(db.backend, self.credentials))

            result = await run_in_threadpool(work)
        if self._touching and self._seen_due():  # after the plan, which read the caller
            await run_in_threadpool(self._seen)  # (an ended session is not seen)
        return result


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
    agent = request.headers.get("user-agent", "")
    context = RequestContext(services, bearer, session_token, csrf, safe, client, agent)
    context.touches = not request.headers.get("accept", "").startswith("text/event-stream")
    return context


async def enrolment_context(request: Request) -> RequestContext:
    """FastAPI dependency for the routes a user who must set up a second factor still reaches
    (setting it up, their own sessions and security log, logging out)."""
    ctx = await request_context(request)
    ctx.enrolling = True
    return ctx
