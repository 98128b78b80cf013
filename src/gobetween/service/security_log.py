"""The security log and the session list: what a user sees of the ways into their account.

Every log-in, failed log-in to a known account, password change, session end, API token made or
revoked and refused deletion of the account (a wrong password or code) is recorded for the
account it concerns (:func:`record`), with the client address and the browser's name. The log is
bounded: events older than :data:`KEEP_DAYS` days go, and a user keeps at most
:data:`KEEP_PER_USER` (the oldest go first), pruned as events are added, so an attacker failing
to log in a million times keeps one user's log at its cap, not the disk. The events an intruder
would cause (a password changed, the second factor on or off, ...) are also mailed to the
account's owner from here (:mod:`gobetween.service.security_mail`).

A user reads their own log (:func:`own_events`) and their browser sessions, each with where it
was started and when and from what kind of browser it was last used (:func:`own_sessions`),
and ends any of them or all but the current one. "Last seen" is written by :func:`seen` at most
once a minute per session (a request in between writes nothing), with the browser family and
system read from its ``User-Agent`` (:func:`coarse_client`), never the address. The
installation's administrator (the account made at set-up) reads every user's log
(:func:`all_events`). A session is named by a prefix of its token's digest, never by its row id,
which would count everyone's log-ins.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from gobetween.errors import NotFound, PermissionDenied
from gobetween.i18n import _
from gobetween.policy import Actor
from gobetween.service import security_mail
from gobetween.service.audited import audited
from gobetween.service.security import token_digest
from gobetween.store import tables as t
from gobetween.store.db import Database
from gobetween.store.login_tables import SecurityEvent, SessionDevice
from gobetween.store.setup_tables import Installation

__all__ = [
    "KEEP_DAYS",
    "KEEP_PER_USER",
    "KINDS",
    "SessionRow",
    "all_events",
    "client_parts",
    "client_said",
    "coarse_client",
    "end_other_sessions",
    "end_session",
    "is_site_admin",
    "own_events",
    "own_sessions",
    "record",
    "remember_session_device",
    "seen",
    "session_key",
]

KEEP_DAYS = 365
KEEP_PER_USER = 1000
#: the kinds of event, as stored and answered
KINDS = (
    "login",
    "login.failed",
    "login.code_failed",
    "password.changed",
    "session.ended",
    "sessions.ended",
    "token.created",
    "token.revoked",
    "two_factor.enabled",
    "two_factor.disabled",
    "two_factor.reset",
    "recovery_code.used",
    "key.registered",
    "key.confirmed",
    "key.revoked",
    "account_deletion.failed",
    "account_deletion.code_failed",
)
#: how often a session's "last seen" is written, at most
SEEN_EVERY = dt.timedelta(minutes=1)
#: sessions a worker remembers having written "last seen" for (forgotten all at once beyond)
_SEEN_MEMORY = 10_000
_NEWEST = (SecurityEvent.at.desc(), SecurityEvent.id)
#: hex digits of a session's digest that name it in the list (64 bits: no two collide)
KEY_LENGTH = 16


#: The ``User-Agent`` of the request being served (set by :class:`RequestClient`): what an
#: event and its e-mail name as the browser when the caller passes none.
_request_agent: contextvars.ContextVar[str] = contextvars.ContextVar(
    "gobetween_request_agent", default=""
)


class RequestClient:
    """ASGI middleware: remember each HTTP request's ``User-Agent`` for :func:`record`, so a
    password change, a second factor or a key named in the security log and its e-mail says
    from what browser it came, whichever service function records it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        agent = next((v for k, v in scope.get("headers", []) if k == b"user-agent"), b"")
        token = _request_agent.set(agent[:300].decode("latin-1"))
        try:
            await self.app(scope, receive, send)
        finally:
            _request_agent.reset(token)


def record(
    session: Session, user_id: int, kind: str, *, address: str = "", user_agent: str = ""
) -> None:
    """Add an event to ``user_id``'s log, prune that log to its bounds, and tell the owner by
    e-mail when the event is one they must learn of (:func:`security_mail.notify`).
    ``user_agent``: the browser's, by default the request's (:class:`RequestClient`)."""
    assert kind in KINDS, kind
    user_agent = user_agent or _request_agent.get()
    now = t.utcnow()
    session.add(
        SecurityEvent(
            user_id=user_id,
            kind=kind,
            at=now,
            address=address[:64],
            user_agent=user_agent[:300],
        )
    )
    session.flush()
    session.execute(
        delete(SecurityEvent).where(SecurityEvent.at < now - dt.timedelta(days=KEEP_DAYS))
    )
    count = session.execute(
        select(func.count()).select_from(SecurityEvent).where(SecurityEvent.user_id == user_id)
    ).scalar_one()
    if count > KEEP_PER_USER:
        oldest = (
            select(SecurityEvent.id)
            .where(SecurityEvent.user_id == user_id)
            .order_by(SecurityEvent.at, SecurityEvent.id)
            .limit(count - KEEP_PER_USER)
        )
        session.execute(delete(SecurityEvent).where(SecurityEvent.id.in_(oldest.scalar_subquery())))
    security_mail.notify(session, user_id, kind, at=now, client=client_parts(user_agent))


def own_events(session: Session, actor: Actor, limit: int = 200) -> Sequence[SecurityEvent]:
    """The caller's security events, newest first."""
    query = select(SecurityEvent).where(SecurityEvent.user_id == actor.user_id)
    return session.execute(query.order_by(*_NEWEST).limit(limit)).scalars().all()


def is_site_admin(session: Session, actor: Actor) -> bool:
    """Whether the caller is the installation's administrator (made at set-up)."""
    admin = session.execute(select(Installation.admin_id)).scalar_one_or_none()
    return admin is not None and admin == actor.user_id


def all_events(
    session: Session, actor: Actor, limit: int = 200
) -> Sequence[tuple[SecurityEvent, str]]:
    """Every user's security events with the user's e-mail address, newest first: the
    installation's administrator only (:class:`PermissionDenied` for anyone else)."""
    if not is_site_admin(session, actor):
        message = _("only the administrator of this installation reads everyone's log")
        raise PermissionDenied(message)
    query = select(SecurityEvent, t.User.email).join(t.User, t.User.id == SecurityEvent.user_id)
    rows = session.execute(query.order_by(*_NEWEST).limit(limit))
    return [(event, email) for event, email in rows]


def remember_session_device(
    session: Session, row: t.WebSession, *, address: str, user_agent: str
) -> None:
    """Keep where the browser session ``row`` was started (shown in the session list)."""
    session.add(
        SessionDevice(
            session_id=row.id,
            address=address[:64],
            user_agent=user_agent[:300],
            last_seen_at=t.utcnow(),
            last_client=coarse_client(user_agent),
        )
    )


#: (marker in the User-Agent, name), the first match wins: Edge and Opera say "Chrome" too,
#: Chrome says "Safari", Android says "Linux", iOS says "like Mac OS X"
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-httpx/", "Python (httpx)"),
    ("python-requests/", "Python (requests)"),
)
_SYSTEMS = (
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def coarse_client(user_agent: str) -> str:
    """The browser family and system of a ``User-Agent``, no versions ("" when unknown).

    >>> coarse_client("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    'Firefox on Linux'
    >>> coarse_client("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    ...               " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
    'Safari on iOS'
    >>> coarse_client("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
    ...               " Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0")
    'Edge on Windows'
    >>> coarse_client("curl/8.5.0"), coarse_client("")
    ('curl', '')
    """
    browser, system = client_parts(user_agent)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system


def client_said(stored: str) -> str:
    """A session's stored client (:func:`coarse_client`'s English "Chrome on Linux") in the
    reader's language.

    >>> from gobetween.i18n import use_locale
    >>> with use_locale("uk"):
    ...     client_said("Chrome on Linux"), client_said("curl")
    ('Chrome на Linux', 'curl')
    """
    browser, on, system = stored.partition(" on ")
    return security_mail.client_words((browser, system)) if on else stored


def client_parts(user_agent: str) -> tuple[str, str]:
    """The browser family and the system of a ``User-Agent``, each ``""`` when unknown.

    >>> client_parts("curl/8.5.0")
    ('curl', '')
    """
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    return browser, system


def seen(db: Database, recent: dict[str, dt.datetime], token: str, user_agent: str) -> bool:
    """Write that the browser session with cookie ``token`` was used now, unless it was
    written less than :data:`SEEN_EVERY` ago; whether a statement was sent.

    ``recent`` is the worker's memory of when it last wrote each session, so that most
    requests send nothing; the statement itself changes the row only when the stored time is
    older than :data:`SEEN_EVERY` (several workers write a session at most once a minute).
    """
    digest = token_digest(token)
    now = t.utcnow()
    last = recent.get(digest)
    if last is not None and dt.timedelta(0) <= now - last < SEEN_EVERY:
        return False
    if len(recent) >= _SEEN_MEMORY:
        recent.clear()
    recent[digest] = now
    of_session = select(t.WebSession.id).where(t.WebSession.session_hash == digest)
    with db.unit_of_work() as session:
        session.execute(
            update(SessionDevice)
            .where(
                SessionDevice.session_id == of_session.scalar_subquery(),
                or_(
                    SessionDevice.last_seen_at.is_(None),
                    SessionDevice.last_seen_at <= now - SEEN_EVERY,
                ),
            )
            .values(last_seen_at=now, last_client=coarse_client(user_agent))
        )
    return True


def session_key(session_hash: str) -> str:
    """The name of a session in the list: a prefix of its token's digest."""
    return session_hash[:KEY_LENGTH]


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One browser session of the caller, as listed."""

    key: str
    created_at: dt.datetime
    expires_at: dt.datetime
    address: str
    user_agent: str
    current: bool
    last_seen_at: dt.datetime | None = None
    last_client: str = ""


def own_sessions(
    session: Session, actor: Actor, current_token: str | None, *, idle_minutes: int = 0
) -> list[SessionRow]:
    """The caller's browser sessions that have not expired, newest first; ``current`` marks the
    one whose cookie is ``current_token``. With ``idle_minutes`` (the installation's
    ``GOBETWEEN_SESSION_IDLE_MINUTES``) a session not used for that long is left out too: it
    can no longer be used (:func:`gobetween.service.identity.check_idle`, the same test on the
    same time: its last request, or its start)."""
    current = token_digest(current_token) if current_token else ""
    now = t.utcnow()
    alive = [t.WebSession.user_id == actor.user_id, t.WebSession.expires_at > now]
    if idle_minutes:
        last_used = func.coalesce(SessionDevice.last_seen_at, t.WebSession.created_at)
        alive.append(last_used > now - dt.timedelta(minutes=idle_minutes))
    rows = session.execute(
        select(t.WebSession, SessionDevice)
        .outerjoin(SessionDevice, SessionDevice.session_id == t.WebSession.id)
        .where(*alive)
        .order_by(t.WebSession.created_at.desc(), t.WebSession.session_hash)
    )
    return [
        SessionRow(
            key=session_key(row.session_hash),
            created_at=row.created_at,
            expires_at=row.expires_at,
            address=device.address if device else "",
            user_agent=device.user_agent if device else "",
            current=row.session_hash == current,
            last_seen_at=device.last_seen_at if device else None,
            last_client=device.last_client if device else "",
        )
        for row, device in rows
    ]


def end_session(
    session: Session, actor: Actor, key: str, *, address: str = "", user_agent: str = ""
) -> None:
    """End the caller's session named ``key``; :class:`NotFound` if the caller has none such
    (another user's session answers exactly like a missing one)."""
    if len(key) != KEY_LENGTH or key.strip("0123456789abcdef"):
        raise NotFound(_("no such session"))
    row = session.execute(
        select(t.WebSession).where(
            t.WebSession.user_id == actor.user_id,
            t.WebSession.session_hash.startswith(key, autoescape=True),
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(_("no such session"))
    _audit_end(session, actor, row)
    session.delete(row)
    record(session, actor.user_id, "session.ended", address=address, user_agent=user_agent)


def end_other_sessions(
    session: Session,
    actor: Actor,
    current_token: str | None,
    *,
    address: str = "",
    user_agent: str = "",
) -> int:
    """End every browser session of the caller but the current one; how many ended."""
    current = token_digest(current_token) if current_token else ""
    rows = session.execute(
        select(t.WebSession).where(
            t.WebSession.user_id == actor.user_id, t.WebSession.session_hash != current
        )
    ).scalars()
    ended = 0
    for row in rows:
        _audit_end(session, actor, row)
        session.delete(row)
        ended += 1
    record(session, actor.user_id, "sessions.ended", address=address, user_agent=user_agent)
    return ended


def _audit_end(session: Session, actor: Actor, row: t.WebSession) -> None:
    audited(session, actor, "session.end", ("session", row.id), {"by": "session list"})
