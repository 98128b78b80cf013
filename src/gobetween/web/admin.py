"""Process administration: organisations, members and roles, invitations, tracks and agendas.

Only the process's admins have this page (:meth:`~gobetween.policy.ProcessView.require_admin`;
to other members it is forbidden, to outsiders it does not exist). A track's agenda is typed
(one issue per line: ``name: option, option, ...``) or imported from a scenario file (YAML/JSON)
or Genius XML. JSON twins: the ``/api/processes/{id}/...`` routes.

>>> [i.option_names for i in agenda_from_lines("term: 60, 120\\nports: Odesa, all").issues]
[('60', '120'), ('Odesa', 'all')]
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from gobetween import errors as e
from gobetween.model import Agenda, Issue, OrganisationKind, Role
from gobetween.service import prepare
from gobetween.service.context import RequestContext, Unit
from gobetween.service.imports import agenda_from_uploads
from gobetween.service.negotiate import Upload
from gobetween.store import repositories
from gobetween.web.common import Ctx, frame
from gobetween.web.render import problem_text, redirect, render, run_page

__all__ = ["agenda_from_lines", "router"]

router = APIRouter(include_in_schema=False)


def agenda_from_lines(text: str, name: str = "agenda") -> Agenda:
    """An agenda typed one issue per line as ``issue: option, option, ...``."""
    issues = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        issue, sep, rest = line.partition(":")
        options = [o.strip() for o in rest.split(",") if o.strip()]
        if not sep or not issue.strip() or not options:
            raise e.ValidationFailed(
                f"line {number} is not “issue: option, option, …”",
                location="agenda",
                expected="one issue per line with its options after a colon",
            )
        issues.append(Issue.discrete(issue.strip(), options))
    if not issues:
        raise e.ValidationFailed("the agenda is empty", location="agenda", expected="issues")
    try:
        return Agenda(tuple(issues), name=name)
    except e.InvalidModel as exc:
        raise exc.located(source="agenda") from None


def _admin_context(ctx: RequestContext, unit: Unit, process_id: int, **more: Any) -> dict[str, Any]:
    process, view = repositories.process(unit.session, unit.actor, process_id)
    view.require_admin()
    orgs = repositories.organisations(unit.session, unit.actor, process_id)
    names = {o.id: o.name for o in orgs}
    tracks = []
    for row, _ in repositories.tracks(unit.session, unit.actor, process_id):
        taking_part = repositories.participants(unit.session, row.id)
        tracks.append({"row": row, "organisations": [names.get(o, "?") for o in taking_part]})
    return {
        **frame(ctx, unit),
        "title": f"Admin: {process.name}",
        "process": process,
        "organisations": orgs,
        "names": names,
        "members": prepare.members(unit.session, unit.actor, process_id),
        "invitations": prepare.invitations(unit.session, unit.actor, process_id),
        "tracks": tracks,
        "roles": [r.value for r in Role],
        "kinds": [k.value for k in OrganisationKind],
        "nav": [("Home", "/"), ("Process admin", f"/processes/{process_id}/admin")],
        **more,
    }


@router.get("/processes/{process_id}/admin")
def admin_page(request: Request, ctx: Ctx, process_id: int) -> Response:
    """Organisations, members, invitations and tracks of a process (admins)."""

    def build() -> Response:
        with ctx.read() as unit:
            context = _admin_context(ctx, unit, process_id)
        return render(request, "admin.html", context)

    return run_page(request, build)


def _org(form: FormData) -> int | None:
    raw = str(form.get("organisation_id", ""))
    return int(raw) if raw.isdigit() else None


def _role(form: FormData) -> Role:
    raw = str(form.get("role", ""))
    if raw not in {r.value for r in Role}:
        raise e.ValidationFailed("choose a role", location="role", expected="a role")
    return Role(raw)


async def _uploads(form: FormData) -> list[Upload]:
    out = []
    for value in form.getlist("files"):
        if isinstance(value, UploadFile) and value.filename:
            data = await value.read(5_000_001)
            out.append(Upload(value.filename, value.content_type or "", data))
    return out


def _do(
    session: Any, actor: Any, process_id: int, action: str, form: FormData, files: list[Upload]
) -> str | None:
    """Run one admin action; a message to show once (an invitation link), or None."""
    if action == "organisation":
        kind = str(form.get("kind", ""))
        if kind not in {k.value for k in OrganisationKind}:
            raise e.ValidationFailed(
                "choose a kind", location="kind", expected="party, mediator or observer"
            )
        prepare.add_organisation(
            session, actor, process_id, name=str(form.get("name", "")), kind=OrganisationKind(kind)
        )
    elif action == "member":
        prepare.add_member(
            session,
            actor,
            process_id,
            email=str(form.get("email", "")),
            role=_role(form),
            organisation_id=_org(form),
        )
    elif action == "invite":
        _, token = prepare.invite(
            session,
            actor,
            process_id,
            email=str(form.get("email", "")),
            role=_role(form),
            organisation_id=_org(form),
        )
        return f"/invitations/{token}"
    elif action == "change":
        membership = int(str(form.get("membership_id", "0")) or 0)
        if form.get("remove"):
            prepare.remove_member(session, actor, process_id, membership)
        else:
            prepare.change_member(
                session, actor, process_id, membership, role=_role(form), organisation_id=_org(form)
            )
    elif action == "track":
        name = str(form.get("name", ""))
        orgs = [int(str(v)) for v in form.getlist("organisation_ids") if str(v).isdigit()]
        if files:
            prepare.process_view_admin(actor, process_id)
            agenda, source = agenda_from_uploads(files)
        else:
            agenda, source = (
                agenda_from_lines(str(form.get("agenda", "")), name or "agenda"),
                "typed",
            )
        prepare.create_track(
            session,
            actor,
            process_id,
            name=name,
            agenda=agenda,
            organisation_ids=orgs,
            source=source,
        )
    else:
        raise e.ValidationFailed(
            "unknown action", location="action", expected="a form of this page"
        )
    return None


@router.post("/processes/{process_id}/admin")
async def admin_action(request: Request, ctx: Ctx, process_id: int) -> Response:
    """One of the page's forms: add an organisation or member, invite, change a role, add a
    track (with a typed or imported agenda)."""
    form = await request.form()
    files = await _uploads(form)
    await form.close()
    action = str(form.get("action", ""))

    def build() -> Response:
        try:
            with ctx.write() as unit:
                link = _do(unit.session, unit.actor, process_id, action, form, files)
        except (e.InputError, e.Conflict) as exc:
            with ctx.read() as unit:
                context = _admin_context(ctx, unit, process_id, error=problem_text(exc))
            return render(request, "admin.html", context, status=422)
        if link is not None:
            with ctx.read() as unit:
                url = str(request.base_url).rstrip("/") + link
                context = _admin_context(ctx, unit, process_id, invitation_link=url)
            return render(request, "admin.html", context)
        return redirect(f"/processes/{process_id}/admin")

    return await run_in_threadpool(run_page, request, build)
