"""Stage 5: the joint implementation record of an agreement, its voyages, figures and views.

Each agreement has one joint record: the voyages imported from JCC files (CSV or XLSX, merged
by their natural key, so re-importing a file adds nothing) and an event stream (registration,
each delegation's approval or block, inspections with their team, departure, arrival,
incidents) folded by :class:`~gobetween.monitoring.JointRecord`. The figures are computed by
:mod:`gobetween.monitoring.figures`; the obligations come from the agreed terms.

Every signatory sees the whole record. Anyone else, signed in or not, sees only what the
agreement declares public (:func:`~gobetween.monitoring.public_view`): the event types and
fields named in ``implementation.public`` and the voyage figures once publishing them
(``figures:voyages``) is approved (:mod:`gobetween.service.records`; agreements made before
that may still say ``implementation.public_figures``). Both views list what is published and
since when.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from gobetween.agreements import OperativeTerms
from gobetween.agreements import lifecycle as lc
from gobetween.errors import (
    N_,
    FileFormatError,
    InputError,
    InvalidModel,
    NotFound,
    ValidationFailed,
)
from gobetween.formats.jcc import (
    csv_text,
    read_csv_text,
    read_xlsx,
    write_shipments_csv,
    write_table_csv,
)
from gobetween.i18n import _, format_decimal
from gobetween.monitoring import (
    Comparison,
    JointRecord,
    Metric,
    ObligationTemplate,
    Period,
    Shipment,
    VisibilityPolicy,
    VoyageArrays,
    dashboard,
    evaluate_voyages,
    event_from_dict,
    event_to_dict,
    findings,
    merge,
    obligations_from_terms,
    public_view,
)
from gobetween.monitoring.events import GateDecision, Incident, Registration
from gobetween.monitoring.figures import FigureTable
from gobetween.monitoring.limits import DEFAULT_LIMITS, ImportLimits
from gobetween.monitoring.term import term_table
from gobetween.monitoring.voyages import ImportResult, MergeResult, ShipmentKey
from gobetween.policy import Actor, AgreementAct
from gobetween.service import publishing, records
from gobetween.service.agree import LoadedAgreement, load, load_or_public
from gobetween.service.audited import audited
from gobetween.service.errors import describe, translated
from gobetween.service.hidden_incidents import event_texts, refuse_hidden_incidents
from gobetween.service.record_cache import FIGURES
from gobetween.store import agreement_tables as a
from gobetween.store import event_log

__all__ = [
    "MAX_IMPORT_BYTES",
    "add_event",
    "bump_revision",
    "check_implementation",
    "check_may_read",
    "check_may_record",
    "export_csv",
    "import_report",
    "import_voyages",
    "obligation_templates",
    "read_upload",
    "record_view",
    "shipment_from_json",
    "shipment_to_json",
    "stored_shipments",
    "write_shipments",
]

#: The largest voyage file the service imports.
MAX_IMPORT_BYTES = 20_000_000


def shipment_to_json(shipment: Shipment) -> dict[str, Any]:
    """A shipment as JSON data (dates in ISO form).

    >>> s = Shipment(voyage=1, imo=9086526, cargo_index=0, vessel_name="RAZONI",
    ...              departure_port="Odesa", country="Türkiye", commodity="Corn", tonnes=1.0,
    ...              departure_date=dt.date(2022, 8, 1))
    >>> shipment_from_json(shipment_to_json(s)) == s
    True
    """
    out = dataclasses.asdict(shipment)
    for name in ("departure_date", "inspection_date"):
        out[name] = out[name].isoformat() if out[name] is not None else None
    return out


def shipment_from_json(data: Mapping[str, Any]) -> Shipment:
    """Inverse of :func:`shipment_to_json`."""
    values = dict(data)
    if values.get("departure_date"):
        values["departure_date"] = dt.date.fromisoformat(values["departure_date"])
    if values.get("inspection_date"):
        values["inspection_date"] = dt.date.fromisoformat(values["inspection_date"])
    return Shipment(**values)


def stored_shipments(session: Session, agreement_id: int) -> list[Shipment]:
    """Every cargo row of the record, in key order."""
    rows = session.execute(
        select(a.ShipmentRow.body)
        .where(a.ShipmentRow.agreement_id == agreement_id)
        .order_by(a.ShipmentRow.voyage, a.ShipmentRow.imo, a.ShipmentRow.cargo_index)
    ).scalars()
    return [shipment_from_json(b) for b in rows]


def read_upload(filename: str, data: bytes, limits: ImportLimits = DEFAULT_LIMITS) -> ImportResult:
    """Parse and validate an uploaded JCC file, holding no lock and touching no database.

    Called before the write unit opens, so a large or bad file never holds up another
    request's writes (issue 9); the rows and the problems listed are bounded by ``limits``.

    >>> result = read_upload("v.csv", b"Status,#,Vessel name,IMO,Departure port,Country,"
    ...     b"Commodity,Metric tons,Departure date\\nOutbound,1,X,9000001,Odesa,Kenya,Wheat,5,"
    ...     b"1-Aug-2022\\n")
    >>> len(result.shipments), result.source
    (1, 'v.csv')
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise FileFormatError(
            _("the file of %(size)s bytes is too large") % {"size": format_decimal(len(data))},
            source=filename,
            expected=_("at most %(limit)s bytes") % {"limit": format_decimal(MAX_IMPORT_BYTES)},
        )
    suffix = Path(filename).suffix.casefold()
    if suffix == ".csv":
        return read_csv_text(csv_text(data, filename), filename, limits)
    if suffix == ".xlsx":
        buffer = io.BytesIO(data)
        buffer.name = filename
        return dataclasses.replace(read_xlsx(buffer, limits=limits), source=filename)
    raise FileFormatError(
        _("unknown file type %(suffix)r") % {"suffix": suffix},
        source=filename,
        expected=_("a .csv or .xlsx JCC file"),
    )


def check_may_read(session: Session, actor: Actor, agreement_id: int) -> None:
    """Refuse (404) an actor who does not sign the agreement."""
    load(session, actor, agreement_id)


def check_may_record(session: Session, actor: Actor, agreement_id: int) -> None:
    """Refuse, before any file is read, an actor who may not add to the joint record."""
    load(session, actor, agreement_id).view.require(AgreementAct.RECORD)


def bump_revision(session: Session, agreement_id: int) -> None:
    """Count one change of the record's voyage rows (the key of its cached figures)."""
    session.execute(
        update(a.Agreement)
        .where(a.Agreement.id == agreement_id)
        .values(record_revision=a.Agreement.record_revision + 1)
    )


def import_voyages(
    session: Session,
    actor: Actor | None,
    agreement_id: int,
    filename: str,
    data: bytes | ImportResult,
) -> dict[str, Any]:
    """Merge a JCC voyage file into the joint record (idempotent); problems by row number.

    ``data`` is the file's bytes or, better, what :func:`read_upload` made of them before the
    write unit opened. ``actor`` ``None`` is the demo loader acting for the system.
    """
    result = data if isinstance(data, ImportResult) else read_upload(filename, data)
    event_log.lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    if actor is not None:
        loaded.view.require(AgreementAct.RECORD)
    merged = _store_shipments(session, agreement_id, result)
    report = import_report(filename, result, merged)
    if merged.new or merged.updated:
        bump_revision(session, agreement_id)
    session.flush()
    audited(
        session,
        actor,
        "record.import",
        ("agreement", agreement_id),
        {k: v for k, v in report.items() if k != "problems"},
    )
    return report


def import_report(filename: str, result: ImportResult, merged: MergeResult) -> dict[str, Any]:
    """What an import did: rows read, new, unchanged, updated, skipped, the problems listed
    (the first by row) and how many more there were, voyages and rows in the record."""
    return {
        "source": filename,
        "format": result.format,
        "rows_read": len(result.shipments),
        "new": merged.new,
        "duplicates": merged.duplicates,
        "updated": len(merged.updated),
        "skipped_rows": result.skipped_rows,
        "problems": [
            {
                "row": p.row,
                "column": p.column,
                **records.problem_words(p),
                "skipped": p.skipped,
            }
            for p in result.problems
        ],
        "problems_not_shown": result.problems_not_shown,
        "voyages": len({s.voyage for s in merged.shipments}),
        "shipments": len(merged.shipments),
    }


def _store_shipments(session: Session, agreement_id: int, result: ImportResult) -> MergeResult:
    merged = merge(stored_shipments(session, agreement_id), result.shipments)
    _write_merged(session, agreement_id, _rows(session, agreement_id), merged)
    return merged


def write_shipments(session: Session, agreement_id: int, incoming: Sequence[Shipment]) -> None:
    """Merge a file's rows ``incoming`` into the record's rows of the same keys as they are now.

    One writing step of a stepped import (:mod:`gobetween.service.import_steps`): it takes the
    agreement's lock and merges against the rows read under it, not against the import's
    earlier read, so the fields another import wrote meanwhile are kept (this file's non-empty
    fields are added to them) and a row another import inserted meanwhile is merged into.
    """
    event_log.lock_agreement(session, agreement_id)
    keys = {s.key for s in incoming}
    rows = _rows(session, agreement_id, voyages={k.voyage for k in keys})
    rows = {k: row for k, row in rows.items() if k in keys}
    current = [shipment_from_json(row.body) for row in rows.values()]
    _write_merged(session, agreement_id, rows, merge(current, incoming))


def _rows(
    session: Session, agreement_id: int, voyages: set[int] | None = None
) -> dict[ShipmentKey, Any]:
    """The record's cargo rows (id and body) by key, of ``voyages`` when given."""
    table = a.ShipmentRow
    query = select(table.id, table.voyage, table.imo, table.cargo_index, table.body).where(
        table.agreement_id == agreement_id
    )
    if voyages is not None:
        query = query.where(table.voyage.in_(sorted(voyages)))
    return {
        ShipmentKey(row.voyage, row.imo, row.cargo_index): row for row in session.execute(query)
    }


def _write_merged(
    session: Session, agreement_id: int, rows: Mapping[ShipmentKey, Any], merged: MergeResult
) -> None:
    """Insert the merged shipments ``rows`` lacks and update the ones ``merged`` changed."""
    table = a.ShipmentRow
    fresh = [
        {
            "agreement_id": agreement_id,
            "voyage": s.voyage,
            "imo": s.imo,
            "cargo_index": s.cargo_index,
            "body": shipment_to_json(s),
        }
        for s in merged.shipments
        if s.key not in rows
    ]
    if fresh:
        session.execute(insert(table), fresh)
    changed = set(merged.updated)
    for shipment in merged.shipments:
        if shipment.key in changed and shipment.key in rows:
            session.execute(
                update(table)
                .where(table.id == rows[shipment.key].id)
                .values(body=shipment_to_json(shipment))
            )


def _events(session: Session, agreement_id: int) -> list[dict[str, Any]]:
    return event_log.bodies(session, event_log.record_stream(agreement_id))


def _record(loaded: LoadedAgreement, bodies: Sequence[Mapping[str, Any]]) -> JointRecord:
    signatories = loaded.bundle.signatories
    return JointRecord.replay(signatories, [event_from_dict(b) for b in bodies], signatories)


def _author(event: Any) -> str | None:
    if isinstance(event, Registration):
        return event.registered_by
    if isinstance(event, GateDecision):
        return event.delegation
    if isinstance(event, Incident):
        return event.reported_by
    return None


#: The longest text one field of a recorded event takes (a description, a reason, a place),
#: and the most members an inspection's team lists: the API and the page accept the same.
EVENT_TEXT_MAX = 20_000
EVENT_TEAM_MAX = 100


def _too_long(value: str, location: str) -> ValidationFailed:
    return ValidationFailed(
        N_("%(length)s characters; at most %(limit)s are accepted"),
        location=location,
        params={"length": format_decimal(len(value)), "limit": format_decimal(EVENT_TEXT_MAX)},
    )


def _bounded(body: Mapping[str, Any]) -> None:
    """Refuse an event whose text fields or team pass the limits, naming the field; what is
    within them goes on to the record's own checks."""
    for key, value in body.items():
        where = str(key)[:64]
        if isinstance(value, str) and len(value) > EVENT_TEXT_MAX:
            raise _too_long(value, where)
        if not isinstance(value, list):
            continue
        if len(value) > EVENT_TEAM_MAX:
            raise ValidationFailed(
                N_("%(n)s members"),
                location=where,
                expected=N_("at most %(limit)s items"),
                params={"n": format_decimal(len(value)), "limit": format_decimal(EVENT_TEAM_MAX)},
            )
        for i, member in enumerate(value):
            for name, text in member.items() if isinstance(member, Mapping) else ():
                if isinstance(text, str) and len(text) > EVENT_TEXT_MAX:
                    raise _too_long(text, f"{where}[{i}].{str(name)[:64]}")


def add_event(
    session: Session, actor: Actor, agreement_id: int, body: Mapping[str, Any]
) -> dict[str, Any]:
    """Add one event to the joint record; a delegation speaks only for itself. A text of it
    that names an incident some signatory may not read yet is refused at its field
    (:mod:`gobetween.service.hidden_incidents`): every signatory reads the record's events."""
    event_log.lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    loaded.view.require(AgreementAct.RECORD)
    _bounded(body)
    event = event_from_dict(body)
    author = _author(event)
    if author is not None:
        loaded.view.require(AgreementAct.RECORD, author)
    bodies = _events(session, agreement_id)
    wire = event_to_dict(event)
    _record(loaded, [*bodies, wire])  # refuses what cannot be placed
    refuse_hidden_incidents(session, actor, loaded, event_texts(wire))
    (row,) = event_log.append(
        session, event_log.record_stream(agreement_id), [wire], actor_id=actor.user_id
    )
    return {"seq": row.seq, **wire}


def obligation_templates(config: Mapping[str, Any]) -> list[ObligationTemplate]:
    """The obligation templates an agreement's ``implementation`` settings declare; a bad one
    refused at its field (``obligations[1].metric``), in the reader's language."""
    out = []
    for i, spec in enumerate(config.get("obligations", [])):
        where = f"obligations[{i}]"
        if "issue" not in spec:
            raise InvalidModel(N_("this field is required"), location=f"{where}.issue")
        try:
            out.append(
                ObligationTemplate(
                    issue=spec["issue"],
                    name=spec.get("name", spec["issue"]),
                    party=spec.get("party", "Joint Coordination Centre"),
                    what=spec.get("what", spec["issue"]),
                    metric=spec.get("metric", Metric.INSPECTIONS),
                    comparison=spec.get("comparison", Comparison.AT_LEAST),
                    period=spec.get("period", Period.DAY),
                    provision=str(spec.get("provision", "")),
                    caveat=str(spec.get("caveat", "")),
                )
            )
        except InputError as exc:
            raise exc.located(location=where) from None
    return out


def check_implementation(terms: OperativeTerms, config: Mapping[str, Any]) -> None:
    """Refuse ``implementation`` settings that the joint record could not use.

    >>> from gobetween.monitoring.bsgi import BSGI_TERMS
    >>> check_implementation(BSGI_TERMS, {"public": {"voyage": ["item"]}})
    Traceback (most recent call last):
    ...
    gobetween.errors.InvalidModel: visibility policy names unknown event types ['voyage'] ...
    """
    VisibilityPolicy(config.get("public", {}))
    obligations_from_terms(terms.options, terms.clauses, obligation_templates(config))


def _obligations(loaded: LoadedAgreement, arrays: VoyageArrays) -> list[dict[str, Any]]:
    terms = loaded.bundle.terms
    out = []
    for obligation in obligations_from_terms(
        terms.options, terms.clauses, obligation_templates(loaded.row.implementation)
    ):
        entry: dict[str, Any] = {
            "name": obligation.name,
            "describe": translated(obligation.sentence()),  # the reader's language
            "clause": obligation.clause,
            "provision": obligation.provision or _provision_of(terms, obligation),
            "caveat": obligation.caveat,
        }
        try:
            compliance = evaluate_voyages(obligation, arrays)
        except InputError as exc:
            entry.update(periods=0, missed=None, note=describe(exc))  # the reader's language
        else:
            entry.update(
                periods=len(compliance.periods),
                missed=compliance.missed_count,
                periods_missed=list(compliance.periods_missed)[:366],
                note="",
            )
        out.append(entry)
    return out


def _provision_of(terms: OperativeTerms, obligation: Any) -> str:
    """The provision whose clause the obligation comes from (``art-N``, as in records)."""
    for i, clause in enumerate(terms.clauses.values(), start=1):
        if clause == obligation.clause and clause:
            return f"art-{i}"
    return ""


def _items(record: JointRecord) -> list[dict[str, Any]]:
    """Each registered item with its consensus gates: who approved, who blocks, who is awaited."""
    return [
        {
            "item": state.item,
            "registered_by": state.registration.registered_by,
            "gates": [
                {
                    "step": g.step,
                    "status": str(g.status),
                    "blocked_by": [list(b) for b in g.blocked_by],
                    "waiting_for": list(g.waiting_for),
                }
                for g in state.gates.values()
            ],
            "inspections": len(state.inspections),
            "departed": bool(state.departures),
            "arrived": bool(state.arrivals),
        }
        for state in record.items.values()
    ]


def _figures(arrays: VoyageArrays, as_of: dt.date | None) -> dict[str, Any]:
    if not arrays.n_shipments:
        return {}
    return {name: table.as_dict() for name, table in dashboard(arrays, as_of).items()}


def _by_settings(loaded: LoadedAgreement, public: VisibilityPolicy) -> list[dict[str, Any]]:
    """What an agreement made before publishing decisions publishes by its settings (public
    event types, ``public_figures``), public since the agreement was made."""
    since = loaded.row.created_at.isoformat()
    made = {"summary": "", "published_since": since, "proposed_by": "", "approved_by": ""}
    out = []
    if loaded.row.implementation.get("public_figures"):
        out.append({"scope": "figures:voyages", "by_settings": True, **made})
    for kind in sorted(public.public):
        out.append({"scope": f"events:{kind}", "by_settings": True, **made})
    return out


def _computed(session: Session, loaded: LoadedAgreement, agreement_id: int) -> dict[str, Any]:
    """The record's figures and obligations, computed once per revision of the record."""
    key = (
        str(session.get_bind().engine.url),
        agreement_id,
        loaded.row.terms_hash,
        loaded.row.record_revision,
    )

    def compute() -> dict[str, Any]:
        arrays = VoyageArrays.from_shipments(stored_shipments(session, agreement_id))
        return {"figures": _figures(arrays, None), "obligations": _obligations(loaded, arrays)}

    value: dict[str, Any] = FIGURES.get(key, compute)
    return value


def record_view(
    session: Session, actor: Actor | None, agreement_id: int, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The joint record as the caller may see it: everything for a signatory, else the public.

    A caller who is neither a signatory nor the public of a record that declares something
    public gets :class:`~gobetween.errors.NotFound`.
    """
    at = now or dt.datetime.now(dt.UTC)
    loaded, signatory = load_or_public(session, actor, agreement_id)
    config = loaded.row.implementation
    public = VisibilityPolicy(config.get("public", {}))
    published = _by_settings(loaded, public) + publishing.publications(
        session, agreement_id, signatory=signatory
    )
    approved = {p["scope"] for p in published if p["published_since"]}
    public_figures = bool(config.get("public_figures", False)) or "figures:voyages" in approved
    if not signatory and not public.public and not public_figures and not approved:
        raise NotFound(_("no agreement %(agreement_id)s") % {"agreement_id": agreement_id})
    record = _record(loaded, _events(session, agreement_id))
    computed = _computed(session, loaded, agreement_id)
    state = loaded.state
    if state.log and at >= state.log[-1].at:
        state = lc.step(state, lc.Tick(), now=at)[0]
    out: dict[str, Any] = {
        "agreement_id": agreement_id,
        "title": loaded.row.title,
        "terms_hash": loaded.row.terms_hash,
        "view": "signatory" if signatory else "public",
        "status": str(state.status),
        "term_clock": term_table(state).as_dict(),
        "clock": lc.clock(state, at).to_dict(),
        "published": published,
        "kinds": [
            {
                "name": k.name,
                "label": k.label,
                "noun": k.noun,
                "vocabulary": dict(k.vocabulary),
                "steps": dict(k.steps),  # the known steps' keys, as decisions store them
            }
            for k in records.agreement_kinds(loaded)
        ],
    }
    if signatory:
        out["events"] = [event_to_dict(e) for e in record.events]
        out["findings"] = [
            dataclasses.asdict(f) | {"at": f.at.isoformat()} for f in findings(record)
        ]
        out["figures"] = computed["figures"]
        out["obligations"] = computed["obligations"]
        out["items"] = _items(record)
        out["delegations"] = list(record.delegations)
        out["public"] = {k: sorted(v) for k, v in public.public.items()}
    else:
        out["events"] = list(public_view(record, public))
        out["figures"] = computed["figures"] if public_figures else {}
    return out


def export_csv(
    session: Session, actor: Actor | None, agreement_id: int, table: str
) -> tuple[str, str]:
    """A figure table (or ``voyages``: every cargo row) as CSV, and a file name."""
    view = record_view(session, actor, agreement_id)
    out = io.StringIO()
    if table == "voyages":
        if view["view"] != "signatory" and not view["figures"]:
            raise NotFound(_("no table %(table)r") % {"table": table})
        write_shipments_csv(stored_shipments(session, agreement_id), out)
    else:
        tables: dict[str, Any] = view["figures"] | {"term_clock": view["term_clock"]}
        if table not in tables:
            raise NotFound(_("no table %(table)r") % {"table": table})
        data = tables[table]
        write_table_csv(
            FigureTable(
                data["name"],
                tuple(data["columns"]),
                tuple(map(tuple, data["rows"])),
                caveat=data.get("caveat", ""),
            ),
            out,
        )
    return out.getvalue(), f"agreement-{agreement_id}-{table}.csv"
