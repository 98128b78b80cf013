"""Stage 5 beyond voyages: provisions and their assessments, record entries of every declared
kind (exchanges, incidents, ...), incidents alleged and assessed, and publishing decisions.

- *Provisions* (:mod:`gobetween.service.provisions`) are the agreement's operative articles,
  assessed by the joint team on the Peace Accords Matrix scale.
- *Entries* of a kind are validated by the kind's declaration, keyed by its natural key (a
  re-import adds nothing) and read through :func:`gobetween.policy.entry_access`.
- *Incidents* are alleged by a party (for itself only) privately to the mediators and assessed
  by them (verified, not verified, disputed): :mod:`gobetween.service.incidents`.
- *Publishing* is a recorded, approved action (:mod:`gobetween.service.publishing`); what is
  approved (:func:`approved_publications`) opens entries to the public here.

Every write appends to the audit chain. None of them touches the voyages' revision counter
(``agreements.record_revision``, the key of the cached voyage figures), so no party can time a
change it may not see (a private incident report) through a cache miss.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from gobetween import i18n
from gobetween.errors import (
    InputError,
    NotFound,
    PermissionDenied,
    problems_of,
    refusal_of,
)
from gobetween.i18n import _
from gobetween.model import OrganisationKind
from gobetween.monitoring.bounds import RecordBounds
from gobetween.monitoring.entry_files import EntryImport, merge_entries
from gobetween.monitoring.kinds import Entry, RecordKind, kind_named
from gobetween.monitoring.voyages import ImportProblem
from gobetween.policy import (
    Actor,
    AgreementAct,
    AgreementView,
    EntryAccess,
    entry_access,
    reads_field,
)
from gobetween.service.agree import LoadedAgreement, load, load_or_public
from gobetween.service.audited import audited
from gobetween.service.errors import translated
from gobetween.store import record_tables as r
from gobetween.store.event_log import lock_agreement

__all__ = [
    "EntryPlan",
    "access_to",
    "agreement_kinds",
    "approved_publications",
    "entries_view",
    "entry_import_report",
    "entry_row",
    "import_bounds",
    "import_entries",
    "kept_kind",
    "loaded_entry",
    "new_entry_row",
    "plan_entry_import",
    "problem_words",
    "readable_rows",
    "record_bounds",
    "record_entry_import",
    "require_mediator",
    "set_kinds",
    "write_entries",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def agreement_kinds(loaded: LoadedAgreement) -> tuple[RecordKind, ...]:
    """The record kinds the agreement's joint record keeps (``implementation.kinds``).

    Agreements made before kinds were declared kept voyages only, so that is the default.
    """
    names = loaded.row.implementation.get("kinds", ["voyages"])
    return tuple(kind_named(str(n)) for n in names)


def set_kinds(session: Session, actor: Actor, agreement_id: int, names: Sequence[str]) -> list[str]:
    """The mediators say which record kinds the joint record keeps (from the registry)."""
    lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    require_mediator(loaded.view, _("choose the record kinds"))
    kinds = [kind_named(n).name for n in dict.fromkeys(names)]
    loaded.row.implementation = {**loaded.row.implementation, "kinds": kinds}
    session.flush()
    audited(session, actor, "record.kinds", ("agreement", agreement_id), {"kinds": kinds})
    return kinds


def kept_kind(loaded: LoadedAgreement, name: str) -> RecordKind:
    for kind in agreement_kinds(loaded):
        if kind.name == name:
            return kind
    raise NotFound(
        _("no record kind %(name)r in agreement %(agreement)s")
        % {"name": name, "agreement": loaded.row.id}
    )


def record_bounds(loaded: LoadedAgreement) -> RecordBounds:
    """What the record's entries keep to (:class:`~gobetween.monitoring.bounds.RecordBounds`):
    the agreement's signatory parties, its entry into force, and today as the latest day
    anywhere on Earth (UTC+14: a party east of the server may already live tomorrow)."""
    return RecordBounds.of_bundle(loaded.bundle, _now())  # as `gobetween records check` does


def _mediating(view: AgreementView) -> list[str]:
    return [n for n, k in view.acts_for.items() if k is OrganisationKind.MEDIATOR]


def require_mediator(view: AgreementView, what: str) -> str:
    view.require(AgreementAct.READ)
    mine = _mediating(view)
    if not mine:
        raise PermissionDenied(
            _("only the mediators (the joint team) may %(what)s") % {"what": what}
        )
    return mine[0]


# -- publishing ------------------------------------------------------------------------------


def approved_publications(session: Session, agreement_id: int) -> dict[str, r.PublicationRow]:
    """The agreement's publications the signatories approved, by scope (``figures:voyages``,
    ``incident:INC-...``, ``provisions``)."""
    rows = session.execute(
        select(r.PublicationRow).where(
            r.PublicationRow.agreement_id == agreement_id,
            r.PublicationRow.approved_at.is_not(None),
        )
    ).scalars()
    return {row.scope: row for row in rows}


# -- entries ---------------------------------------------------------------------------------


def entry_row(session: Session, agreement_id: int, kind: str, key: str) -> r.EntryRow | None:
    return session.execute(
        select(r.EntryRow).where(
            r.EntryRow.agreement_id == agreement_id, r.EntryRow.kind == kind, r.EntryRow.key == key
        )
    ).scalar_one_or_none()


def loaded_entry(kind: RecordKind, row: r.EntryRow) -> Entry:
    """A stored row of the record as an entry of ``kind`` (its key, its values)."""
    return Entry(kind.name, tuple(str(row.body[k]) for k in kind.key), row.body)


def access_to(
    view: AgreementView, kind: RecordKind, entry: Entry, published: Mapping[str, Any]
) -> EntryAccess:
    """What ``view``'s reader may read of ``entry``: the policy's answer
    (:func:`gobetween.policy.entry_access`) from the entry's parties, assessment and the
    publications approved."""
    owner_field = kind.parties[0] if kind.parties else None
    owner = str(entry.values.get(owner_field) or "") if owner_field else None
    others = frozenset(str(entry.values.get(p) or "") for p in kind.parties[1:])
    assessed = (entry.values.get("assessment") or "pending") != "pending"
    public = f"figures:{kind.name}" in published
    if kind.private_until_assessed:
        public = f"incident:{entry.key_text}" in published
    return entry_access(
        view,
        owner=owner,
        others=others,
        private_until_assessed=kind.private_until_assessed,
        assessed=assessed,
        published=public,
    )


def _shown(
    kind: RecordKind, entry: Entry, access: EntryAccess, published: Mapping[str, Any]
) -> dict[str, Any]:
    if access is EntryAccess.FULL:
        out = dict(entry.values)
    else:
        out = {f.name: entry.values.get(f.name) for f in kind.fields if reads_field(access, f)}
    if access is EntryAccess.PUBLIC:
        decision = published.get(f"incident:{entry.key_text}")
        if decision is not None:
            out["summary"] = decision.summary
    return {"key": entry.key_text, **out}


def readable_rows(
    view: AgreementView, kind: RecordKind, published: Mapping[str, Any]
) -> ColumnElement[bool]:
    """The rows of ``kind`` that :func:`access_to` grants ``view`` anything of, as SQL.

    The same rules as :func:`gobetween.policy.entry_access`, applied in the query so that hidden
    rows are never loaded: the time a listing takes does not depend on entries the caller may
    not see. :func:`access_to` still decides each loaded row (a test checks both agree).
    """
    kinds = set(view.acts_for.values())
    parties = sorted(n for n, k in view.acts_for.items() if k is OrganisationKind.PARTY)
    if OrganisationKind.MEDIATOR in kinds or (parties and not kind.private_until_assessed):
        return true()
    grants: list[ColumnElement[bool]] = []
    body = r.EntryRow.body
    if kind.parties and parties:
        grants.append(body[kind.parties[0]].as_string().in_(parties))
        named = [body[p].as_string().in_(parties) for p in kind.parties[1:]]
        if named:
            assessed = (
                func.coalesce(func.nullif(body["assessment"].as_string(), ""), "pending")
                != "pending"
            )
            grants.append(and_(assessed, or_(*named)))
    if kind.private_until_assessed:
        keys = [s.removeprefix("incident:") for s in published if s.startswith("incident:")]
        grants.append(r.EntryRow.key.in_(keys))
    elif f"figures:{kind.name}" in published:
        return true()
    return or_(false(), *grants)


def entries_view(
    session: Session, actor: Actor | None, agreement_id: int, kind_name: str
) -> dict[str, Any]:
    """The entries of one kind the caller may read, and the kind's figures over them.

    Figures are computed over the entries the caller reads, never over hidden ones, so no
    count tells a party what it may not see.
    """
    loaded, signatory = load_or_public(session, actor, agreement_id)
    published = approved_publications(session, agreement_id)
    config = loaded.row.implementation
    if not signatory and not (published or config.get("public") or config.get("public_figures")):
        # a record that publishes nothing answers the public as if it did not exist
        raise NotFound(_("no agreement %(agreement_id)s") % {"agreement_id": agreement_id})
    kind = kept_kind(loaded, kind_name)
    rows = session.execute(
        select(r.EntryRow).where(
            r.EntryRow.agreement_id == agreement_id,
            r.EntryRow.kind == kind.name,
            readable_rows(loaded.view, kind, published),
        )
    ).scalars()
    visible: list[tuple[Entry, EntryAccess]] = []
    for row in rows:
        entry = loaded_entry(kind, row)
        access = access_to(loaded.view, kind, entry, published)
        if access is not EntryAccess.NONE:
            visible.append((entry, access))
    visible.sort(key=lambda pair: (str(pair[0].values.get("date") or ""), pair[0].key_text))
    figures = kind.compute_figures([e for e, _a in visible])
    return {
        "agreement_id": agreement_id,
        "kind": kind.name,
        "label": kind.label,
        "entries": [_shown(kind, e, acc, published) for e, acc in visible],
        "figures": {name: t.as_dict() for name, t in figures.items()},
    }


@dataclass(frozen=True, slots=True)
class EntryPlan:
    """What importing a file into a record will do: entries by key and the counts."""

    kind: RecordKind
    merged: dict[tuple[str, ...], Entry]
    new: int
    same: int
    updated: list[tuple[str, ...]]
    known: frozenset[str]

    def to_write(self) -> list[Entry]:
        """The new and the changed entries."""
        changed = set(self.updated)
        return [e for k, e in self.merged.items() if k in changed or e.key_text not in self.known]


def import_bounds(
    session: Session, actor: Actor, agreement_id: int, kind_name: str
) -> RecordBounds:
    """What a file of ``kind_name`` must keep to in this record, asked before the file is read
    (:func:`gobetween.formats.records.read_entry_file`'s ``bounds``): refuses, before any
    parsing, a caller who may not import (404 outside the agreement, 403 for a party) and a
    kind the record does not keep."""
    loaded = load(session, actor, agreement_id)
    require_mediator(loaded.view, _("import record files"))
    kept_kind(loaded, kind_name)
    return record_bounds(loaded)


def _within_bounds(loaded: LoadedAgreement, kind: RecordKind, result: EntryImport) -> None:
    """Refuse entries that were read outside the agreement's bounds (by a caller that read the
    file without them): nothing is written that names someone who is not a party or a day the
    agreement did not live. An import read within them (the pages, the API, the demo) passes."""
    bounds = record_bounds(loaded)
    if result.bounds is not None and (result.bounds.parties, result.bounds.in_force) == (
        bounds.parties,
        bounds.in_force,
    ):
        return
    for entry in result.entries:
        try:
            kind.entry(entry.values, bounds)
        except InputError as error:
            where = f"{kind.name}[{entry.key_text}]"
            raise refusal_of([p.located(location=where) for p in problems_of(error)]) from None


def plan_entry_import(
    session: Session, actor: Actor, agreement_id: int, result: EntryImport
) -> EntryPlan:
    """Merge entries read from a file against the record (mediators only); nothing written.
    The file must have been read within the agreement's bounds (:func:`import_bounds`)."""
    loaded = load(session, actor, agreement_id)
    require_mediator(loaded.view, _("import record files"))
    kind = kept_kind(loaded, result.kind)
    _within_bounds(loaded, kind, result)
    bodies = session.execute(
        select(r.EntryRow.body).where(
            r.EntryRow.agreement_id == agreement_id, r.EntryRow.kind == kind.name
        )
    ).scalars()
    existing = [Entry(kind.name, tuple(str(b[k]) for k in kind.key), b) for b in bodies]
    merged, new, same, updated = merge_entries(existing, result.entries)
    return EntryPlan(kind, merged, new, same, updated, frozenset(e.key_text for e in existing))


def problem_words(problem: ImportProblem) -> dict[str, str | None]:
    """An import problem's message and expected value in the current language (the templates
    the core marked, with their values; English: exactly as the core wrote them)."""
    if i18n.current_locale() == i18n.DEFAULT_LOCALE:
        return {"message": problem.message, "expected": problem.expected}
    message, expected = problem.sentence, problem.expected_sentence
    return {
        "message": translated(message) if message is not None else problem.message,
        "expected": translated(expected) if expected is not None else problem.expected,
    }


def entry_import_report(result: EntryImport, plan: EntryPlan) -> dict[str, Any]:
    """What an import of entries did, with the first problems by row."""
    return {
        "source": result.source,
        "kind": plan.kind.name,
        "rows_read": len(result.entries),
        "new": plan.new,
        "duplicates": plan.same + result.duplicates,
        "updated": len(plan.updated),
        "skipped_rows": result.skipped_rows,
        "problems": [
            {"row": p.row, "column": p.column, **problem_words(p), "skipped": p.skipped}
            for p in result.problems
        ],
        "problems_not_shown": result.problems_not_shown,
        "entries": len(plan.merged),
    }


def new_entry_row(agreement_id: int, kind: RecordKind, entry: Entry, actor: Actor) -> r.EntryRow:
    """A row for ``entry``, new in the record of kind ``kind``, written by ``actor``."""
    return r.EntryRow(
        agreement_id=agreement_id,
        kind=kind.name,
        key=entry.key_text,
        body=dict(entry.values),
        created_by=actor.user_id,
    )


def write_entries(
    session: Session, actor: Actor, agreement_id: int, kind: RecordKind, entries: list[Entry]
) -> None:
    """Insert the new entries and update the rest, as the record is now: under the agreement's
    lock, so a step of one import and a step of another that bring the same new key run one
    after the other (the second updates what the first inserted)."""
    if not entries:
        return
    lock_agreement(session, agreement_id)
    keys = [e.key_text for e in entries]
    rows = {
        row.key: row
        for row in session.execute(
            select(r.EntryRow).where(
                r.EntryRow.agreement_id == agreement_id,
                r.EntryRow.kind == kind.name,
                r.EntryRow.key.in_(keys),
            )
        ).scalars()
    }
    for entry in entries:
        row = rows.get(entry.key_text)
        if row is None:
            session.add(new_entry_row(agreement_id, kind, entry, actor))
        else:
            row.body = dict(entry.values)
    session.flush()


def record_entry_import(
    session: Session, actor: Actor, agreement_id: int, report: dict[str, Any]
) -> None:
    """The import in the audit chain (after its entries were written)."""
    audited(
        session,
        actor,
        "record.import_entries",
        ("agreement", agreement_id),
        {k: v for k, v in report.items() if k != "problems"},
    )


def import_entries(
    session: Session, actor: Actor, agreement_id: int, result: EntryImport
) -> dict[str, Any]:
    """Merge entries read (before the write unit opened) from a file, in one unit (the demo
    loader; the service writes in steps: :mod:`gobetween.service.import_steps`)."""
    lock_agreement(session, agreement_id)
    plan = plan_entry_import(session, actor, agreement_id, result)
    write_entries(session, actor, agreement_id, plan.kind, plan.to_write())
    report = entry_import_report(result, plan)
    record_entry_import(session, actor, agreement_id, report)
    return report
