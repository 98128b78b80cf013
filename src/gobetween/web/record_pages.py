"""The forms of the implementation page beyond voyages: assessing provisions, reporting and
assessing incidents, importing a kind's file, proposing and approving publishing.

Each form is read through the same pydantic schema as its JSON twin's body
(:mod:`gobetween.service.api.implement`: ``AssessmentBody``, ``IncidentBody``,
``IncidentAssessmentBody``, ``PublicationBody``; :func:`gobetween.web.forms.validated`), calls
the same service function (:mod:`gobetween.service.records`, ``provisions``) and goes back to
the page. Nothing is cut: what the API refuses (a note of 5,001 characters) the page refuses at
the same field, shown next to it in the reader's language (422), the form as it was typed.
The file import has no schema (the API takes the file as it is).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gobetween import errors as e
from gobetween.formats.records import read_entry_file
from gobetween.i18n import _
from gobetween.monitoring.kinds import kind_named
from gobetween.monitoring.limits import ImportLimits
from gobetween.service import import_steps, records
from gobetween.service import provisions as provision_records
from gobetween.service.api.calls import writing
from gobetween.service.api.implement import (
    AssessmentBody,
    IncidentAssessmentBody,
    IncidentBody,
    PublicationBody,
)
from gobetween.service.negotiate import Upload
from gobetween.web.agreement_views import _form, implementation_error
from gobetween.web.common import Ctx
from gobetween.web.forms import form_errors, validated
from gobetween.web.render import redirect, run_page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_REFUSED = (e.InputError, e.ProtocolError, e.PermissionDenied, e.Conflict)
_STATUS = {e.PermissionDenied: 403, e.Conflict: 409}


@dataclass(frozen=True)
class _Sent:
    """A form as it was sent, to show it again when refused: which one (``failed``), its
    fields as typed, and the form's field that a refusal at a body location is about."""

    form: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    field_of: Callable[[str], str] | None = None


def _texts(form: Mapping[str, Any]) -> dict[str, str]:
    """The form's text fields as typed (files aside)."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def _do(
    request: Request,
    ctx: Ctx,
    agreement_id: int,
    anchor: str,
    work: Callable[[], object],
    sent: _Sent | None = None,
) -> Response:
    """Run ``work`` (in a worker thread), then go back to the page at ``anchor``, or show the
    page again with what was refused, next to the field it names, and the form as typed."""
    shown = sent or _Sent()

    def build() -> Response:
        try:
            work()
        except _REFUSED as exc:
            status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), 422)
            refusal = form_errors(exc, shown.field_of)
            error = refusal.pop("error")
            return implementation_error(
                request,
                ctx,
                agreement_id,
                error,
                status,
                failed=shown.form,
                values=dict(shown.values),
                **refusal,
            )
        return redirect(f"/agreements/{agreement_id}/implementation#{anchor}", request)

    return await run_in_threadpool(run_page, request, build)


def _evidence_field(location: str) -> str:
    """The provision form's field of a refusal at the body's ``location``: the one piece of
    evidence is the ``evidence`` select (its kind) and the ``reference`` input.

    >>> _evidence_field("evidence.0.reference"), _evidence_field("note")
    ('reference', 'note')
    """
    parts = location.split(".")
    if parts[0] == "evidence" and parts[-1] == "reference":
        return "reference"
    return parts[0]


@router.post("/agreements/{agreement_id}/implementation/provisions")
async def assess_provision(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """The joint team assesses a provision (level, one piece of evidence, a note), read as
    ``POST /api/agreements/{id}/provisions/{key}/assessments``' body."""
    values = _texts(await _form(request))

    def work() -> None:
        reference = values.get("reference", "")
        evidence = (
            [{"kind": values.get("evidence") or "link", "reference": reference}]
            if reference.strip()
            else []
        )
        fields = {"level": values.get("level", ""), "evidence": evidence}
        body = validated(AssessmentBody, {**fields, "note": values.get("note", "")})
        key = values.get("key", "")
        writing(ctx, provision_records.assess_provision, agreement_id, key, body.model_dump())

    sent = _Sent("assess-provision", values, _evidence_field)
    return await _do(request, ctx, agreement_id, "provisions", work, sent)


@router.post("/agreements/{agreement_id}/implementation/incidents")
async def report_incident(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """A party alleges an incident, privately to the mediators (``IncidentBody``)."""
    values = _texts(await _form(request))

    def work() -> None:
        body = validated(IncidentBody, {n: values.get(n, "") for n in IncidentBody.model_fields})
        writing(ctx, records.report_incident, agreement_id, body.model_dump())

    sent = _Sent("incident-form", values)
    return await _do(request, ctx, agreement_id, "kind-incidents", work, sent)


@router.post("/agreements/{agreement_id}/implementation/incidents/{key}/assessment")
async def assess_incident(request: Request, ctx: Ctx, agreement_id: int, key: str) -> Response:
    """The joint team assesses an incident (``IncidentAssessmentBody``)."""
    values = _texts(await _form(request))

    def work() -> None:
        body = validated(IncidentAssessmentBody, {"assessment": values.get("assessment", "")})
        writing(ctx, records.assess_incident, agreement_id, key, body.assessment)

    sent = _Sent(f"assess-incident:{key}", values)
    return await _do(request, ctx, agreement_id, "kind-incidents", work, sent)


@router.post("/agreements/{agreement_id}/implementation/publications")
async def propose(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """A mediator proposes publishing part of the record (``PublicationBody``)."""
    values = _texts(await _form(request))

    def work() -> None:
        fields = {"scope": values.get("scope", ""), "summary": values.get("summary", "")}
        body = validated(PublicationBody, fields)
        writing(ctx, records.propose_publication, agreement_id, body.scope, body.summary)

    sent = _Sent("propose-form", values)
    return await _do(request, ctx, agreement_id, "published", work, sent)


@router.post("/agreements/{agreement_id}/implementation/publications/{publication_id}")
async def approve(request: Request, ctx: Ctx, agreement_id: int, publication_id: int) -> Response:
    """A mediator of another mediating organisation approves a proposal (no field)."""
    await _form(request)

    def work() -> None:
        writing(ctx, records.approve_publication, agreement_id, publication_id)

    return await _do(request, ctx, agreement_id, "published", work)


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
