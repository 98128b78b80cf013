"""Routes of stage 5: the joint implementation record (imports, events, figures, CSV export).

Thin: each route opens one unit of work and calls :mod:`gobetween.service.implement`. The
public view needs no login: ``GET /api/public/agreements/{agreement_id}/record``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from gobetween.errors import ValidationFailed
from gobetween.monitoring.limits import ImportLimits
from gobetween.service import implement
from gobetween.service import schemas as s
from gobetween.service.context import RequestContext, request_context

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["implement"])
Ctx = Annotated[RequestContext, Depends(request_context)]
TableName = Annotated[str, Field(pattern=r"^[a-z_]{1,60}$")]


@router.get("/agreements/{agreement_id}/record")
def record(agreement_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """The joint record: events, findings, figures, obligations, term clock (signatories)."""
    with ctx.read() as unit:
        return implement.record_view(unit.session, unit.actor, agreement_id)


@router.get("/public/agreements/{agreement_id}/record")
def public_record(agreement_id: s.Id, request: Request) -> dict[str, Any]:
    """What the agreement declares public of its joint record (no login)."""
    services = request.app.state.services
    with services.db.unit_of_work(write=False) as session:
        return implement.record_view(session, None, agreement_id)


@router.post("/agreements/{agreement_id}/record/events", status_code=201)
def add_event(
    agreement_id: s.Id,
    body: Annotated[dict[str, Any], Field(max_length=20)],
    ctx: Ctx,
) -> dict[str, Any]:
    """Add an event (registration, decision, inspection, departure, arrival, incident...)."""
    with ctx.write() as unit:
        return implement.add_event(unit.session, unit.actor, agreement_id, body)


@router.post("/agreements/{agreement_id}/record/imports", status_code=201)
async def import_file(
    agreement_id: s.Id, ctx: Ctx, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    """Import a JCC voyage file (CSV or XLSX); re-importing adds nothing; problems by row.

    The file is parsed and validated before the write unit opens (no lock is held while it
    is read); its rows and the problems listed are bounded by ``GOBETWEEN_IMPORT_MAX_ROWS`` and
    ``GOBETWEEN_IMPORT_MAX_PROBLEMS``.
    """
    data = await file.read(implement.MAX_IMPORT_BYTES + 1)
    name = file.filename or ""
    if not name:
        raise ValidationFailed("the file has no name", location="file", expected="a .csv or .xlsx")
    settings = ctx.settings
    limits = ImportLimits(settings.import_max_rows, settings.import_max_problems)

    def check() -> None:
        with ctx.read() as unit:
            implement.check_may_record(unit.session, unit.actor, agreement_id)

    def work() -> dict[str, Any]:
        with ctx.write() as unit:
            return implement.import_voyages(unit.session, unit.actor, agreement_id, name, result)

    await run_in_threadpool(check)
    result = await run_in_threadpool(implement.read_upload, name, data, limits)
    return await run_in_threadpool(work)


@router.get("/agreements/{agreement_id}/record/{table}.csv")
def export(agreement_id: s.Id, table: TableName, ctx: Ctx) -> Response:
    """A figure table, the term clock or every voyage (``voyages``) as CSV."""
    with ctx.read() as unit:
        text, name = implement.export_csv(unit.session, unit.actor, agreement_id, table)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
