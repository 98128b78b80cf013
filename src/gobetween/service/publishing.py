"""Publishing part of a joint record: a recorded decision, proposed and approved.

A mediator proposes what to publish (the provisions' levels, a kind's public fields and
figures, or one incident with the summary the public will read); a mediator of another mediating
organisation that signed approves or, when only one mediating organisation signed, every party
approves; only then is it public, and the public page says what is published, since when and
who decided. Every signatory reads the proposals, so a proposal never tells a party of what it
may not read: an incident is proposed only once every party it names may read it (the accused,
after the joint team's assessment), and the summary may not name an incident hidden from a
signatory (:mod:`gobetween.service.hidden_incidents`). Every write appends to the audit chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.errors import Conflict, InvalidModel, NotFound, PermissionDenied
from gobetween.i18n import _
from gobetween.model import OrganisationKind
from gobetween.monitoring.kinds_builtin import INCIDENTS
from gobetween.policy import Actor, AgreementAct, AgreementView, EntryAccess
from gobetween.service.agree import LoadedAgreement, load
from gobetween.service.audited import audited
from gobetween.service.hidden_incidents import SharedText, refuse_hidden_incidents
from gobetween.service.names import called_by_name
from gobetween.service.provisions import public_texts
from gobetween.service.records import (
    _mediating,
    _now,
    access_to,
    approved_publications,
    entry_row,
    kept_kind,
    loaded_entry,
    require_mediator,
)
from gobetween.store import record_tables as r
from gobetween.store.event_log import lock_agreement

__all__ = ["approve_publication", "propose_publication", "publications"]


def _publication_json(row: r.PublicationRow, *, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "scope": row.scope,
        "summary": row.summary,
        "published_since": row.approved_at.isoformat() if row.approved_at else None,
        "approved_by": row.approved_by,
        "proposed_by": row.proposed_by,
        "approvals": list(row.approvals),
    }
    if full:
        out |= {"id": row.id, "proposed_at": row.proposed_at.isoformat()}
    return out


def publications(session: Session, agreement_id: int, *, signatory: bool) -> list[dict[str, Any]]:
    """What is published and since when (signatories also see what is proposed)."""
    query = select(r.PublicationRow).where(r.PublicationRow.agreement_id == agreement_id)
    if not signatory:
        query = query.where(r.PublicationRow.approved_at.is_not(None))
    rows = session.execute(query.order_by(r.PublicationRow.scope)).scalars()
    return [_publication_json(row, full=signatory) for row in rows]


def _check_scope(session: Session, loaded: LoadedAgreement, scope: str) -> None:
    if scope == "provisions":
        return
    what, _sep, name = scope.partition(":")
    if what == "figures":
        kept_kind(loaded, name)
        return
    if what == "incident" and entry_row(session, loaded.row.id, INCIDENTS.name, name):
        return
    raise InvalidModel(
        _("cannot publish %(scope)r") % {"scope": scope},
        location="scope",
        expected=_("provisions, figures:<kind> or incident:<reference>"),
    )


def _check_shown_to_those_named(
    session: Session, actor: Actor, loaded: LoadedAgreement, scope: str
) -> None:
    """Refuse proposing to publish an incident that a party it names may not read yet (the
    accused, until the joint team assesses it: :func:`gobetween.policy.entry_access`): every
    signatory reads the proposals, so the proposal would tell the accused of the allegation.
    Only mediators propose, and they read every incident, so the refusal tells no one more."""
    what, _sep, reference = scope.partition(":")
    if what != "incident":
        return
    kind = kept_kind(loaded, INCIDENTS.name)
    row = entry_row(session, loaded.row.id, kind.name, reference)
    if row is None:
        return
    entry = loaded_entry(kind, row)
    published = approved_publications(session, loaded.row.id)
    named = {str(entry.values.get(field) or "") for field in kind.parties}
    blind = sorted(
        name
        for name in named
        if name in loaded.row.signatories
        and access_to(
            AgreementView(loaded.row.id, {name: OrganisationKind.PARTY}), kind, entry, published
        )
        is EntryAccess.NONE
    )
    if blind:
        called = called_by_name(session, actor, loaded.track.process_id)
        raise InvalidModel(
            _(
                "%(reference)s is not yet visible to %(readers)s, who would read the proposal: "
                "assess the incident first"
            )
            % {
                "reference": reference,
                "readers": ", ".join(called.get(name, name) for name in blind),
            },
            location="scope",
            expected=_("an incident the joint team has assessed"),
        )


def _every_signatory(view: AgreementView) -> bool:
    return view.allows(AgreementAct.READ)


def propose_publication(
    session: Session, actor: Actor, agreement_id: int, scope: str, summary: str = ""
) -> dict[str, Any]:
    """A mediator proposes to publish ``scope``; another mediating organisation must approve."""
    lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    organisation = require_mediator(loaded.view, _("propose publishing"))
    _check_scope(session, loaded, scope)
    _check_shown_to_those_named(session, actor, loaded, scope)
    refuse_hidden_incidents(  # every signatory reads the proposal, the public its summary
        session,
        actor,
        loaded,
        [
            SharedText(
                "summary",
                summary,
                _every_signatory,
                itself=scope.removeprefix("incident:") if scope.startswith("incident:") else "",
                public_reads=True,
            )
        ],
    )
    if scope == "provisions":  # the public would read the notes made so far
        refuse_hidden_incidents(session, actor, loaded, public_texts(session, loaded, "scope"))
    if scope.startswith("incident:") and not summary.strip():
        raise InvalidModel(
            _("an incident is published with the summary the public will read"),
            location="summary",
            expected=_("the decided summary"),
        )
    existing = session.execute(
        select(r.PublicationRow).where(
            r.PublicationRow.agreement_id == agreement_id, r.PublicationRow.scope == scope
        )
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            _(
                "publishing this was already proposed: the proposal waits for another "
                "delegation's approval in the list of proposals"
            )
        )
    row = r.PublicationRow(
        agreement_id=agreement_id,
        approvals=[],
        scope=scope,
        summary=summary.strip(),
        proposed_by=organisation,
        proposer_id=actor.user_id,
        proposed_at=_now(),
    )
    session.add(row)
    session.flush()
    audited(
        session,
        actor,
        "record.propose_publication",
        ("publication", row.id),
        {"scope": scope, "summary": row.summary, "proposed_by": organisation},
    )
    return _publication_json(row, full=True)


def _approver(view: AgreementView, row: r.PublicationRow, signatories: Mapping[str, Any]) -> str:
    """The organisation the actor approves for, by the rule of the module docstring."""
    mediating = [n for n, v in signatories.items() if v[1] == OrganisationKind.MEDIATOR.value]
    if len(mediating) > 1:
        others = [o for o in _mediating(view) if o != row.proposed_by]
        if not others:
            raise PermissionDenied(
                _("a mediator of another mediating organisation than %(org)s must approve")
                % {"org": row.proposed_by}
            )
        return others[0]
    parties = [n for n, k in view.acts_for.items() if k is OrganisationKind.PARTY]
    waiting = [p for p in parties if p not in row.approvals]
    if not waiting:
        raise PermissionDenied(
            _("with one mediating organisation, every party approves publishing (%(org)s has)")
            % {"org": ", ".join(parties) or row.proposed_by}
        )
    return waiting[0]


def approve_publication(
    session: Session, actor: Actor, agreement_id: int, publication_id: int
) -> dict[str, Any]:
    """Approve a proposal; once the rule is met (another mediating organisation, or every
    party when only one mediating organisation signed) it is public from that moment."""
    lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    loaded.view.require(AgreementAct.READ)
    row = session.get(r.PublicationRow, publication_id)
    if row is None or row.agreement_id != agreement_id:
        raise NotFound(_("no publication %(publication_id)s") % {"publication_id": publication_id})
    if row.approved_at is not None:
        raise Conflict(_("publishing %(scope)r is already approved") % {"scope": row.scope})
    organisation = _approver(loaded.view, row, loaded.row.signatories)
    if row.scope == "provisions":  # notes made since the proposal are read by the public too
        refuse_hidden_incidents(session, actor, loaded, public_texts(session, loaded, "scope"))
    row.approvals = [*row.approvals, organisation]
    parties = [n for n, v in loaded.row.signatories.items() if v[1] == OrganisationKind.PARTY.value]
    mediating = len(loaded.row.signatories) - len(parties)
    if mediating > 1 or set(parties) <= set(row.approvals):
        row.approved_by = ", ".join(row.approvals)
        row.approver_id, row.approved_at = actor.user_id, _now()
    session.flush()
    audited(
        session,
        actor,
        "record.approve_publication",
        ("publication", row.id),
        {"scope": row.scope, "approved_by": organisation},
    )
    return _publication_json(row, full=True)
