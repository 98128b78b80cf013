"""Everything the implementation page shows beyond the voyages, in one call per page.

The page and its JSON twins (``/api/agreements/{id}/provisions``, ``.../record/kinds/{kind}``,
``.../publications``) call the same functions of :mod:`gobetween.service.records`, so the policy
decides what each reader sees.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gobetween.errors import NotFound
from gobetween.model import OrganisationKind
from gobetween.policy import Actor, evidence_kinds_offered
from gobetween.service import provisions as provision_records
from gobetween.service import publishing, records
from gobetween.service.agree import load_or_public
from gobetween.service.names import called_by_name

__all__ = ["dashboard"]


def dashboard(session: Session, actor: Actor | None, agreement_id: int) -> dict[str, Any]:
    """Provisions (or ``None`` when not readable), entries of every kind but voyages, what is
    published (and, for signatories, proposed), and who the reader acts as.

    Raises
    ------
    NotFound
        When the agreement does not exist (the record view decides what the public sees).
    """
    loaded, signatory = load_or_public(session, actor, agreement_id)
    acts_for = {name: str(kind) for name, kind in loaded.view.acts_for.items()} if signatory else {}
    levels: dict[str, Any] | None
    try:
        levels = provision_records.provisions_view(session, actor, agreement_id)
    except NotFound:
        levels = None
    kinds = []
    for kind in records.agreement_kinds(loaded):
        if kind.own_reader:
            continue
        view = records.entries_view(session, actor, agreement_id, kind.name)
        present = {name for entry in view["entries"] for name in entry}
        fields = [
            {
                "name": f.name,
                "label": f.label,
                "unit": f.unit,
                "choices": bool(f.choices),
                "type": f.type.value,  # a date or a number is shown in the reader's notation
            }
            for f in kind.fields
            if f.name in present
        ]
        kinds.append(
            {
                "name": kind.name,
                "label": kind.label,
                "noun": kind.noun,
                "fields": fields,
                "view": view,
            }
        )
    return {
        "provisions": levels,
        "kinds": kinds,
        "voyages": any(k.own_reader for k in records.agreement_kinds(loaded)),
        "publications": publishing.publications(session, agreement_id, signatory=signatory),
        "mediator": any(v == OrganisationKind.MEDIATOR for v in acts_for.values()),
        # the kinds of evidence the reader may submit with an assessment (policy.py: the
        # mediators every kind, anyone else none)
        "evidence_kinds": [
            k.value for k in evidence_kinds_offered(loaded.view if signatory else None)
        ],
        "acts_as": sorted(acts_for),  # the signing organisations the reader acts for
        "parties": sorted(n for n, v in acts_for.items() if v == OrganisationKind.PARTY),
        "party_signatories": sorted(
            n for n, v in loaded.row.signatories.items() if v[1] == OrganisationKind.PARTY.value
        ),
        # the signatories as the reader's language calls them, for a signatory (a member of
        # the process); the public reads the names as entered, as published
        "by_name": (
            called_by_name(session, actor, loaded.track.process_id)
            if signatory and actor is not None
            else {}
        ),
    }
