"""Setting up an installation and keeping accounts reachable by e-mail.

- **First run**: an installation without any user greets its first visitor with a set-up form
  that creates the first administrator (:func:`create_first_admin`). It works once: the
  ``installation`` row it inserts has a fixed primary key, so of two visitors at once one wins
  and the other is told set-up is over (:class:`~gobetween.errors.NotFound`, like any page
  that does not exist).
- **E-mails** with one-time links: invitations (:func:`mail_invitation`), password resets
  (:func:`request_reset`, :func:`reset_password`) and address verification
  (:func:`request_verification`, :func:`verify_address`). Links are 256-bit tokens stored as
  digests; a reset link works for an hour, a verification link for a week, each once.
- **Uniform answers**: asking for a reset says the same whether or not the address has an
  account; nothing here tells an outsider which addresses are registered.

>>> RESET_HOURS, VERIFY_DAYS
(1, 7)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gobetween import i18n
from gobetween.bidi import isolate
from gobetween.errors import NotFound, ValidationFailed
from gobetween.i18n import _, _l
from gobetween.model import Role
from gobetween.service import languages, mail, unique
from gobetween.service.audited import audited
from gobetween.service.identity import (
    NewAccount,
    check_new_user,
    check_password,
    create_user,
    normalise_email,
    set_password,
)
from gobetween.service.invitations import InvitationInfo, invitation_info
from gobetween.service.security import PasswordHasher, new_token, token_digest
from gobetween.service.settings import Settings
from gobetween.store import setup_tables as st
from gobetween.store import tables as t

__all__ = [
    "Outgoing",
    "create_first_admin",
    "create_first_admin_first",
    "joined_by_link",
    "mail_invitation",
    "mail_settings",
    "needs_setup",
    "request_reset",
    "request_verification",
    "reset_password",
    "reset_password_first",
    "set_notify",
    "verify_address",
]

RESET_HOURS = 1
#: Reset or verification links mailed to one account per hour at most (more asks are ignored,
#: with the same answer, so nobody can flood an inbox).
MAX_LINKS_PER_HOUR = 3
VERIFY_DAYS = 7
NOTIFY_MODES = ("off", "immediate", "daily")
ROLE_NAMES = {
    Role.ADMIN.value: _l("administrator"),
    Role.MEDIATOR.value: _l("mediator"),
    Role.PARTY_MEMBER.value: _l("member of a party's delegation"),
    Role.OBSERVER.value: _l("observer"),
}


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What composing an e-mail needs: the settings and the site's address for its links."""

    settings: Settings
    base_url: str

    def link(self, path: str) -> str:
        """The absolute address of ``path`` (``public_url`` when set, else the request's)."""
        return mail.absolute_link(self.settings.public_url or self.base_url, path)

    @property
    def enabled(self) -> bool:
        """Whether e-mail is configured."""
        return mail.mail_enabled(self.settings)


def needs_setup(session: Session) -> bool:
    """Whether the installation is empty: no set-up done and no user at all."""
    if session.get(st.Installation, 1) is not None:
        return False
    return not session.execute(select(func.count()).select_from(t.User)).scalar_one()


def create_first_admin_first(
    session: Session, hasher: PasswordHasher, account: NewAccount
) -> NewAccount:
    """In a read-only unit of work, before :func:`create_first_admin`'s writing one: its
    refusals, in its order, then the password hashed (Argon2 with nothing held). The account
    with its hash."""
    if not needs_setup(session):
        raise NotFound(_("set-up is over"))
    check_new_user(session, email=account.email, name=account.name, password=account.password)
    return account.hashed_by(hasher)


def create_first_admin(
    session: Session, hasher: PasswordHasher, out: Outgoing, account: NewAccount
) -> t.User:
    """The installation's first user (once; :class:`NotFound` when set-up is over). The
    password is hashed here only when :func:`create_first_admin_first` has not done it."""
    if not needs_setup(session):
        raise NotFound(_("set-up is over"))
    session.add(st.Installation(id=1))
    with unique.taken("pk_installation", lambda: NotFound(_("set-up is over"))):
        session.flush()  # a second visitor's insert waits for the first one's commit, then fails
    email, name, password = account.email, account.name, account.password
    user = create_user(
        session, hasher, email=email, name=name, password=password, hashed=account.hashed
    )
    row = session.get_one(st.Installation, 1)
    row.admin_id = user.id
    audited(session, user.id, "installation.setup", ("installation", 1), {"admin": user.id})
    if out.enabled:
        request_verification(session, out, user)
    return user


def mail_settings(session: Session, user_id: int) -> st.MailSettings:
    """The user's e-mail settings (a row with the defaults is made when missing)."""
    row, _made = unique.get_or_add(  # made once, also by two requests at the same moment
        session,
        st.MailSettings,
        user_id,
        lambda: st.MailSettings(user_id=user_id, notify="immediate"),
    )
    return row


def set_notify(session: Session, user_id: int, mode: str) -> st.MailSettings:
    """Choose how to be notified: ``off``, ``immediate`` or ``daily``."""
    if mode not in NOTIFY_MODES:
        raise ValidationFailed(
            _("%(mode)r is not a way to be notified") % {"mode": mode},
            location="notify",
            expected=_("off, immediate or daily"),
        )
    row = mail_settings(session, user_id)
    row.notify = mode
    audited(session, user_id, "mail.notify", ("user", user_id), {"notify": mode})
    return row


def joined_by_link(session: Session, out: Outgoing, user: t.User) -> None:
    """A user made an account with an invitation link: when the link went by e-mail, that
    proves the address (without e-mail the administrator handed the link over)."""
    if out.enabled:
        mark_verified(session, user.id)


def mark_verified(session: Session, user_id: int) -> None:
    """Record that the user's address is proven (they followed a link mailed to it)."""
    row = mail_settings(session, user_id)
    if row.verified_at is None:
        row.verified_at = t.utcnow()


def _token(session: Session, user: t.User, purpose: str, valid: dt.timedelta) -> str:
    token = new_token()
    session.add(
        st.MailToken(
            user_id=user.id,
            purpose=purpose,
            email=user.email,
            token_hash=token_digest(token),
            expires_at=t.utcnow() + valid,
        )
    )
    session.flush()
    return token


def _use(session: Session, token: str, purpose: str) -> tuple[st.MailToken, t.User]:
    """The link's row, used now, and its user; :class:`NotFound` when it cannot be used. The
    row is locked for the unit of work (on PostgreSQL a second use at the same moment waits
    for the first one's commit, then finds the link used)."""
    row, user = _valid(session, token, purpose, lock=True)
    row.used_at = t.utcnow()
    return row, user


def _valid(
    session: Session, token: str, purpose: str, *, lock: bool = False
) -> tuple[st.MailToken, t.User]:
    """The link's row and its user while it can be used; :class:`NotFound` otherwise."""
    stmt = select(st.MailToken).where(st.MailToken.token_hash == token_digest(token[:200]))
    row = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    user = session.get(t.User, row.user_id) if row is not None else None
    if (
        row is None
        or user is None
        or row.purpose != purpose
        or row.used_at is not None
        or row.expires_at <= t.utcnow()
        or row.email != user.email
    ):
        raise NotFound(_("this link is unknown, has been used or has expired"))
    return row, user


def _recent(session: Session, user: t.User, purpose: str) -> int:
    since = t.utcnow() - dt.timedelta(hours=1)
    return int(
        session.execute(
            select(func.count())
            .select_from(st.MailToken)
            .where(
                st.MailToken.user_id == user.id,
                st.MailToken.purpose == purpose,
                st.MailToken.created_at >= since,
            )
        ).scalar_one()
    )


def request_verification(session: Session, out: Outgoing, user: t.User) -> None:
    """Mail the user a link that proves their address (in the user's language; at most
    :data:`MAX_LINKS_PER_HOUR` an hour)."""
    if not out.enabled:
        return  # without e-mail nothing could be sent (and no link waits in the outbox)

    def write(link: str) -> tuple[str, str]:
        body = _(
            "Hello %(name)s,\n\nplease confirm that %(email)s is your address for gobetween by "
            "opening this link (it works for %(days)s days):\n\n%(link)s\n\nIf you did not "
            "expect this e-mail, you can ignore it."
        ) % {"name": isolate(user.name), "email": user.email, "days": VERIFY_DAYS, "link": link}
        return _("Confirm your e-mail address"), body

    _mail_link(session, out, user, "verify", dt.timedelta(days=VERIFY_DAYS), write)


def _mail_link(
    session: Session,
    out: Outgoing,
    user: t.User,
    purpose: str,
    lifetime: dt.timedelta,
    write: Callable[[str], tuple[str, str]],
) -> None:
    """Mail ``user`` a one-time link ``/<purpose>/<token>``, valid for ``lifetime``, unless
    :data:`MAX_LINKS_PER_HOUR` went out this hour; ``write(link)`` gives the subject and body,
    in the user's language."""
    if _recent(session, user, purpose) >= MAX_LINKS_PER_HOUR:
        return
    with i18n.use_locale(user.locale or i18n.current_locale()):
        token = _token(session, user, purpose, lifetime)
        subject, body = write(out.link(f"/{purpose}/{token}"))
        mail.enqueue(session, to=user.email, subject=subject, body=body, kind=purpose)


def verify_address(session: Session, token: str) -> t.User:
    """Follow a verification link: the address is proven."""
    _, user = _use(session, token, "verify")
    mark_verified(session, user.id)
    audited(session, user.id, "user.verify", ("user", user.id), {"email": user.email})
    return user


def request_reset(session: Session, out: Outgoing, email: str) -> None:
    """Mail a password-reset link to ``email`` if it has an account; say nothing either way."""
    address = normalise_email(email)
    user = session.execute(select(t.User).where(t.User.email == address)).scalar_one_or_none()
    if not out.enabled or user is None or not user.active:
        return
    name, to = isolate(user.name), user.email

    def write(link: str) -> tuple[str, str]:
        body = _(
            "Hello %(name)s,\n\nsomeone (we hope you) asked to choose a new password for "
            "%(email)s on gobetween. Open this link within %(hours)s hour to do so:\n\n%(link)s"
            "\n\nIf it was not you, ignore this e-mail: your password stays as it is."
        ) % {"name": name, "email": to, "hours": RESET_HOURS, "link": link}
        return _("Choose a new password"), body

    _mail_link(session, out, user, "reset", dt.timedelta(hours=RESET_HOURS), write)


def reset_password_first(
    session: Session, hasher: PasswordHasher, token: str, password: str
) -> str:
    """In a read-only unit of work, before :func:`reset_password`'s writing one: its refusals,
    in its order, then the new password hashed (Argon2, 0.1 to 0.25 s at the default cost,
    with nothing held; the hash is ``reset_password``'s ``hashed``)."""
    _row, user = _valid(session, token, "reset")
    check_password(password, user.email)
    return hasher.hash(password)


def reset_password(
    session: Session,
    hasher: PasswordHasher,
    token: str,
    password: str,
    *,
    hashed: str | None = None,
) -> t.User:
    """Follow a reset link: set the new password; the link also proves the address.

    ``hashed``: :func:`reset_password_first`'s hash of ``password``. The link is checked again
    here, locked and used in this unit: of two uses at once, one sets the password and the
    other is refused with nothing changed."""
    _row, user = _use(session, token, "reset")
    set_password(session, hasher, user, password, hashed=hashed)
    mark_verified(session, user.id)
    return user


def mail_invitation(session: Session, out: Outgoing, info: InvitationInfo, token: str) -> None:
    """Mail an invitation: process, who convened it, role, organisation, who invites, link.

    In the invited person's language when they have an account and chose one, else in the
    process's first working language when the interface speaks it, else the inviter's; the
    process and the organisation named as that language calls them.
    """
    user = session.execute(select(t.User).where(t.User.email == info.email)).scalar_one_or_none()
    first = next(iter(languages.working_languages(session, info.process_id)), None)
    locale = (user.locale if user else None) or i18n.supported(first) or i18n.current_locale()
    with i18n.use_locale(locale):
        named = invitation_info(session, token)  # read again in the mail's language
        _invitation_mail(session, out, named if named.id == info.id else info, token)


def _invitation_mail(session: Session, out: Outgoing, info: InvitationInfo, token: str) -> None:
    role = str(ROLE_NAMES.get(info.role, info.role))
    seat = (
        _("%(role)s of %(organisation)s")
        % {"role": role, "organisation": isolate(info.organisation)}
        if info.organisation
        else role
    )
    body = _(
        "%(inviter)s invites you to take part in “%(process)s” (convened by %(convener)s) as "
        "%(seat)s.\n\nTo accept or decline, open this link (it works until %(expires)s):\n\n"
        "%(link)s\n\nIf you did not expect this invitation, you can ignore this e-mail: nobody "
        "becomes a member of a process without accepting."
    ) % {
        "inviter": isolate(info.invited_by),  # names chosen by users: bidi controls isolated
        "process": isolate(info.process),
        "convener": isolate(info.convened_by),
        "seat": seat,
        "expires": f"{info.expires_at:%Y-%m-%d %H:%M} UTC" if info.expires_at else "",
        "link": out.link(f"/invitations/{token}"),
    }
    subject = _("Invitation to “%(process)s”") % {"process": isolate(info.process)}
    mail.enqueue(session, to=info.email, subject=subject, body=body, kind="invitation")
