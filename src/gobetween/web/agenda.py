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
(:func:`gobetween.service.names.check_names`).

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gobetween import errors as e
from gobetween.agreements.derive import lifecycle_issues
from gobetween.i18n import _, _l, format_decimal
from gobetween.model import SETTLES_WORDS, Agenda, Issue, IssueKind, Option
from gobetween.model.languages import LANGUAGES, Language
from gobetween.service import agendas, languages, prepare, processes
from gobetween.service.api import prepare as api
from gobetween.service.context import RequestContext, Unit
from gobetween.service.imports import agenda_from_uploads
from gobetween.service.names import called, check_names
from gobetween.service.negotiate import Upload, track_agenda
from gobetween.service.schemas import AgendaIn, In, IssueIn, Str, TrackIn
from gobetween.web.common import Ctx, frame
from gobetween.web.forms import form_errors, in_form_order, validated
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


def _at(k: int, rest: str) -> str:
    """The body's location of ``rest`` in the agenda's issue ``k`` (from 0)."""
    return f"agenda.issues.{k}.{rest}"


def _moved(exc: e.InputError, location: str) -> e.InputError:
    """``exc`` at the body's ``location`` (the model's own place for it, ``options[1]`` or
    ``issue 'ports', settles``, said nothing of where the editor shows it)."""
    moved = exc.located()
    moved.source = None
    moved.location = location
    return moved


def _number(text: str, where: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise e.ValidationFailed(
            _("%(text)r is not a number") % {"text": text},
            location=where,
            expected=_("a number in from, to and step"),
        ) from None


def _range(draft: IssueDraft, k: int) -> tuple[float, float, float]:
    """From, to and step of issue ``k``'s range; every one that is not a number refused."""
    found = e.Problems()
    numbers: dict[str, float] = {}
    for name in ("low", "high", "step"):
        with found.check():
            numbers[name] = _number(getattr(draft, name), _at(k, name))
    found.done()
    low, high, step = numbers["low"], numbers["high"], numbers["step"]
    if step <= 0 or (high - low) / step >= MAX_OPTIONS:
        raise e.ValidationFailed(
            _("a step of %(step)s gives too many values or none") % {"step": draft.step},
            location=_at(k, "step"),
            expected=_("a positive step giving at most %(count)s values") % {"count": MAX_OPTIONS},
        )
    return low, high, step


def _about(draft: IssueDraft) -> dict[str, Any]:
    return {
        "name": draft.name,
        "unit": draft.unit or None,
        "description": draft.description,
        "names": dict(draft.names),
        "descriptions": dict(draft.descriptions),
        "units": dict(draft.units),
        "settles": draft.settles or None,
    }


def _as_typed(draft: IssueDraft) -> dict[str, Any]:
    """Issue rows the editor could not read (:func:`_issue` refused them) as the body has them,
    for the schema to check their other fields."""
    options = [
        {"name": o.name, "wording": dict(o.wording), "names": dict(o.names)} for o in draft.options
    ]
    return {**_about(draft), "options": options or [{"name": "-"}]}


def _issue(draft: IssueDraft, k: int) -> dict[str, Any]:
    """Issue ``k``'s rows in the API's body form (``IssueIn``): a range discretised with its
    unit, the options one per row with their wording; refused at the field that is wrong."""
    about = _about(draft)
    if draft.kind in (IssueKind.INTEGER.value, IssueKind.REAL.value):
        low, high, step = _range(draft, k)
        kind = IssueKind(draft.kind)
        try:
            issue = Issue.from_range(draft.name, low, high, step, kind=kind, unit=about["unit"])
        except e.InvalidModel as exc:
            place = exc.location if exc.location in ("low", "high", "step") else "step"
            raise _moved(exc, _at(k, place)) from None
        _two_options(issue.size, _at(k, "step"))
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
            _("this issue has no options"),
            location=_at(k, "options.0.name"),
            expected=_("at least one option, one per row"),
        )
    _two_options(len(draft.options), _at(k, "options.1.name"))
    options = [
        {"name": o.name, "wording": dict(o.wording), "names": dict(o.names)} for o in draft.options
    ]
    return {**about, "kind": IssueKind.DISCRETE.value, "options": options}


def _two_options(count: int, where: str) -> None:
    """The refusal of an issue with a single option, which leaves nothing to negotiate (the
    model and the files allow one: an article settled beforehand, an imported domain's)."""
    if count == 1:
        raise e.ValidationFailed(
            _("a single option leaves nothing to negotiate"),
            location=where,
            expected=_("at least two options, one per row"),
        )


_OPTION_TEXT = re.compile(r", (wording|names) (\S+)$")
_ISSUE_TEXT_AT = re.compile(r", (names|descriptions|units) (\S+)$")
_OPTION_AT = re.compile(r"^options\[(\d+)\]$")


def _issue_place(location: str | None) -> str:
    """Where in its issue the model's refusal of an issue is, as the body has it."""
    where = location or ""
    if match := _OPTION_AT.match(where):
        return f"options.{match[1]}.name"
    if match := _ISSUE_TEXT_AT.search(where):
        return f"{match[1]}.{match[2]}"
    return "settles" if where.endswith(", settles") else "name"


def _modelled(issue: IssueIn, k: int) -> list[e.InputError]:
    """The model's refusals of issue ``k`` (each option apart, then the issue), at the body's
    location of the field each is about."""
    found: list[e.InputError] = []
    for j, o in enumerate(issue.options):
        try:
            Option(o.name, value=o.value, label=o.label, wording=o.wording, names=o.names)
        except e.InvalidModel as exc:
            match = _OPTION_TEXT.search(exc.location or "")
            place = f"{match[1]}.{match[2]}" if match else "name"
            found.append(_moved(exc, _at(k, f"options.{j}.{place}")))
    if not found:
        try:
            api.agenda_of(AgendaIn(issues=[issue]))
        except e.InvalidModel as exc:
            found.append(_moved(exc, _at(k, _issue_place(exc.location))))
    return found


B = TypeVar("B", bound=In)


def read_agenda(
    drafts: Sequence[IssueDraft],
    read: Callable[[dict[str, Any]], B],
    agenda_in: Callable[[B], AgendaIn],
    name: str = "agenda",
) -> tuple[B, Agenda]:
    """The rows read as the API's body (``read``: the agenda in its body form -> the body,
    :func:`gobetween.web.forms.validated`) and the agenda it describes (``agenda_in``: the
    body's agenda), nothing cut. Every problem found at once, each at the body's location of
    its field (``agenda.issues.1.options.2.name``; :func:`form_field` names the editor's),
    in the form's order: the editor's own (no options, a range that is not one), the
    schema's, and the model's (two options or issues named alike) where the schema found
    nothing wrong with the issue."""
    found: list[e.InputError] = []
    if not drafts:
        found.append(
            e.ValidationFailed(
                _("the agenda is empty"), location="agenda", expected=_("at least one issue")
            )
        )
    issues: list[dict[str, Any]] = []
    unread: set[int] = set()
    for k, draft in enumerate(drafts):
        try:
            issues.append(_issue(draft, k))
        except e.InputError as exc:
            found.extend(e.problems_of(exc))
            unread.add(k)
            issues.append(_as_typed(draft))
    body: B | None = None
    try:
        body = read({"name": name or "agenda", "issues": issues})
    except e.InputError as exc:
        if not e.problems_of(exc):
            raise
        for problem in e.problems_of(exc):
            where = problem.location or ""
            if where == "agenda.name":  # the track's name, said at its own field
                continue
            if where == "agenda.issues" and not drafts:  # the agenda is empty: said once
                continue
            if where.startswith("agenda.issues.") and int(where.split(".")[2]) in unread:
                continue  # the rows the editor could not read: said once, by the editor
            found.append(problem)
    schema_refused = {
        int(p.location.split(".")[2])
        for p in found
        if p.location and re.match(r"^agenda\.issues\.\d+\.", p.location)
    }
    for k, issue in enumerate(issues):
        if k in unread or k in schema_refused:
            continue
        try:
            found.extend(_modelled(validated(IssueIn, issue), k))
        except e.InputError:
            continue  # the schema's refusal is listed already
    agenda = None
    if not found and body is not None:
        try:
            agenda = api.agenda_of(agenda_in(body))
        except e.InvalidModel as exc:
            match = re.match(r"^issues\[(\d+)\]$", exc.location or "")
            if match is None:
                found.append(_moved(exc, "agenda"))
            else:
                place = "settles" if "rule" in exc.params else "name"
                found.append(_moved(exc, _at(int(match[1]), place)))
    if found:
        fields = sorted({form_field(p.location) for p in found if p.location}, key=_rank)
        raise in_form_order(found, fields, form_field)
    assert body is not None  # refused above otherwise
    assert agenda is not None
    return body, agenda


def agenda_of(drafts: Sequence[IssueDraft], name: str = "agenda") -> Agenda:
    """The agenda the rows describe, read as the API reads an ``AgendaIn`` body."""

    def read(agenda: dict[str, Any]) -> AgendaIn:
        return validated(AgendaIn, agenda)

    return read_agenda(drafts, read, lambda body: body, name)[1]


_SUB = re.compile(r"^i(\d+)\.(?:o(\d+)\.)?(.*)$")
_ISSUE_ORDER = ("name", "n", "description", "d", "unit", "u", "settles", "low", "high", "step")
_OPTION_ORDER = ("name", "n", "w")


def _rank(field: str) -> tuple[int, ...]:
    """The place of the editor's ``field`` in its form, top to bottom.

    >>> sorted(["note", "i1.name", "i0.o2.w.en", "i0.o1.name", "i0.unit", "track_name"], key=_rank)
    ['track_name', 'i0.unit', 'i0.o1.name', 'i0.o2.w.en', 'i1.name', 'note']
    """
    top = ("track_name", "organisation_ids", "agenda", "source")
    if field in top:
        return (top.index(field),)
    if field.startswith("names."):  # folded under the track's name
        code = field.removeprefix("names.")
        return (0, list(LANGUAGES).index(code) if code in LANGUAGES else len(LANGUAGES))
    if match := _SUB.match(field):
        issue, option, rest = int(match[1]), match[2], match[3].split(".")[0]
        if option is None:
            at = _ISSUE_ORDER.index(rest) if rest in _ISSUE_ORDER else len(_ISSUE_ORDER)
            return (len(top), issue, at)
        at = _OPTION_ORDER.index(rest) if rest in _OPTION_ORDER else len(_OPTION_ORDER)
        return (len(top), issue, len(_ISSUE_ORDER) + 1, int(option), at)
    return (len(top) + (1 if field == "note" else 2),)


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
    >>> form_field("names.tr")  # a new track's name in a language: a field of its own
    'names.tr'
    """
    parts = location.split(".")
    if parts[0] == "names" and len(parts) > 1:
        return f"names.{parts[1]}"
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
