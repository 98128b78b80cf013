"""Routes of stage 5: the joint implementation record (imports, events, figures, CSV export),
provisions and their assessments, entries of every record kind, incidents and publishing.

Thin: each route opens one unit of work and calls :mod:`gobetween.service.implement`. The
public view needs no login: ``GET /api/public/agreements/{agreement_id}/record``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from gobetween.errors import ValidationFailed
from gobetween.formats import records as record_files
from gobetween.formats.record_templates import import_words
from gobetween.i18n import _
from gobetween.monitoring.bounds import RecordBounds
from gobetween.monitoring.entry_files import EntryImport
from gobetween.monitoring.kinds import kind_named
from gobetween.monitoring.limits import ImportLimits
from gobetween.monitoring.voyages import ImportResult
from gobetween.service import (
    implement,
    import_steps,
    incidents,
    publishing,
    record_templates,
    records,
)
from gobetween.service import provisions as provision_records
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, reading, writing
from gobetween.service.api.downloads import disposition
from gobetween.service.context import RequestContext

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["implement"])
TableName = Annotated[str, Field(pattern=r"^[a-z_]{1,60}$")]
Parsed = TypeVar("Parsed")
Checked = TypeVar("Checked")


@router.get("/agreements/{agreement_id}/record")
def record(agreement_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """The joint record: events, findings, figures, obligations, term clock (signatories)."""
    return reading(ctx, implement.record_view, agreement_id)


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
    return writing(ctx, implement.add_event, agreement_id, body)


async def _import_upload(
    ctx: RequestContext,
    agreement_id: int,
    file: UploadFile,
    max_bytes: int,
    check: Callable[[], Checked],
    parse: Callable[[str, bytes, ImportLimits, Checked], Parsed],
    write: Callable[[str, Parsed], dict[str, Any]],
) -> dict[str, Any]:
    """An uploaded record file: at most ``max_bytes`` (+1, for the parser to refuse) read, the
    caller's right to import checked (``check``, in a read unit: 404 before any parsing), parsed
    within the import limits outside any unit of work with what the check returned (a kind's
    bounds), then written in steps."""
    data = await file.read(max_bytes + 1)
    name = file.filename or ""
    if not name:
        raise ValidationFailed(
            _("the file has no name"), location="file", expected=_("a .csv or .xlsx file")
        )
    settings = ctx.settings
    limits = ImportLimits(settings.import_max_rows, settings.import_max_problems)
    checked = await run_in_threadpool(check)  # who may not import learns nothing from parsing
    result = await run_in_threadpool(parse, name, data, limits, checked)
    return await run_in_threadpool(write, name, result)


@router.post("/agreements/{agreement_id}/record/imports", status_code=201)
async def import_file(
    agreement_id: s.Id, ctx: Ctx, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    """Import a JCC voyage file (CSV or XLSX); re-importing adds nothing; problems by row.

    The file is parsed and validated before any unit of work opens, merged against a read of
    the record, and written in short steps (:mod:`gobetween.service.import_steps`), so no other
    write waits for it; its rows and the problems listed are bounded by
    ``GOBETWEEN_IMPORT_MAX_ROWS`` and ``GOBETWEEN_IMPORT_MAX_PROBLEMS``.
    """

    def check() -> None:
        reading(ctx, implement.check_may_record, agreement_id)

    def parse(name: str, data: bytes, limits: ImportLimits, _checked: None) -> ImportResult:
        return implement.read_upload(name, data, limits)

    def write(name: str, result: ImportResult) -> dict[str, Any]:
        return import_steps.import_in_steps(ctx.read, ctx.write, agreement_id, name, result)

    return await _import_upload(
        ctx, agreement_id, file, implement.MAX_IMPORT_BYTES, check, parse, write
    )


@router.get("/agreements/{agreement_id}/record/{table}.csv")
def export(agreement_id: s.Id, table: TableName, ctx: Ctx) -> Response:
    """A figure table, the term clock or every voyage (``voyages``) as CSV."""
    text, name = reading(ctx, implement.export_csv, agreement_id, table)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": disposition(name)},
    )


# -- provisions, record kinds, incidents, publishing (issue 14) ---------------------------------

KindName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
Short = Annotated[str, Field(max_length=300)]
Long = Annotated[str, Field(max_length=5000)]


class EvidenceBody(BaseModel):
    """One piece of evidence of an assessment."""

    model_config = ConfigDict(extra="forbid")
    kind: Annotated[str, Field(max_length=20)]
    reference: Annotated[str, Field(max_length=1000)]
    note: Short = ""


class AssessmentBody(BaseModel):
    """The joint team's assessment of a provision: ``note`` is read by every signatory (and by
    the public once the provisions are published), ``internal_note`` by the mediators alone
    (``policy.assessment_notes``)."""

    model_config = ConfigDict(extra="forbid")
    level: Annotated[str, Field(max_length=40)]
    evidence: Annotated[list[EvidenceBody], Field(max_length=20)] = []
    note: Long = ""
    internal_note: Long = ""
    at: Annotated[str | None, Field(max_length=40)] = None


class IncidentBody(BaseModel):
    """An incident alleged by a party (for itself), privately to the mediators."""

    model_config = ConfigDict(extra="forbid")
    alleged_by: Short
    accused: Short
    date: Annotated[str, Field(max_length=40)]
    place: Short
    facility: Short
    description: Long


class IncidentAssessmentBody(BaseModel):
    """The joint team's assessment of an incident."""

    model_config = ConfigDict(extra="forbid")
    assessment: Annotated[str, Field(max_length=40)]


class PublicationBody(BaseModel):
    """A proposal to publish part of the record (and, for an incident, its summary)."""

    model_config = ConfigDict(extra="forbid")
    scope: Annotated[str, Field(max_length=460)]
    summary: Long = ""


@router.get("/agreements/{agreement_id}/provisions")
def provisions(agreement_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Every provision with its implementation level, history and the barometer."""
    return reading(ctx, provision_records.provisions_view, agreement_id)


@router.post("/agreements/{agreement_id}/provisions/{key}/assessments", status_code=201)
def assess_provision(
    agreement_id: s.Id, key: Annotated[str, Field(max_length=80)], body: AssessmentBody, ctx: Ctx
) -> dict[str, Any]:
    """Assess a provision (mediators): level, evidence; a change needs evidence."""
    sent = body.model_dump()
    read = reading(ctx, provision_records.references_for, agreement_id, sent)  # no lock
    return writing(ctx, provision_records.assess_provision, agreement_id, key, sent, read)


class KindsBody(BaseModel):
    """The record kinds a joint record keeps."""

    model_config = ConfigDict(extra="forbid")
    kinds: Annotated[list[KindName], Field(max_length=20)]


@router.put("/agreements/{agreement_id}/record/kinds")
def set_kinds(agreement_id: s.Id, body: KindsBody, ctx: Ctx) -> dict[str, Any]:
    """Choose the record kinds of the joint record (mediators), e.g. exchanges, incidents."""
    with ctx.write() as unit:
        return {"kinds": records.set_kinds(unit.session, unit.actor, agreement_id, body.kinds)}


@router.get("/agreements/{agreement_id}/record/kinds/{kind}")
def entries(agreement_id: s.Id, kind: KindName, ctx: Ctx) -> dict[str, Any]:
    """The entries of one record kind the caller may read, and its figures over them."""
    return reading(ctx, records.entries_view, agreement_id, kind)


@router.get("/public/agreements/{agreement_id}/record/kinds/{kind}")
def public_entries(agreement_id: s.Id, kind: KindName, request: Request) -> dict[str, Any]:
    """What is published of one record kind (no login)."""
    with request.app.state.services.db.unit_of_work(write=False) as session:
        return records.entries_view(session, None, agreement_id, kind)


@router.get("/public/agreements/{agreement_id}/provisions")
def public_provisions(agreement_id: s.Id, request: Request) -> dict[str, Any]:
    """The provisions' levels, once publishing them is approved (no login)."""
    with request.app.state.services.db.unit_of_work(write=False) as session:
        return provision_records.provisions_view(session, None, agreement_id)


@router.post("/agreements/{agreement_id}/record/kinds/{kind}/imports", status_code=201)
async def import_entries(
    agreement_id: s.Id, kind: KindName, ctx: Ctx, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    """Import a CSV or XLSX file of one kind (mediators); re-importing adds nothing. Parsed
    before any unit of work, written in short steps (no other write waits for it)."""
    declared = kind_named(kind)

    def check() -> RecordBounds:  # the agreement's parties and days, which every row keeps to
        return reading(ctx, records.import_bounds, agreement_id, declared.name)

    def parse(name: str, data: bytes, limits: ImportLimits, bounds: RecordBounds) -> EntryImport:
        words = import_words(declared)  # the headers its template writes in any language
        return record_files.read_entry_file(declared, name, data, limits, bounds, words)

    def write(name: str, result: EntryImport) -> dict[str, Any]:
        return import_steps.import_entries_in_steps(ctx.read, ctx.write, agreement_id, result)

    return await _import_upload(
        ctx, agreement_id, file, record_files.MAX_BYTES, check, parse, write
    )


@router.get("/record/kinds/{kind}/template.{suffix}")
def kind_template(kind: KindName, suffix: Literal["csv", "xlsx"]) -> Response:
    """The template of a record kind's file (CSV, or XLSX with a second sheet saying what each
    column takes), its header row in the caller's language, which the kind's import reads
    back; voyages keep the JCC's English headers. No login: the kinds are declared in code."""
    data, name = record_templates.kind_template(kind, suffix)
    return Response(
        data,
        media_type=record_templates.FORMATS[suffix],
        headers={"Content-Disposition": disposition(name)},
    )


@router.post("/agreements/{agreement_id}/incidents", status_code=201)
def report_incident(agreement_id: s.Id, body: IncidentBody, ctx: Ctx) -> dict[str, Any]:
    """A party alleges an incident, privately to the mediators."""
    return writing(ctx, incidents.report_incident, agreement_id, body.model_dump())


@router.post("/agreements/{agreement_id}/incidents/{key}/assessment")
def assess_incident(
    agreement_id: s.Id,
    key: Annotated[str, Field(max_length=100)],
    body: IncidentAssessmentBody,
    ctx: Ctx,
) -> dict[str, Any]:
    """The joint team assesses an incident: verified, not verified or disputed."""
    return writing(ctx, incidents.assess_incident, agreement_id, key, body.assessment)


@router.get("/agreements/{agreement_id}/publications")
def publications(agreement_id: s.Id, ctx: Ctx) -> list[dict[str, Any]]:
    """What is published and since when, and what is proposed (signatories)."""
    with ctx.read() as unit:
        implement.check_may_read(unit.session, unit.actor, agreement_id)
        return publishing.publications(unit.session, agreement_id, signatory=True)


@router.post("/agreements/{agreement_id}/publications", status_code=201)
def propose_publication(agreement_id: s.Id, body: PublicationBody, ctx: Ctx) -> dict[str, Any]:
    """A mediator proposes publishing; a mediator of another organisation approves."""
    return writing(ctx, publishing.propose_publication, agreement_id, body.scope, body.summary)


@router.post("/agreements/{agreement_id}/publications/{publication_id}/approval")
def approve_publication(agreement_id: s.Id, publication_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Approve a proposal (a mediator of another mediating organisation): it is now public."""
    return writing(ctx, publishing.approve_publication, agreement_id, publication_id)
