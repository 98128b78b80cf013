"""Invitations: how someone comes to hold a seat in a process, with their consent.

An invitation asks one e-mail address to take one seat (a role, and the organisation it belongs
to) in a process; its plain link is returned once, to send by e-mail, and only its digest is
kept. Membership needs the invited person's consent: the API and the pages add people only
through :func:`invite` (:func:`gobetween.service.prepare.add_member`, without consent, is for the
operator's own tools only).

An invitation is ``pending`` until it is answered or closed (:func:`invitation_state`): ``used``
(accepted), ``declined``, ``withdrawn``, ``replaced`` (by a newer invitation to the same seat) or
``expired`` (after :data:`INVITATION_DAYS` days); ``unknown`` is a link that never was one.

Who may do what:

- the process's admins (:attr:`gobetween.policy.ProcessView.may_invite`) invite
  (:func:`invite`), see the process's invitations (:func:`invitations`) and withdraw a pending
  one (:func:`withdraw`). Inviting the same address to the same seat again *replaces* the
  pending invitation, so one seat has one link;
- whoever holds the link sees what it says (:func:`invitation_info`) and, when its address has
  no account, accepts with it and so creates the account (:func:`accept_invitation`); an address
  that has an account accepts only after logging in, so that a link in the wrong hands cannot
  pull an existing user into a process;
- the signed-in user sees the pending invitations to their address
  (:func:`pending_invitations`) and any one to their address whatever its state
  (:func:`my_invitation`), and accepts or declines a pending one (:func:`accept_as`,
  :func:`decline`); an invitation to anyone else answers them 404.

The answer to an invitation is the same whether or not the address belongs to an account. A link
that can no longer be answered is refused in words that say what happened, when, and whom to ask
(:class:`~gobetween.errors.InvitationClosed`, 409); only a link that never was an invitation
answers 404.

Service functions: each takes the request's session and the acting user (or the link), checks
the policy, writes, and appends to the audit chain. Routes and web pages call these and nothing
below them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.errors import Conflict, InvitationClosed, NotFound, Problems
from gobetween.i18n import _, _l, format_datetime
from gobetween.model import Role
from gobetween.policy import Actor, process_view
from gobetween.service.audited import audited
from gobetween.service.identity import NewAccount, check_new_user, create_user, normalise_email
from gobetween.service.names import called
from gobetween.service.prepare import add_membership, check_role, convener
from gobetween.service.security import PasswordHasher, new_token, token_digest
from gobetween.store import tables as t

__all__ = [
    "INVITATION_DAYS",
    "InvitationInfo",
    "accept_as",
    "accept_invitation",
    "accept_invitation_first",
    "decline",
    "invitation_info",
    "invitation_state",
    "invitations",
    "invite",
    "my_invitation",
    "pending_invitations",
    "withdraw",
]

INVITATION_DAYS = 14


def invite(
    session: Session,
    actor: Actor,
    process_id: int,
    *,
    email: str,
    role: Role,
    organisation_id: int | None,
) -> tuple[t.Invitation, str]:
    """An invitation to join with a role; the plain token (to send by e-mail) is returned once.

    The same for any address, registered or not: nobody becomes a member before accepting.
    Inviting an address again to the same seat replaces its pending invitation: the earlier
    link stops working (state ``replaced``), so one seat has one link.
    """
    process_view(actor, process_id).require_to_invite()
    found, address = Problems(), ""
    with found.check():  # both fields named at once
        address = normalise_email(email)
    with found.check():
        check_role(session, process_id, role, organisation_id)
    found.done()
    _not_seated(session, process_id, address, role)
    now = t.utcnow()
    earlier = session.execute(
        select(t.Invitation).where(
            t.Invitation.process_id == process_id,
            t.Invitation.email == address,
            t.Invitation.role == role.value,
            t.Invitation.organisation_id.is_(None)
            if organisation_id is None
            else t.Invitation.organisation_id == organisation_id,
            *_PENDING,
            t.Invitation.expires_at > now,
        )
    ).scalars()
    for old in earlier:
        old.replaced_at = now
        audited(session, actor, "invitation.replace", ("invitation", old.id), {"email": address})
    token = new_token()
    row = t.Invitation(
        process_id=process_id,
        email=address,
        organisation_id=organisation_id,
        role=role.value,
        token_hash=token_digest(token),
        created_by=actor.user_id,
        expires_at=t.utcnow() + dt.timedelta(days=INVITATION_DAYS),
    )
    session.add(row)
    session.flush()
    audited(
        session,
        actor,
        "invitation.create",
        ("invitation", row.id),
        {"email": row.email, "role": role.value, "organisation": organisation_id},
    )
    return row, token


def _not_seated(session: Session, process_id: int, address: str, role: Role) -> None:
    """Refuse, at ``email``, to invite someone to a seat that accepting would be refused
    (:func:`~gobetween.service.prepare.add_membership`: the same role again, or a second role
    besides admin): the inviter changes the member's role instead, where the invitation would
    only fail later."""
    user = _user_of(session, address)
    if user is None:
        return
    held = session.execute(
        select(t.Membership.role).where(
            t.Membership.process_id == process_id, t.Membership.user_id == user.id
        )
    ).scalars()
    if any(h == role.value or (role is not Role.ADMIN and h != Role.ADMIN.value) for h in held):
        raise Conflict(
            _(
                "%(email)s holds a role in this process already: change that member's role "
                "instead of inviting them again"
            )
            % {"email": address},
            location="email",
        )


def invitations(session: Session, actor: Actor, process_id: int) -> Sequence[t.Invitation]:
    """The process's invitations (admins only)."""
    process_view(actor, process_id).require_admin()
    stmt = select(t.Invitation).where(t.Invitation.process_id == process_id)
    return session.execute(stmt.order_by(t.Invitation.id)).scalars().all()


def _by_token(session: Session, token: str, *, lock: bool = False) -> t.Invitation | None:
    """The invitation behind a link (locked for the transaction when accepting, so that two
    submissions at once make one account)."""
    stmt = select(t.Invitation).where(t.Invitation.token_hash == token_digest(token[:200]))
    return session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()


#: An invitation still open to an answer, but for its expiry (the query's conditions).
_PENDING = (
    t.Invitation.accepted_at.is_(None),
    t.Invitation.declined_at.is_(None),
    t.Invitation.replaced_at.is_(None),
    t.Invitation.withdrawn_at.is_(None),
)


def invitation_state(row: t.Invitation | None) -> str:
    """``pending``, ``used``, ``declined``, ``withdrawn``, ``replaced`` (by a newer invitation
    to the same seat), ``expired``, or ``unknown`` (no invitation)."""
    if row is None:
        return "unknown"
    if row.accepted_at is not None:
        return "used"
    if row.declined_at is not None:
        return "declined"
    if row.withdrawn_at is not None:
        return "withdrawn"
    if row.replaced_at is not None:
        return "replaced"
    if row.expires_at <= t.utcnow():
        return "expired"
    return "pending"


def _open(session: Session, row: t.Invitation | None) -> t.Invitation:
    """``row``, while it can be answered. One that can no longer be is refused saying what
    happened, when, and what to do next (:class:`InvitationClosed`, 409); no invitation at all
    answers 404, the same for every link that never was one."""
    if row is None:
        raise NotFound(_("no such invitation: check that you copied its link whole"))
    state = invitation_state(row)
    if state != "pending":
        raise InvitationClosed(_closed_said(session, row, state), state=state)
    return row


#: What an invitation that can no longer be answered says, by its state: what happened, when
#: (``when``), and whom to ask (``who``).
_CLOSED = {
    "used": _l("this invitation has already been accepted: log in with its address to take part"),
    "declined": _l(
        "this invitation was declined on %(when)s: to take part after all, ask the process's "
        "administrators for a new one (%(who)s invited you)"
    ),
    "withdrawn": _l(
        "this invitation was withdrawn by %(who)s: ask them if you expected to take part"
    ),
    "replaced": _l(
        "a newer invitation to the same role replaced this one: use the link of the latest "
        "invitation you received, or ask %(who)s"
    ),
    "expired": _l(
        "this invitation expired on %(when)s: ask the process's administrators for a new one "
        "(%(who)s invited you)"
    ),
}


def _closed_said(session: Session, row: t.Invitation, state: str) -> str:
    """Why invitation ``row`` (in ``state``, not pending) can no longer be answered, and what
    to do next, in the current language and time zone."""
    who = _person(session, row.withdrawn_by) if state == "withdrawn" else ""
    who = who or _person(session, row.created_by) or _("an administrator of the process")
    when = row.declined_at if state == "declined" else row.expires_at
    return str(_CLOSED[state]) % {"who": who, "when": format_datetime(when)}


def _person(session: Session, user_id: int | None) -> str:
    """A user as the invitation names them (name and address), or "" for none."""
    user = session.get(t.User, user_id) if user_id else None
    return f"{user.name} <{user.email}>" if user else ""


def withdraw(session: Session, actor: Actor, process_id: int, invitation_id: int) -> t.Invitation:
    """Withdraw a pending invitation of the process (who may invite may withdraw): its link
    is refused from now on, saying who withdrew it. 404 for an invitation of another process;
    409 for one that is no longer pending, saying why."""
    process_view(actor, process_id).require_to_invite()
    row = session.get(t.Invitation, invitation_id, with_for_update=True)
    if row is None or row.process_id != process_id:
        raise NotFound(_("no invitation %(id)s") % {"id": invitation_id})
    state = invitation_state(row)
    if state != "pending":
        raise Conflict(
            _("only a pending invitation can be withdrawn: this one %(why)s")
            % {"why": str(_NOT_PENDING[state])}
        )
    row.withdrawn_at = t.utcnow()
    row.withdrawn_by = actor.user_id
    audited(session, actor, "invitation.withdraw", ("invitation", row.id), {"email": row.email})
    return row


#: Why an invitation can no longer be withdrawn, by its state.
_NOT_PENDING = {
    "used": _l("was accepted already"),
    "declined": _l("was declined"),
    "withdrawn": _l("was withdrawn already"),
    "replaced": _l("was replaced by a newer invitation: withdraw that one"),
    "expired": _l("has expired"),
}


def _join(session: Session, row: t.Invitation, user: t.User) -> t.Membership:
    row.accepted_at = t.utcnow()
    inviter = Actor(row.created_by or user.id)
    membership = add_membership(
        session, inviter, row.process_id, user.id, Role(row.role), row.organisation_id
    )
    audited(
        session, user.id, "invitation.accept", ("invitation", row.id), {"membership": membership.id}
    )
    return membership


def accept_invitation_first(
    session: Session, hasher: PasswordHasher, token: str, account: NewAccount
) -> NewAccount:
    """In a read-only unit of work, before :func:`accept_invitation`'s writing one: its
    refusals, in its order, then the new password hashed. Argon2 takes 0.1 to 0.25 s at the
    default cost, and inside the writing unit every other user's write waited for it
    (docs/security.md, *Promise 2*). The account with its hash."""
    row = _not_registered(session, _open(session, _by_token(session, token)))
    check_new_user(session, email=row.email, name=account.name, password=account.password)
    return account.hashed_by(hasher)


def accept_invitation(
    session: Session, hasher: PasswordHasher, token: str, account: NewAccount
) -> tuple[t.User, t.Membership]:
    """Accept an invitation with its link: create the invited user (``account``, at the
    invitation's address) and their membership.

    An address that has an account already accepts after logging in (:func:`accept_as`), so
    that a link in the wrong hands cannot pull an existing user into a process.

    The password is hashed here only when :func:`accept_invitation_first` has not done it. The
    link is checked again, locked and used in this unit, so that of two submissions one makes
    the account and the other is refused with nothing made.
    """
    row = _not_registered(session, _open(session, _by_token(session, token, lock=True)))
    name, password, hashed = account.name, account.password, account.hashed
    user = create_user(
        session, hasher, email=row.email, name=name, password=password, hashed=hashed
    )
    return user, _join(session, row, user)


def _not_registered(session: Session, row: t.Invitation) -> t.Invitation:
    """``row``, unless its address has an account (:class:`Conflict`: log in to accept)."""
    if _user_of(session, row.email) is not None:
        raise Conflict(_("this invitation is for an existing account: log in to accept it"))
    return row


def _user_of(session: Session, address: str) -> t.User | None:
    return session.execute(select(t.User).where(t.User.email == address)).scalar_one_or_none()


def _to_me(
    session: Session, actor: Actor, invitation_id: int, *, lock: bool = False
) -> t.Invitation:
    """An invitation to the actor's address, whatever its state (anyone else's: 404, as for
    one that does not exist)."""
    user = session.get_one(t.User, actor.user_id)
    row = session.get(t.Invitation, invitation_id, with_for_update=lock)
    if row is None or row.email != user.email:
        raise NotFound(_("no invitation %(id)s") % {"id": invitation_id})
    return row


def _addressed_to(session: Session, actor: Actor, invitation_id: int) -> t.Invitation:
    return _open(session, _to_me(session, actor, invitation_id, lock=True))


def accept_as(session: Session, actor: Actor, invitation_id: int) -> t.Membership:
    """The signed-in user accepts an invitation sent to their address."""
    row = _addressed_to(session, actor, invitation_id)
    return _join(session, row, session.get_one(t.User, actor.user_id))


def decline(session: Session, actor: Actor, invitation_id: int) -> t.Invitation:
    """The signed-in user declines an invitation sent to their address."""
    row = _addressed_to(session, actor, invitation_id)
    row.declined_at = t.utcnow()
    audited(session, actor, "invitation.decline", ("invitation", row.id), {"declined": True})
    return row


@dataclass(frozen=True, slots=True)
class InvitationInfo:
    """What an invitation says: to which process (and who convened it), as what, from whom.

    ``state`` is one of :func:`invitation_state`'s; an unknown link tells nothing else.
    ``registered`` says whether the invited address has an account (shown only to whoever holds
    the link, who received it at that address); ``withdrawn_by``, who withdrew it (whom to ask);
    ``declined_at``, when it was declined.
    """

    state: str
    id: int = 0
    process_id: int = 0
    process: str = ""
    convened_by: str = ""
    role: str = ""
    organisation: str = ""
    invited_by: str = ""
    email: str = ""
    expires_at: dt.datetime | None = None
    registered: bool = False
    withdrawn_by: str = ""
    declined_at: dt.datetime | None = None


def _info(session: Session, row: t.Invitation, state: str) -> InvitationInfo:
    process = session.get_one(t.Process, row.process_id)
    org = session.get(t.Organisation, row.organisation_id) if row.organisation_id else None
    return InvitationInfo(
        state=state,
        id=row.id,
        process_id=process.id,
        process=called(process),
        convened_by=convener(session, process),
        role=row.role,
        organisation=called(org) if org else "",
        invited_by=_person(session, row.created_by),
        email=row.email,
        expires_at=row.expires_at,
        registered=_user_of(session, row.email) is not None,
        withdrawn_by=_person(session, row.withdrawn_by),
        declined_at=row.declined_at,
    )


def invitation_info(session: Session, token: str) -> InvitationInfo:
    """What the invitation behind a link says, and whether it can still be accepted."""
    row = _by_token(session, token)
    state = invitation_state(row)
    return InvitationInfo(state) if row is None else _info(session, row, state)


def my_invitation(session: Session, actor: Actor, invitation_id: int) -> InvitationInfo:
    """An invitation to the signed-in user's address as its link's page shows it, whatever its
    state (to say why it can no longer be answered); anyone else's answers 404, as one that
    does not exist."""
    row = _to_me(session, actor, invitation_id)
    return _info(session, row, invitation_state(row))


def pending_invitations(session: Session, actor: Actor) -> list[InvitationInfo]:
    """Invitations to the signed-in user's address that await an answer."""
    user = session.get_one(t.User, actor.user_id)
    rows = session.execute(
        select(t.Invitation)
        .where(
            t.Invitation.email == user.email,
            *_PENDING,
            t.Invitation.expires_at > t.utcnow(),
        )
        .order_by(t.Invitation.id)
    ).scalars()
    return [_info(session, row, "pending") for row in rows]
