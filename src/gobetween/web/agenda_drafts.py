"""The agenda editor's form as drafts, and the drafts as the API's agenda body.

An issue is typed as rows of fields (``i<k>.name``, ``i<k>.o<j>.name``, ``i<k>.o<j>.w.<code>``
...): :func:`drafts_from_form` reads them into :class:`IssueDraft` rows kept as typed,
:func:`drafts_from_agenda` fills them from a stored agenda, :func:`read_agenda` reads them as
the API's body (every problem at once, each at its row), :func:`agenda_of` builds the agenda,
and :func:`form_field` says which field of the form a refusal's location names. The routes are
in :mod:`gobetween.web.agenda`.

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

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from gobetween import errors as e
from gobetween.agreements.derive import lifecycle_issues
from gobetween.i18n import _
from gobetween.model import Agenda, Issue, IssueKind, Option
from gobetween.model.languages import LANGUAGES
from gobetween.service.api import prepare as api
from gobetween.service.schemas import AgendaIn, In, IssueIn
from gobetween.web.forms import in_form_order, validated

__all__ = [
    "IssueDraft",
    "OptionDraft",
    "agenda_of",
    "drafts_from_agenda",
    "drafts_from_form",
    "form_field",
    "read_agenda",
]

MAX_ISSUES = 100
MAX_OPTIONS = 1000
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
