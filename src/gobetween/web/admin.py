"""Process administration: organisations, invitations, members and roles, tracks.

Only the process's admins have this page (:meth:`~gobetween.policy.ProcessView.require_admin`;
to other members it is forbidden, to outsiders it does not exist). People join only by
accepting an invitation (mailed to them when e-mail is configured). New tracks and their
agendas are made in the agenda editor (:mod:`gobetween.web.agenda`). JSON twins: the
``/api/processes/{id}/...`` routes, whose bodies the forms are read as
(:func:`gobetween.web.forms.validated`): ``OrganisationIn``, ``InvitationIn``,
``MemberChange``, ``NamesIn`` (the names of the process, of an organisation or of a track in
the working languages of the process: ``PATCH`` of the process, organisation or track, a field
per working language); a refusal is shown next to its field (422), the form as typed. A kind or a
role that is none of the choices is refused at ``kind`` / ``role`` as the API refuses it, in the
page's own words ("choose a kind").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from gobetween import errors as e
from gobetween.i18n import _, _l
from gobetween.model import OrganisationKind, Role
from gobetween.service import invitations, names, prepare, processes, setup, two_factor
from gobetween.service.context import RequestContext, Unit
from gobetween.service.languages import working_languages
from gobetween.service.names import called
from gobetween.service.schemas import (
    InvitationIn,
    MemberChange,
    NamesIn,
    OrganisationIn,
    ProcessNamesIn,
)
from gobetween.web.common import Ctx, frame
from gobetween.web.forms import form_errors, in_form_order, validated
from gobetween.web.render import done_notice, read_page, redirect, render, run_page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
M = TypeVar("M", bound=BaseModel)


def _admin_context(
    ctx: RequestContext, unit: Unit, /, process_id: int, **more: Any
) -> dict[str, Any]:
    process, view = processes.process(unit.session, unit.actor, process_id)
    view.require_admin()
    orgs = processes.organisations(unit.session, unit.actor, process_id)
    shown = {o.id: called(o) for o in orgs}
    tracks = []
    for row, track_view in processes.tracks(unit.session, unit.actor, process_id):
        taking_part = processes.participants(unit.session, track_view)
        tracks.append({"row": row, "organisations": [shown.get(o, "?") for o in taking_part]})
    return {
        **frame(ctx, unit),
        "title": _("Admin: %(process)s") % {"process": called(process)},
        "process": process,
        "organisations": orgs,
        "names": shown,
        "members": prepare.members(unit.session, unit.actor, process_id),
        "invitations": [
            (row, invitations.invitation_state(row))
            for row in invitations.invitations(unit.session, unit.actor, process_id)
        ],
        "tracks": tracks,
        "two_factor": two_factor.process_rule(unit.session, unit.actor, process_id),
        "working": working_languages(unit.session, process_id),
        "roles": [r.value for r in Role],
        "kinds": [k.value for k in OrganisationKind],
        "nav": [(_("Home"), "/"), (_("Process admin"), f"/processes/{process_id}/admin")],
        **more,
    }


@router.get("/processes/{process_id}/admin")
def admin_page(request: Request, ctx: Ctx, process_id: int) -> Response:
    """Organisations, members, invitations and tracks of a process (admins)."""
    notice = done_notice(request)
    more = {"notice": notice} if notice else {}
    return read_page(request, ctx, "admin.html", _admin_context, process_id, **more)


def _org(form: FormData) -> str | None:
    """The organisation chosen, for the schema to read (none: ``None``)."""
    return str(form.get("organisation_id", "")) or None


def _role(form: FormData) -> str:
    """The role chosen; none of the roles is refused at ``role``, as the API refuses it."""
    raw = str(form.get("role", ""))
    if raw not in {r.value for r in Role}:
        raise e.ValidationFailed(_("choose a role"), location="role", expected=_("a role"))
    return raw


def _kind(form: FormData) -> str:
    """The kind chosen; none of the kinds is refused at ``kind``, as the API refuses it."""
    raw = str(form.get("kind", ""))
    if raw not in {k.value for k in OrganisationKind}:
        raise e.ValidationFailed(
            _("choose a kind"), location="kind", expected=_("party, mediator or observer")
        )
    return raw


def _read(
    model: type[M],
    values: dict[str, Any],
    choice: Callable[[FormData], str],
    name: str,
    form: FormData,
    order: tuple[str, ...],
) -> M:
    """``values`` read as ``model``, the choice ``name`` checked by ``choice`` in the page's
    words: every problem at once, in the form's ``order``, the page's words for the choice
    (not the schema's too)."""
    found = e.Problems()
    with found.check():
        values[name] = choice(form)
    body = None
    with found.check():
        body = validated(model, values)
    if found.found or body is None:
        raise in_form_order(found.found, order)
    return body


def _member(model: type[M], form: FormData, **more: str) -> M:
    """A membership's role and organisation (and ``more``) read as the API's body ``model``."""
    values: dict[str, Any] = {
        **more,
        "role": str(form.get("role", "")),
        "organisation_id": _org(form),
    }
    return _read(model, values, _role, "role", form, (*more, "role", "organisation_id"))


def _names(session: Any, actor: Any, process_id: int, form: FormData) -> None:
    """The names form of the process, of one of its organisations or of one of its tracks
    (``subject``: ``process``, ``organisation:<id>``, ``track:<id>``): its fields
    ``names.<code>`` (and the process's ``descriptions.<code>``) read as the API's body
    (``NamesIn``, ``ProcessNamesIn``), a field left empty meaning none in that language; then
    checked by the service as the API's ``PATCH`` is."""

    def given(field: str) -> dict[str, str]:
        return {
            key.removeprefix(f"{field}."): value.strip()
            for key, value in form.items()
            if key.startswith(f"{field}.") and isinstance(value, str) and value.strip()
        }

    kind, _colon, raw = str(form.get("subject", "")).partition(":")
    row_id = int(raw) if raw.isdigit() else 0
    if kind == "process":
        texts = {"names": given("names"), "descriptions": given("descriptions")}
        both = validated(ProcessNamesIn, texts)
        names.set_process_names(session, actor, process_id, both.names, both.descriptions)
        return
    body = validated(NamesIn, {"names": given("names")})
    if kind == "organisation":
        names.set_organisation_names(session, actor, process_id, row_id, body.names)
    elif kind == "track":
        if processes.track(session, actor, row_id)[0].process_id != process_id:
            raise e.NotFound(e.N_("no track %(track_id)s"), params={"track_id": row_id})
        names.set_track_names(session, actor, row_id, body.names)
    else:
        raise e.ValidationFailed(
            _("unknown action"), location="action", expected=_("a form of this page")
        )


def _do(
    session: Any,
    actor: Any,
    process_id: int,
    action: str,
    form: FormData,
    out: setup.Outgoing,
) -> str | None:
    """Run one admin action; an invitation link to show once ("" when it went by e-mail),
    "withdrawn" for an invitation withdrawn, or None."""
    if action == "organisation":
        fields = {"name": str(form.get("name", "")), "kind": str(form.get("kind", ""))}
        org = _read(OrganisationIn, fields, _kind, "kind", form, ("name", "kind"))
        prepare.add_organisation(session, actor, process_id, name=org.name, kind=org.kind)
    elif action == "invite":
        invited = _member(InvitationIn, form, email=str(form.get("email", "")))
        _invitation, token = invitations.invite(
            session,
            actor,
            process_id,
            email=invited.email,
            role=invited.role,
            organisation_id=invited.organisation_id,
        )
        if out.enabled:  # the link goes to the address only
            setup.mail_invitation(session, out, invitations.invitation_info(session, token), token)
            return ""
        return f"/invitations/{token}"
    elif action == "withdraw":
        raw = str(form.get("invitation_id", ""))
        invitations.withdraw(session, actor, process_id, int(raw) if raw.isdigit() else 0)
        return "withdrawn"
    elif action == "names":
        _names(session, actor, process_id, form)
    elif action == "two_factor":
        two_factor.set_process_rule(session, actor, process_id, form.get("required") == "1")
    elif action == "change":
        raw = str(form.get("membership_id", ""))
        membership = int(raw) if raw.isdigit() else 0
        if form.get("remove"):
            prepare.remove_member(session, actor, process_id, membership)
        else:
            change = _member(MemberChange, form)
            prepare.change_member(
                session,
                actor,
                process_id,
                membership,
                role=change.role,
                organisation_id=change.organisation_id,
            )
    else:
        raise e.ValidationFailed(
            _("unknown action"), location="action", expected=_("a form of this page")
        )
    return None


@router.post("/processes/{process_id}/admin")
async def admin_action(request: Request, ctx: Ctx, process_id: int) -> Response:
    """One of the page's forms: add an organisation, invite, withdraw an invitation, change or
    remove a membership, require a second factor of the members or no longer."""
    form = await request.form()
    await form.close()
    action = str(form.get("action", ""))

    def build() -> Response:
        try:
            with ctx.write() as unit:
                out = setup.Outgoing(ctx.settings, str(request.base_url))
                link = _do(unit.session, unit.actor, process_id, action, form, out)
        except (e.InputError, e.Conflict) as exc:
            which = {
                "change": f"change:{form.get('membership_id', '')}",
                "names": f"names:{form.get('subject', '')}",  # its fields: names.<code>
            }.get(action, action)
            typed = {k: str(v) for k, v in form.items() if isinstance(v, str)}
            whole = (lambda where: where) if action == "names" else None
            with ctx.read() as unit:
                context = _admin_context(
                    ctx, unit, process_id, failed=which, values=typed, **form_errors(exc, whole)
                )
            return render(request, "admin.html", context, status=422)
        if link == "withdrawn":
            return redirect(f"/processes/{process_id}/admin?done=invitation-withdrawn#invitations")
        if link:
            with ctx.read() as unit:
                url = str(request.base_url).rstrip("/") + link
                context = _admin_context(ctx, unit, process_id, invitation_link=url)
            return render(request, "admin.html", context)
        if link == "":
            with ctx.read() as unit:
                context = _admin_context(
                    ctx, unit, process_id, notice=_l("Invitation sent by e-mail.")
                )
            return render(request, "admin.html", context)
        return redirect(f"/processes/{process_id}/admin")

    return await run_in_threadpool(run_page, request, build)
