"""Pages of stages 4 and 5: the agreement, signing in the browser, verification, the dashboard.

Every page calls the same service functions as its JSON twin under ``/api`` (so the policy
decides what it shows): ``/agreements/{id}`` is ``GET /api/agreements/{id}``; the verification
page is ``GET /api/agreements/{id}/verification`` or ``POST /api/verify``; the implementation
dashboard is ``GET /api/agreements/{id}/record`` (``/api/public/...`` for the public).

Signing happens in the browser: ``static/agreement_sign.js`` reads the PKCS#8 key file the
signatory picks (``gobetween keys new``), imports it with WebCrypto (Ed25519), signs the bytes
``GET /api/agreements/{id}/signing-request`` returns and posts only the signature. The private
key never leaves the browser.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from babel.dates import format_skeleton
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gobetween import errors as e
from gobetween.agreements import verify_bundle
from gobetween.agreements.registry import KeyRegistry
from gobetween.i18n import _, current_locale, format_decimal, format_percent, pgettext
from gobetween.monitoring.kinds import REGISTRY
from gobetween.monitoring.limits import ImportLimits
from gobetween.service import agree, implement, import_steps, record_dashboard
from gobetween.service.api.agree import ActIn, AgreementIn, record_act
from gobetween.service.context import RequestContext, Unit
from gobetween.service.errors import translated
from gobetween.service.names import called_by_name
from gobetween.service.negotiate import Upload
from gobetween.web import record_folds
from gobetween.web.agreement_charts import bar_chart, column_chart, number
from gobetween.web.common import Ctx, frame, track_page
from gobetween.web.forms import form_errors, in_form_order, validated
from gobetween.web.record_folds import event_page, opened
from gobetween.web.record_words import (
    barometer_chart,
    known_steps,
    level_name,
    record_kind_choices,
    scope_name,
    translate,
)
from gobetween.web.render import (
    done_notice,
    form_again,
    problem_text,
    read_page,
    redirect,
    render,
    run_page,
)
from gobetween.web.term_words import log_entries
from gobetween.web.words import LABELS, commodity, country, figure_name, income_group, label

__all__ = ["charts", "router"]

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = implement.MAX_IMPORT_BYTES


async def _form(request: Request) -> dict[str, Any]:
    """The form's fields; files are read (up to the size limit) and the form is closed."""
    out: dict[str, Any] = {}
    async with request.form(max_part_size=MAX_UPLOAD) as form:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read(MAX_UPLOAD + 1)
                out[key] = Upload(value.filename or "", value.content_type or "", data)
            else:
                out[key] = value
    return out


def _file(value: object) -> bytes:
    if not isinstance(value, Upload) or not value.data:
        raise e.ValidationFailed(
            _("choose a file"), location="file", expected=_("a non-empty file")
        )
    if len(value.data) > MAX_UPLOAD:
        raise e.ValidationFailed(
            e.N_("more than %(limit)s bytes"), location="file", params={"limit": MAX_UPLOAD}
        )
    return value.data


# -- the agreement -------------------------------------------------------------------------------


def _agreement_context(ctx: RequestContext, unit: Unit, /, agreement_id: int, **more: Any) -> Any:
    view = agree.agreement_view_dict(unit.session, unit.actor, agreement_id)
    signing: dict[str, list[list[str]]] = {}
    for party, signer in view["may_sign"]:
        signing.setdefault(signer, []).append([party, signer])
    return {
        **frame(ctx, unit),
        "title": view["title"],
        "a": {**view, "log": log_entries(view["log"])},
        "signing": {k: json.dumps(v) for k, v in signing.items()},
        "acts_as_party": [
            n for n in view["acts_for"] if n in {i["party"] for i in view["instruments"]}
        ],
        # the signatories as the reader's language calls them (the instruments keep theirs)
        "by_name": called_by_name(unit.session, unit.actor, view["process_id"]),
        "number": number,
        "opened": "",  # no fold asked open (web/record_folds.py); the page's query says otherwise
        **more,
    }


def _list_context(ctx: RequestContext, unit: Unit, /) -> dict[str, Any]:
    return {
        **frame(ctx, unit),
        "title": _("Agreements"),
        "agreements": agree.agreement_list(unit.session, unit.actor),
        "ready": agree.ready_tracks(unit.session, unit.actor),
    }


@router.get("/agreements")
def agreement_list(request: Request, ctx: Ctx) -> Response:
    """The agreements the caller signs for."""
    return read_page(request, ctx, "agreement_list.html", _list_context)


@router.get("/agreements/{agreement_id}")
def agreement_page(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """Terms, instruments with their signatures and downloads, signing, lifecycle, log: the
    terms first and whole, the others folded but what the query opens (``?open=log``,
    ``?open=all``: web/record_folds.py)."""
    return read_page(
        request,
        ctx,
        "agreement.html",
        _agreement_context,
        agreement_id,
        notice=done_notice(request),
        opened=opened(request.query_params),
    )


@router.post("/agreements/{agreement_id}/key")
async def register_key(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """Register the public key (``.pub.pem``) of an organisation the caller signs for."""
    form = await _form(request)

    def work(values: dict[str, Any]) -> str:
        pem = _file(values.get("public_key")).decode("utf-8", "replace")
        with ctx.write() as unit:
            loaded = agree.load(unit.session, unit.actor, agreement_id)
            name = str(values.get("organisation", ""))
            if name not in loaded.view.acts_for:
                raise e.PermissionDenied(_("you do not sign for that organisation"))
            agree.register_key(unit.session, unit.actor, loaded.org_id(name), pem)
        return "key-registered"

    failed = f"key:{form.get('organisation', '')}"
    return await _agreement_post_with(request, ctx, agreement_id, form, work, failed, "public_key")


async def _agreement_post_with(
    request: Request,
    ctx: Ctx,
    agreement_id: int,
    form: dict[str, Any],
    work: Any,
    failed: str,
    field: str | None = None,
) -> Response:
    """Run one of the agreement page's forms; refused, the page again with every problem by
    its field's label (``field``: the form's one field, a file, which every problem of it is
    about, the API's name for it, ``public_key_pem`` or ``file``, said by the label), the form
    that was refused marked (``failed``: ``key:<organisation>``, ``bundle:<organisation>`` or
    ``act``, one key and one bundle form per organisation the reader signs for) and what was
    typed kept."""

    def build() -> Response:
        try:
            notice = work(form)
        except (e.InputError, e.ProtocolError, e.AgreementError, e.PermissionDenied) as exc:
            shown = form_errors(exc, (lambda _where: field) if field else None, field or "act")
            typed = {k: v for k, v in form.items() if isinstance(v, str)}
            return form_again(
                request,
                ctx,
                "agreement.html",
                _agreement_context,
                agreement_id,
                failed=failed,
                values=typed,
                **shown,
            )
        # an act recorded: the record open, where it is the latest entry
        record = "&open=log#log-section" if notice == "recorded" else ""
        return redirect(f"/agreements/{agreement_id}?done={notice}{record}", request)

    return await run_in_threadpool(run_page, request, build)


@router.post("/agreements/{agreement_id}/signed-bundle")
async def signed_bundle(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """Upload a bundle signed with ``gobetween agreement sign``: the caller's signatures count."""
    form = await _form(request)

    def work(values: dict[str, Any]) -> str:
        data = _file(values.get("bundle"))
        with ctx.read() as unit:  # 404 before the upload is read
            agree.load(unit.session, unit.actor, agreement_id)
        other = agree.read_signed_bundle(data)  # up to a second: before the write lock
        with ctx.write() as unit:
            agree.sign_bundle(unit.session, unit.actor, agreement_id, other)
        return "signatures-added"

    failed = f"bundle:{form.get('organisation', '')}"
    return await _agreement_post_with(request, ctx, agreement_id, form, work, failed, "bundle")


#: Lifecycle acts that the form never pre-selects and that need a ticked confirmation.
DANGEROUS_ACTS = frozenset({"suspend", "withdraw"})
#: The lifecycle act form's fields, top to bottom.
ACT_FIELDS = ("organisation", "act", "term_days", "reason", "confirm")


@router.post("/agreements/{agreement_id}/act")
async def lifecycle_act(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """Suspend, resume, give notice, consent to renewal or withdraw, as one's organisation."""

    def work(values: dict[str, Any]) -> str:
        raw_days = str(values.get("term_days", ""))
        kind = str(values.get("act", ""))
        found = e.Problems()  # every problem at once, in the form's order
        if kind in DANGEROUS_ACTS and values.get("confirm") != "yes":
            found.found.append(
                e.ValidationFailed(
                    _("tick the box to confirm: this act cannot be undone silently"),
                    location="confirm",
                    expected=_("a confirmation"),
                )
            )
        fields = {
            "act": kind,
            "organisation": str(values.get("organisation", "")),
            "reason": str(values.get("reason", "")),
            "term_days": raw_days.strip() or None,
        }
        body = None
        with found.check():
            body = validated(ActIn, fields)
        if found.found or body is None:
            raise in_form_order(found.found, ACT_FIELDS)
        record_act(ctx, agreement_id, body)
        return "recorded"  # a key of render.DONE, as the two above

    form = await _form(request)
    return await _agreement_post_with(request, ctx, agreement_id, form, work, "act")


# -- creating it from the ready text --------------------------------------------------------------


def _new_agreement_context(
    ctx: RequestContext, unit: Unit, /, track_id: int, **more: Any
) -> dict[str, Any]:
    tp = track_page(unit, track_id)
    if not tp.view.is_mediator:
        raise e.NotFound(f"no track {track_id}")
    return tp.context(
        ctx,
        unit,
        title=_("Make the agreement"),
        lifecycle=agree.text_lifecycle(unit.session, unit.actor, track_id),
        today=dt.date.today().isoformat(),
        record_kinds=record_kind_choices(),
        **more,
    )


@router.get("/tracks/{track_id}/agreement")
def new_agreement(request: Request, ctx: Ctx, track_id: int) -> Response:
    """The mediators' form to make the agreement from the accepted text."""
    return read_page(request, ctx, "agreement_new.html", _new_agreement_context, track_id)


@router.post("/tracks/{track_id}/agreement")
async def create_agreement(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Create the agreement and go to its page."""
    form = await _form(request)

    def build() -> Response:
        try:
            fields = {
                "effective_date": str(form.get("effective_date", "")),
                "title": str(form.get("title", "")),
            }
            try:
                body = validated(AgreementIn, fields)
            except e.InputError as exc:  # listed as the form draws them
                raise in_form_order(e.problems_of(exc), ("title", "effective_date")) from None
            with ctx.write() as unit:  # term and renewal: only what the agreed text says
                made = agree.create_agreement(
                    unit.session,
                    unit.actor,
                    track_id,
                    term_days=None,
                    renewal=None,
                    effective_date=body.effective_date,
                    title=body.title,
                    implementation={
                        "public": {},
                        "kinds": [n for n in REGISTRY if form.get(f"kind_{n}")],
                    },
                )
        except (ValueError, e.AgreementError) as exc:
            # every problem by its field's label, in the reader's language, also a refusal of
            # the pure core (derive, languages); the form as typed
            shown = form_errors(exc) if isinstance(exc, e.GobetweenError) else {"error": str(exc)}
            typed = {k: str(v) for k, v in form.items() if isinstance(v, str)}
            return form_again(
                request,
                ctx,
                "agreement_new.html",
                _new_agreement_context,
                track_id,
                values=typed,
                **shown,
            )
        return redirect(f"/agreements/{made['id']}", request)

    return await run_in_threadpool(run_page, request, build)


# -- verification ----------------------------------------------------------------------------------


def _registry(value: object) -> KeyRegistry | None:
    """The key registry file uploaded beside a bundle (optional)."""
    if not isinstance(value, Upload) or not value.data:
        return None
    try:
        return KeyRegistry.from_dict(json.loads(value.data.decode("utf-8")))
    except (ValueError, e.AgreementError) as exc:
        expected = _("a key registry file (registry.json)")
        if isinstance(exc, e.AgreementError):  # the core's refusal, translated where it is shown
            raise e.ValidationFailed(
                exc.template, location="registry", expected=expected, params=exc.params
            ) from None
        raise e.ValidationFailed(
            _("the file is not JSON text"), location="registry", expected=expected
        ) from None


def _verification_context(ctx: RequestContext, unit: Unit, /, agreement_id: int) -> dict[str, Any]:
    return {
        **frame(ctx, unit),
        "title": _("Verification"),
        "report": agree.verify_stored(unit.session, unit.actor, agreement_id),
        "agreement_id": agreement_id,
    }


@router.get("/agreements/{agreement_id}/verify")
def verify_stored(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """The verification report of the stored bundle."""
    return read_page(request, ctx, "agreement_verify.html", _verification_context, agreement_id)


@router.get("/verify")
def verify_form(request: Request) -> Response:
    """Upload a bundle to verify it (no login; nothing is stored)."""
    return render(
        request,
        "agreement_verify.html",
        {"title": _("Verify a bundle"), "report": None, "agreement_id": None},
    )


@router.post("/verify")
async def verify_upload(request: Request) -> Response:
    """The verification report of an uploaded bundle."""
    form = await _form(request)
    try:
        data = _file(form.get("bundle"))
        registry = _registry(form.get("registry"))
    except e.ValidationFailed as exc:
        context = {
            "title": _("Verify a bundle"),
            "report": None,
            "agreement_id": None,
            "error": problem_text(exc),
        }
        return render(request, "agreement_verify.html", context, status=422)
    report = {
        **verify_bundle(data, registry=registry).to_dict(say=translated),
        "registry_checked": registry is not None,
    }
    return render(
        request,
        "agreement_verify.html",
        {"title": _("Verification"), "report": report, "agreement_id": None},
    )


# -- the joint implementation record ---------------------------------------------------------


def _rows(figures: dict[str, Any], name: str) -> list[dict[str, Any]]:
    table = figures.get(name)
    if not table:
        return []
    return [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]


#: The record's plain column charts: key -> (figure table, title, label column, value column,
#: height in pixels); the titles are the figures' captions on the page, translated when drawn.
_COLUMN_CHARTS: dict[str, tuple[str, str, str, str, int]] = {
    "per_month": (
        "throughput_per_month",
        e.N_("Voyages departed per month"),
        "period",
        "voyages_departed",
        240,
    ),
    "per_day": (
        "throughput_per_day",
        e.N_("Voyages departed per day"),
        "period",
        "voyages_departed",
        160,
    ),
    "queue": (
        "queue_length",
        e.N_("Queue: departed, not yet inspected, per day"),
        "date",
        "queue",
        240,
    ),
}


def charts(record: dict[str, Any]) -> dict[str, str]:
    """The dashboard's SVG charts from a record view (``implement.record_view``)."""
    f = record["figures"]
    out: dict[str, str] = {}
    if f:
        for key, (name, title, label, value, height) in _COLUMN_CHARTS.items():
            rows = _rows(f, name)
            out[key] = column_chart(
                _(title), [r[label] for r in rows], [r[value] for r in rows], height=height
            )
        waits = _rows(f, "departure_to_inspection")
        out["waits"] = column_chart(
            _("Days from departure to inspection by departure month (median, 90th percentile)"),
            [w["month"] for w in waits],
            [w["median_days"] for w in waits],
            second=[w["p90_days"] for w in waits],
            names=(_("median"), _("90th percentile")),
        )
        for key, dim, title in (
            ("country", "country", _("Tonnage by destination country (largest 12)")),
            ("income", "income_group", _("Tonnage by income group")),
            ("commodity", "commodity", _("Tonnage by commodity (largest 12)")),
        ):
            rows = _rows(f, f"tonnage_by_{dim}")
            names = {"country": country, "income_group": income_group}.get(dim, commodity)
            out[key] = bar_chart(
                title,
                [names(str(r[dim])) for r in rows],
                [r["tonnes"] for r in rows],
                unit=pgettext("unit: tonnes", "t"),
            )
    rows = _rows(record, "term_clock")
    if rows:
        out["terms"] = column_chart(
            _("Days of each term"),
            [_("term %(number)s") % {"number": r["term"]} for r in rows],
            [r["days"] for r in rows],
            height=180,
        )
    return out


def _summary(record: dict[str, Any]) -> dict[str, Any]:
    values = {r["figure"]: r["value"] for r in _rows(record["figures"], "summary")}
    if not values:
        return {}
    ports = [(k.split(":", 1)[1], v) for k, v in values.items() if k.startswith("shipments_from:")]
    return {
        "voyages": number(values["voyages"]),
        "shipments": number(values["shipments"]),
        "megatonnes": format_decimal(values["tonnes"] / 1e6, digits=2),
        "developing": format_percent(values["developing_share"], digits=1),
        "wfp": number(round(values["wfp_tonnes"])),
        "ports": [(p, number(n)) for p, n in ports],
    }


def _month(iso: str) -> str:
    """A month of the record ("2022-08") as the reader's language names it ("серпень 2022 р.")."""
    year, month = iso[:7].split("-")
    return str(format_skeleton("yMMMM", dt.date(int(year), int(month), 1), locale=current_locale()))


def _article(key: str) -> str:
    """A provision's key (``art-3``) as the provisions table names it ("Article 3"), in the
    reader's language; another key as it is.

    >>> _article("art-3"), _article("ports")
    ('Article 3', 'ports')
    """
    number = key.removeprefix("art-")
    return _("Article %(n)d") % {"n": int(number)} if number.isdigit() else key


def _term_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The term clock's rows; a term's basis (when no signatory consented to it: entry into
    force, an automatic renewal) in the reader's words."""
    table = record["term_clock"]
    rows = [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]
    for row in rows:
        if row["consents"] in LABELS:
            row["consents"] = label(row["consents"])
    return rows


def _implementation(
    request: Request, record: dict[str, Any], base: dict[str, Any], status: int = 200
) -> Response:
    waits = [
        {**w, "month_name": _month(w["month"])}
        for w in _rows(record["figures"], "departure_to_inspection")
    ]
    dash = base.get("dash") or {}
    context = {
        **base,
        "title": _("Implementation: %(title)s") % {"title": record["title"]},
        "barometer": barometer_chart(dash),
        "dash": dash,
        "by_name": dash.get("by_name", {}),  # the filter ``named``: a delegation by its name
        "scope_name": scope_name,
        "level_name": level_name,
        "tr": translate,
        "r": record,
        "summary": _summary(record),
        "charts": charts(record),
        "waits": waits,
        "terms": _term_rows(record),
        "number": number,
        "figure_name": figure_name,
        "month_name": _month,
        "article": _article,
        "country": country,
        # the steps the record's kinds know: key -> label in the reader's language
        "steps": known_steps(k["name"] for k in record.get("kinds", ())),
        # on a phone: the folds the query opens, one page of the events (web/record_folds.py)
        "opened": opened(request.query_params),
        "event_rows": event_page(
            record["events"], request.query_params.get("events_page"), record_folds.EVENTS_PER_PAGE
        ),
    }
    return render(request, "implementation.html", context, status=status)


def implementation_error(
    request: Request,
    ctx: RequestContext,
    agreement_id: int,
    error: str,
    status: int = 422,
    **more: Any,
) -> Response:
    """The implementation page again, with a form's error at its top (and ``more``: the
    refused form's ``field_errors``, ``values`` and ``failed``)."""
    with ctx.read() as unit:
        record = implement.record_view(unit.session, unit.actor, agreement_id)
        dash = record_dashboard.dashboard(unit.session, unit.actor, agreement_id)
        base = {**frame(ctx, unit), "import_report": None, "error": error, "dash": dash, **more}
    return _implementation(request, record, base, status=status)


def implementation_report(
    request: Request, ctx: RequestContext, agreement_id: int, report: dict[str, Any]
) -> Response:
    """The implementation page after an import that wrote its good rows (200): the import's
    ``report``, what was written and each problem of the rows left out, at its top."""
    with ctx.read() as unit:
        record = implement.record_view(unit.session, unit.actor, agreement_id)
        dash = record_dashboard.dashboard(unit.session, unit.actor, agreement_id)
        base = {**frame(ctx, unit), "import_report": report, "dash": dash}
    return _implementation(request, record, base)


@router.get("/agreements/{agreement_id}/implementation")
def implementation_page(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """The joint record: figures with charts, term clock, obligations, events (signatories)."""

    def build() -> Response:
        with ctx.read() as unit:
            record = implement.record_view(unit.session, unit.actor, agreement_id)
            dash = record_dashboard.dashboard(unit.session, unit.actor, agreement_id)
            base = {**frame(ctx, unit), "import_report": None, "dash": dash}
        return _implementation(request, record, base)

    return run_page(request, build)


@router.get("/public/agreements/{agreement_id}/implementation")
def public_implementation(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """What the agreement declares public of its joint record; no login."""

    def build() -> Response:
        with ctx.anonymous(write=False) as session:
            record = implement.record_view(session, None, agreement_id)
            dash = record_dashboard.dashboard(session, None, agreement_id)
        return _implementation(request, record, {"import_report": None, "dash": dash})

    return run_page(request, build)


@router.post("/agreements/{agreement_id}/implementation/import")
async def import_voyages(request: Request, ctx: Ctx, agreement_id: int) -> Response:
    """Import a JCC voyage file; the page shows what was added and each row's problem."""
    form = await _form(request)
    upload = form.get("file")
    name = upload.filename if isinstance(upload, Upload) else ""
    data = upload.data if isinstance(upload, Upload) else b""

    def build() -> Response:
        error = None
        report = None
        try:
            if not name:
                raise e.ValidationFailed(_("choose a file"), location="file", expected="CSV/XLSX")
            with ctx.read() as unit:
                implement.check_may_record(unit.session, unit.actor, agreement_id)
            limits = ImportLimits(ctx.settings.import_max_rows, ctx.settings.import_max_problems)
            result = implement.read_upload(name, data, limits)  # before any lock is taken
            report = import_steps.import_in_steps(ctx.read, ctx.write, agreement_id, name, result)
        except e.InputError as exc:
            error = problem_text(exc)
        with ctx.read() as unit:
            record = implement.record_view(unit.session, unit.actor, agreement_id)
            dash = record_dashboard.dashboard(unit.session, unit.actor, agreement_id)
            base = {**frame(ctx, unit), "import_report": report, "error": error, "dash": dash}
        return _implementation(request, record, base)

    return await run_in_threadpool(run_page, request, build)
