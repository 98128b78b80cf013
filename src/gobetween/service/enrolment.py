"""Setting up a compulsory second factor needs more than the password: a one-time link.

When a second factor is compulsory for a user (the installation's ``require_two_factor`` or a
process's rule, :func:`gobetween.service.two_factor.required_by`) and they have none, whoever
holds the password could otherwise enrol *their own* authenticator app first, and the owner
would be shut out. So under compulsion :func:`gobetween.service.two_factor.start` needs a
one-time *enrolment link* of that user (``/enrol/<token>``, only its SHA-256 digest kept in
``mail_tokens``, purpose ``enrol``):

- mailed to the account's verified address at the user's request (:func:`request_link`,
  valid :data:`MAIL_HOURS` hour, at most three an hour), so only someone who reads that
  mailbox can enrol;
- or, for an account without a verified address (or an installation without e-mail), made by
  the installation's administrator (:func:`handed_link`, valid :data:`HANDED_HOURS` hours,
  recorded in the audit chain) and handed over in person: the administrator's approval.

A link works once, only for the user it was made for, logged in as that user; a user free to
choose sets up a second factor without one, as before.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.bidi import isolate
from gobetween.errors import Conflict, NotFound, PermissionDenied
from gobetween.i18n import _
from gobetween.policy import Actor
from gobetween.service import security_log, setup
from gobetween.service.audited import audited
from gobetween.service.security import token_digest
from gobetween.store import setup_tables as st
from gobetween.store import tables as t

__all__ = ["HANDED_HOURS", "MAIL_HOURS", "PURPOSE", "handed_link", "request_link", "take"]

PURPOSE = "enrol"
MAIL_HOURS = 1
HANDED_HOURS = 24


def _verified(session: Session, user_id: int) -> bool:
    row = session.get(st.MailSettings, user_id)
    return row is not None and row.verified_at is not None


def request_link(session: Session, out: setup.Outgoing, user: t.User) -> None:
    """Mail ``user`` a link to set up their second factor (its owner's mailbox proves who
    enrols). 409 when the address is not verified or no e-mail is sent (ask the administrator
    for a link); nothing more than three times an hour (the same answer)."""
    if not out.enabled or not _verified(session, user.id):
        raise Conflict(
            _(
                "your e-mail address is not verified, or this installation sends no e-mail: ask "
                "the administrator of this installation for a link to set up your second factor"
            )
        )
    name = isolate(user.name)

    def write(link: str) -> tuple[str, str]:
        body = _(
            "Hello %(name)s,\n\nto set up the second factor of your gobetween account, open this "
            "link while logged in (it works once, for %(hours)s hour):\n\n%(link)s\n\nIf you did "
            "not ask for it, someone who knows your password is trying to set up their own "
            "app: do not open the link, choose a new password (“Forgot your password?” on the "
            "log-in page) and tell the administrator of this installation."
        ) % {"name": name, "hours": MAIL_HOURS, "link": link}
        return _("Set up the second factor of your gobetween account"), body

    setup._mail_link(session, out, user, PURPOSE, dt.timedelta(hours=MAIL_HOURS), write)


def handed_link(session: Session, actor: Actor, email: str) -> str:
    """A link for the account at ``email`` to set up its second factor, made by the
    installation's administrator to hand over in person (403 for anyone else; 404: no such
    account). The path ``/enrol/<token>``; recorded in the audit chain."""
    if not security_log.is_site_admin(session, actor):
        raise PermissionDenied(
            _("only the administrator of this installation makes links to set up a second factor")
        )
    address = email.strip().lower()
    user = session.execute(select(t.User).where(t.User.email == address)).scalar_one_or_none()
    if user is None or not user.active:
        raise NotFound(_("no account at this address"))
    token = setup._token(session, user, PURPOSE, dt.timedelta(hours=HANDED_HOURS))
    audited(
        session,
        actor,
        "user.two_factor.enrol_link",
        ("user", user.id),
        {"by": actor.user_id, "hours": HANDED_HOURS},
    )
    return f"/enrol/{token}"


def take(session: Session, user: t.User, token: str) -> None:
    """Use up the enrolment link ``token`` of ``user``; 404 when it is unknown, used, expired
    or another user's (all alike)."""
    row = session.execute(
        select(st.MailToken).where(st.MailToken.token_hash == token_digest(token[:200]))
    ).scalar_one_or_none()
    if row is None or row.user_id != user.id:
        raise NotFound(_("this link is unknown, has been used or has expired"))
    setup._use(session, token, PURPOSE)
