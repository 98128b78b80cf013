"""A large voyage import written in short steps, so that no one else's write waits for it.

Issue 9, item 3: the largest file allowed (``GOBETWEEN_IMPORT_MAX_ROWS`` cargo rows) is parsed
before any unit of work opens (:func:`gobetween.service.implement.read_upload`); then
:func:`import_in_steps` reads the record's rows in a read-only unit (no lock), merges them by
natural key in memory, and writes what is new or changed in steps of at most
:data:`ROWS_PER_STEP` keys, each its own short writing unit, so the write lock is free between
steps. A step (:func:`gobetween.service.implement.write_shipments`) takes the agreement's lock
and merges the file's rows of its keys against the rows as they are then (one ``SELECT``, an
``INSERT`` of the new rows and an ``UPDATE`` per changed row). A last unit records the import in
the audit chain and counts one more revision of the record (the key of its cached figures).

An interrupted import leaves the steps already written; importing the same file again completes
it (rows are keyed, so nothing is doubled). Two imports racing on one record lose nothing: each
row ends as if the two files had been imported one after the other (one file's inspection dates
and the other's flags are both kept; ``tests/service/test_record_writers.py``). Other kinds'
steps (:func:`gobetween.service.records.write_entries`) take the same lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from gobetween.monitoring.entry_files import EntryImport
from gobetween.monitoring.kinds import Entry
from gobetween.monitoring.voyages import ImportResult, MergeResult, Shipment, ShipmentKey, merge
from gobetween.policy import Actor
from gobetween.service import implement, records
from gobetween.service.agree import load
from gobetween.service.audited import audited
from gobetween.service.hidden_incidents import refuse_hidden_incidents_in_entries

__all__ = ["ROWS_PER_STEP", "import_entries_in_steps", "import_in_steps"]

#: Cargo rows written per writing unit (each holds the write lock for a few milliseconds).
ROWS_PER_STEP = 250


class _Unit(Protocol):
    session: Session
    actor: Actor


Units = Callable[[], contextlib.AbstractContextManager[_Unit]]
T = TypeVar("T")


def _in_steps(write: Units, items: list[T], step: Callable[[_Unit, list[T]], None]) -> int:
    """``step(unit, part)`` for each part of at most :data:`ROWS_PER_STEP` of ``items``, in
    order, each in its own writing unit (the write lock is free between them); how many."""
    size = ROWS_PER_STEP
    parts = [items[i : i + size] for i in range(0, len(items), size)]
    for part in parts:
        with write() as unit:
            step(unit, part)
    return len(parts)


def _plan(
    read: Units, agreement_id: int, result: ImportResult
) -> tuple[MergeResult, set[Any], Actor]:
    with read() as unit:
        implement.check_may_record(unit.session, unit.actor, agreement_id)
        existing = implement.stored_shipments(unit.session, agreement_id)
        known = {s.key for s in existing}
        return merge(existing, result.shipments), known, unit.actor


def import_in_steps(
    read: Units, write: Units, agreement_id: int, filename: str, result: ImportResult
) -> dict[str, Any]:
    """Merge a parsed JCC file into the record in short writing steps; the import report.

    ``read`` and ``write`` open units of work as the caller (``RequestContext.read`` and
    ``.write``); the caller must be allowed to record (checked in the read unit before any
    row is written, and again in the last unit, which records the import).
    """
    merged, known, actor = _plan(read, agreement_id, result)
    keys = [s.key for s in merged.shipments if s.key not in known] + list(merged.updated)
    rows: dict[ShipmentKey, list[Shipment]] = {}
    for shipment in result.shipments:
        rows.setdefault(shipment.key, []).append(shipment)

    # allowed: checked in the read unit, and again at the end
    def step(unit: _Unit, part: list[ShipmentKey]) -> None:
        implement.write_shipments(unit.session, agreement_id, [s for k in part for s in rows[k]])

    steps = _in_steps(write, keys, step)
    with write() as unit:
        implement.check_may_record(unit.session, unit.actor, agreement_id)
        report = implement.import_report(filename, result, merged)
        if merged.new or merged.updated:
            implement.bump_revision(unit.session, agreement_id)
        audited(
            unit.session,
            actor,
            "record.import",
            ("agreement", agreement_id),
            {k: v for k, v in report.items() if k != "problems"} | {"steps": steps},
        )
    return report


def import_entries_in_steps(
    read: Units, write: Units, agreement_id: int, result: EntryImport
) -> dict[str, Any]:
    """The same for a file of another record kind (exchanges, incidents, ...): mediators only."""
    with read() as unit:
        plan = records.plan_entry_import(unit.session, unit.actor, agreement_id, result)
        actor = unit.actor
        loaded = load(unit.session, actor, agreement_id)
        refuse_hidden_incidents_in_entries(unit.session, actor, loaded, plan.kind, plan.to_write())

    def step(unit: _Unit, part: list[Entry]) -> None:
        records.write_entries(unit.session, actor, agreement_id, plan.kind, part)

    _in_steps(write, plan.to_write(), step)
    with write() as unit:
        records.plan_entry_import(unit.session, unit.actor, agreement_id, result)  # still allowed
        report = records.entry_import_report(result, plan)
        records.record_entry_import(unit.session, unit.actor, agreement_id, report)
    return report
