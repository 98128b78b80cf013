"""Routes of the *prepare* stage: processes, organisations, members, invitations, tracks.

Nobody becomes a member without consenting: ``POST /processes/{id}/members`` sends an
invitation (202), exactly like ``POST /processes/{id}/invitations``, whatever the address.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from gobetween.errors import InvalidModel
from gobetween.i18n import _
from gobetween.model import IN_LANGUAGES, Agenda, Issue, Option, Role, in_languages
from gobetween.policy import Actor, TrackView
from gobetween.service import agendas, invitations, names, prepare, setup
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, listing, writing, writing_as
from gobetween.service.api.setup import outgoing
from gobetween.service.context import RequestContext
from gobetween.service.imports import agenda_from_uploads
from gobetween.service.languages import working_languages
from gobetween.service.negotiate import Upload
from gobetween.store import repositories
from gobetween.store import tables as t

router = APIRouter(prefix="/api", tags=["prepare"])


def process_out(session: Session, actor: Actor, row: t.Process) -> s.ProcessOut:
    roles = sorted({m.role for m in actor.memberships if m.process_id == row.id})
    return s.ProcessOut(
        id=row.id,
        name=row.name,
        description=row.description,
        created_at=row.created_at,
        roles=roles,
        convened_by=prepare.convener(session, row),
        languages=list(working_languages(session, row.id)),
        names=names.names_out(row),
        descriptions={str(code): str(text) for code, text in (row.descriptions or {}).items()},
    )


def track_out(session: Session, row: t.Track, view: TrackView) -> s.TrackOut:
    return s.TrackOut(
        id=row.id,
        process_id=row.process_id,
        name=row.name,
        names=names.names_out(row),
        source=row.source,
        agenda=row.agenda,
        organisation_ids=sorted(repositories.participants(session, row.id)),
        seats=sorted(seat.value for seat in view.seats),
        my_party_id=view.own_party,
    )


def member_out(membership: t.Membership, user: t.User) -> s.MemberOut:
    return s.MemberOut(
        id=membership.id,
        user=s.UserOut.model_validate(user),
        role=Role(membership.role),
        organisation_id=membership.organisation_id,
    )


@router.get("/processes", response_model=list[s.ProcessOut])
def list_processes(ctx: Ctx) -> list[s.ProcessOut]:
    """The processes the caller belongs to."""
    with ctx.read() as unit:
        rows = repositories.processes(unit.session, unit.actor)
        return [process_out(unit.session, unit.actor, r) for r in rows]


def new_process(session: Session, actor: Actor, body: s.ProcessIn) -> t.Process:
    """A process made from the fields of ``body`` (``POST /api/processes``; the new-process
    page reads its form into the same schema): the caller becomes its admin."""
    return prepare.create_process(
        session,
        actor,
        name=body.name,
        description=body.description,
        languages=body.languages,
        names=body.names,
        descriptions=body.descriptions,
    )


@router.post("/processes", response_model=s.ProcessOut, status_code=201)
def create_process(body: s.ProcessIn, ctx: Ctx) -> s.ProcessOut:
    """Create a process; the caller becomes its admin."""
    with ctx.write() as unit:
        row = new_process(unit.session, unit.actor, body)
        actor = repositories.load_actor(unit.session, unit.user.id)
        return process_out(unit.session, actor, row)


@router.get("/processes/{process_id}", response_model=s.ProcessOut)
def get_process(process_id: s.Id, ctx: Ctx) -> s.ProcessOut:
    """One process the caller belongs to."""
    with ctx.read() as unit:
        row, _ = repositories.process(unit.session, unit.actor, process_id)
        return process_out(unit.session, unit.actor, row)


@router.patch("/processes/{process_id}", response_model=s.ProcessOut)
def name_process(process_id: s.Id, body: s.ProcessNamesIn, ctx: Ctx) -> s.ProcessOut:
    """Name and describe the process in its working languages (admins): ``names`` replaces its
    names, ``descriptions`` its descriptions; one left out stays as it is."""
    with ctx.write() as unit:
        row = names.set_process_names(
            unit.session, unit.actor, process_id, body.names, body.descriptions
        )
        return process_out(unit.session, unit.actor, row)


@router.get("/processes/{process_id}/organisations", response_model=list[s.OrganisationOut])
def list_organisations(process_id: s.Id, ctx: Ctx) -> list[s.OrganisationOut]:
    """The organisations of a process."""
    return listing(ctx, s.OrganisationOut, repositories.organisations, process_id)


@router.post(
    "/processes/{process_id}/organisations", response_model=s.OrganisationOut, status_code=201
)
def create_organisation(process_id: s.Id, body: s.OrganisationIn, ctx: Ctx) -> s.OrganisationOut:
    """Add a party, mediating or observing organisation (admins)."""
    return writing_as(
        ctx,
        s.OrganisationOut,
        prepare.add_organisation,
        process_id,
        name=body.name,
        kind=body.kind,
        names=body.names,
    )


@router.patch(
    "/processes/{process_id}/organisations/{organisation_id}", response_model=s.OrganisationOut
)
def name_organisation(
    process_id: s.Id, organisation_id: s.Id, body: s.NamesIn, ctx: Ctx
) -> s.OrganisationOut:
    """Name an organisation in the process's working languages (admins): ``names`` replaces
    its names."""
    return writing_as(
        ctx,
        s.OrganisationOut,
        names.set_organisation_names,
        process_id,
        organisation_id,
        body.names,
    )


@router.get("/processes/{process_id}/members", response_model=list[s.MemberOut])
def list_members(process_id: s.Id, ctx: Ctx) -> list[s.MemberOut]:
    """Members: all for admins, else those of the caller's own organisations."""
    with ctx.read() as unit:
        return [member_out(m, u) for m, u in prepare.members(unit.session, unit.actor, process_id)]


@router.post("/processes/{process_id}/members", response_model=s.NewInvitationOut, status_code=202)
def add_member(
    process_id: s.Id, body: s.MemberIn, ctx: Ctx, request: Request
) -> s.NewInvitationOut:
    """Ask someone to take a role (admins): an invitation they must accept, as for
    ``/invitations``; the answer is the same whether or not the address has an account."""
    return _invite(process_id, body, ctx, request)


@router.patch("/processes/{process_id}/members/{membership_id}", response_model=s.MemberOut)
def change_member(
    process_id: s.Id, membership_id: s.Id, body: s.MemberChange, ctx: Ctx
) -> s.MemberOut:
    """Change a member's role (admins)."""
    with ctx.write() as unit:
        row = prepare.change_member(
            unit.session,
            unit.actor,
            process_id,
            membership_id,
            role=body.role,
            organisation_id=body.organisation_id,
        )
        user = unit.session.get(t.User, row.user_id)
        assert user is not None
        return member_out(row, user)


@router.delete("/processes/{process_id}/members/{membership_id}", status_code=204)
def remove_member(process_id: s.Id, membership_id: s.Id, ctx: Ctx) -> None:
    """Remove a membership (admins)."""
    writing(ctx, prepare.remove_member, process_id, membership_id)


@router.get("/processes/{process_id}/invitations", response_model=list[s.InvitationOut])
def list_invitations(process_id: s.Id, ctx: Ctx) -> list[s.InvitationOut]:
    """The process's invitations (admins), each with its ``state``."""
    with ctx.read() as unit:
        rows = invitations.invitations(unit.session, unit.actor, process_id)
        return [invitation_out(row) for row in rows]


def invitation_out(row: t.Invitation) -> s.InvitationOut:
    """An invitation with its state (:func:`gobetween.service.invitations.invitation_state`)."""
    out = s.InvitationOut.model_validate(row)
    return out.model_copy(update={"state": invitations.invitation_state(row)})


@router.post(
    "/processes/{process_id}/invitations/{invitation_id}/withdraw",
    response_model=s.InvitationOut,
)
def withdraw_invitation(process_id: s.Id, invitation_id: s.Id, ctx: Ctx) -> s.InvitationOut:
    """Withdraw a pending invitation (whoever may invite: the admins): its link is refused
    from now on, naming who withdrew it. 409 when it is no longer pending, saying why."""
    with ctx.write() as unit:
        return invitation_out(
            invitations.withdraw(unit.session, unit.actor, process_id, invitation_id)
        )


@router.post(
    "/processes/{process_id}/invitations", response_model=s.NewInvitationOut, status_code=201
)
def invite(
    process_id: s.Id, body: s.InvitationIn, ctx: Ctx, request: Request
) -> s.NewInvitationOut:
    """Invite someone by e-mail to a role. With e-mail configured the link goes to the
    address only; without, the token is shown in this answer only (hand the link over)."""
    return _invite(process_id, body, ctx, request)


def _invite(
    process_id: int, body: s.MemberIn, ctx: RequestContext, request: Request
) -> s.NewInvitationOut:
    out = outgoing(ctx, request)
    with ctx.write() as unit:
        row, token = invitations.invite(
            unit.session,
            unit.actor,
            process_id,
            email=body.email,
            role=body.role,
            organisation_id=body.organisation_id,
        )
        if out.enabled:
            info = invitations.invitation_info(unit.session, token)
            setup.mail_invitation(unit.session, out, info, token)
        data = invitation_out(row).model_dump()
        return s.NewInvitationOut(**data, token=None if out.enabled else token, mailed=out.enabled)


def agenda_of(body: s.AgendaIn) -> Agenda:
    """The domain agenda of an API agenda (validated by the model)."""
    try:
        return Agenda(
            tuple(
                Issue(
                    issue.name,
                    tuple(
                        Option(
                            o.name, value=o.value, label=o.label, wording=o.wording, names=o.names
                        )
                        for o in issue.options
                    ),
                    kind=issue.kind,
                    unit=issue.unit,
                    description=issue.description,
                    **in_languages(issue.model_dump(include=set(IN_LANGUAGES))),
                    settles=issue.settles,
                )
                for issue in body.issues
            ),
            name=body.name,
        )
    except InvalidModel as exc:
        raise exc.located(source="agenda") from None


@router.get("/processes/{process_id}/tracks", response_model=list[s.TrackOut])
def list_tracks(process_id: s.Id, ctx: Ctx) -> list[s.TrackOut]:
    """The tracks of a process in which the caller has a seat."""
    with ctx.read() as unit:
        rows = repositories.tracks(unit.session, unit.actor, process_id)
        return [track_out(unit.session, r, v) for r, v in rows]


@router.post("/processes/{process_id}/tracks", response_model=s.TrackOut, status_code=201)
def create_track(process_id: s.Id, body: s.TrackIn, ctx: Ctx) -> s.TrackOut:
    """Create a track with its agenda and organisations; opens one channel per party."""
    with ctx.write() as unit:
        row = prepare.create_track(
            unit.session,
            unit.actor,
            process_id,
            name=body.name,
            agenda=agenda_of(body.agenda),
            organisation_ids=body.organisation_ids,
            names=body.names,
        )
        actor = repositories.load_actor(unit.session, unit.user.id)
        _, view = repositories.track(unit.session, actor, row.id)
        return track_out(unit.session, row, view)


@router.get("/tracks/{track_id}", response_model=s.TrackOut)
def get_track(track_id: s.Id, ctx: Ctx) -> s.TrackOut:
    """One track: its agenda and organisations."""
    with ctx.read() as unit:
        row, view = repositories.track(unit.session, unit.actor, track_id)
        return track_out(unit.session, row, view)


@router.patch("/tracks/{track_id}", response_model=s.TrackOut)
def name_track(track_id: s.Id, body: s.NamesIn, ctx: Ctx) -> s.TrackOut:
    """Name a track in its process's working languages (the process's admins): ``names``
    replaces its names."""
    with ctx.write() as unit:
        row = names.set_track_names(unit.session, unit.actor, track_id, body.names)
        _, view = repositories.track(unit.session, unit.actor, track_id)
        return track_out(unit.session, row, view)


class AgendaChangeIn(s.In):
    agenda: s.AgendaIn
    note: Annotated[s.Str, Field(max_length=5000)] = ""


class AgendaChangeOut(s.Out):
    version: int  # 0: no text yet, the agenda was still a draft


class AgendaVersionOut(s.Out):
    version: int
    agenda: dict[str, Any]
    note: str
    created_at: dt.datetime


@router.put("/tracks/{track_id}/agenda", response_model=AgendaChangeOut)
def change_agenda(track_id: s.Id, body: AgendaChangeIn, ctx: Ctx) -> AgendaChangeOut:
    """Change a track's agenda (admins, the track's mediators): freely until the first text
    version, then as a new agenda version announced to every seat with ``note``."""
    with ctx.write() as unit:
        version = agendas.change_agenda(
            unit.session, unit.actor, track_id, agenda_of(body.agenda), note=body.note
        )
        return AgendaChangeOut(version=version)


@router.get("/tracks/{track_id}/agenda/versions", response_model=list[AgendaVersionOut])
def agenda_versions(track_id: s.Id, ctx: Ctx) -> list[AgendaVersionOut]:
    """The announced agenda versions of a track, oldest first (every seat)."""
    return listing(ctx, AgendaVersionOut, agendas.history, track_id)


def _names_field(text: str) -> dict[str, str]:
    """A multipart form's ``names`` field: a JSON object of names by language code (checked
    against the working languages by the service); anything else refused at ``names``."""
    try:
        given = json.loads(text or "{}")
    except ValueError:
        given = None
    if not isinstance(given, dict) or not all(isinstance(v, str) for v in given.values()):
        raise InvalidModel(
            _("the names are not a JSON object of names by language code"),
            location="names",
            expected=_('an object like {"uk": "продовольчий коридор"}'),
        )
    return {str(code): value for code, value in given.items()}


@router.post("/processes/{process_id}/tracks/import", response_model=s.TrackOut, status_code=201)
async def import_track(
    process_id: s.Id,
    ctx: Ctx,
    name: Annotated[s.Name, Form()],
    organisation_ids: Annotated[list[s.RefId], Form(min_length=2, max_length=50)],
    files: Annotated[list[UploadFile], File(max_length=20)],
    names: Annotated[str, Form(max_length=10_000)] = "{}",
) -> s.TrackOut:
    """Create a track whose agenda comes from a scenario file or Genius XML (admins);
    ``names``: its name in working languages of the process, as a JSON object
    (``{"uk": "продовольчий коридор"}``), as ``POST /api/processes/{id}/tracks`` takes them."""
    uploads = [
        Upload(f.filename or "file", f.content_type or "", await f.read(5_000_001)) for f in files
    ]

    def work() -> s.TrackOut:
        with ctx.write() as unit:
            prepare.process_view_admin(unit.actor, process_id)
            given = _names_field(names)
            agenda, source = agenda_from_uploads(uploads)
            row = prepare.create_track(
                unit.session,
                unit.actor,
                process_id,
                name=name,
                agenda=agenda,
                organisation_ids=organisation_ids,
                source=source,
                names=given,
            )
            actor = repositories.load_actor(unit.session, unit.user.id)
            _, view = repositories.track(unit.session, actor, row.id)
            return track_out(unit.session, row, view)

    return await run_in_threadpool(work)
