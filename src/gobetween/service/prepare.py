"""Preparing a process: the process, its organisations, members, tracks and their agendas.

Service functions: each takes the request's session and the acting user, checks the policy,
writes, and appends to the audit chain. Routes and web pages call these and nothing below them.

Membership needs the invited person's consent: the API and the pages add people only through
an invitation (:mod:`gobetween.service.invitations`, which seats them with
:func:`add_membership` when they accept). :func:`add_member` (no consent) is for the operator's
own tools only (the demo, the command line, test fixtures). A user holds at most one role in a
process besides admin; a process keeps at least one admin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gobetween.i18n import _, _l
from gobetween.model import Agenda, OrganisationKind, Role
from gobetween.policy import Actor, process_view, role_fits
from gobetween.service import unique
from gobetween.service.audited import audited
from gobetween.service.identity import normalise_email
from gobetween.service.languages import set_working_languages, working_languages
from gobetween.service.names import check_names, set_process_names
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store.codec import agenda_to_json

__all__ = [
    "add_member",
    "add_membership",
    "add_organisation",
    "change_member",
    "check_role",
    "convener",
    "create_process",
    "create_track",
    "members",
    "remove_member",
]


def _name(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationFailed(
            _("the %(field)s is empty") % {"field": field}, location=field, expected=_("a name")
        )
    return value


def create_process(
    session: Session,
    actor: Actor,
    *,
    name: str,
    description: str = "",
    languages: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
    descriptions: Mapping[str, str] | None = None,
) -> t.Process:
    """A new process; its creator becomes its first admin, then declares its working
    ``languages`` (``None``: none declared, English), names it in them (``names``: language
    code -> name, refused at ``names.<code>`` in a language not declared) and describes it in
    them (``descriptions``, refused at ``descriptions.<code>`` alike)."""
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
    if languages is not None or names or descriptions:
        admin = repositories.load_actor(session, actor.user_id)  # an admin of it now
        if languages is not None:
            set_working_languages(session, admin, row.id, languages)
        if names or descriptions:
            set_process_names(session, admin, row.id, names or None, descriptions or None)
    return row


def convener(session: Session, process: t.Process) -> str:
    """Who convened a process, as its members see it: name and e-mail address."""
    user = session.get(t.User, process.created_by) if process.created_by else None
    return f"{user.name} <{user.email}>" if user else _("a former user")


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


def check_role(session: Session, process_id: int, role: Role, organisation_id: int | None) -> None:
    """Refuse (:class:`ValidationFailed`) a role that does not fit the organisation chosen, or
    an organisation that is not the process's; who may give the seat, the caller checks."""
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


def add_membership(
    session: Session, actor: Actor, process_id: int, user_id: int, role: Role, org: int | None
) -> t.Membership:
    """Seat a user (:func:`add_member`, or an accepted invitation): one role besides admin
    (:class:`Conflict` else), audited as ``actor``'s. No policy check: the caller made it."""
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
    route or page calls it, since membership needs consent
    (:func:`gobetween.service.invitations.invite`).
    """
    process_view(actor, process_id).require_admin()
    check_role(session, process_id, role, organisation_id)
    address = normalise_email(email)
    user = session.execute(select(t.User).where(t.User.email == address)).scalar_one_or_none()
    if user is None:
        raise ValidationFailed(
            _("no user with e-mail %(address)s; invite them instead") % {"address": address},
            location="email",
            expected=_("the address of a registered user"),
        )
    return add_membership(session, actor, process_id, user.id, role, organisation_id)


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
    check_role(session, process_id, role, organisation_id)
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
