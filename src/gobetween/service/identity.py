"""Users, passwords, browser sessions, API tokens and login throttling (service functions).

Every function takes an open session (the request's unit of work) and leaves committing to it.

Log-in throttling (:func:`login`) gives an attacker no lock over the real user:

- one account from one client (address): the first ``login_max_failures`` failures are free,
  then each further attempt waits for a pause that doubles with every failure (1, 2, 4 ... s,
  at most ``login_max_delay_seconds``);
- one client over all accounts: at most ``login_client_max_failures`` failures in the window;
- one account from clients it never logged in from: at most ``login_account_max_failures``
  failures in the window (a cap on guessing spread over many addresses);
- a *known device*, one that logged in to this account before (its device cookie,
  :data:`DEVICE_COOKIE`), counts only its own failures: what happens from any other address,
  however many, never pauses it.

A successful log-in clears the failures of its (account, client) pair or its device. Old
failures, expired sessions and devices unused for a year are pruned at each log-in attempt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.orm import Session

from gobetween.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    Problems,
    RateLimited,
    SessionIdle,
    TwoFactorRequired,
    ValidationFailed,
)
from gobetween.i18n import _, format_decimal
from gobetween.model import Role
from gobetween.policy import Actor
from gobetween.service import passwords, security_log, two_factor, unique
from gobetween.service.audited import audited
from gobetween.service.security import PasswordHasher, new_token, token_digest
from gobetween.service.settings import Settings
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store.callers import SessionCallerRow, TokenCallerRow, session_caller, token_caller
from gobetween.store.login_tables import LoginDevice
from gobetween.store.plans import Plan, Query, Rows, Step, named

__all__ = [
    "CSRF_HEADER",
    "DEVICE_COOKIE",
    "Attempt",
    "Caller",
    "CheckedPassword",
    "Credentials",
    "LoginOutcome",
    "NewAccount",
    "NewSession",
    "authenticate_session",
    "check_current_password",
    "check_current_password_first",
    "check_new_user",
    "check_password_first",
    "create_api_token",
    "create_user",
    "end_session",
    "load_actor",
    "login",
    "prune",
    "remember_device",
    "revoke_api_token",
    "start_session",
]

MIN_PASSWORD = 10
CSRF_HEADER = "X-CSRF-Token"
#: The cookie that marks a device that logged in before (only its digest is stored).
DEVICE_COOKIE = "gobetween_device"
#: How long a device is remembered without logging in.
DEVICE_DAYS = 365


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased; refuses what is plainly not an address.

    >>> normalise_email("  Ana@UN.org ")
    'ana@un.org'
    """
    value = email.strip().lower()
    local, _at, domain = value.partition("@")
    if not local or not domain or " " in value or len(value) > 254:
        raise ValidationFailed(
            _("%(email)r is not an e-mail address") % {"email": email},
            location="email",
            expected=_("an address such as name@domain"),
        )
    return value


#: The longest name of a person, in characters (the API's ``Name``, the users table's column).
MAX_NAME = 200


def check_name(name: str) -> None:
    """Refuse an empty name, and one longer than :data:`MAX_NAME` characters (a page's form
    reads it without the API's schema limit, so that it can name the field)."""
    if not name.strip():
        raise ValidationFailed(_("the name is empty"), location="name", expected=_("a name"))
    if len(name) > MAX_NAME:
        limit = {"length": format_decimal(len(name)), "limit": format_decimal(MAX_NAME)}
        said = _("%(length)s characters; at most %(limit)s are accepted") % limit
        raise ValidationFailed(said, location="name")


def check_password(password: str, email: str | None = None) -> None:
    """Refuse passwords shorter than :data:`MIN_PASSWORD` characters, the account's own
    e-mail address (or the part before its ``@``), and common or breached ones
    (:func:`gobetween.service.passwords.refuse_common`).

    >>> check_password("ana.kovalenko@un.org", "Ana.Kovalenko@UN.org")
    Traceback (most recent call last):
    ...
    gobetween.errors.ValidationFailed: password: the password is the account's e-mail address...
    """
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(
            _("the password is too short"),
            location="password",
            expected=_("at least %(num)s characters") % {"num": MIN_PASSWORD},
        )
    if email:
        own = email.strip().casefold()
        if password.strip().casefold() in (own, own.partition("@")[0]):
            raise ValidationFailed(
                _("the password is the account's e-mail address: anyone who knows it could log in"),
                location="password",
                expected=_("a password that is not the e-mail address"),
            )
    passwords.refuse_common(password)


def create_user(
    session: Session,
    hasher: PasswordHasher,
    *,
    email: str,
    name: str,
    password: str | None,
    actor_id: int | None = None,
    hashed: str | None = None,
) -> t.User:
    """A new user (:class:`Conflict` if the e-mail address is taken).

    ``hashed`` is ``hasher.hash(password)`` computed before the unit of work, as for
    :func:`set_password` (the refusals can be given before it too: :func:`check_new_user`).
    """
    address = check_new_user(session, email=email, name=name, password=password)
    if password is not None and hashed is None:
        hashed = hasher.hash(password)
    user = t.User(
        email=address,
        name=name.strip(),
        password_hash=hashed if password is not None else None,
        active=True,
    )
    session.add(user)
    with unique.taken("uq_users_email", lambda: _address_taken(address)):
        session.flush()  # taken since the check, by a unit that committed meanwhile
    audited(
        session, actor_id, "user.create", ("user", user.id), {"email": address, "name": user.name}
    )
    return user


def _address_taken(address: str) -> Conflict:
    return Conflict(_("a user with e-mail %(address)s exists already") % {"address": address})


@dataclass(frozen=True, slots=True)
class NewAccount:
    """A new account as a form gives it: the name, the password and (unless it comes from an
    invitation) the e-mail address; ``hashed``, the password's Argon2 hash once
    :meth:`hashed_by` has made it, before the writing unit of work that creates the account
    (:func:`create_user`'s ``hashed``)."""

    name: str
    password: str = field(repr=False)
    email: str = ""
    hashed: str | None = field(default=None, repr=False)

    def hashed_by(self, hasher: PasswordHasher) -> NewAccount:
        """The same account with its password hashed (0.1 to 0.25 s at the default cost)."""
        return replace(self, hashed=hasher.hash(self.password))


def check_new_user(session: Session, *, email: str, name: str, password: str | None) -> str:
    """What :func:`create_user` refuses, in its order, without writing (a read-only unit of
    work will do): :class:`ValidationFailed` for the address, the name or the password,
    :class:`Conflict` when the address is taken. The address as accounts keep it.

    The address, the name and the password are checked independently, and all their
    problems are reported together (:class:`~gobetween.errors.FieldsRefused`)."""
    found, address = Problems(), ""
    with found.check():
        address = normalise_email(email)
    with found.check():
        check_name(name)
    if password is not None:
        with found.check():
            check_password(password, email)
    found.done()  # each problem of the form at once (a page names them all)
    if session.execute(select(t.User.id).where(t.User.email == address)).first():
        raise _address_taken(address)
    return address


def set_password(
    session: Session,
    hasher: PasswordHasher,
    user: t.User,
    password: str,
    *,
    keep_session: str | None = None,
    hashed: str | None = None,
) -> None:
    """Replace a user's password, ending every other way in.

    ``hashed`` is ``hasher.hash(password)`` computed before the unit of work (Argon2 takes about
    a quarter of a second with the default cost, which the write lock need not wait for).

    Every browser session of the user ends except the one whose cookie is ``keep_session`` (the
    one that changed it), every API token is revoked, and no device counts as known any more:
    whoever had learnt the old password keeps nothing that still works.
    """
    check_password(password, user.email)
    user.password_hash = hashed if hashed is not None else hasher.hash(password)
    kept = token_digest(keep_session) if keep_session else ""
    ended = _count(
        session.execute(
            delete(t.WebSession).where(
                t.WebSession.user_id == user.id, t.WebSession.session_hash != kept
            )
        )
    )
    revoked = _count(
        session.execute(
            update(t.ApiToken)
            .where(t.ApiToken.user_id == user.id, t.ApiToken.revoked_at.is_(None))
            .values(revoked_at=t.utcnow())
        )
    )
    session.execute(delete(LoginDevice).where(LoginDevice.user_id == user.id))
    security_log.record(session, user.id, "password.changed")
    audited(
        session,
        user.id,
        "user.password",
        ("user", user.id),
        {"password": "changed", "sessions_ended": ended, "tokens_revoked": revoked},
    )


def _count(result: Result[Any]) -> int:
    """Rows a DELETE or UPDATE touched."""
    return int(cast(CursorResult[Any], result).rowcount)


def _failures(session: Session, settings: Settings, key: str) -> tuple[int, dt.datetime]:
    """How many failures ``key`` has in the window, and the oldest of them."""
    since = t.utcnow() - dt.timedelta(seconds=settings.login_window_seconds)
    count, oldest = session.execute(
        select(func.count(), func.min(t.LoginFailure.at)).where(
            t.LoginFailure.key == key, t.LoginFailure.at >= since
        )
    ).one()
    decode = t.UTCDateTime().process_result_value
    if count >= 1:
        return int(count), decode(oldest, None) or t.utcnow()
    return 0, t.utcnow()


def pause_after(failures: int, free: int, longest: int) -> int:
    """Seconds to wait after the latest of ``failures``: none for the first ``free``, then
    doubling with each one, at most ``longest``.

    >>> [pause_after(n, 5, 300) for n in (0, 4, 5, 6, 7, 20)]
    [0, 0, 1, 2, 4, 300]
    """
    if failures < free:
        return 0
    return min(longest, 1 << min(failures - free, 30))


def _slow_down(session: Session, settings: Settings, key: str) -> None:
    """:class:`RateLimited` while ``key``'s doubling pause since its latest failure runs."""
    since = t.utcnow() - dt.timedelta(seconds=settings.login_window_seconds)
    count, latest = session.execute(
        select(func.count(), func.max(t.LoginFailure.at)).where(
            t.LoginFailure.key == key, t.LoginFailure.at >= since
        )
    ).one()
    pause = pause_after(int(count), settings.login_max_failures, settings.login_max_delay_seconds)
    if pause:
        latest_at = t.UTCDateTime().process_result_value(latest, None) or t.utcnow()
        wait = pause - (t.utcnow() - latest_at).total_seconds()
        if wait > 0:
            raise RateLimited(_too_many(), max(1, int(wait) + 1))


def _cap(session: Session, settings: Settings, key: str, limit: int) -> None:
    """:class:`RateLimited` while ``key`` has ``limit`` failures in the window."""
    count, oldest = _failures(session, settings, key)
    if count >= limit:
        wait = settings.login_window_seconds - (t.utcnow() - oldest).total_seconds()
        raise RateLimited(_too_many(), max(1, int(wait) + 1))


def _too_many() -> str:
    return _("too many failed logins; try again later")


def _pair_key(address: str, client: str) -> str:
    return "pair:" + hashlib.sha256(f"{address}\n{client}".encode()).hexdigest()


def _known_device(session: Session, device: str | None, user: t.User | None) -> str | None:
    """The digest of ``device`` if it logged in to ``user``'s account before, else ``None``."""
    if not device or user is None:
        return None
    digest = token_digest(device)
    owner = session.execute(
        select(LoginDevice.user_id).where(LoginDevice.device_hash == digest)
    ).scalar_one_or_none()
    return digest if owner == user.id else None


def prune(session: Session, settings: Settings) -> None:
    """Delete log-in failures older than the window, expired sessions and devices unused for
    :data:`DEVICE_DAYS` days (each an indexed range delete)."""
    now = t.utcnow()
    since = now - dt.timedelta(seconds=settings.login_window_seconds)
    session.execute(delete(t.LoginFailure).where(t.LoginFailure.at < since))
    session.execute(delete(t.WebSession).where(t.WebSession.expires_at <= now))
    stale = now - dt.timedelta(days=DEVICE_DAYS)
    session.execute(delete(LoginDevice).where(LoginDevice.last_used_at < stale))


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    """What a log-in attempt came to: the user, or why not (``refusal``).

    ``refusal`` is ``"credentials"`` (the e-mail address, the password or the code: which is
    not said), or, only to a device that logged in to this account before (its device cookie,
    which a password guesser does not have), ``"code_missing"`` or ``"code_wrong"``: the
    password was right and the second factor's code was not given or not right.
    """

    user: t.User | None
    refusal: str = ""

    def message(self) -> str:
        """The refusal in the reader's language."""
        if self.refusal == "code_missing":
            return _(
                "The password is right. This account also needs the code your authenticator "
                "app shows now (or one of your recovery codes)."
            )
        if self.refusal == "code_wrong":
            return _(
                "The password is right, but the code is wrong or was used already: type the "
                "code your authenticator app shows now (check that your phone's clock is "
                "right), or one of your recovery codes."
            )
        return _(
            "Wrong e-mail address or password (or, if the account has a second factor, a "
            "missing or wrong code)."
        )


@dataclass(frozen=True, slots=True)
class Attempt:
    """One log-in attempt: what was typed (the second factor's code, if any) and where from
    (the client's address, the device cookie); :func:`check_password_first` and :func:`login`
    take the same attempt."""

    email: str
    password: str = field(repr=False)
    client: str
    device: str | None = None
    code: str | None = None

    @property
    def address(self) -> str:
        """The e-mail address as accounts keep it (trimmed, lower case, at most 254)."""
        return self.email.strip().lower()[:254]


@dataclass(frozen=True, slots=True)
class CheckedPassword:
    """A log-in's password, verified before its writing unit of work
    (:func:`check_password_first`)."""

    address: str
    password_hash: str | None
    ok: bool


def _throttle(
    session: Session,
    settings: Settings,
    address: str,
    client: str,
    device: str | None,
    user: t.User | None,
) -> tuple[str | None, tuple[str, ...]]:
    """The log-in's pauses (:class:`RateLimited` while it must wait): the known device the
    request comes from, if any, and the keys its failure is counted under."""
    known = _known_device(session, device, user)
    keys: tuple[str, ...]
    if known is not None:  # a device that logged in here before: its own failures only
        keys = (f"device:{known}",)
        _slow_down(session, settings, keys[0])
    else:
        keys = (_pair_key(address, client), f"client:{client[:250]}", f"account:{address}")
        _slow_down(session, settings, keys[0])
        _cap(session, settings, keys[1], settings.login_client_max_failures)
        _cap(session, settings, keys[2], settings.login_account_max_failures)
    return known, keys


def check_password_first(
    session: Session, hasher: PasswordHasher, settings: Settings, attempt: Attempt
) -> CheckedPassword:
    """In a read-only unit of work, before :func:`login`'s writing one: the same pauses
    (:class:`RateLimited`), then the password verified. Argon2 with the default cost takes
    about a quarter of a second, and inside the writing unit every other user's write waited
    for it (docs/security.md, *Promise 2*). Nothing is told: :func:`login` answers."""
    address = attempt.address
    user = session.execute(select(t.User).where(t.User.email == address)).scalar_one_or_none()
    _throttle(session, settings, address, attempt.client, attempt.device, user)
    digest = user.password_hash if user else None
    return CheckedPassword(address, digest, hasher.verify(digest, attempt.password))


def login(
    session: Session,
    hasher: PasswordHasher,
    settings: Settings,
    attempt: Attempt,
    *,
    checked: CheckedPassword | None = None,
) -> LoginOutcome:
    """The user whose credentials these are, or why not (the failure is recorded).

    ``checked`` is :func:`check_password_first`'s result for the same attempt, taken in a
    read-only unit before this writing one: the password is then not verified again here
    (unless the account's password changed meanwhile), so the write lock is not held while
    Argon2 runs. The pauses are checked again here all the same.

    The attempt's ``device`` is the request's device cookie, if any; its ``code`` the second
    factor's code (or a recovery code), needed when the user turned it on: a missing or wrong
    one is a failure like a wrong password, counted and paused the same way, and checked
    whether the password is right or not (the same statements run, so the time taken does not
    tell them apart). Only a device that logged in to the account before is told that the
    password was right and the code was not (:class:`LoginOutcome`). Raises
    :class:`RateLimited` while the attempt must wait (see the module's docstring for the rules).
    """
    prune(session, settings)
    address, client, code = attempt.address, attempt.client, attempt.code
    user = session.execute(select(t.User).where(t.User.email == address)).scalar_one_or_none()
    known, keys = _throttle(session, settings, address, client, attempt.device, user)
    digest = user.password_hash if user else None
    if checked is not None and checked.address == address and checked.password_hash == digest:
        ok = checked.ok  # checked before the unit of work, against the same hash
    else:
        ok = hasher.verify(digest, attempt.password)
    failure = "login.failed"
    code_passes = user is None or two_factor.passes(session, user, code, address=client, use=ok)
    if ok and not code_passes:  # the owner should know: the password is out
        ok, failure = False, "login.code_failed"
    if user is None or not ok or not user.active:
        session.add_all([t.LoginFailure(key=key) for key in keys])
        if user is None:
            return LoginOutcome(None, "credentials")
        security_log.record(session, user.id, failure, address=client)
        if failure == "login.code_failed" and known is not None and user.active:
            return LoginOutcome(None, "code_wrong" if code else "code_missing")
        return LoginOutcome(None, "credentials")
    session.execute(delete(t.LoginFailure).where(t.LoginFailure.key == keys[0]))
    security_log.record(session, user.id, "login", address=client)
    return LoginOutcome(user)


def check_current_password_first(
    session: Session, hasher: PasswordHasher, settings: Settings, user: t.User, password: str
) -> CheckedPassword:
    """In a read-only unit of work, before :func:`check_current_password`'s writing one: the
    same pauses (:class:`RateLimited`), then the password verified (Argon2, outside the write
    lock). Nothing is recorded: :func:`check_current_password` does that."""
    _slow_down(session, settings, f"password:{user.id}")
    return CheckedPassword(
        user.email, user.password_hash, hasher.verify(user.password_hash, password)
    )


def check_current_password(
    session: Session,
    hasher: PasswordHasher,
    settings: Settings,
    user: t.User,
    password: str,
    *,
    checked: CheckedPassword | None = None,
) -> bool:
    """Whether ``password`` is the user's (before a change), with the log-in's doubling
    pauses (:class:`RateLimited`): a stolen session cannot guess the password at speed.

    A failure is recorded in ``session``: the caller commits it even though the change is
    refused (see :func:`wrong_current_password`). ``checked``: the result of
    :func:`check_current_password_first` for the same user and password, so the password is not
    verified again here unless it changed meanwhile (the pauses are checked again).
    """
    key = f"password:{user.id}"
    _slow_down(session, settings, key)
    same = checked is not None and (checked.address, checked.password_hash) == (
        user.email,
        user.password_hash,
    )
    if not (
        checked.ok if checked is not None and same else hasher.verify(user.password_hash, password)
    ):
        session.add(t.LoginFailure(key=key))
        return False
    session.execute(delete(t.LoginFailure).where(t.LoginFailure.key == key))
    return True


def wrong_current_password() -> ValidationFailed:
    """The error for a wrong current password."""
    return ValidationFailed(
        _("the current password is wrong"),
        location="current_password",
        expected=_("your current password"),
    )


def remember_device(session: Session, user: t.User, device: str | None) -> str | None:
    """After a successful log-in: a new device cookie value, or ``None`` when ``device``
    is already this user's (its last use is then updated)."""
    if device:
        row = session.execute(
            select(LoginDevice).where(LoginDevice.device_hash == token_digest(device))
        ).scalar_one_or_none()
        if row is not None and row.user_id == user.id:
            row.last_used_at = t.utcnow()
            return None
    token = new_token()
    session.add(LoginDevice(user_id=user.id, device_hash=token_digest(token)))
    return token


@dataclass(frozen=True, slots=True)
class NewSession:
    """A browser session just started: the cookie value and its CSRF token."""

    token: str
    csrf_token: str
    expires_at: dt.datetime


def start_session(
    session: Session, settings: Settings, user: t.User, *, address: str = "", user_agent: str = ""
) -> NewSession:
    """Start a browser session for ``user``, from the client ``address`` and browser
    ``user_agent`` (both shown in the user's session list)."""
    token, csrf = new_token(), new_token()
    expires = t.utcnow() + dt.timedelta(hours=settings.session_hours)
    row = t.WebSession(
        user_id=user.id, session_hash=token_digest(token), csrf_token=csrf, expires_at=expires
    )
    session.add(row)
    session.flush()
    security_log.remember_session_device(session, row, address=address, user_agent=user_agent)
    audited(
        session,
        user.id,
        "session.start",
        ("session", row.id),
        {"user": user.id, "expires_at": expires.isoformat()},
    )
    return NewSession(token, csrf, expires)


def end_session(session: Session, token: str) -> None:
    """End the browser session with this cookie value (no error if there is none)."""
    row = session.execute(
        select(t.WebSession).where(t.WebSession.session_hash == token_digest(token))
    ).scalar_one_or_none()
    if row is not None:
        audited(session, row.user_id, "session.end", ("session", row.id), {})
        session.delete(row)
        security_log.record(session, row.user_id, "session.ended")


def authenticate_session(session: Session, token: str) -> tuple[t.User, t.WebSession]:
    """The user and session behind a session cookie; :class:`AuthenticationFailed` if none."""
    row = session.execute(
        select(t.WebSession).where(t.WebSession.session_hash == token_digest(token))
    ).scalar_one_or_none()
    if row is None or row.expires_at <= t.utcnow():
        raise AuthenticationFailed(_("the session has expired; log in again"))
    user = session.get(t.User, row.user_id)
    if user is None or not user.active:
        raise AuthenticationFailed(_("the session has expired; log in again"))
    return user, row


def check_idle(last_seen: dt.datetime, idle_minutes: int, now: dt.datetime | None = None) -> None:
    """:class:`SessionIdle` when a session last used at ``last_seen`` has gone ``idle_minutes``
    unused (0: never). "Last seen" is written at most once a minute, so a session ends between
    ``idle_minutes - 1`` and ``idle_minutes`` after its last request.

    >>> at = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    >>> check_idle(at, 30, now=at + dt.timedelta(minutes=29, seconds=59))
    >>> try:
    ...     check_idle(at, 30, now=at + dt.timedelta(minutes=30))
    ... except SessionIdle as ended:
    ...     print(ended)
    the session ended because it was not used for 30 minutes; log in again
    """
    if idle_minutes and last_seen <= (now or t.utcnow()) - dt.timedelta(minutes=idle_minutes):
        raise SessionIdle(
            _("the session ended because it was not used for %(minutes)s minutes; log in again")
            % {"minutes": idle_minutes}
        )


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a request presents: an API token, or a session cookie (with its CSRF token).

    :meth:`query` reads the user and every membership in one statement, so a plan sends it
    together with its first statements; :meth:`actor` checks the rows it returned. An API token
    must be known, not revoked and its user active; a session must exist, not have expired, and
    a state-changing request (``safe`` false) must carry the session's CSRF token. A user who
    must have a second factor (``two_factor_rule``, the installation's ``require_two_factor``,
    or a process's rule: :func:`gobetween.service.two_factor.needs`) and has none is refused
    with :class:`TwoFactorRequired`, unless the route lets them set it up (``enrolling``).
    """

    bearer: str | None = None
    session_token: str | None = None
    csrf: str | None = None
    safe: bool = True
    two_factor_rule: str = "off"
    enrolling: bool = False
    #: minutes a session may go unused (0: no limit; :func:`check_idle`)
    idle_minutes: int = 0

    def query(self) -> Query:
        """The statement that reads the caller (:class:`AuthenticationFailed` without any)."""
        if self.bearer is not None:
            return token_caller(token_digest(self.bearer))
        if self.session_token is not None:
            return session_caller(token_digest(self.session_token))
        raise AuthenticationFailed(_("log in or send an API token (Authorization: Bearer ...)"))

    @property
    def row(self) -> type[TokenCallerRow] | type[SessionCallerRow]:
        """The row type of :meth:`query` (see :func:`gobetween.store.plans.split`)."""
        return TokenCallerRow if self.bearer is not None else SessionCallerRow

    def actor(self, rows: Rows) -> Actor:
        """The caller's :class:`Actor` from the rows of :meth:`query`."""
        return self.caller(rows).actor

    def caller(self, rows: Rows) -> Caller:
        """The :class:`Caller` from the rows of :meth:`query`: the :class:`Actor`, with the
        language and time zone a browser session's user chose."""
        found: list[TokenCallerRow] | list[SessionCallerRow]
        if self.bearer is not None:
            found = named(TokenCallerRow, rows)
            if not found:
                raise AuthenticationFailed(_("unknown or revoked API token"))
        else:
            found = sessions = named(SessionCallerRow, rows)
            if not sessions or sessions[0].expires_at <= t.utcnow():
                raise AuthenticationFailed(_("the session has expired; log in again"))
            check_idle(sessions[0].last_seen_at, self.idle_minutes)
            if not self.safe and not (
                self.csrf and hmac.compare_digest(self.csrf, sessions[0].csrf_token)
            ):
                raise PermissionDenied(
                    _(
                        "missing or wrong CSRF token: send the %(header)s header or a "
                        "csrf_token form field"
                    )
                    % {"header": CSRF_HEADER}
                )
        if not (self.enrolling or found[0].second_factor):
            admin = any(r.site_admin or r.role == Role.ADMIN for r in found)
            process_rule = any(r.process_rule for r in found)
            if two_factor.needs(self.two_factor_rule, admin=admin, process_rule=process_rule):
                raise TwoFactorRequired(two_factor.required_message())
        memberships = [(r.process_id, r.role, r.organisation_id) for r in found]
        actor = repositories.actor_from_rows(found[0].user_id, memberships)
        if self.bearer is not None:
            return Caller(actor)
        return Caller(actor, sessions[0].locale, sessions[0].time_zone)

    def caller_plan(self) -> Plan[Caller]:
        """A plan of its own: just the caller."""
        (rows,) = yield Step((self.query(),))
        return self.caller(rows)

    def actor_plan(self) -> Plan[Actor]:
        """A plan of its own: just the caller's :class:`Actor`."""
        caller = yield from self.caller_plan()
        return caller.actor


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a request's credentials name: the :class:`Actor`, and for a browser session the
    language and time zone the user chose (``None``: the browser's; always for an API token,
    whose calls keep the request's language)."""

    actor: Actor
    locale: str | None = None
    time_zone: str | None = None


def load_actor(session: Session, user_id: int) -> Actor:
    """The user's :class:`Actor` with every membership as stored now (after the unit of work
    has added one, say)."""
    return repositories.load_actor(session, user_id)


def create_api_token(session: Session, actor: Actor, name: str) -> tuple[t.ApiToken, str]:
    """A new API token for the actor; the plain token is returned once and never stored."""
    token = new_token()
    # a random id: a sequential one would count the tokens every other user creates
    token_id = t.random_id()
    while session.get(t.ApiToken, token_id) is not None:  # a collision: p < n / 2**31
        token_id = t.random_id()
    row = t.ApiToken(id=token_id, user_id=actor.user_id, name=name, token_hash=token_digest(token))
    session.add(row)
    session.flush()
    audited(session, actor, "token.create", ("api_token", row.id), {"name": name})
    security_log.record(session, actor.user_id, "token.created")
    return row, token


def api_tokens(session: Session, actor: Actor) -> Sequence[t.ApiToken]:
    """The actor's own API tokens (never anyone else's)."""
    stmt = (
        select(t.ApiToken)
        .where(t.ApiToken.user_id == actor.user_id)
        .order_by(t.ApiToken.created_at, t.ApiToken.id)
    )
    return session.execute(stmt).scalars().all()


def revoke_api_token(session: Session, actor: Actor, token_id: int) -> t.ApiToken:
    """Revoke one of the actor's own tokens."""
    row = session.get(t.ApiToken, token_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFound(_("no API token %(token_id)s") % {"token_id": token_id})
    if row.revoked_at is None:
        row.revoked_at = t.utcnow()
        audited(session, actor, "token.revoke", ("api_token", row.id), {"revoked": True})
        security_log.record(session, actor.user_id, "token.revoked")
    return row
