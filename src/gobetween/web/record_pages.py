"""The forms of the implementation page beyond voyages: assessing provisions, reporting and
assessing incidents, importing a kind's file, proposing and approving publishing.

Each form calls the same service function as its JSON twin (:mod:`gobetween.service.records`)
and goes back to the page; a refused form shows the page again with what was wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gobetween import errors as e
from gobetween.formats.records import read_entry_file
from gobetween.i18n import _
from gobetween.monitoring.kinds import kind_named
from gobetween.monitoring.limits import ImportLimits
from gobetween.policy import Actor
from gobetween.service import import_steps, records
from gobetween.service import provisions as provision_records
from gobetween.service.api.calls import writing
from gobetween.service.negotiate import Upload
from gobetween.web.agreement_views import _form, implementation_error
from gobetween.web.common import Ctx
from gobetween.web.render import problem_text, redirect, run_page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_REFUSED = (e.InputError, e.ProtocolError, e.PermissionDenied, e.Conflict)
_STATUS = {e.PermissionDenied: 403, e.Conflict: 409}
P = ParamSpec("P")


def _text(form: dict[str, Any], name: str, limit: int = 2000) -> str:
    value = form.get(name, "")
    return str(value).strip()[:limit] if isinstance(value, str) else ""


async def _do(
    request: Request, ctx: Ctx, agreement_id: int, anchor: str, work: Callable[[], object]
) -> Response:
    """Run ``work`` (in a worker thread), then go back to the page at ``anchor``, or show the
    page again with what was refused."""

    def build() -> Response:
        try:
            work()
        except _REFUSED as exc:
            status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), 422)
            return implementation_error(request, ctx, agreement_id, problem_text(exc), status)
        return redirect(f"/agreements/{agreement_id}/implementation#{anchor}", request)

    return await run_in_threadpool(run_page, request, build)


async def _write(
    request: Request,
    ctx: Ctx,
    agreement_id: int,
    anchor: str,
    call: Callable[Concatenate[Any, Actor, int, P], object],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Response:
    """:func:`_do` with ``call(session, actor, agreement_id, *args, **kwargs)`` as the work, in
    a writing unit of work."""
    return await _do(
        request,
        ctx,
        agreement_id,
        anchor,
        lambda: writing(ctx, call, agreement_id, *args, **kwargs),
    )


@router.post("/agreements/{agreement_id}/implementation/provisions")
async def assess_provision(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """The joint team assesses a provision (level, one piece of evidence, a note)."""
    form = await _form(request)
    key = _text(form, "key", 80)
    evidence = []
    if _text(form, "reference"):
        evidence.append(
            {"kind": _text(form, "evidence", 20) or "link", "reference": _text(form, "reference")}
        )
    body = {"level": _text(form, "level", 40), "evidence": evidence, "note": _text(form, "note")}
    return await _write(
        request, ctx, agreement_id, "provisions", provision_records.assess_provision, key, body
    )


@router.post("/agreements/{agreement_id}/implementation/incidents")
async def report_incident(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """A party alleges an incident, privately to the mediators."""
    form = await _form(request)
    names = ("alleged_by", "accused", "date", "place", "facility", "description")
    body = {n: _text(form, n, 5000 if n == "description" else 300) for n in names}
    return await _write(request, ctx, agreement_id, "kind-incidents", records.report_incident, body)


@router.post("/agreements/{agreement_id}/implementation/incidents/{key}/assessment")
async def assess_incident(request: Request, ctx: Ctx, agreement_id: int, key: str) -> Response:
    """The joint team assesses an incident."""
    form = await _form(request)
    assessment = _text(form, "assessment", 40)
    return await _write(
        request, ctx, agreement_id, "kind-incidents", records.assess_incident, key[:100], assessment
    )


@router.post("/agreements/{agreement_id}/implementation/publications")
async def propose(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """A mediator proposes publishing part of the record."""
    form = await _form(request)
    scope, summary = _text(form, "scope", 460), _text(form, "summary", 5000)
    return await _write(
        request, ctx, agreement_id, "published", records.propose_publication, scope, summary
    )


@router.post("/agreements/{agreement_id}/implementation/publications/{publication_id}")
async def approve(request: Request, ctx: Ctx, agreement_id: int, publication_id: int) -> Response:
    """A mediator of another mediating organisation approves a proposal."""
    await _form(request)
    return await _write(
        request, ctx, agreement_id, "published", records.approve_publication, publication_id
    )


@router.post("/agreements/{agreement_id}/implementation/kinds/{kind}/import")
async def import_kind(request: Request, ctx: Ctx, agreement_id: int, kind: str) -> Response:
    """Import a CSV or XLSX file of one record kind (read before the write unit opens)."""
    form = await _form(request)
    upload = form.get("file")

    def work() -> None:
        if not isinstance(upload, Upload) or not upload.filename:
            raise e.ValidationFailed(_("choose a file"), location="file", expected=_("CSV or XLSX"))
        limits = ImportLimits(ctx.settings.import_max_rows, ctx.settings.import_max_problems)
        result = read_entry_file(kind_named(kind[:40]), upload.filename, upload.data, limits)
        report = import_steps.import_entries_in_steps(ctx.read, ctx.write, agreement_id, result)
        if report["problems"]:
            first = report["problems"][0]
            raise e.DataImportError(
                e.N_("%(new)s new, %(skipped)s rows skipped; row %(row)s: %(message)s"),
                expected=(first["expected"] or "").replace("%", "%%") or None,
                params={
                    "new": report["new"],
                    "skipped": report["skipped_rows"],
                    "row": first["row"],
                    "message": first["message"],  # already in the reader's language
                },
            )

    return await _do(request, ctx, agreement_id, f"kind-{kind[:40]}", work)
