"""Provisions: the agreement's operative articles and the joint team's assessments of them.

The provisions are read from the agreement's signed terms (one per clause, in order: ``art-1``,
``art-2``, ...); the mediators (the joint team) assess each on the Peace Accords Matrix scale
with evidence (a change of level needs some) and two notes, one every signatory reads and an
internal one the mediators alone read (:func:`gobetween.policy.assessment_notes`);
:func:`provisions_view` gives each one's level and history and the barometer of shares over
time, from the agreement's effective date to today (or to the end of its last term once it is
over). The public sees them once publishing ``provisions`` is approved
(:mod:`gobetween.service.records`), with links only as evidence and the note every signatory
reads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from gobetween.agreements import lifecycle as lc
from gobetween.errors import N_, InputError, InvalidModel, NotFound, refusal_of
from gobetween.i18n import _
from gobetween.monitoring.provisions import (
    Assessment,
    Evidence,
    EvidenceKind,
    Provision,
    assessment_from_dict,
    assessment_to_dict,
    barometer,
    cited,
    month_ends,
    statuses,
)
from gobetween.monitoring.term import term_table
from gobetween.policy import (
    Actor,
    AgreementView,
    AssessmentNote,
    EvidenceAccess,
    assessment_notes,
    evidence_access,
)
from gobetween.service.agree import LoadedAgreement, load, load_or_public, terms_read
from gobetween.service.audited import audited
from gobetween.service.hidden_incidents import (
    IN_THE_INTERNAL_NOTE,
    SharedText,
    refuse_hidden_incidents,
)
from gobetween.service.records import (
    _now,
    agreement_kinds,
    approved_publications,
    readable_rows,
    require_mediator,
)
from gobetween.store import agreement_tables as a
from gobetween.store import event_log
from gobetween.store import record_tables as r
from gobetween.store.event_log import lock_agreement

__all__ = [
    "IN_A_PUBLISHED_NOTE",
    "RecordReferences",
    "assess_provision",
    "provisions",
    "provisions_view",
    "public_texts",
    "references_for",
]


def provisions(loaded: LoadedAgreement) -> list[Provision]:
    """The agreement's provisions: one per operative clause of its terms, in their order."""
    return [
        Provision(f"art-{i}", _("Article %(n)d") % {"n": i}, issue)
        for i, issue in enumerate(loaded.bundle.terms.clauses, start=1)
    ]


def _assessments(
    session: Session, agreement_id: int, notes: frozenset[AssessmentNote] = frozenset()
) -> list[Assessment]:
    """The agreement's assessments in the order they were made, with the internal note only
    when ``notes`` (:func:`gobetween.policy.assessment_notes`) grant it: it is not even loaded
    for anyone else (it is never in the ``body``, which every signatory reads)."""
    internal = AssessmentNote.MEDIATORS in notes
    note = r.AssessmentRow.internal_note if internal else literal("")
    rows = session.execute(
        select(r.AssessmentRow.body, note)
        .where(r.AssessmentRow.agreement_id == agreement_id)
        .order_by(r.AssessmentRow.created_at, r.AssessmentRow.id)
    )
    return [assessment_from_dict({**body, "internal_note": text}) for body, text in rows]


def _notes_shown(wire: dict[str, Any], notes: frozenset[AssessmentNote]) -> dict[str, Any]:
    """An assessment's JSON form with only the ``notes`` its reader may read (the others'
    fields left out, not emptied: nothing says that a note exists)."""
    for note in AssessmentNote:
        if note not in notes:
            wire.pop(note.value, None)
    return wire


def _record_references(session: Session, loaded: LoadedAgreement) -> list[str]:
    """What an event of this agreement's record is cited by, of what the caller may read (the
    mediators, who assess, read all of it): each entry of its kinds by its reference (an
    exchange's ``EX-2022-09-21``, an incident's ``INC-...``) and its whole key, each item and
    incident of its events (``voyage #1 RAZONI``), each voyage by its number (``#981``). Only
    this agreement's rows are read."""
    agreement_id = loaded.row.id
    published = approved_publications(session, agreement_id)
    out: list[str] = []
    for kind in agreement_kinds(loaded):
        if kind.own_reader:  # voyages: the cargo rows, by voyage number
            voyages = (
                select(a.ShipmentRow.voyage)
                .where(a.ShipmentRow.agreement_id == agreement_id)
                .distinct()
            )
            out.extend(f"#{n}" for n in session.execute(voyages).scalars())
            continue
        entries = select(r.EntryRow.key, r.EntryRow.body[kind.key[0]].as_string()).where(
            r.EntryRow.agreement_id == agreement_id,
            r.EntryRow.kind == kind.name,
            readable_rows(loaded.view, kind, published),
        )
        for key, first in session.execute(entries):
            out.extend((str(first), key) if first is not None else (key,))
    for body in event_log.bodies(session, event_log.record_stream(agreement_id)):
        out.extend(str(body[name]) for name in ("item", "incident") if body.get(name))
    return out


@dataclass(frozen=True, slots=True)
class RecordReferences:
    """What the record's events and entries are cited by (:func:`_record_references`), read
    before the writing unit opens (:func:`references_for`), and the ``kinds`` the record
    kept then."""

    kinds: tuple[str, ...]
    references: tuple[str, ...]


def _kind_names(loaded: LoadedAgreement) -> tuple[str, ...]:
    return tuple(k.name for k in agreement_kinds(loaded))


def _cites_events(body: Mapping[str, Any]) -> bool:
    evidence = body.get("evidence") or []
    return any(isinstance(e, Mapping) and e.get("kind") == EvidenceKind.EVENT for e in evidence)


def references_for(
    session: Session, actor: Actor, agreement_id: int, body: Mapping[str, Any]
) -> RecordReferences | None:
    """What an assessment ``body`` citing events of the record is checked against, read in a
    read-only unit before :func:`assess_provision`'s writing one (``None``: it cites none):
    reading every entry and event of a long record no longer holds the write lock. Refuses a
    caller who may not assess as :func:`assess_provision` does (a party learns nothing more).

    Safe to read before the lock: an entry, a cargo row or an event is never deleted nor
    re-keyed (an import updates an entry's values under its key; the record's events are an
    append-only log), and a mediator reads every one, so what is found here is still there
    under the lock. Two things may change meanwhile, and :func:`assess_provision` reads again
    under the lock for them: the kinds the record keeps (a kind dropped takes its entries out of
    what may be cited), and a reference added by another write after this read.
    """
    if not _cites_events(body):
        return None
    loaded = load(session, actor, agreement_id)
    require_mediator(loaded.view, _("assess provisions"))
    return RecordReferences(_kind_names(loaded), tuple(_record_references(session, loaded)))


def _check_events_cited(
    session: Session,
    loaded: LoadedAgreement,
    assessment: Assessment,
    read: RecordReferences | None = None,
) -> None:
    """Refuse evidence of kind ``event`` that names nothing this record holds (``EX-99`` where
    there is no exchange EX-99), at its reference; the refusal says only what was typed. What
    ``read`` found before the lock counts when the record keeps the same kinds; a reference it
    did not find (added since, perhaps) is looked for again under the lock."""
    events = [(i, e) for i, e in enumerate(assessment.evidence) if e.kind is EvidenceKind.EVENT]
    if not events:
        return
    known: Sequence[str]
    if read is None or read.kinds != _kind_names(loaded):
        known = _record_references(session, loaded)
    else:
        known = read.references
        if any(cited(e.reference, known) is None for _i, e in events):
            known = _record_references(session, loaded)  # the rare case: read again, locked
    examples = [
        str(k.vocabulary["item_example"])
        for k in agreement_kinds(loaded)
        if k.vocabulary.get("item_example")
    ]
    expected = (  # a record that keeps no kind (only events) has no example to give
        N_("an event or entry this record lists, by its reference, e.g. %(examples)s")
        if examples
        else None
    )
    refused: list[InputError] = [
        InvalidModel(
            N_("%(reference)r names no event or entry of this agreement's record"),
            location=f"evidence[{i}].reference",
            expected=expected,
            params={"reference": evidence.reference, "examples": ", ".join(examples)},
        )
        for i, evidence in events
        if cited(evidence.reference, known) is None
    ]
    if refused:
        raise refusal_of(refused)


def _evidence_read(
    view: AgreementView | None,
    kind: EvidenceKind | str,
    reference: str,
    readable: Callable[[], Sequence[str]],
) -> bool:
    """Whether ``view``'s reader reads a piece of evidence of ``kind`` citing ``reference``
    (:func:`gobetween.policy.evidence_access`): an event only when it names something of the
    record that ``readable()`` lists (what the reader may read, :func:`_record_references`)."""
    access = evidence_access(view, kind)
    if access is EvidenceAccess.IF_READABLE:
        return cited(reference, readable()) is not None
    return access is EvidenceAccess.SHOWN


def _shared_texts(
    session: Session, loaded: LoadedAgreement, assessment: Assessment
) -> list[SharedText]:
    """The assessment's free texts with who reads each (the policy's answers): its two notes
    (:func:`gobetween.policy.assessment_notes`), and each piece of evidence's reference and
    note, read by whoever reads that piece (:func:`_evidence_read`; what a party may read of
    the record is read only when a text names what is hidden from it); the public too, for
    what it reads once the provisions are published."""
    readable: dict[tuple[str, ...], list[str]] = {}  # by the reader's organisations

    def of_record(view: AgreementView) -> list[str]:
        key = tuple(view.acts_for)
        if key not in readable:
            readable[key] = _record_references(session, dataclasses.replace(loaded, view=view))
        return readable[key]

    def note_read(note: AssessmentNote) -> Callable[[AgreementView], bool]:
        return lambda view: note in assessment_notes(view)

    def piece_read(evidence: Evidence) -> Callable[[AgreementView], bool]:
        return lambda view: _evidence_read(
            view, evidence.kind, evidence.reference, lambda: of_record(view)
        )

    # once the provisions are published, the public reads the note for every signatory and
    # the links (the policy's answers for no reader: ``None``)
    public = "provisions" in approved_publications(session, loaded.row.id)
    texts = [
        SharedText(
            note.value,
            getattr(assessment, note.value),
            note_read(note),
            IN_THE_INTERNAL_NOTE,
            public_reads=public and note in assessment_notes(None),
        )
        for note in AssessmentNote
    ]
    for i, evidence in enumerate(assessment.evidence):
        shown = public and _evidence_read(None, evidence.kind, evidence.reference, list)
        texts.extend(
            SharedText(
                f"evidence.{i}.{name}",
                text,
                piece_read(evidence),
                IN_THE_INTERNAL_NOTE,
                public_reads=shown,
            )
            for name, text in (("reference", evidence.reference), ("note", evidence.note))
        )
    return texts


#: The refusal to publish the provisions while an assessment's note or link names an incident
#: the public may not read yet.
IN_A_PUBLISHED_NOTE = N_(
    "%(reference)s is not yet visible to %(readers)s, who would read it in an assessment's "
    "note or link once the provisions are published: publish the incident first"
)


def public_texts(session: Session, loaded: LoadedAgreement, location: str) -> list[SharedText]:
    """What the public would read of the assessments made so far once publishing the
    provisions is approved (the note for every signatory and the links:
    :func:`gobetween.policy.assessment_notes` and :func:`gobetween.policy.evidence_access` for
    no reader), each refused at ``location`` (the proposal's ``scope``) while it names an
    incident that is not published (:func:`~gobetween.service.hidden_incidents.
    refuse_hidden_incidents`)."""
    texts: list[SharedText] = []
    for assessment in _assessments(session, loaded.row.id):
        said = [assessment.note] if AssessmentNote.SIGNATORIES in assessment_notes(None) else []
        for evidence in assessment.evidence:
            if _evidence_read(None, evidence.kind, evidence.reference, list):
                said += [evidence.reference, evidence.note]
        texts.extend(
            SharedText(
                location, text, _no_signatory, IN_A_PUBLISHED_NOTE, source="", public_reads=True
            )
            for text in said
        )
    return texts


def _no_signatory(view: AgreementView) -> bool:
    return False  # every signatory's reading was checked when the assessment was made


def assess_provision(
    session: Session,
    actor: Actor,
    agreement_id: int,
    key: str,
    body: Mapping[str, Any],
    read: RecordReferences | None = None,
) -> dict[str, Any]:
    """Record the joint team's assessment of provision ``key`` (mediators only).

    ``body``: ``level``, ``evidence`` (a list of ``{"kind", "reference", "note"}``), ``note``
    (every signatory reads it), ``internal_note`` (the mediators alone read it) and optionally
    ``at``; a change of level without evidence is refused, and so is evidence of kind
    ``event`` that names no event or entry of this record. ``read``: what
    :func:`references_for` found before this writing unit (without it, the record is read
    here, under the lock). A note, or a piece of evidence's reference or note, that names an
    incident some signatory who reads it may not read yet is refused at its field
    (:mod:`gobetween.service.hidden_incidents`). The audit chain's link covers both notes.
    """
    lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    organisation = require_mediator(loaded.view, _("assess provisions"))
    known = provisions(loaded)
    if key not in {p.key for p in known}:
        raise NotFound(_("no provision %(key)r") % {"key": key})
    assessment = assessment_from_dict(
        {
            "at": body.get("at") or _now().isoformat(),
            "provision": key,
            "level": body.get("level"),
            "assessed_by": organisation,
            "evidence": body.get("evidence") or [],
            "note": body.get("note") or "",
            "internal_note": body.get("internal_note") or "",
        }
    )
    _check_events_cited(session, loaded, assessment, read)
    statuses(known, [*_assessments(session, agreement_id), assessment])  # refuses what breaks
    refuse_hidden_incidents(session, actor, loaded, _shared_texts(session, loaded, assessment))
    wire = assessment_to_dict(assessment)
    joint = {k: v for k, v in wire.items() if k != AssessmentNote.MEDIATORS.value}
    row = r.AssessmentRow(
        agreement_id=agreement_id,
        provision_key=key,
        body=joint,
        internal_note=assessment.internal_note,
        actor_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    audited(session, actor, "record.assess_provision", ("provision_assessment", row.id), wire)
    return _notes_shown(wire, assessment_notes(loaded.view))


def _provisions_data(
    loaded: LoadedAgreement, assessments: Sequence[Assessment], today: dt.date
) -> dict[str, Any]:
    known = provisions(loaded)
    states = statuses(known, assessments)
    start = loaded.bundle.terms.effective_date
    end = max(start, min(today, _ended(loaded, today) or today))
    dates = month_ends(min(start, today), end)
    table = barometer(known, assessments, dates)
    clauses = loaded.bundle.terms.clauses
    read = terms_read(loaded)
    return {
        "provisions": [
            {
                "key": s.provision.key,
                "article": s.provision.article,
                "title": s.provision.title,
                "clause": clauses.get(s.provision.title, ""),
                # the issue's name and the signed clause in each language that has them
                "titles": read.get(s.provision.title, {}).get("names", {}),
                "clauses": read.get(s.provision.title, {}).get("clauses", {}),
                "level": s.level.value,
                "history": [assessment_to_dict(h) for h in s.history],
            }
            for s in states
        ],
        "barometer": table.as_dict(),
    }


def _ended(loaded: LoadedAgreement, today: dt.date) -> dt.date | None:
    """The day the agreement's last term ended, once it has expired or been withdrawn."""
    state = loaded.state
    at = dt.datetime.combine(today, dt.time(23, 59), tzinfo=dt.UTC)
    if state.log and at >= state.log[-1].at:
        state = lc.step(state, lc.Tick(), now=at)[0]
    if not state.status.is_over:
        return None
    rows = term_table(state).rows
    return dt.date.fromisoformat(str(rows[-1][2])) if rows else None


def provisions_view(
    session: Session, actor: Actor | None, agreement_id: int, *, today: dt.date | None = None
) -> dict[str, Any]:
    """Every provision with its level and history, and the barometer (signatories; the
    public once publishing ``provisions`` is approved, else 404). Of each assessment, the
    reader reads the evidence :func:`gobetween.policy.evidence_access` and the notes
    :func:`gobetween.policy.assessment_notes` grant it."""
    loaded, signatory = load_or_public(session, actor, agreement_id)
    if not signatory and "provisions" not in approved_publications(session, agreement_id):
        raise NotFound(_("no agreement %(agreement_id)s") % {"agreement_id": agreement_id})
    view: AgreementView | None = loaded.view if signatory else None
    notes = assessment_notes(view)
    assessments = _assessments(session, agreement_id, notes)
    data = _provisions_data(loaded, assessments, today or _now().date())
    readable: list[list[str]] = []  # what of the record the reader may read, once needed

    def of_record() -> list[str]:  # read once, scoped by the policy (readable_rows)
        if not readable:
            readable.append(_record_references(session, loaded))
        return readable[0]

    for item in data["provisions"]:
        for entry in item["history"]:
            _notes_shown(entry, notes)
            entry["evidence"] = [
                evidence
                for evidence in entry["evidence"]
                if _evidence_read(view, evidence["kind"], evidence["reference"], of_record)
            ]
    return {"agreement_id": agreement_id, **data}
