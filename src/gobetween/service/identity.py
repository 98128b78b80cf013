"""Users, passwords, browser sessions, API tokens and login throttling (service functions).

Every function takes an open session (the request's unit of work) and leaves committing to it.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gobetween.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from gobetween.policy import Actor
from gobetween.service.security import PasswordHasher, new_token, token_digest
from gobetween.service.settings import Settings
from gobetween.store import audit, repositories
from gobetween.store import tables as t
from gobetween.store.plans import Plan, Query, Rows, Step

__all__ = [
    "CSRF_HEADER",
    "Credentials",
    "NewSession",
    "authenticate_session",
    "create_api_token",
    "create_user",
    "end_session",
    "login",
    "revoke_api_token",
    "start_session",
]

MIN_PASSWORD = 10
CSRF_HEADER = "X-CSRF-Token"


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased; refuses what is plainly not an address.

    >>> normalise_email("  Ana@UN.org ")
    'ana@un.org'
    """
    value = email.strip().lower()
    local, _, domain = value.partition("@")
    if not local or not domain or " " in value or len(value) > 254:
        raise ValidationFailed(
            f"{email!r} is not an e-mail address", location="email", expected="name@domain"
        )
    return value


def check_password(password: str) -> None:
    """Refuse passwords shorter than :data:`MIN_PASSWORD` characters."""
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(
            "the password is too short",
            location="password",
            expected=f"at least {MIN_PASSWORD} characters",
        )


def create_user(
    session: Session,
    hasher: PasswordHasher,
    *,
    email: str,
    name: str,
    password: str | None,
    actor_id: int | None = None,
) -> t.User:
    """A new user (:class:`Conflict` if the e-mail address is taken)."""
    address = normalise_email(email)
    if not name.strip():
        raise ValidationFailed("the name is empty", location="name", expected="a name")
    if password is not None:
        check_password(password)
    if session.execute(select(t.User.id).where(t.User.email == address)).first():
        raise Conflict(f"a user with e-mail {address} exists already")
    user = t.User(
        email=address,
        name=name.strip(),
        password_hash=hasher.hash(password) if password is not None else None,
        active=True,
    )
    session.add(user)
    session.flush()
    audit.append(
        session,
        actor_id=actor_id,
        action="user.create",
        object_type="user",
        object_id=user.id,
        change={"email": address, "name": user.name},
    )
    return user


def set_password(session: Session, hasher: PasswordHasher, user: t.User, password: str) -> None:
    """Replace a user's password."""
    check_password(password)
    user.password_hash = hasher.hash(password)
    audit.append(
        session,
        actor_id=user.id,
        action="user.password",
        object_type="user",
        object_id=user.id,
        change={"password": "changed"},
    )


def _throttle(session: Session, settings: Settings, keys: Sequence[str]) -> None:
    since = t.utcnow() - dt.timedelta(seconds=settings.login_window_seconds)
    for key in keys:
        count, oldest = session.execute(
            select(func.count(), func.min(t.LoginFailure.at)).where(
                t.LoginFailure.key == key, t.LoginFailure.at >= since
            )
        ).one()
        if count >= settings.login_max_failures:
            oldest_at = t.UTCDateTime().process_result_value(oldest, None) or t.utcnow()
            wait = settings.login_window_seconds - (t.utcnow() - oldest_at).total_seconds()
            raise RateLimited("too many failed logins; try again later", max(1, int(wait) + 1))


def login(
    session: Session,
    hasher: PasswordHasher,
    settings: Settings,
    *,
    email: str,
    password: str,
    client: str,
) -> t.User | None:
    """The user whose credentials these are, or ``None`` (the failure is recorded).

    Raises :class:`RateLimited` after too many failures for the address or the client.
    """
    address = email.strip().lower()
    keys = (f"email:{address}", f"client:{client}")
    _throttle(session, settings, keys)
    user = session.execute(select(t.User).where(t.User.email == address)).scalar_one_or_none()
    ok = hasher.verify(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        session.add_all([t.LoginFailure(key=key) for key in keys])
        return None
    session.execute(delete(t.LoginFailure).where(t.LoginFailure.key == keys[0]))
    return user


@dataclass(frozen=True, slots=True)
class NewSession:
    """A browser session just started: the cookie value and its CSRF token."""

    token: str
    csrf_token: str
    expires_at: dt.datetime


def start_session(session: Session, settings: Settings, user: t.User) -> NewSession:
    """Start a browser session for ``user``."""
    token, csrf = new_token(), new_token()
    expires = t.utcnow() + dt.timedelta(hours=settings.session_hours)
    row = t.WebSession(
        user_id=user.id, session_hash=token_digest(token), csrf_token=csrf, expires_at=expires
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor_id=user.id,
        action="session.start",
        object_type="session",
        object_id=row.id,
        change={"user": user.id, "expires_at": expires.isoformat()},
    )
    return NewSession(token, csrf, expires)


def end_session(session: Session, token: str) -> None:
    """End the browser session with this cookie value (no error if there is none)."""
    row = session.execute(
        select(t.WebSession).where(t.WebSession.session_hash == token_digest(token))
    ).scalar_one_or_none()
    if row is not None:
        audit.append(
            session,
            actor_id=row.user_id,
            action="session.end",
            object_type="session",
            object_id=row.id,
            change={},
        )
        session.delete(row)


def authenticate_session(session: Session, token: str) -> tuple[t.User, t.WebSession]:
    """The user and session behind a session cookie; :class:`AuthenticationFailed` if none."""
    row = session.execute(
        select(t.WebSession).where(t.WebSession.session_hash == token_digest(token))
    ).scalar_one_or_none()
    if row is None or row.expires_at <= t.utcnow():
        raise AuthenticationFailed("the session has expired; log in again")
    user = session.get(t.User, row.user_id)
    if user is None or not user.active:
        raise AuthenticationFailed("the session has expired; log in again")
    return user, row


_TOKEN_ACTOR_SQL = """
SELECT u.id, m.process_id, m.role, m.organisation_id
FROM api_tokens k JOIN users u ON u.id = k.user_id
LEFT JOIN memberships m ON m.user_id = u.id
WHERE k.token_hash = :digest AND k.revoked_at IS NULL AND u.active
"""

_SESSION_ACTOR_SQL = """
SELECT u.id, m.process_id, m.role, m.organisation_id, w.csrf_token, w.expires_at
FROM web_sessions w JOIN users u ON u.id = w.user_id
LEFT JOIN memberships m ON m.user_id = u.id
WHERE w.session_hash = :digest AND u.active
"""


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a request presents: an API token, or a session cookie (with its CSRF token).

    :meth:`query` reads the user and every membership in one statement, so a plan sends it
    together with its first statements; :meth:`actor` checks the rows it returned. An API token
    must be known, not revoked and its user active; a session must exist, not have expired, and
    a state-changing request (``safe`` false) must carry the session's CSRF token.
    """

    bearer: str | None = None
    session_token: str | None = None
    csrf: str | None = None
    safe: bool = True

    def query(self) -> Query:
        """The statement that reads the caller (:class:`AuthenticationFailed` without any)."""
        if self.bearer is not None:
            return Query(_TOKEN_ACTOR_SQL, {"digest": token_digest(self.bearer)})
        if self.session_token is not None:
            return Query(_SESSION_ACTOR_SQL, {"digest": token_digest(self.session_token)})
        raise AuthenticationFailed("log in or send an API token (Authorization: Bearer ...)")

    @property
    def width(self) -> int:
        """How many columns :meth:`query` returns (see :func:`gobetween.store.plans.split`)."""
        return 4 if self.bearer is not None else 6

    def actor(self, rows: Rows) -> Actor:
        """The caller's :class:`Actor` from the rows of :meth:`query`."""
        if self.bearer is not None:
            if not rows:
                raise AuthenticationFailed("unknown or revoked API token")
        elif not rows or t.as_utc(rows[0][5]) <= t.utcnow():
            raise AuthenticationFailed("the session has expired; log in again")
        elif not self.safe and not (self.csrf and hmac.compare_digest(self.csrf, rows[0][4])):
            raise PermissionDenied(
                f"missing or wrong CSRF token: send the {CSRF_HEADER} header or a "
                "csrf_token form field"
            )
        return repositories.actor_from_rows(rows[0][0], [(r[1], r[2], r[3]) for r in rows])

    def actor_plan(self) -> Plan[Actor]:
        """A plan of its own: just the caller."""
        (rows,) = yield Step((self.query(),))
        return self.actor(rows)


def create_api_token(session: Session, actor: Actor, name: str) -> tuple[t.ApiToken, str]:
    """A new API token for the actor; the plain token is returned once and never stored."""
    token = new_token()
    row = t.ApiToken(user_id=actor.user_id, name=name, token_hash=token_digest(token))
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor_id=actor.user_id,
        action="token.create",
        object_type="api_token",
        object_id=row.id,
        change={"name": name},
    )
    return row, token


def api_tokens(session: Session, actor: Actor) -> Sequence[t.ApiToken]:
    """The actor's own API tokens (never anyone else's)."""
    stmt = select(t.ApiToken).where(t.ApiToken.user_id == actor.user_id).order_by(t.ApiToken.id)
    return session.execute(stmt).scalars().all()


def revoke_api_token(session: Session, actor: Actor, token_id: int) -> t.ApiToken:
    """Revoke one of the actor's own tokens."""
    row = session.get(t.ApiToken, token_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFound(f"no API token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = t.utcnow()
        audit.append(
            session,
            actor_id=actor.user_id,
            action="token.revoke",
            object_type="api_token",
            object_id=row.id,
            change={"revoked": True},
        )
    return row
