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
import names its files itself): it is refused over 200 characters, not cut. A new track is
named in the working languages of its process at once (folded fields ``names.<code>``, the
body's ``names``; an empty one left out): a name in a language the process does not work in is
refused at its field, as ``PATCH /api/tracks/{id}`` refuses it
(:func:`gobetween.service.names.check_names`). The form's rows as drafts and as the API's body:
:mod:`gobetween.web.agenda_drafts`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gobetween import errors as e
from gobetween.i18n import _, _l, format_decimal
from gobetween.model import SETTLES_WORDS, IssueKind
from gobetween.model.languages import LANGUAGES, Language
from gobetween.service import agendas, languages, prepare, processes
from gobetween.service.api import prepare as api
from gobetween.service.context import RequestContext, Unit
from gobetween.service.imports import agenda_from_uploads
from gobetween.service.names import called, check_names
from gobetween.service.negotiate import Upload, track_agenda
from gobetween.service.schemas import In, Str, TrackIn
from gobetween.web.agenda_drafts import (
    IssueDraft,
    drafts_from_agenda,
    drafts_from_form,
    form_field,
    read_agenda,
)
from gobetween.web.common import Ctx, frame
from gobetween.web.forms import form_errors, validated
from gobetween.web.render import redirect, render, run_page, with_twin

__all__ = ["router", "unzip"]

router = APIRouter(include_in_schema=False)
MAX_ZIP_FILES = 50
MAX_UPLOAD = 5_000_000


class _Source(In):
    """Where an imported agenda came from (the files' names): no API body has it."""

    source: Annotated[Str, Field(max_length=200)] = ""


def _typed_names(fields: Mapping[str, Any]) -> dict[str, str]:
    """A new track's names in other languages as typed (fields ``names.<code>``), by code.

    >>> _typed_names({"track_name": "grain", "names.uk": " зерно ", "names.ru": ""})
    {'uk': ' зерно ', 'ru': ''}
    """
    return {
        key.removeprefix("names."): value
        for key, value in fields.items()
        if key.startswith("names.") and isinstance(value, str)
    }


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


def _name_languages(working: Sequence[str], typed: Mapping[str, str]) -> list[Language]:
    """The languages a new track's name fields are offered in: the process's working ones, in
    its order, then any other one a name was typed in (refused: shown at its own field, kept
    as typed).

    >>> [lang.code for lang in _name_languages(("en", "uk"), {"tr": "Tahıl", "xx": "?"})]
    ['en', 'uk', 'tr']
    """
    codes = [*working, *(code for code in typed if code not in working)]
    return [LANGUAGES[code] for code in codes if code in LANGUAGES]


def _context(
    ctx: RequestContext, unit: Unit, process_id: int, track_id: int | None, **more: Any
) -> dict[str, Any]:
    """The editor's page: the process's organisations and languages, the track's history; a
    new track's names in other languages (``track_names``, as typed) and the languages they
    are asked in (``name_languages``)."""
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
        more["track_name"] = called(row)  # the form has no field for it: kept after a refusal
        freely = agendas.editable_freely(unit.session, track_id)
        nav = [(_("Home"), "/"), (_("Track"), f"/tracks/{track_id}")]
    orgs = processes.organisations(unit.session, unit.actor, process_id)
    working = languages.working_languages(unit.session, process_id)
    return {
        **frame(ctx, unit),
        "title": _("Agenda"),
        "process": process,
        "track_id": track_id,
        "organisations": orgs,
        "working": working,
        "name_languages": _name_languages(working, more.get("track_names", {})),
        "history": history,
        "freely": freely,
        "kinds": [k.value for k in IssueKind],
        "settles": [(rule.value, _(words)) for rule, words in SETTLES_WORDS.items()],
        "nav": nav,
        "note": "",
        "source": "",
        "track_name": "",
        "track_names": {},
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
                ctx, unit, row.process_id, track_id, drafts=drafts, track_name=called(row)
            )
        return with_twin(render(request, "agenda_edit.html", context), f"/api/tracks/{track_id}")

    return run_page(request, build)


def _save(
    unit: Unit,
    process_id: int,
    track_id: int | None,
    fields: dict[str, Any],
    name: str,
    drafts: Sequence[IssueDraft],
) -> str:
    """Create the track or change its agenda, the form read as the API's body (every problem
    at once, :func:`read_agenda`); where to go next. A new track's names (``names.<code>``,
    empty ones left out) are checked against the working languages of the process here too,
    so that their refusal comes with the agenda's."""
    if track_id is None:
        prepare.process_view_admin(unit.actor, process_id)
        orgs = fields["organisation_ids"]
        given = {code: text for code, text in _typed_names(fields).items() if text.strip()}
        working = languages.working_languages(unit.session, process_id)
        source = ""

        def track_in(agenda: dict[str, Any]) -> TrackIn:
            nonlocal source
            found = e.Problems()
            track = None
            body = {"name": name, "agenda": agenda, "organisation_ids": orgs, "names": given}
            with found.check():
                track = validated(TrackIn, body)
            with found.check():
                check_names(given, working)  # in a working language of the process
            with found.check():
                source = validated(_Source, {"source": fields.get("source", "")}).source
            found.done()
            assert track is not None
            return track

        track, agenda = read_agenda(drafts, track_in, lambda body: body.agenda, name)
        prepare.create_track(
            unit.session,
            unit.actor,
            process_id,
            name=track.name,
            agenda=agenda,
            organisation_ids=track.organisation_ids,
            source=source or "editor",
            names=track.names,
        )
        return f"/processes/{process_id}/admin"

    def change_in(agenda: dict[str, Any]) -> api.AgendaChangeIn:
        return validated(api.AgendaChangeIn, {"agenda": agenda, "note": fields.get("note", "")})

    change, agenda = read_agenda(drafts, change_in, lambda body: body.agenda)
    agendas.change_agenda(unit.session, unit.actor, track_id, agenda, note=change.note)
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
        "track_names": _typed_names(fields),
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
            with ctx.write() as unit:
                target = _save(unit, process_id, track_id, fields, name, drafts)
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
