"""The agenda editor: a new track's agenda, and changes to an existing one.

Each issue has a name, a description, a unit and either options, one per row (a comma is part
of an option's name: "Odesa, Chornomorsk and Yuzhny" is one option), each with its clause
wording in every working language of the process, or a numeric range (from, to, step) that is
discretised with its unit, and which rule of the agreement it sets, if any ("In the agreement,
this issue sets: how long it lasts (days)", :attr:`gobetween.model.Issue.settles`; shown as
the rule its name sets when it declares none,
:func:`gobetween.agreements.derive.lifecycle_issues`).
An issue needs two options at least (a single option leaves nothing to negotiate; files may
hold one, as the term an agreement was given beforehand). Issues are ordered by their "order"
number. An agenda can also be
imported from a gobetween scenario file or a Genius domain with its profiles (XML files, or a
ZIP of the folder); the import fills the editor, to be checked and saved.

Until the first text version is published the agenda is a draft; afterwards a change becomes a
new, announced agenda version (:mod:`gobetween.service.agendas`). JSON twins:
``POST /api/processes/{id}/tracks``, ``PUT /api/tracks/{id}/agenda``,
``GET /api/tracks/{id}/agenda/versions``. The saved form is read as their bodies (``TrackIn``,
``AgendaChangeIn``, through :func:`gobetween.web.forms.validated`) and its agenda built by the
API's own ``agenda_of``: nothing is cut (101 issues, an issue name of 201 characters, a note of
5,001 are refused as the API refuses them), the refusal shown next to the field, the rows kept
as typed. The import's ``source`` (the files' names, a hidden field) has no API twin (the API's
import names its files itself): it is refused over 200 characters, not cut.

>>> form = {"i0.name": "ports", "i0.kind": "discrete", "i0.position": "1",
...         "i0.o0.name": "Odesa, Chornomorsk and Yuzhny", "i0.o0.w.en": "All three ports.",
...         "i0.o1.name": "Odesa"}
>>> agenda = agenda_of(drafts_from_form(form))
>>> agenda.issues[0].option_names
('Odesa, Chornomorsk and Yuzhny', 'Odesa')
>>> agenda.issues[0].options[0].clause("en")
'All three ports.'
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gobetween import errors as e
from gobetween.agreements.derive import lifecycle_issues
from gobetween.i18n import _, _l, format_decimal
from gobetween.model import SETTLES_WORDS, Agenda, Issue, IssueKind
from gobetween.service import agendas, languages, prepare, processes
from gobetween.service.api import prepare as api
from gobetween.service.context import RequestContext, Unit
from gobetween.service.imports import agenda_from_uploads
from gobetween.service.negotiate import Upload, track_agenda
from gobetween.service.schemas import AgendaIn, In, Str, TrackIn
from gobetween.web.common import Ctx, frame
from gobetween.web.forms import form_errors, validated
from gobetween.web.render import redirect, render, run_page, with_twin

__all__ = ["IssueDraft", "OptionDraft", "agenda_of", "drafts_from_agenda", "drafts_from_form"]

router = APIRouter(include_in_schema=False)
MAX_ISSUES = 100
MAX_OPTIONS = 1000
MAX_ZIP_FILES = 50
MAX_UPLOAD = 5_000_000
BLANK_ROWS = 2
_ISSUE = re.compile(
    r"^i(\d{1,3})\.(name|description|unit|kind|low|high|step|position|remove|settles)$"
)
_ISSUE_TEXT = re.compile(r"^i(\d{1,3})\.([ndu])\.([A-Za-z-]{2,20})$")
_OPTION = re.compile(r"^i(\d{1,3})\.o(\d{1,4})\.(name|[wn]\.[A-Za-z-]{2,20})$")


@dataclass
class OptionDraft:
    """One option row: its name, its clause wording and its name per language."""

    name: str = ""
    wording: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


@dataclass
class IssueDraft:
    """One issue as the editor shows it (text fields, maybe incomplete)."""

    name: str = ""
    description: str = ""
    unit: str = ""
    kind: str = IssueKind.DISCRETE.value
    low: str = ""
    high: str = ""
    step: str = ""
    position: int = 0
    remove: bool = False
    options: list[OptionDraft] = field(default_factory=list)
    #: the issue's name in other working languages (language code -> name)
    names: dict[str, str] = field(default_factory=dict)
    #: its description in other working languages (language code -> text)
    descriptions: dict[str, str] = field(default_factory=dict)
    #: its unit in other working languages (language code -> unit)
    units: dict[str, str] = field(default_factory=dict)
    #: the rule of the agreement it sets (a :class:`~gobetween.model.Settles` value; "": none)
    settles: str = ""

    def padded(self) -> list[OptionDraft]:
        """The options and some blank rows to type more into."""
        return [*self.options, *(OptionDraft() for _ in range(BLANK_ROWS))]


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def drafts_from_agenda(agenda: Agenda) -> list[IssueDraft]:
    """The editor's rows for an agenda (a discretised range shows as from, to and step)."""
    drafts = []
    settled = {issue: rule.value for rule, issue in lifecycle_issues(agenda).items()}
    for n, issue in enumerate(agenda.issues, start=1):
        draft = IssueDraft(issue.name, issue.description, issue.unit or "", issue.kind.value)
        draft.position = n
        draft.names = dict(issue.names)
        draft.descriptions = dict(issue.descriptions)
        draft.units = dict(issue.units)
        draft.settles = settled.get(issue.name, "")
        values = [o.value for o in issue.options]
        if issue.kind is not IssueKind.DISCRETE and all(v is not None for v in values):
            numbers = [float(v) for v in values if v is not None]
            step = numbers[1] - numbers[0] if len(numbers) > 1 else 1.0
            draft.low, draft.high, draft.step = _num(numbers[0]), _num(numbers[-1]), _num(step)
            # the values' wording and names ride along in the (hidden) option rows: a save
            # keeps them (it dropped them, and with them the clauses of a term in days)
            draft.options = [
                OptionDraft(o.name, dict(o.wording), dict(o.names))
                for o in issue.options
                if o.wording or o.names
            ]
        else:
            draft.kind = IssueKind.DISCRETE.value
            draft.options = [
                OptionDraft(o.name, dict(o.wording), dict(o.names)) for o in issue.options
            ]
        drafts.append(draft)
    return drafts


def drafts_from_form(form: Mapping[str, Any]) -> list[IssueDraft]:
    """The editor's rows from a posted form (unknown fields are ignored). Wording, names,
    descriptions and units are read in any language (the model checks the code): the page has
    a field for each working language and sends the others it holds hidden, so a save loses
    none."""
    issues: dict[int, IssueDraft] = {}
    options: dict[tuple[int, int], OptionDraft] = {}
    for key, raw in form.items():
        value = raw if isinstance(raw, str) else ""
        if match := _ISSUE.match(key):
            draft = issues.setdefault(int(match[1]), IssueDraft())
            attr = match[2]
            if attr == "position":
                draft.position = int(value) if value.strip().lstrip("-").isdigit() else 0
            elif attr == "remove":
                draft.remove = bool(value)
            else:
                setattr(draft, attr, value.strip())
        elif match := _ISSUE_TEXT.match(key):
            if value.strip():  # any language: the model checks the code
                draft = issues.setdefault(int(match[1]), IssueDraft())
                texts = {"n": draft.names, "d": draft.descriptions, "u": draft.units}[match[2]]
                texts[match[3]] = value.strip()
        elif match := _OPTION.match(key):
            row = options.setdefault((int(match[1]), int(match[2])), OptionDraft())
            if match[3] == "name":
                row.name = value.strip()
            elif value.strip():  # any language: the model checks the code
                texts = row.wording if match[3][0] == "w" else row.names
                texts[match[3][2:]] = value.strip()
    for (i, _j), row in sorted(options.items()):
        if row.name and i in issues:
            issues[i].options.append(row)
    kept = [(d.position, i, d) for i, d in issues.items() if not d.remove]
    return [d for _p, _i, d in sorted(kept, key=lambda x: (x[0], x[1]))]


def _number(text: str, where: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise e.ValidationFailed(
            _("%(where)s: %(text)r is not a number") % {"where": where, "text": text},
            location=where,
            expected=_("a number in from, to and step"),
        ) from None


def _issue(draft: IssueDraft, where: str) -> dict[str, Any]:
    """One issue's rows in the API's body form (``IssueIn``): a range discretised with its
    unit, the options one per row with their wording."""
    unit = draft.unit or None
    about = {
        "name": draft.name,
        "unit": unit,
        "description": draft.description,
        "names": dict(draft.names),
        "descriptions": dict(draft.descriptions),
        "units": dict(draft.units),
        "settles": draft.settles or None,
    }
    if draft.kind in (IssueKind.INTEGER.value, IssueKind.REAL.value):
        low, high = _number(draft.low, where), _number(draft.high, where)
        step = _number(draft.step, where)
        if step <= 0 or (high - low) / step >= MAX_OPTIONS:
            raise e.ValidationFailed(
                _("%(where)s: a step of %(step)s gives too many values or none")
                % {"where": where, "step": draft.step},  # names the issue: no location again
                expected=_("a positive step giving at most %(count)s values")
                % {"count": MAX_OPTIONS},
            )
        kind = IssueKind(draft.kind)
        issue = Issue.from_range(draft.name, low, high, step, kind=kind, unit=unit)
        _two_options(issue.size, where)
        rows = {row.name: row for row in draft.options}
        values = [
            {"name": o.name, "value": o.value, "label": o.label}
            | (
                {"wording": dict(rows[o.name].wording), "names": dict(rows[o.name].names)}
                if o.name in rows
                else {}
            )
            for o in issue.options
        ]
        return {**about, "kind": kind.value, "options": values}
    if not draft.options:
        raise e.ValidationFailed(
            _("%(where)s has no options") % {"where": where},  # names the issue: no location again
            expected=_("at least one option, one per row"),
        )
    _two_options(len(draft.options), where)
    options = [
        {"name": o.name, "wording": dict(o.wording), "names": dict(o.names)} for o in draft.options
    ]
    return {**about, "kind": IssueKind.DISCRETE.value, "options": options}


def _two_options(count: int, where: str) -> None:
    """The refusal of an issue with a single option, which leaves nothing to negotiate (the
    model and the files allow one: an article settled beforehand, an imported domain's)."""
    if count == 1:
        raise e.ValidationFailed(
            _("%(where)s has a single option: a single option leaves nothing to negotiate")
            % {"where": where},  # names the issue: no location again
            expected=_("at least two options, one per row"),
        )


def agenda_body(drafts: Sequence[IssueDraft], name: str = "agenda") -> dict[str, Any]:
    """The rows in the API's body form (``AgendaIn``), nothing cut; :class:`ValidationFailed`
    names the issue whose rows cannot be read (no options, a range that is not one)."""
    if not drafts:
        raise e.ValidationFailed(
            _("the agenda is empty"), location="agenda", expected=_("at least one issue")
        )
    issues = []
    for n, draft in enumerate(drafts, start=1):
        where = (
            _("issue %(n)s (%(name)s)") % {"n": n, "name": draft.name}
            if draft.name
            else _("issue %(n)s") % {"n": n}
        )
        try:
            issues.append(_issue(draft, where))
        except e.InvalidModel as exc:
            raise exc.located(source=where) from None
    return {"name": name or "agenda", "issues": issues}


def agenda_of(drafts: Sequence[IssueDraft], name: str = "agenda") -> Agenda:
    """The agenda the rows describe, read as the API reads an ``AgendaIn`` body."""
    return api.agenda_of(validated(AgendaIn, agenda_body(drafts, name)))


def form_field(location: str) -> str:
    """The editor's field that a refusal at the body's ``location`` is about.

    >>> form_field("agenda.issues.2.options.0.wording.uk"), form_field("name")
    ('i2.o0.w.uk', 'track_name')
    >>> form_field("agenda.issues.1.description"), form_field("organisation_ids.0")
    ('i1.description', 'organisation_ids')
    >>> form_field("agenda.issues.0.names.ru"), form_field("agenda.issues.0.options.1.names.tr")
    ('i0.n.ru', 'i0.o1.n.tr')
    >>> form_field("agenda.issues.3.descriptions.ar"), form_field("agenda.issues.0.units.uk")
    ('i3.d.ar', 'i0.u.uk')
    """
    parts = location.split(".")
    short = {"wording": "w", "names": "n"}
    if parts[:2] == ["agenda", "issues"] and len(parts) > 3:
        issue = f"i{parts[2]}"
        if parts[3] == "options" and len(parts) > 5:
            option = f"{issue}.o{parts[4]}"
            if parts[5] in short and len(parts) > 6:
                return f"{option}.{short[parts[5]]}.{parts[6]}"
            return f"{option}.{parts[5]}"
        if parts[3] in ("names", "descriptions", "units") and len(parts) > 4:
            return f"{issue}.{parts[3][0]}.{parts[4]}"
        return f"{issue}.{parts[3]}"
    return {"name": "track_name"}.get(parts[0], parts[0])


class _Source(In):
    """Where an imported agenda came from (the files' names): no API body has it."""

    source: Annotated[Str, Field(max_length=200)] = ""


async def _read_form(request: Request) -> tuple[dict[str, Any], list[Upload]]:
    form = await request.form(max_files=MAX_ZIP_FILES, max_fields=20_000)
    uploads = []
    for value in form.getlist("files"):
        if isinstance(value, UploadFile) and value.filename:
            uploads.append(
                Upload(value.filename, value.content_type or "", await value.read(MAX_UPLOAD + 1))
            )
    fields: dict[str, Any] = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    fields["organisation_ids"] = [v for v in form.getlist("organisation_ids") if isinstance(v, str)]
    await form.close()
    return fields, uploads


def unzip(uploads: Sequence[Upload]) -> list[Upload]:
    """The files of a ZIP (a Genius folder) in place of the ZIP, bounded in count and size."""
    out: list[Upload] = []
    for upload in uploads:
        if not upload.filename.lower().endswith(".zip"):
            out.append(upload)
            continue
        try:
            archive = zipfile.ZipFile(io.BytesIO(upload.data))
        except zipfile.BadZipFile:
            raise e.FileFormatError(
                _("the file is not a ZIP archive"),
                source=upload.filename,
                expected=_("a ZIP archive"),
            ) from None
        entries = [i for i in archive.infolist() if not i.is_dir()][: MAX_ZIP_FILES + 1]
        if len(entries) > MAX_ZIP_FILES or sum(i.file_size for i in entries) > MAX_UPLOAD:
            raise e.FileFormatError(
                _("the ZIP holds too many or too large files"),
                source=upload.filename,
                expected=_("at most %(files)s files, %(size)s bytes in all")
                % {"files": MAX_ZIP_FILES, "size": format_decimal(MAX_UPLOAD)},
            )
        for info in entries:
            name = PurePath(info.filename).name
            if name and not name.startswith("."):
                out.append(Upload(name, "", archive.read(info)[: MAX_UPLOAD + 1]))
    return out


def _context(
    ctx: RequestContext, unit: Unit, process_id: int, track_id: int | None, **more: Any
) -> dict[str, Any]:
    """The editor's page: the process's organisations and languages, the track's history."""
    process, view = processes.process(unit.session, unit.actor, process_id)
    history: Sequence[Any] = ()
    freely = True
    if track_id is None:
        view.require_admin()
        nav = [(_("Home"), "/"), (_("Process admin"), f"/processes/{process_id}/admin")]
    else:
        row, track_view = processes.track(unit.session, unit.actor, track_id)
        if not agendas.may_edit(track_view):
            raise e.PermissionDenied(
                _("only the process's admins and the track's mediators edit it")
            )
        history = agendas.history(unit.session, unit.actor, track_id)
        more["track_name"] = row.name  # the form has no field for it: kept after a refusal
        freely = agendas.editable_freely(unit.session, track_id)
        nav = [(_("Home"), "/"), (_("Track"), f"/tracks/{track_id}")]
    orgs = processes.organisations(unit.session, unit.actor, process_id)
    return {
        **frame(ctx, unit),
        "title": _("Agenda"),
        "process": process,
        "track_id": track_id,
        "organisations": orgs,
        "working": languages.working_languages(unit.session, process_id),
        "history": history,
        "freely": freely,
        "kinds": [k.value for k in IssueKind],
        "settles": [(rule.value, _(words)) for rule, words in SETTLES_WORDS.items()],
        "nav": nav,
        "note": "",
        "source": "",
        "track_name": "",
        "chosen": [o.id for o in orgs if o.kind != "observer"],
        **more,
    }


@router.get("/processes/{process_id}/tracks/new")
def new_track_form(request: Request, ctx: Ctx, process_id: int) -> Response:
    """A new track: its name, the organisations taking part and its agenda (admins)."""

    def build() -> Response:
        with ctx.read() as unit:
            context = _context(ctx, unit, process_id, None, drafts=[IssueDraft(position=1)])
        page = render(request, "agenda_edit.html", context)
        return with_twin(page, f"/api/processes/{process_id}/tracks")

    return run_page(request, build)


@router.get("/tracks/{track_id}/agenda")
def agenda_form(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Edit a track's agenda (its process's admins and its mediators)."""

    def build() -> Response:
        with ctx.read() as unit:
            row, _view = processes.track(unit.session, unit.actor, track_id)
            drafts = drafts_from_agenda(track_agenda(row))
            context = _context(
                ctx, unit, row.process_id, track_id, drafts=drafts, track_name=row.name
            )
        return with_twin(render(request, "agenda_edit.html", context), f"/api/tracks/{track_id}")

    return run_page(request, build)


def _save(
    unit: Unit,
    process_id: int,
    track_id: int | None,
    fields: dict[str, Any],
    name: str,
    agenda: dict[str, Any],
) -> str:
    """Create the track or change its agenda, the form read as the API's body (``agenda`` in
    its body form); where to go next."""
    if track_id is None:
        orgs = fields["organisation_ids"]
        track = validated(TrackIn, {"name": name, "agenda": agenda, "organisation_ids": orgs})
        source = validated(_Source, {"source": fields.get("source", "")}).source
        prepare.create_track(
            unit.session,
            unit.actor,
            process_id,
            name=track.name,
            agenda=api.agenda_of(track.agenda),
            organisation_ids=track.organisation_ids,
            source=source or "editor",
        )
        return f"/processes/{process_id}/admin"
    change = validated(api.AgendaChangeIn, {"agenda": agenda, "note": fields.get("note", "")})
    agendas.change_agenda(
        unit.session, unit.actor, track_id, api.agenda_of(change.agenda), note=change.note
    )
    return f"/tracks/{track_id}/agenda"


def _submit(
    request: Request,
    ctx: RequestContext,
    process_id: int,
    track_id: int | None,
    fields: dict[str, Any],
    uploads: list[Upload],
) -> Response:
    action = str(fields.get("action", "save"))
    drafts = drafts_from_form(fields)
    name = str(fields.get("track_name", ""))
    keep: dict[str, Any] = {
        "track_name": name,
        "note": str(fields.get("note", "")),
        "source": str(fields.get("source", "")),
        "chosen": [int(v) for v in fields["organisation_ids"] if v.isdigit()],
    }
    notice = None
    try:
        if action == "import":
            agenda, keep["source"] = agenda_from_uploads(unzip(uploads))
            drafts = drafts_from_agenda(agenda)
            notice = _l("Imported: check the agenda, then save it.")
        elif action == "add_issue":
            drafts.append(IssueDraft(position=max((d.position for d in drafts), default=0) + 1))
        elif action == "save":
            body = agenda_body(drafts, name or "agenda")
            with ctx.write() as unit:
                target = _save(unit, process_id, track_id, fields, name, body)
            return redirect(target)
    except (e.InputError, e.Conflict) as exc:
        refusal = form_errors(exc, form_field)
        with ctx.read() as unit:
            context = _context(ctx, unit, process_id, track_id, drafts=drafts, **refusal, **keep)
        return render(request, "agenda_edit.html", context, status=422)
    with ctx.read() as unit:
        context = _context(ctx, unit, process_id, track_id, drafts=drafts, notice=notice, **keep)
    return render(request, "agenda_edit.html", context)


@router.post("/processes/{process_id}/tracks/new")
async def new_track(request: Request, ctx: Ctx, process_id: int) -> Response:
    """Add an issue, import an agenda, or create the track."""
    fields, uploads = await _read_form(request)

    def build() -> Response:
        return _submit(request, ctx, process_id, None, fields, uploads)

    return await run_in_threadpool(run_page, request, build)


@router.post("/tracks/{track_id}/agenda")
async def change(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Add an issue, import, or save the changed agenda (a new announced version once texts
    exist)."""
    fields, uploads = await _read_form(request)

    def build() -> Response:
        with ctx.read() as unit:
            row, _view = processes.track(unit.session, unit.actor, track_id)
            process_id = row.process_id
        return _submit(request, ctx, process_id, track_id, fields, uploads)

    return await run_in_threadpool(run_page, request, build)
