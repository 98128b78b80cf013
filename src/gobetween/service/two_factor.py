"""A second factor: time-based one-time codes (TOTP, RFC 6238) and one-time recovery codes.

Enrolment: :func:`start` makes a random 160-bit secret and answers it as a key to type into an
authenticator app (base32) and as an ``otpauth://`` URI; :func:`confirm` turns the second factor
on once the user proves the app shows the right code, and answers ten recovery codes, shown
that once and kept only as SHA-256 digests. From then on a log-in needs, besides the password,
a current code (SHA-1, 6 digits, 30-second steps, one step of clock drift either way; a code
once used is refused again) or an unused recovery code (:func:`passes`, called by
:func:`gobetween.service.identity.login`, whose failures count and pause exactly like wrong
passwords). :func:`disable` turns it off (the current password is checked by the caller).

Compulsory: the setting ``require_two_factor`` (``off``, ``admins``, ``everyone``) and a
process's own rule, set by its convener (:func:`set_process_rule`: "members of this process
must use a second factor"), decide who must have one (:func:`needs`). A user who must and has
none is answered :class:`~gobetween.errors.TwoFactorRequired` (403) by every route but setting
it up, their own sessions and log, and logging out (the check is in
:class:`gobetween.service.identity.Credentials`, so it covers browser sessions and API tokens
alike: a token works again once its user has turned the second factor on). Such a user may
not turn it off (:func:`disable` refuses, naming who requires it: :func:`required_by`).
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

from gobetween.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gobetween.i18n import _
from gobetween.model import Role
from gobetween.policy import Actor
from gobetween.service import admin_alerts, processes, security_log, unique
from gobetween.service.audited import audited
from gobetween.service.security import token_digest
from gobetween.service.settings import Settings
from gobetween.store import tables as t
from gobetween.store.login_tables import ProcessTwoFactor, RecoveryCode, TwoFactor
from gobetween.store.setup_tables import Installation

__all__ = [
    "DIGITS",
    "PERIOD",
    "Enrolment",
    "ProcessRule",
    "code_at",
    "confirm",
    "disable",
    "enabled",
    "link_needed_message",
    "needs",
    "passes",
    "pending",
    "process_rule",
    "recovery_codes_left",
    "required_by",
    "required_message",
    "reset_by_admin",
    "set_process_rule",
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


def start(session: Session, user: t.User, *, rule: str = "off", token: str = "") -> Enrolment:
    """A new secret for ``user`` (replacing an unconfirmed one); 409 when already on.

    When a second factor is compulsory for ``user`` (``rule``, the installation's
    ``require_two_factor``, or a process's rule), ``token`` must be an unused enrolment link of
    theirs (:mod:`gobetween.service.enrolment`): 409 without one, 404 for a wrong one.
    """
    if enabled(session, user.id):
        raise Conflict(_("the second factor is already on; turn it off first to change it"))
    if required_by(session, rule, user.id):
        if not token:
            raise Conflict(link_needed_message())
        from gobetween.service import enrolment  # it reaches the mail through setup

        enrolment.take(session, user, token)
    secret = base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")
    # a set-up started at the same moment (another tab) is replaced, as one started before
    row, made = unique.get_or_add(
        session, TwoFactor, user.id, lambda: TwoFactor(user_id=user.id, secret=secret)
    )
    if not made:
        row.secret, row.last_step = secret, 0
    return _enrolment(user, secret)


def pending(session: Session, user: t.User, *, rule: str = "off") -> Enrolment | None:
    """The set-up started and not yet confirmed, if any (to ask for the code again). Under
    compulsion its key is not shown again (blank ``secret`` and ``uri``): it was shown once to
    whoever followed the enrolment link, and the password alone must not reveal it."""
    row = session.get(TwoFactor, user.id)
    if row is None or row.enabled_at is not None:
        return None
    if required_by(session, rule, user.id):
        return Enrolment("", "")
    return _enrolment(user, row.secret)


def link_needed_message() -> str:
    """What a user who must set up a second factor without an enrolment link is told."""
    return _(
        "a second factor is required of your account: to set it up, open the link mailed to "
        "your address (ask for it on /account/security, or POST /api/account/two-factor/link), "
        "or one the administrator of this installation gives you"
    )


def _enrolment(user: t.User, secret: str) -> Enrolment:
    label = urllib.parse.quote(f"{ISSUER}:{user.email}")
    query = urllib.parse.urlencode(
        {"secret": secret, "issuer": ISSUER, "digits": DIGITS, "period": PERIOD}
    )
    return Enrolment(secret, f"otpauth://totp/{label}?{query}")


def _matching_step(row: TwoFactor, code: str) -> int | None:
    """The step whose code ``code`` is, if it is the app's code now (a step either way) and
    no code of that step or a later one was used before."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = _step()
    for step in (now - 1, now, now + 1):
        if step > row.last_step and hmac.compare_digest(code_at(row.secret, step), code):
            return step
    return None


def _accept_code(row: TwoFactor, code: str) -> bool:
    """Whether ``code`` is the app's code now, not used before; used up if so."""
    step = _matching_step(row, code)
    if step is not None:
        row.last_step = step
    return step is not None


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


def disable(session: Session, user: t.User, rule: str) -> None:
    """Turn the second factor off and forget its secret and recovery codes; 409 (naming who
    requires it) when ``rule`` (the installation's ``require_two_factor``) or one of the
    user's processes requires it."""
    reasons = required_by(session, rule, user.id)
    if reasons:
        raise Conflict(
            _("the second factor cannot be turned off: it is required by %(reasons)s")
            % {"reasons": "; ".join(reasons)}
        )
    session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    security_log.record(session, user.id, "two_factor.disabled")


def reset_by_admin(session: Session, actor: Actor, settings: Settings, email: str) -> None:
    """The installation's administrator removes the second factor of the account at ``email``,
    whose owner lost it (their app and their recovery codes), instead of an operator deleting
    rows. The owner is told by e-mail (``two_factor.reset`` in their security log), the
    administrators are alerted (:mod:`gobetween.service.admin_alerts`), and the audit chain
    records who did it. Anyone else: 403; an account without a second factor or no account at
    that address: 404; one's own: 409 (use a recovery code, then turn it off)."""
    if not security_log.is_site_admin(session, actor):
        raise PermissionDenied(
            _("only the administrator of this installation removes another's second factor")
        )
    address = email.strip().lower()
    user = session.execute(select(t.User).where(t.User.email == address)).scalar_one_or_none()
    if user is None or session.get(TwoFactor, user.id) is None:
        raise NotFound(_("no account with a second factor at this address"))
    if user.id == actor.user_id:
        raise Conflict(
            _("you cannot remove your own second factor here: log in with a recovery code")
        )
    session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audited(session, actor, "user.two_factor.reset", ("user", user.id), {"by": actor.user_id})
    security_log.record(session, user.id, "two_factor.reset")
    number = user.id

    def details() -> str:
        return _("The account is number %(user)d; the administrator's, number %(admin)d.") % {
            "user": number,
            "admin": actor.user_id,
        }

    admin_alerts.notify(session, settings, "two_factor.reset", details)


def recovery_codes_left(session: Session, user_id: int) -> int:
    """How many unused recovery codes the user has."""
    return session.execute(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def passes(
    session: Session, user: t.User, code: str | None, *, address: str = "", use: bool = True
) -> bool:
    """Whether a log-in of ``user`` may go on as far as the second factor goes: none is on, or
    ``code`` is a current code or an unused recovery code, used up here when ``use`` (the
    password was right). With ``use`` false the same statements run and nothing changes, so
    that a wrong password takes as long as a right one with a wrong code."""
    row = session.get(TwoFactor, user.id)
    if row is None or row.enabled_at is None:
        return True
    if not code:
        return False
    if _accept_code(row, code) if use else _matching_step(row, code) is not None:
        return True
    spare = session.execute(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
    ).scalar_one_or_none()
    if spare is None or not use:
        return spare is not None
    spare.used_at = t.utcnow()
    security_log.record(session, user.id, "recovery_code.used", address=address)
    return True


def _recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return f"{raw[:8]}-{raw[8:16]}"


def _digest(code: str) -> str:
    return token_digest("".join(code.split()).lower())


def needs(rule: str, *, admin: bool, process_rule: bool) -> bool:
    """Whether a user must log in with a second factor: ``rule`` is the installation's
    ``require_two_factor``, ``admin`` whether the user administers a process or the
    installation, ``process_rule`` whether one of their processes requires it.

    >>> [needs(rule, admin=True, process_rule=False) for rule in ("off", "admins", "everyone")]
    [False, True, True]
    >>> needs("admins", admin=False, process_rule=False)
    False
    >>> needs("off", admin=False, process_rule=True)
    True
    """
    return rule == "everyone" or (rule == "admins" and admin) or process_rule


def required_message() -> str:
    """What a user who must have a second factor and has none is told (web and API)."""
    return _(
        "this installation or a process you are a member of requires a second factor: turn it "
        "on at /account/security (API: POST /api/account/two-factor, then POST "
        "/api/account/two-factor/confirm with the code your app shows)"
    )


def required_by(session: Session, rule: str, user_id: int) -> list[str]:
    """Who requires ``user_id`` to have a second factor, in words (empty: nobody)."""
    roles = session.execute(
        select(t.Membership.role).where(t.Membership.user_id == user_id)
    ).scalars()
    site_admin = session.execute(select(Installation.admin_id)).scalar_one_or_none() == user_id
    admin = site_admin or Role.ADMIN in {Role(r) for r in roles}
    reasons: list[str] = []
    if needs(rule, admin=admin, process_rule=False):
        reasons.append(
            _("this installation (for everyone)")
            if rule == "everyone"
            else _("this installation (for administrators)")
        )
    names = session.execute(
        select(t.Process.name)
        .join(ProcessTwoFactor, ProcessTwoFactor.process_id == t.Process.id)
        .join(t.Membership, t.Membership.process_id == t.Process.id)
        .where(t.Membership.user_id == user_id)
        .distinct()
        .order_by(t.Process.name)
    ).scalars()
    reasons.extend(_("the process %(process)s") % {"process": name} for name in names)
    return reasons


@dataclass(frozen=True, slots=True)
class ProcessRule:
    """Whether a process requires its members to use a second factor, and how many of its
    members have none yet (shown to its admins)."""

    required: bool
    members_without: int


def process_rule(session: Session, actor: Actor, process_id: int) -> ProcessRule:
    """The process's rule (any member reads it; 404 for anyone else)."""
    processes.process(session, actor, process_id)
    required = session.get(ProcessTwoFactor, process_id) is not None
    with_one = select(TwoFactor.user_id).where(TwoFactor.enabled_at.is_not(None))
    without = session.execute(
        select(func.count(func.distinct(t.Membership.user_id))).where(
            t.Membership.process_id == process_id,
            t.Membership.user_id.not_in(with_one.scalar_subquery()),
        )
    ).scalar_one()
    return ProcessRule(required, int(without))


def set_process_rule(
    session: Session, actor: Actor, process_id: int, required: bool
) -> ProcessRule:
    """The convener (a process admin) requires a second factor of every member, or no longer.

    Requiring it needs the convener's own second factor on first (409 otherwise), so that
    the rule never shuts out the person who set it. Recorded in the audit chain.
    """
    _process, view = processes.process(session, actor, process_id)
    view.require_admin()
    row = session.get(ProcessTwoFactor, process_id)
    if required and row is None:
        if not enabled(session, actor.user_id):
            raise Conflict(_("turn on your own second factor first (at /account/security)"))
        row = ProcessTwoFactor(process_id=process_id, set_by=actor.user_id)
        if not unique.added_once(session, row, "pk_process_two_factor"):
            return process_rule(session, actor, process_id)  # required at the same moment
    elif not required and row is not None:
        session.delete(row)
    else:
        return process_rule(session, actor, process_id)
    session.flush()
    audited(session, actor, "process.two_factor", ("process", process_id), {"required": required})
    return process_rule(session, actor, process_id)
