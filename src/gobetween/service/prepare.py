"""Preparing a process: organisations, members, invitations, tracks and their agendas.

Service functions: each takes the request's session and the acting user, checks the policy,
writes, and appends to the audit chain. Routes and web pages call these and nothing below them.

Membership needs the invited person's consent: the API and the pages add people only through
:func:`invite`. Someone without an account accepts with the link (and so creates the account,
:func:`accept_invitation`); someone with an account sees the invitation as pending after logging
in and accepts or declines it (:func:`accept_as`, :func:`decline`). The answer to an invitation
is the same whether or not the address belongs to an account. Inviting the same address to the
same seat again *replaces* the pending invitation; whoever may invite may also *withdraw* a
pending one (:func:`withdraw`). A link that can no longer be answered (used, declined,
withdrawn, replaced, expired: :func:`invitation_state`) is refused in words that say what
happened, when, and whom to ask (:class:`~gobetween.errors.InvitationClosed`, 409); only a link
that never was an invitation answers 404. :func:`add_member` (no consent)
is for the operator's own tools only (the demo, the command line, test fixtures).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.errors import (
    Conflict,
    InvitationClosed,
    NotFound,
    PermissionDenied,
    Problems,
    ValidationFailed,
)
from gobetween.i18n import _, _l, format_datetime
from gobetween.model import Agenda, OrganisationKind, Role
from gobetween.policy import Actor, process_view, role_fits
from gobetween.service import unique
from gobetween.service.audited import audited
from gobetween.service.identity import NewAccount, check_new_user, create_user, normalise_email
from gobetween.service.languages import working_languages
from gobetween.service.names import called, check_names
from gobetween.service.security import PasswordHasher, new_token, token_digest
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store.codec import agenda_to_json

__all__ = [
    "InvitationInfo",
    "accept_as",
    "accept_invitation",
    "accept_invitation_first",
    "add_member",
    "add_organisation",
    "change_member",
    "convener",
    "create_process",
    "create_track",
    "decline",
    "invitation_info",
    "invitation_state",
    "invite",
    "members",
    "my_invitation",
    "pending_invitations",
    "remove_member",
    "withdraw",
]

INVITATION_DAYS = 14


def _name(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationFailed(
            _("the %(field)s is empty") % {"field": field}, location=field, expected=_("a name")
        )
    return value


def create_process(
    session: Session, actor: Actor, *, name: str, description: str = ""
) -> t.Process:
    """A new process; its creator becomes its first admin."""
    row = t.Process(name=_name(name, "name"), description=description, created_by=actor.user_id)
    session.add(row)
    session.flush()
    session.add(t.Membership(process_id=row.id, user_id=actor.user_id, role=Role.ADMIN.value))
    audited(
        session,
        actor,
        "process.create",
        ("process", row.id),
        {"name": row.name, "description": description},
    )
    return row


def add_organisation(
    session: Session,
    actor: Actor,
    process_id: int,
    *,
    name: str,
    kind: OrganisationKind,
    names: Mapping[str, object] | None = None,
) -> t.Organisation:
    """A party, mediating or observing organisation of a process (admins only), with its
    ``names`` in working languages of the process (:func:`gobetween.service.names.
    check_names`)."""
    process_view(actor, process_id).require_admin()
    name = _name(name, "name")
    own = check_names(names or {}, working_languages(session, process_id))
    exists = session.execute(
        select(t.Organisation.id).where(
            t.Organisation.process_id == process_id, t.Organisation.name == name
        )
    ).first()
    if exists:
        raise _organisation_taken(name)
    row = t.Organisation(process_id=process_id, name=name, kind=kind.value, names=own)
    session.add(row)
    with unique.taken("uq_organisations_process_id", lambda: _organisation_taken(name)):
        session.flush()  # named meanwhile by a concurrent request (PostgreSQL)
    audited(
        session,
        actor,
        "organisation.create",
        ("organisation", row.id),
        {
            "process": process_id,
            "name": name,
            "kind": kind.value,
            **({"names": own} if own else {}),
        },
    )
    return row


def _organisation_taken(name: str, location: str = "name") -> Conflict:
    """The name of an organisation is taken, refused at the field it was typed in."""
    said = _("the process has an organisation called “%(name)s” already: choose another name")
    return Conflict(said % {"name": name}, location=location)


def _organisation(
    session: Session, process_id: int, organisation_id: int | None
) -> t.Organisation | None:
    if organisation_id is None:
        return None
    org = session.get(t.Organisation, organisation_id)
    if org is None or org.process_id != process_id:
        raise ValidationFailed(
            _("the process has no organisation %(organisation_id)s")
            % {"organisation_id": organisation_id},
            location="organisation_id",
            expected=_("an organisation of this process"),
        )
    return org


def _check_role(session: Session, process_id: int, role: Role, organisation_id: int | None) -> None:
    org = _organisation(session, process_id, organisation_id)
    kind = OrganisationKind(org.kind) if org else None
    if not role_fits(role, kind):
        raise ValidationFailed(
            _("this role does not fit the organisation chosen"),
            location="organisation_id" if role is not Role.ADMIN else "role",
            expected=str(_ROLE_FITS[role]),
        )


#: Which organisation each role belongs to, in plain words (what a refused seat expected).
_ROLE_FITS = {
    Role.PARTY_MEMBER: _l("a party member belongs to a party: choose a party's organisation"),
    Role.MEDIATOR: _l("a mediator belongs to a mediating organisation: choose one"),
    Role.TRANSLATOR: _l("a translator belongs to a mediating organisation: choose one"),
    Role.OBSERVER: _l("an observer belongs to an observer organisation: choose one"),
    Role.ADMIN: _l("an administrator belongs to no organisation: leave it empty"),
}


def _seat_taken() -> Conflict:
    return Conflict(_("the user holds a role in this process already; change it instead"))


def _add_membership(
    session: Session, actor: Actor, process_id: int, user_id: int, role: Role, org: int | None
) -> t.Membership:
    # two seats given to one user at the same moment (two invitations accepted at once): the
    # second waits here and then reads the first, so "one role besides admin" holds, which
    # no unique key says
    unique.serialised(session, t.User, user_id)
    rows = session.execute(
        select(t.Membership).where(
            t.Membership.process_id == process_id, t.Membership.user_id == user_id
        )
    ).scalars()
    for m in rows:
        if m.role == role.value or (role is not Role.ADMIN and m.role != Role.ADMIN.value):
            raise _seat_taken()
    row = t.Membership(process_id=process_id, user_id=user_id, role=role.value, organisation_id=org)
    session.add(row)
    with unique.taken("uq_memberships_process_id", _seat_taken):
        session.flush()  # the same role given meanwhile by a concurrent request (PostgreSQL)
    audited(
        session,
        actor,
        "membership.create",
        ("membership", row.id),
        {"process": process_id, "user": user_id, "role": role.value, "organisation": org},
    )
    return row


def add_member(
    session: Session,
    actor: Actor,
    process_id: int,
    *,
    email: str,
    role: Role,
    organisation_id: int | None,
) -> t.Membership:
    """Give an existing user a role in the process without asking them (admins only).

    For the operator's own tools (``gobetween demo``, the command line, test fixtures): no
    route or page calls it, since membership needs consent (:func:`invite`).
    """
    process_view(actor, process_id).require_admin()
    _check_role(session, process_id, role, organisation_id)
    address = normalise_email(email)
    user = session.execute(select(t.User).where(t.User.email == address)).scalar_one_or_none()
    if user is None:
        raise ValidationFailed(
            _("no user with e-mail %(address)s; invite them instead") % {"address": address},
            location="email",
            expected=_("the address of a registered user"),
        )
    return _add_membership(session, actor, process_id, user.id, role, organisation_id)


def members(
    session: Session, actor: Actor, process_id: int
) -> Sequence[tuple[t.Membership, t.User]]:
    """Members the actor may see: all for admins, else those of the actor's organisations."""
    view = process_view(actor, process_id)
    stmt = (
        select(t.Membership, t.User)
        .join(t.User, t.User.id == t.Membership.user_id)
        .where(t.Membership.process_id == process_id)
        .order_by(t.Membership.id)
    )
    if not view.admin:
        stmt = stmt.where(t.Membership.organisation_id.in_(view.organisation_ids))
    return [(m, u) for m, u in session.execute(stmt).all()]


def _membership(
    session: Session, actor: Actor, process_id: int, membership_id: int
) -> t.Membership:
    view = process_view(actor, process_id)
    if view.admin:  # two admins demoting or removing each other at once: one after the other,
        unique.serialised(session, t.Process, process_id)
        # and the caller's seats as committed now: the second one may be an admin no more
        view = process_view(repositories.load_actor(session, actor.user_id), process_id)
    row = session.get(t.Membership, membership_id)
    if row is None or row.process_id != process_id:
        raise NotFound(_("no membership %(membership_id)s") % {"membership_id": membership_id})
    if not view.admin:
        if row.organisation_id in view.organisation_ids:
            raise PermissionDenied(_("only the process's admins may change memberships"))
        raise NotFound(_("no membership %(membership_id)s") % {"membership_id": membership_id})
    return row


def change_member(
    session: Session,
    actor: Actor,
    process_id: int,
    membership_id: int,
    *,
    role: Role,
    organisation_id: int | None,
) -> t.Membership:
    """Change a member's role and organisation (admins only)."""
    row = _membership(session, actor, process_id, membership_id)
    _check_role(session, process_id, role, organisation_id)
    if row.role == Role.ADMIN.value and role is not Role.ADMIN:
        _keep_an_admin(session, process_id, row.id)
    row.role, row.organisation_id = role.value, organisation_id
    with unique.taken("uq_memberships_process_id", _seat_taken):
        session.flush()  # a role the user holds in another seat of the process
    audited(
        session,
        actor,
        "membership.change",
        ("membership", row.id),
        {"role": role.value, "organisation": organisation_id},
    )
    return row


def _keep_an_admin(session: Session, process_id: int, leaving: int) -> None:
    others = session.execute(
        select(t.Membership.id).where(
            t.Membership.process_id == process_id,
            t.Membership.role == Role.ADMIN.value,
            t.Membership.id != leaving,
        )
    ).first()
    if others is None:
        raise Conflict(_("a process needs at least one admin"))


def remove_member(session: Session, actor: Actor, process_id: int, membership_id: int) -> None:
    """Remove a membership (admins only; the last admin stays)."""
    row = _membership(session, actor, process_id, membership_id)
    if row.role == Role.ADMIN.value:
        _keep_an_admin(session, process_id, row.id)
    audited(
        session,
        actor,
        "membership.delete",
        ("membership", row.id),
        {"user": row.user_id, "role": row.role},
    )
    session.delete(row)


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
        _check_role(session, process_id, role, organisation_id)
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
    (:func:`_add_membership`: the same role again, or a second role besides admin): the
    inviter changes the member's role instead, where the invitation would only fail later."""
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
    membership = _add_membership(
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


def convener(session: Session, process: t.Process) -> str:
    """Who convened a process, as its members see it: name and e-mail address."""
    user = session.get(t.User, process.created_by) if process.created_by else None
    return f"{user.name} <{user.email}>" if user else _("a former user")


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


def _track_taken(name: str) -> Conflict:
    said = _("the process has a track called %(name)r already") % {"name": name}
    return Conflict(said, location="name")


def create_track(
    session: Session,
    actor: Actor,
    process_id: int,
    *,
    name: str,
    agenda: Agenda,
    organisation_ids: Iterable[int],
    source: str = "",
    names: Mapping[str, object] | None = None,
) -> t.Track:
    """A track with its agenda and taking-part organisations; one channel per party (admins);
    ``names``: its names in working languages of the process."""
    process_view(actor, process_id).require_admin()
    name = _name(name, "name")
    own = check_names(names or {}, working_languages(session, process_id))
    if session.execute(
        select(t.Track.id).where(t.Track.process_id == process_id, t.Track.name == name)
    ).first():
        raise _track_taken(name)
    orgs = [_organisation(session, process_id, o) for o in dict.fromkeys(organisation_ids)]
    kinds = {OrganisationKind(o.kind) for o in orgs if o}
    if OrganisationKind.PARTY not in kinds or OrganisationKind.MEDIATOR not in kinds:
        raise ValidationFailed(
            _("a track needs at least one party and one mediating organisation"),
            location="organisation_ids",
            expected=_("ids of party and mediator organisations of this process"),
        )
    row = t.Track(
        process_id=process_id, name=name, agenda=agenda_to_json(agenda), source=source, names=own
    )
    session.add(row)
    with unique.taken("uq_tracks_process_id", lambda: _track_taken(name)):
        session.flush()  # named meanwhile by a concurrent request (PostgreSQL)
    for org in orgs:
        assert org is not None
        session.add(t.TrackOrganisation(track_id=row.id, organisation_id=org.id))
        if org.kind == OrganisationKind.PARTY.value:
            session.add(t.Channel(track_id=row.id, party_id=org.id))
    session.flush()
    audited(
        session,
        actor,
        "track.create",
        ("track", row.id),
        {
            "process": process_id,
            "name": name,
            "agenda": row.agenda,
            "organisations": [o.id for o in orgs if o],
            "source": source,
            **({"names": own} if own else {}),
        },
    )
    return row


def track_organisations(session: Session, actor: Actor, track_id: int) -> list[t.Organisation]:
    """The organisations taking part in a track the actor can see."""
    row, _ = repositories.track(session, actor, track_id)
    ids = repositories.participants(session, row.id)
    stmt = select(t.Organisation).where(t.Organisation.id.in_(ids)).order_by(t.Organisation.id)
    return list(session.execute(stmt).scalars())


def own_memberships(session: Session, actor: Actor) -> Sequence[t.Membership]:
    """The actor's own memberships."""
    stmt = select(t.Membership).where(t.Membership.user_id == actor.user_id)
    return session.execute(stmt.order_by(t.Membership.id)).scalars().all()


def process_view_admin(actor: Actor, process_id: int) -> None:
    """Raise unless the actor administers the process (404 for non-members, else 403)."""
    process_view(actor, process_id).require_admin()
