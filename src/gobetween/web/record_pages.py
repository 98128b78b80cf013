"""The forms of the implementation page: recording an event, assessing provisions, reporting
and assessing incidents, importing a kind's file, proposing and approving publishing.

Each form is read through the same pydantic schema as its JSON twin's body
(:mod:`gobetween.service.api.implement`: ``AssessmentBody``, ``IncidentBody``,
``IncidentAssessmentBody``, ``PublicationBody``; :func:`gobetween.web.forms.validated`), calls
the same service function (:mod:`gobetween.service.records`, ``provisions``) and goes back to
the page. Nothing is cut: what the API refuses (a note of 5,001 characters) the page refuses at
the same field, shown next to it in the reader's language (422), the form as it was typed.
The event form's twin, ``POST /api/agreements/{id}/record/events``, has no pydantic schema: its
body is the event's wire form, read by :func:`gobetween.monitoring.events.event_from_dict` in
:func:`gobetween.service.implement.add_event`; the page builds that body from its fields and
calls the same function, so the same reader refuses it at the same field.
The file import has no schema (the API takes the file as it is).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gobetween import errors as e
from gobetween.formats.record_templates import import_words
from gobetween.formats.records import read_entry_file
from gobetween.i18n import _
from gobetween.monitoring.kinds import REGISTRY, kind_named
from gobetween.monitoring.kinds_builtin import INCIDENTS
from gobetween.monitoring.limits import ImportLimits
from gobetween.service import implement, import_steps, incidents, publishing, records
from gobetween.service import provisions as provision_records
from gobetween.service.api.calls import reading, writing
from gobetween.service.api.implement import (
    AssessmentBody,
    IncidentAssessmentBody,
    IncidentBody,
    PublicationBody,
)
from gobetween.service.negotiate import Upload
from gobetween.web.agreement_views import _form, implementation_error, implementation_report
from gobetween.web.common import Ctx
from gobetween.web.forms import form_errors, validated
from gobetween.web.record_words import known_steps, step_key
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
    values: Mapping[str, object] = field(default_factory=dict)
    field_of: Callable[[str], str] | None = None


def _refused(
    request: Request, ctx: Ctx, agreement_id: int, exc: e.GobetweenError, sent: _Sent
) -> Response:
    """The implementation page again with the refusal ``exc`` (403 or 409 for a refusal of that
    kind, else 422), next to the field of the ``sent`` form it names, the form as typed."""
    status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), 422)
    refusal = form_errors(exc, sent.field_of)
    error = refusal.pop("error")
    return implementation_error(
        request,
        ctx,
        agreement_id,
        error,
        status,
        failed=sent.form,
        values=dict(sent.values),
        **refusal,
    )


def _texts(form: Mapping[str, Any]) -> dict[str, str]:
    """The form's text fields as typed (files aside)."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _back(agreement_id: int, anchor: str) -> str:
    """The implementation page at ``anchor``, the fold of that key open.

    >>> _back(7, "events")
    '/agreements/7/implementation?open=events#events'
    """
    return f"/agreements/{agreement_id}/implementation?open={quote(anchor)}#{quote(anchor)}"


async def _do(
    request: Request,
    ctx: Ctx,
    agreement_id: int,
    anchor: str,
    work: Callable[[], object],
    sent: _Sent | None = None,
) -> Response:
    """Run ``work`` (in a worker thread), then go back to the page at ``anchor``, its fold of
    that key open (``?open=``: :mod:`gobetween.web.record_folds`), or show the page again with
    what was refused, next to the field it names, and the form as typed."""
    shown = sent or _Sent()

    def build() -> Response:
        try:
            work()
        except _REFUSED as exc:
            return _refused(request, ctx, agreement_id, exc, shown)
        return redirect(_back(agreement_id, anchor), request)

    return await run_in_threadpool(run_page, request, build)


def _evidence_field(location: str) -> str:
    """The provision form's field of a refusal at the body's ``location``: the one piece of
    evidence is the ``evidence`` select (its kind) and the ``reference`` input, whether the
    schema names the place (``evidence.0.reference``) or the record's checks do
    (``evidence[0].reference``).

    >>> _evidence_field("evidence.0.reference"), _evidence_field("evidence[0].reference")
    ('reference', 'reference')
    >>> _evidence_field("evidence[0].kind"), _evidence_field("note")
    ('evidence', 'note')
    """
    parts = [part for part in re.split(r"[.\[\]]", location) if part]
    if parts and parts[0] == "evidence" and parts[-1] == "reference":
        return "reference"
    return parts[0] if parts else location


#: The event form's field of each event field it is not named as (the API's body names).
_EVENT_FIELDS = {
    "registered_by": "delegation",
    "reported_by": "delegation",
    "incident": "item",
    "description": "reason",
    "location": "port",
}


def _event_field(location: str) -> str:
    """The event form's field of a refusal at the event body's ``location``.

    >>> _event_field("team[0]"), _event_field("description"), _event_field("verdict")
    ('team', 'reason', 'verdict')
    """
    name = re.split(r"[.\[]", location, maxsplit=1)[0]
    return _EVENT_FIELDS.get(name, name)


def _step(chosen: str, other: str) -> str:
    """The step a decision is about: the key of the step chosen in the list, or the step named
    in the free-text field when the list's "another step" (empty) is chosen. A name typed that is
    a known step's key or its label in the reader's language is that step's key (an Arabic
    "خطة المغادرة" is the "departure plan" every other delegation decides on).

    >>> _step("departure plan", ""), _step("", "crew change"), _step("", " Departure plan")
    ('departure plan', 'crew change', 'departure plan')

    Raises
    ------
    ValidationFailed
        At ``step_other`` when a step is chosen in the list and another one is named too.
    """
    steps = known_steps(REGISTRY)
    if chosen and other:
        raise e.ValidationFailed(
            _("a step is chosen in the list and another is named here"),
            location="step_other",
            expected=_("“another step, named below” chosen in the list, or this field empty"),
        )
    return step_key(chosen or other, steps)


def _step_said(exc: e.GobetweenError) -> None:
    """A refusal naming a known step (``params["step"]``, its key) names it by its label in the
    reader's language when shown on the page (the API's words keep the key).

    >>> refusal = e.InvalidModel("%(step)r", params={"step": "departure plan"})
    >>> _step_said(refusal); refusal.params["step"]
    'departure plan'
    """
    step = exc.params.get("step")
    if isinstance(step, str):
        exc.params["step"] = known_steps(REGISTRY).get(step, step)


def _event_body(values: Mapping[str, Any], at: str) -> dict[str, Any]:
    """The wire form of the event the form describes (``POST /api/agreements/{id}/record/events``'
    body), at ``at``; its texts as typed but for the spaces around them, none cut."""
    kind = str(values.get("type", ""))
    text = {k: str(v).strip() for k, v in values.items() if isinstance(v, str)}
    body: dict[str, Any] = {"type": kind, "at": at, "item": text.get("item", "")}
    if kind == "registration":
        body |= {"registered_by": text.get("delegation", ""), "description": text.get("reason", "")}
    elif kind == "decision":
        body |= {k: text.get(k, "") for k in ("delegation", "verdict", "reason")}
        body["step"] = _step(text.get("step", ""), text.get("step_other", ""))
    elif kind == "inspection":
        chosen = values.get("team")
        names = [str(d) for d in chosen] if isinstance(chosen, list) else []
        team = [{"delegation": d, "inspector": f"{d} inspector"} for d in names]
        body |= {
            "team": team,
            "result": text.get("result", ""),
            "reason": text.get("reason", ""),
            "location": text.get("port", ""),
        }
    elif kind in ("departure", "arrival"):
        body["port"] = text.get("port", "")
    elif kind == "incident":
        body = {
            "type": kind,
            "at": at,
            "incident": text.get("item", ""),
            "reported_by": text.get("delegation", ""),
            "description": text.get("reason", ""),
            "item": "",
        }
    return body


@router.post("/agreements/{agreement_id}/implementation/events")
async def add_event(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """Record an event in the joint record as one's own delegation (the time is now), as
    ``POST /api/agreements/{id}/record/events`` does with the same body."""
    async with request.form() as raw:
        values: dict[str, object] = {k: v for k, v in raw.items() if isinstance(v, str)}
        values["team"] = [str(v) for v in raw.getlist("team")]

    def work() -> None:
        body = _event_body(values, dt.datetime.now(dt.UTC).isoformat())
        try:
            writing(ctx, implement.add_event, agreement_id, body)
        except e.GobetweenError as exc:
            _step_said(exc)
            raise

    def field_of(location: str) -> str:  # no step: its name's field, when "another" is chosen
        name = _event_field(location)
        return "step_other" if name == "step" and not values.get("step") else name

    sent = _Sent("event-form", values, field_of)
    return await _do(request, ctx, agreement_id, "events", work, sent)


@router.post("/agreements/{agreement_id}/implementation/provisions")
async def assess_provision(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """The joint team assesses a provision (level, one piece of evidence, a note every
    signatory reads, an internal note the mediators alone read), read as
    ``POST /api/agreements/{id}/provisions/{key}/assessments``' body; then the page at that
    provision's assessments (``?open=history-art-3``), the provisions table open."""
    values = _texts(await _form(request))

    def work() -> None:
        reference = values.get("reference", "")
        evidence = (
            [{"kind": values.get("evidence") or "link", "reference": reference}]
            if reference.strip()
            else []
        )
        fields = {"level": values.get("level", ""), "evidence": evidence}
        notes = {name: values.get(name, "") for name in ("note", "internal_note")}
        body = validated(AssessmentBody, {**fields, **notes})
        key, sent = values.get("key", ""), body.model_dump()
        read = reading(ctx, provision_records.references_for, agreement_id, sent)  # no lock
        writing(ctx, provision_records.assess_provision, agreement_id, key, sent, read)

    sent = _Sent("assess-provision", values, _evidence_field)
    # back at the provision's assessments, open: the new one first, with the notes this reader
    # may read back (the mediators both)
    history = f"history-{values.get('key', '')}"
    return await _do(request, ctx, agreement_id, history, work, sent)


def _in_order(problems: Sequence[e.InputError], fields: Sequence[str]) -> list[e.InputError]:
    """``problems`` in the order of the form's ``fields``, each field once (the first said).

    >>> found = [e.ValidationFailed("long", location="place"),
    ...          e.ValidationFailed("empty", location="place"),
    ...          e.ValidationFailed("not a date", location="date")]
    >>> [str(p) for p in _in_order(found, ["date", "place"])]
    ['date: not a date', 'place: long']
    """
    first: dict[str, e.InputError] = {}
    for problem in problems:
        first.setdefault(problem.location or "", problem)
    rank = {name: i for i, name in enumerate(fields)}
    return sorted(first.values(), key=lambda p: rank.get(p.location or "", len(rank)))


@router.post("/agreements/{agreement_id}/implementation/incidents")
async def report_incident(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """A party alleges an incident, privately to the mediators (``IncidentBody``)."""
    values = _texts(await _form(request))

    def work() -> None:
        fields = {n: values.get(n, "") for n in IncidentBody.model_fields}
        found = e.Problems()  # every problem at once: the API's limits and the kind's fields
        with found.check():
            body = validated(IncidentBody, fields)
        found.found.extend(INCIDENTS.refusals(fields, ("date", "place", "facility", "description")))
        if found.found:
            raise e.refusal_of(_in_order(found.found, list(fields)))
        writing(ctx, incidents.report_incident, agreement_id, body.model_dump())

    sent = _Sent("incident-form", values)
    return await _do(request, ctx, agreement_id, "kind-incidents", work, sent)


@router.post("/agreements/{agreement_id}/implementation/incidents/{key}/assessment")
async def assess_incident(request: Request, ctx: Ctx, agreement_id: int, key: str) -> Response:
    """The joint team assesses an incident (``IncidentAssessmentBody``)."""
    values = _texts(await _form(request))

    def work() -> None:
        body = validated(IncidentAssessmentBody, {"assessment": values.get("assessment", "")})
        writing(ctx, incidents.assess_incident, agreement_id, key, body.assessment)

    sent = _Sent(f"assess-incident:{key}", values)
    return await _do(request, ctx, agreement_id, "kind-incidents", work, sent)


@router.post("/agreements/{agreement_id}/implementation/publications")
async def propose(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """A mediator proposes publishing part of the record (``PublicationBody``)."""
    values = _texts(await _form(request))

    def work() -> None:
        fields = {"scope": values.get("scope", ""), "summary": values.get("summary", "")}
        body = validated(PublicationBody, fields)
        writing(ctx, publishing.propose_publication, agreement_id, body.scope, body.summary)

    sent = _Sent("propose-form", values)
    return await _do(request, ctx, agreement_id, "published", work, sent)


@router.post("/agreements/{agreement_id}/implementation/publications/{publication_id}")
async def approve(request: Request, ctx: Ctx, agreement_id: int, publication_id: int) -> Response:
    """A mediator of another mediating organisation approves a proposal (no field)."""
    await _form(request)

    def work() -> None:
        writing(ctx, publishing.approve_publication, agreement_id, publication_id)

    return await _do(request, ctx, agreement_id, "published", work)


@router.post("/agreements/{agreement_id}/implementation/kinds/{kind}/import")
async def import_kind(request: Request, ctx: Ctx, agreement_id: int, kind: str) -> Response:
    """Import a CSV or XLSX file of one record kind (read before the write unit opens, within
    the agreement's bounds: its parties, the days from its entry into force to today).

    A file is refused (422, nothing written) when it cannot be read as the kind's file at all;
    otherwise its good rows are written, as the API's twin does (201 there), and the page
    (200) says what was written and lists every problem of every row left out (the first
    ``GOBETWEEN_IMPORT_MAX_PROBLEMS``, the rest counted), as the voyage import's does."""
    form = await _form(request)
    upload = form.get("file")
    report: dict[str, Any] = {}

    def work() -> None:
        if not isinstance(upload, Upload) or not upload.filename:
            raise e.ValidationFailed(_("choose a file"), location="file", expected=_("CSV or XLSX"))
        limits = ImportLimits(ctx.settings.import_max_rows, ctx.settings.import_max_problems)
        declared = kind_named(kind[:40])
        bounds = reading(ctx, records.import_bounds, agreement_id, declared.name)  # may import?
        words = import_words(declared)  # the headers its template writes in any language
        result = read_entry_file(declared, upload.filename, upload.data, limits, bounds, words)
        report.update(
            import_steps.import_entries_in_steps(ctx.read, ctx.write, agreement_id, result)
        )

    def build() -> Response:
        try:
            work()
        except _REFUSED as exc:  # at the kind's file field, by its label
            # every problem of the file (a row's entry, ``exchanges[EX-1].place``) at its field
            sent = _Sent(f"import:{kind[:40]}", field_of=lambda _where: "file")
            return _refused(request, ctx, agreement_id, exc, sent)
        if not report["problems"]:
            return redirect(_back(agreement_id, f"kind-{kind[:40]}"), request)
        return implementation_report(request, ctx, agreement_id, report)

    return await run_in_threadpool(run_page, request, build)
