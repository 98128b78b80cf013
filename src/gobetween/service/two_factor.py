"""A second factor: time-based one-time codes (TOTP, RFC 6238) and one-time recovery codes.

Enrolment: :func:`start` makes a random 160-bit secret and answers it as a key to type into an
authenticator app (base32) and as an ``otpauth://`` URI; :func:`confirm` turns the second factor
on once the user proves the app shows the right code, and answers ten recovery codes, shown
that once and kept only as SHA-256 digests. From then on a log-in needs, besides the password,
a current code (SHA-1, 6 digits, 30-second steps, one step of clock drift either way; a code
once used is refused again) or an unused recovery code (:func:`passes`, called by
:func:`gobetween.service.identity.login`, whose failures count and pause exactly like wrong
passwords). :func:`disable` turns it off (the current password is checked by the caller).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import urllib.parse
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gobetween.errors import Conflict, ValidationFailed
from gobetween.i18n import _
from gobetween.service import security_log
from gobetween.service.security import token_digest
from gobetween.store import tables as t
from gobetween.store.login_tables import RecoveryCode, TwoFactor

__all__ = [
    "DIGITS",
    "PERIOD",
    "Enrolment",
    "code_at",
    "confirm",
    "disable",
    "enabled",
    "passes",
    "pending",
    "recovery_codes_left",
    "start",
]

DIGITS = 6
PERIOD = 30
RECOVERY_CODES = 10
ISSUER = "gobetween"


def code_at(secret: str, step: int) -> str:
    """The HOTP value (RFC 4226) of the base32 ``secret`` at counter ``step``.

    RFC 6238's SHA-1 test vector at T = 59 s (step 1), last 6 digits:

    >>> code_at(base64.b32encode(b"12345678901234567890").decode(), 1)
    '287082'
    """
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def _step() -> int:
    return int(t.utcnow().timestamp()) // PERIOD


@dataclass(frozen=True, slots=True)
class Enrolment:
    """The key to type into an authenticator app, and the same as an ``otpauth://`` URI."""

    secret: str
    uri: str


def enabled(session: Session, user_id: int) -> bool:
    """Whether the user's log-ins need a second factor."""
    row = session.get(TwoFactor, user_id)
    return row is not None and row.enabled_at is not None


def start(session: Session, user: t.User) -> Enrolment:
    """A new secret for ``user`` (replacing an unconfirmed one); 409 when already on."""
    if enabled(session, user.id):
        raise Conflict(_("the second factor is already on; turn it off first to change it"))
    secret = base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")
    row = session.get(TwoFactor, user.id)
    if row is None:
        session.add(TwoFactor(user_id=user.id, secret=secret))
    else:
        row.secret, row.last_step = secret, 0
    return _enrolment(user, secret)


def pending(session: Session, user: t.User) -> Enrolment | None:
    """The set-up started and not yet confirmed, if any (to ask for the code again)."""
    row = session.get(TwoFactor, user.id)
    return _enrolment(user, row.secret) if row is not None and row.enabled_at is None else None


def _enrolment(user: t.User, secret: str) -> Enrolment:
    label = urllib.parse.quote(f"{ISSUER}:{user.email}")
    query = urllib.parse.urlencode(
        {"secret": secret, "issuer": ISSUER, "digits": DIGITS, "period": PERIOD}
    )
    return Enrolment(secret, f"otpauth://totp/{label}?{query}")


def _accept_code(row: TwoFactor, code: str) -> bool:
    """Whether ``code`` is the app's code now (a step either way), not used before."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return False
    now = _step()
    for step in (now - 1, now, now + 1):
        if step > row.last_step and hmac.compare_digest(code_at(row.secret, step), code):
            row.last_step = step
            return True
    return False


def confirm(session: Session, user: t.User, code: str) -> list[str]:
    """Turn the second factor on with a code from the app; the recovery codes, shown once."""
    row = session.get(TwoFactor, user.id)
    if row is None or row.enabled_at is not None:
        raise Conflict(_("start the set-up of the second factor first"))
    if not _accept_code(row, code):
        raise ValidationFailed(
            _("the code does not match; check the key you typed and your device's clock"),
            location="code",
            expected=_("the %(digits)s-digit code your authenticator app shows now")
            % {"digits": DIGITS},
        )
    row.enabled_at = t.utcnow()
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c)) for c in codes)
    security_log.record(session, user.id, "two_factor.enabled")
    return codes


def disable(session: Session, user: t.User) -> None:
    """Turn the second factor off and forget its secret and recovery codes."""
    session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    security_log.record(session, user.id, "two_factor.disabled")


def recovery_codes_left(session: Session, user_id: int) -> int:
    """How many unused recovery codes the user has."""
    return session.execute(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def passes(session: Session, user: t.User, code: str | None, *, address: str = "") -> bool:
    """Whether a log-in of ``user`` (password already right) may go on: no second factor, or
    ``code`` is a current code or an unused recovery code (used up here)."""
    row = session.get(TwoFactor, user.id)
    if row is None or row.enabled_at is None:
        return True
    if not code:
        return False
    if _accept_code(row, code):
        return True
    spare = session.execute(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
    ).scalar_one_or_none()
    if spare is None:
        return False
    spare.used_at = t.utcnow()
    security_log.record(session, user.id, "recovery_code.used", address=address)
    return True


def _recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return f"{raw[:8]}-{raw[8:16]}"


def _digest(code: str) -> str:
    return token_digest("".join(code.split()).lower())
