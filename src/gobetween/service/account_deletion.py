"""Deleting one's own account on request (ASVS 8.3.2, the deletion half).

A negotiation platform cannot simply forget a person: what they wrote in a channel, the
preferences they recorded for their party and the texts their party agreed belong to the
process's record, and the signed instruments and the audit chain must stay verifiable. So
:func:`delete_account` *pseudonymises* the person instead: their name becomes ``deleted user``
and a random tag, their address an address that cannot receive mail, the account cannot log in
again; everything that is only about the person goes (sessions, API tokens, device cookies, the
second factor and its recovery codes, one-time links, mail settings and digest lines, the
security log, the mails sent to them, log-in failures naming their address, invitations to their
address not accepted). Their memberships, messages, preferences versions, answers and the keys
registered in their name stay, now under the pseudonym. The audit chain covers the content of
messages and preferences, not who wrote them, so it still verifies.

It needs the current password (paused when wrong, as a log-in;
:class:`~gobetween.service.current_password.CurrentPassword` with :data:`PASSWORD_FAILED`) and,
when the second factor is on, a current code or a recovery code. A wrong password or code is in the
user's security log (``account_deletion.failed``, ``account_deletion.code_failed``), as a failed
log-in is: the owner learns that someone with their session tried. The installation's
administrator cannot delete their own account (409), nor the only administrator of a process
(409 naming it: hand the process over first). The administrators are alerted
(:mod:`gobetween.service.admin_alerts`).
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gobetween.errors import N_, Conflict, ValidationFailed
from gobetween.i18n import _
from gobetween.model import Role
from gobetween.policy import Actor
from gobetween.service import admin_alerts, security_log, two_factor
from gobetween.service.settings import Settings
from gobetween.store import audit
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.login_tables import LoginDevice, RecoveryCode, SecurityEvent, TwoFactor

__all__ = ["PASSWORD_FAILED", "delete_account", "wrong_code"]


def wrong_code() -> ValidationFailed:
    """The error for a missing or wrong code of the second factor."""
    return ValidationFailed(
        _("the code does not match"),
        location="code",
        expected=_("the code your authenticator app shows now, or a recovery code"),
    )


#: The security-log event of a deletion refused for a wrong password: the ``failure`` of the
#: :class:`~gobetween.service.current_password.CurrentPassword` that confirms a deletion.
PASSWORD_FAILED = "account_deletion.failed"


def _sole_admin_of(session: Session, user_id: int) -> list[str]:
    """The processes the user is the only administrator of."""
    mine = select(t.Membership.process_id).where(
        t.Membership.user_id == user_id, t.Membership.role == Role.ADMIN.value
    )
    others = (
        select(func.count(func.distinct(t.Membership.user_id)))
        .where(
            t.Membership.process_id == t.Process.id,
            t.Membership.role == Role.ADMIN.value,
            t.Membership.user_id != user_id,
        )
        .scalar_subquery()
    )
    names = session.execute(
        select(t.Process.name).where(t.Process.id.in_(mine), others == 0).order_by(t.Process.name)
    ).scalars()
    return list(names)


#: The name a deleted account keeps (stored in English, the same in every language, so that
#: no migration is needed); :func:`pseudonym_said` says it in the reader's language.
PSEUDONYM = N_("deleted user %(tag)s")
_STORED = re.compile(r"deleted user ([0-9a-f]{12})")


def pseudonym_said(name: str) -> str:
    """``name`` as shown: a deleted account's stored pseudonym in the current language, any
    other name as it is.

    >>> from gobetween import i18n
    >>> with i18n.use_locale("uk"):
    ...     pseudonym_said("deleted user 0123456789ab"), pseudonym_said("Olena")
    ('видалений користувач 0123456789ab', 'Olena')
    """
    found = _STORED.fullmatch(name)
    return _(PSEUDONYM) % {"tag": found.group(1)} if found else name


def delete_account(
    session: Session, settings: Settings, actor: Actor, user: t.User, *, code: str = ""
) -> str | None:
    """Pseudonymise the caller ``user`` (the password is checked by the caller first); the
    pseudonym, or ``None`` when the second factor is on and ``code`` is not right (the failure
    is recorded, paused like a wrong password: raise :func:`wrong_code` after the commit). 409
    for the installation's administrator or a process's only administrator."""
    if security_log.is_site_admin(session, actor):
        raise Conflict(_("the administrator of this installation cannot delete their own account"))
    sole = _sole_admin_of(session, user.id)
    if sole:
        raise Conflict(
            _("you are the only administrator of %(processes)s: make someone else one first")
            % {"processes": "; ".join(sole)}
        )
    if two_factor.enabled(session, user.id) and not two_factor.passes(session, user, code):
        session.add(t.LoginFailure(key=f"password:{user.id}"))  # paused like a wrong password
        security_log.record(session, user.id, "account_deletion.code_failed")
        return None
    uid, old_email = user.id, user.email
    tag = secrets.token_hex(6)
    for table, column in (
        (t.WebSession, t.WebSession.user_id),
        (t.ApiToken, t.ApiToken.user_id),
        (LoginDevice, LoginDevice.user_id),
        (TwoFactor, TwoFactor.user_id),
        (RecoveryCode, RecoveryCode.user_id),
        (st.MailToken, st.MailToken.user_id),
        (st.MailSettings, st.MailSettings.user_id),
        (st.MailDigestItem, st.MailDigestItem.user_id),
        (SecurityEvent, SecurityEvent.user_id),
    ):
        session.execute(delete(table).where(column == uid))
    session.execute(delete(st.MailOutbox).where(st.MailOutbox.to_address == old_email))
    session.execute(
        delete(t.LoginFailure).where(t.LoginFailure.key.contains(old_email, autoescape=True))
    )
    session.execute(
        delete(t.Invitation).where(
            t.Invitation.email == old_email, t.Invitation.accepted_at.is_(None)
        )
    )
    user.name = PSEUDONYM % {"tag": tag}
    user.email = f"deleted-{tag}@deleted.invalid"
    user.password_hash = None
    user.active = False
    user.locale = None
    user.time_zone = None
    audit.append(
        session,
        actor_id=uid,
        action="user.delete",
        object_type="user",
        object_id=uid,
        change={"pseudonym": user.name},
    )

    def details() -> str:
        return _("The account was number %(user)d; it is now “%(pseudonym)s”.") % {
            "user": uid,
            "pseudonym": pseudonym_said(PSEUDONYM % {"tag": tag}),
        }

    admin_alerts.notify(session, settings, "account.deleted", details)
    return user.name
