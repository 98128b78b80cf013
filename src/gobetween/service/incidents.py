"""Incidents: alleged by a party (for itself only) privately to the mediators, assessed by the
joint team (verified, not verified, disputed), under the rules of
:func:`gobetween.policy.entry_access` (hidden from the accused party until assessed, from the
public until publishing it is approved).

A party's filing may not name, in a field the accused party will read once the incident is
assessed (its date, place, facility: every field but the confidential description), another
incident hidden from that party: :func:`gobetween.service.hidden_incidents.
refuse_hidden_incidents`, as for every text a signatory reads.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from gobetween.errors import InvalidModel, NotFound, PermissionDenied
from gobetween.i18n import _
from gobetween.model import OrganisationKind
from gobetween.monitoring.kinds import Entry
from gobetween.monitoring.kinds_builtin import INCIDENTS
from gobetween.policy import Actor
from gobetween.service.agree import load
from gobetween.service.audited import audited
from gobetween.service.hidden_incidents import entry_texts, refuse_hidden_incidents
from gobetween.service.records import (
    approved_publications,
    entry_row,
    kept_kind,
    new_entry_row,
    record_bounds,
    require_mediator,
)
from gobetween.store.event_log import lock_agreement

__all__ = ["assess_incident", "report_incident"]


def report_incident(
    session: Session, actor: Actor, agreement_id: int, body: Mapping[str, Any]
) -> dict[str, Any]:
    """A party alleges an incident, privately to the mediators (for its own party only)."""
    lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    kind = kept_kind(loaded, INCIDENTS.name)
    alleged_by = str(body.get("alleged_by") or "")
    if loaded.view.acts_for.get(alleged_by) is not OrganisationKind.PARTY:
        raise PermissionDenied(_("a party reports incidents for itself only"))
    accusable = [  # another party: a mediating organisation is not accused of a breach
        n
        for n, v in loaded.row.signatories.items()
        if v[1] == OrganisationKind.PARTY.value and n != alleged_by
    ]
    if body.get("accused") not in accusable:
        raise InvalidModel(
            _("party accused %(accused)r is not another signatory")
            % {"accused": body.get("accused")},
            location="accused",
            expected=_("one of %(choices)s") % {"choices": ", ".join(accusable)},
        )
    values = {f.name: body.get(f.name) for f in kind.fields if f.name in body}
    values |= {"incident": _new_reference(session, agreement_id, kind.name), "assessment": None}
    values.pop("summary", None)
    entry = kind.entry(values, record_bounds(loaded))  # a party's name, a day it was in force
    # its fields as they will be read once the joint team has assessed it (the accused party
    # then reads every field but the description)
    assessed = Entry(entry.kind, entry.key, {**entry.values, "assessment": "verified"})
    published = approved_publications(session, agreement_id)
    texts = entry_texts(kind, [assessed], published, in_file=False)
    refuse_hidden_incidents(session, actor, loaded, texts)
    row = new_entry_row(agreement_id, kind, entry, actor)
    session.add(row)
    session.flush()
    audited(session, actor, "record.report_incident", ("record_entry", row.id), dict(entry.values))
    return {"key": entry.key_text, **entry.values}


def _new_reference(session: Session, agreement_id: int, kind: str) -> str:
    """A random incident reference (``INC-`` and 8 hex digits) that no entry of the agreement's
    ``kind`` holds: drawn again on a clash. A clash is rare (32 bits), but the party's filing
    must neither fail on it (a 500, until 7 December 2026) nor so learn that another party's
    incident holds the reference."""
    while True:
        reference = f"INC-{secrets.token_hex(4).upper()}"
        if entry_row(session, agreement_id, kind, reference) is None:
            return reference


def assess_incident(
    session: Session, actor: Actor, agreement_id: int, key: str, assessment: str
) -> dict[str, Any]:
    """The joint team (a mediator) assesses an incident: verified, not verified or disputed."""
    lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    kind = kept_kind(loaded, INCIDENTS.name)
    require_mediator(loaded.view, _("assess incidents"))  # before looking: no existence oracle
    row = entry_row(session, agreement_id, kind.name, key)
    if row is None:
        raise NotFound(_("no incident %(key)r") % {"key": key})
    if assessment not in ("verified", "not verified", "disputed"):
        raise InvalidModel(
            _("assessment %(assessment)r is not one the joint team gives")
            % {"assessment": assessment},
            location="assessment",
            expected=_("one of %(choices)s") % {"choices": "verified, not verified, disputed"},
        )
    row.body = {**row.body, "assessment": assessment}
    session.flush()
    audited(
        session,
        actor,
        "record.assess_incident",
        ("record_entry", row.id),
        {"incident": key, "assessment": assessment},
    )
    return {"key": key, **row.body}
