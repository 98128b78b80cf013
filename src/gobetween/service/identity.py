"""Users, passwords, browser sessions, API tokens and login throttling (service functions).

Every function takes an open session (the request's unit of work) and leaves committing to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gobetween.errors import AuthenticationFailed, Conflict, NotFound, RateLimited, ValidationFailed
from gobetween.policy import Actor
from gobetween.service.security import PasswordHasher, new_token, token_digest
from gobetween.service.settings import Settings
from gobetween.store import audit, repositories
from gobetween.store import tables as t

__all__ = [
    "NewSession",
    "authenticate_session",
    "authenticate_token",
    "authenticate_token_actor",
    "create_api_token",
    "create_user",
    "end_session",
    "login",
    "revoke_api_token",
    "start_session",
]

MIN_PASSWORD = 10


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


def authenticate_token(session: Session, token: str) -> t.User:
    """The user behind an API token; :class:`AuthenticationFailed` if unknown or revoked."""
    user = session.execute(
        select(t.User)
        .join(t.ApiToken, t.ApiToken.user_id == t.User.id)
        .where(
            t.ApiToken.token_hash == token_digest(token),
            t.ApiToken.revoked_at.is_(None),
            t.User.active.is_(True),
        )
    ).scalar_one_or_none()
    if user is None:
        raise AuthenticationFailed("unknown or revoked API token")
    return user


def authenticate_token_actor(session: Session, token: str) -> tuple[t.User, Actor]:
    """The user behind an API token and their :class:`Actor`, in one query.

    Same checks as :func:`authenticate_token`; the memberships come outer-joined.
    """
    rows = session.execute(
        select(t.User, t.Membership.process_id, t.Membership.role, t.Membership.organisation_id)
        .join(t.ApiToken, t.ApiToken.user_id == t.User.id)
        .outerjoin(t.Membership, t.Membership.user_id == t.User.id)
        .where(
            t.ApiToken.token_hash == token_digest(token),
            t.ApiToken.revoked_at.is_(None),
            t.User.active.is_(True),
        )
    ).all()
    if not rows:
        raise AuthenticationFailed("unknown or revoked API token")
    user = rows[0][0]
    return user, repositories.actor_from_rows(user.id, [(p, r, o) for _, p, r, o in rows])


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
