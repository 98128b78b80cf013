"""Stage 4: mirror agreements made from the accepted single text, signed without private keys.

The rules live in the pure core (:mod:`gobetween.agreements`): the terms and instruments are
built there, every signature is verified there before it is stored, and the agreement's life
is its event-sourced state machine (:mod:`gobetween.agreements.lifecycle`), replayed from the
stored events. The server never holds a private key: an organisation registers its Ed25519
public key, a signatory signs :meth:`~gobetween.agreements.Instrument.signing_message` in the
browser or with ``gobetween agreement sign``, and posts the signature.

Who may read or do what is decided by :func:`gobetween.policy.agreement_view`: members of a
signing organisation read everything; anyone else gets :class:`~gobetween.errors.NotFound`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.agreements import (
    Bundle,
    Link,
    Renewal,
    Signatory,
    Signature,
    mirror_instruments,
    verify_bundle,
)
from gobetween.agreements import lifecycle as lc
from gobetween.agreements.derive import terms_from_text
from gobetween.agreements.language_versions import clause_versions, language_versions
from gobetween.agreements.registry import registry_problems
from gobetween.errors import AgreementError, NotFound, ValidationFailed
from gobetween.i18n import _
from gobetween.model import OrganisationKind
from gobetween.policy import Action, Actor, AgreementAct, AgreementView, agreement_view
from gobetween.protocols import single_text as st
from gobetween.service import unique
from gobetween.service.agreed_text import (
    agreed_clauses,
    link_for,
    ready_tracks,
    stated_links,
    text_lifecycle,
)
from gobetween.service.audited import audited
from gobetween.service.errors import translated
from gobetween.service.languages import declared_languages
from gobetween.service.signing_keys import (
    active_key,
    agreement_registry,
    organisation_keys,
    register_key,
    unusable_key,
    usable_key,
)
from gobetween.service.texts import single_text_state
from gobetween.store import agreement_tables as a
from gobetween.store import event_log, repositories
from gobetween.store import tables as t
from gobetween.store.codec import agenda_from_json

__all__ = [
    "LIFECYCLE_ACTS",
    "LoadedAgreement",
    "act",
    "agreed_clauses",
    "agreement_list",
    "agreement_view_dict",
    "bundle_bytes",
    "create_agreement",
    "load",
    "organisation_keys",
    "read_signed_bundle",
    "ready_tracks",
    "register_key",
    "registry_export",
    "sign",
    "sign_bundle",
    "signing_request",
    "text_lifecycle",
    "tick",
    "verify_stored",
]

#: The lifecycle acts a signatory may record, by the name the API and forms use.
LIFECYCLE_ACTS = ("suspend", "resume", "notice", "consent", "withdraw")


def _now() -> dt.datetime:
    return t.utcnow()


# -- loading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedAgreement:
    """An agreement row, the actor's view of it, its bundle and its replayed state."""

    row: a.Agreement
    track: t.Track
    view: AgreementView
    bundle: Bundle
    state: lc.AgreementState
    events: int

    def org_id(self, name: str) -> int:
        """The id of the signing organisation called ``name``."""
        return int(self.row.signatories[name][0])


def _signatory_table(row: a.Agreement) -> dict[str, tuple[int, OrganisationKind]]:
    return {n: (int(v[0]), OrganisationKind(v[1])) for n, v in row.signatories.items()}


def load(session: Session, actor: Actor | None, agreement_id: int) -> LoadedAgreement:
    """An agreement the actor signs for (``None``: no actor, for the public view); else 404."""
    row = session.get(a.Agreement, agreement_id)
    if row is None:
        raise NotFound(_("no agreement %(agreement_id)s") % {"agreement_id": agreement_id})
    track = session.get(t.Track, row.track_id)
    assert track is not None  # the foreign key cascades
    view = (
        agreement_view(
            actor,
            agreement_id=row.id,
            process_id=track.process_id,
            signatories=_signatory_table(row),
        )
        if actor is not None
        else AgreementView(row.id, {})
    )
    if actor is not None:
        view.require(AgreementAct.READ)
    bundle = Bundle.from_bytes(row.bundle)
    bodies = event_log.bodies(session, event_log.agreement_stream(row.id))
    state = lc.replay(lc.AgreementState.for_bundle(bundle), bodies)
    return LoadedAgreement(row, track, view, bundle, state, len(bodies))


def load_or_public(
    session: Session, actor: Actor | None, agreement_id: int
) -> tuple[LoadedAgreement, bool]:
    """The agreement as a signatory sees it and ``True``, or, for anyone else (``None``
    included), its public view and ``False``; 404 when it does not exist."""
    if actor is not None:
        try:
            return load(session, actor, agreement_id), True
        except NotFound:
            pass
    return load(session, None, agreement_id), False


def _store_events(
    session: Session, actor: Actor, loaded: LoadedAgreement, events: Sequence[Any]
) -> None:
    stream = event_log.agreement_stream(loaded.row.id)
    event_log.append(session, stream, [e.to_dict() for e in events], actor_id=actor.user_id)


# -- creating ------------------------------------------------------------------------------------


def _links(
    session: Session, actor: Actor, track: t.Track, version: st.TextVersion, link_ids: Sequence[int]
) -> tuple[Link, ...]:
    """The side instruments of the agreement: ``link_ids`` when given (``terms_from_text``
    checks them against the text), else each one the agreed text's article on linked
    instruments names, among the agreements of the process the actor signs for."""
    if link_ids:
        found = [load(session, actor, link_id).row for link_id in link_ids]
        return tuple(Link(row.title, row.terms_hash) for row in found)
    stated = stated_links(version)
    if not stated:
        return ()
    held = []
    for agreement_id in session.execute(
        select(a.Agreement.id)
        .join(t.Track, t.Track.id == a.Agreement.track_id)
        .where(t.Track.process_id == track.process_id)
        .order_by(a.Agreement.created_at, a.Agreement.id)
    ).scalars():
        try:
            row = load(session, actor, agreement_id).row
        except NotFound:  # an agreement the actor does not sign for cannot be linked by it
            continue
        held.append(Link(row.title, row.terms_hash))
    return tuple(link_for(s, held) for s in stated)


def _first_linked(session: Session, links: Sequence[Link]) -> int | None:
    """The id of the agreement the first link names (this one is its side instrument)."""
    if not links:
        return None
    found = session.execute(
        select(a.Agreement.id).where(a.Agreement.terms_hash == links[0].terms_hash)
    ).scalar()
    return None if found is None else int(found)


def _same_terms(session: Session, terms_hash: str) -> AgreementError | None:
    """The refusal to make an agreement whose terms another one has, if one has them."""
    existing = session.execute(
        select(a.Agreement.id).where(a.Agreement.terms_hash == terms_hash)
    ).scalar()
    if existing is None:
        return None
    return AgreementError(
        _("an agreement with these terms exists already (id %(existing)s)") % {"existing": existing}
    )


def create_agreement(
    session: Session,
    actor: Actor,
    track_id: int,
    *,
    term_days: int | None,
    renewal: Renewal | None,
    effective_date: dt.date,
    title: str = "",
    link_ids: Sequence[int] = (),
    implementation: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The mediators create the agreement from the text every party accepted.

    The operative terms are the accepted version's options and article wording; the term, the
    renewal rule and the notice come from its articles
    (:func:`gobetween.agreements.derive.terms_from_text`): ``term_days`` and ``renewal`` may
    only repeat what the text says. One instrument per party names that party and every
    mediator of the track as signatories.
    """
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.PUBLISH_TEXT)
    state = single_text_state(session, track, view)
    if state.status is not st.TrackStatus.READY_FOR_AGREEMENT or state.current is None:
        raise AgreementError(
            _(
                "track %(track_id)s is not ready for agreement (%(status)s): every party must "
                "accept the same version first"
            )
            % {"track_id": track_id, "status": state.status.value}
        )
    version = state.current
    orgs = {o.id: o for o in repositories.organisations(session, actor, track.process_id)}
    parties = [orgs[p] for p in sorted(view.party_ids)]
    mediators = [orgs[m] for m in sorted(view.mediator_ids)]
    terms = terms_from_text(
        version.package,
        agreed_clauses(version),
        term_days=term_days,
        renewal=renewal,
        effective_date=effective_date,
        links=_links(session, actor, track, version, link_ids),
    )
    languages = declared_languages(session, track.id)
    if languages:  # every working language's version, complete, under the terms hash (422)
        terms = replace(terms, versions=language_versions(version.text_articles, languages))
    from gobetween.service.implement import check_implementation  # implement builds on agree

    check_implementation(terms, implementation or {})
    refusal = _same_terms(session, terms.terms_hash())
    if refusal is not None:
        raise refusal
    bundle = Bundle.create(
        mirror_instruments(
            terms,
            [Signatory(o.name, OrganisationKind.PARTY) for o in parties],
            [Signatory(o.name, OrganisationKind.MEDIATOR) for o in mediators],
            called=title.strip(),  # the title the mediators gave it heads every instrument
        )
    )
    row = a.Agreement(
        id=t.random_id(),  # the id tells nobody how many agreements exist
        track_id=track.id,
        text_version=version.number,
        title=title.strip() or terms.agenda,
        terms_hash=terms.terms_hash(),
        parent_id=_first_linked(session, terms.links),
        signatories={o.name: [o.id, o.kind] for o in (*parties, *mediators)},
        implementation=dict(implementation or {}),
        bundle=bundle.to_bytes(),
        created_by=actor.user_id,
    )
    if not unique.added_once(session, row, "uq_agreements_terms_hash"):
        refusal = _same_terms(session, row.terms_hash)  # made at the same moment by another
        assert refusal is not None  # committed before this insert failed on its terms
        raise refusal
    audited(
        session,
        actor,
        "agreement.create",
        ("agreement", row.id),
        {"track": track.id, "version": version.number, "terms_hash": row.terms_hash},
    )
    return agreement_view_dict(session, actor, row.id)


# -- reading -------------------------------------------------------------------------------------


def agreement_list(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The agreements the actor signs for, newest first."""
    out = []
    for row in session.execute(
        select(a.Agreement).order_by(a.Agreement.created_at.desc(), a.Agreement.id)
    ).scalars():
        if not row.track_id:
            continue
        track = session.get(t.Track, row.track_id)
        if track is None or track.process_id not in actor.process_ids():
            continue
        view = agreement_view(
            actor,
            agreement_id=row.id,
            process_id=track.process_id,
            signatories=_signatory_table(row),
        )
        if view.acts_for:
            out.append(
                {
                    "id": row.id,
                    "title": row.title,
                    "terms_hash": row.terms_hash,
                    "track_id": row.track_id,
                }
            )
    return out


def _instrument_dict(loaded: LoadedAgreement, party: str) -> dict[str, Any]:
    instrument = loaded.bundle.instrument(party)
    signed = {s.signer for s in loaded.bundle.signatures if s.instrument_party == party}
    return {
        "party": party,
        "title": instrument.title,
        "preamble": instrument.preamble,
        "instrument_hash": instrument.instrument_hash(),
        "terms_hash": instrument.terms.terms_hash(),
        "signatories": [
            {"organisation": n, "signed": n in signed} for n in instrument.signatory_names
        ],
    }


def _due_state(state: lc.AgreementState, now: dt.datetime) -> lc.AgreementState:
    """The state with renewals and expiry that time has made due (shown, not stored)."""
    if state.log and now < state.log[-1].at:
        return state
    return lc.step(state, lc.Tick(), now=now)[0]


def agreement_view_dict(
    session: Session, actor: Actor, agreement_id: int, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything a signatory sees of an agreement: terms, instruments, log, clock, links."""
    loaded = load(session, actor, agreement_id)
    at = now or _now()
    state = _due_state(loaded.state, at)
    known = {}
    for link in state.links:
        other = session.execute(
            select(a.Agreement.id).where(a.Agreement.terms_hash == link.terms_hash)
        ).scalar()
        if other is not None:
            try:
                known[link.terms_hash] = load(session, actor, other).state
            except NotFound:
                continue
    sides = session.execute(
        select(a.Agreement.id, a.Agreement.title).where(a.Agreement.parent_id == agreement_id)
    ).all()
    keys = {n: active_key(session, loaded.org_id(n)) for n in loaded.bundle.signatories}
    unsigned = state.unsigned
    return {
        "id": loaded.row.id,
        "title": loaded.row.title,
        "track_id": loaded.row.track_id,
        "process_id": loaded.track.process_id,
        "text_version": loaded.row.text_version,
        "terms_hash": loaded.row.terms_hash,
        "terms": loaded.bundle.terms.to_dict(),
        "terms_read": terms_read(loaded),
        "status": str(state.status),
        "instruments": [_instrument_dict(loaded, p) for p in loaded.bundle.parties],
        "unsigned": [list(p) for p in unsigned],
        "acts_for": sorted(loaded.view.acts_for),
        "may_sign": [list(p) for p in unsigned if p[1] in loaded.view.acts_for],
        "keys": {n: (k.fingerprint if k else None) for n, k in keys.items()},
        # signers whose signature's key no administrator has confirmed yet: a check against the
        # key registry reports them (the verification page), though the agreement is in force
        "keys_unconfirmed": sorted(
            {
                sig.signer
                for sig, problem in registry_problems(
                    loaded.bundle.signatures, _registry(session, loaded)
                )
                if problem.kind == "unconfirmed"
            }
        ),
        "log": [e.to_dict() for e in state.log],
        "clock": lc.clock(state, at).to_dict(),
        "links": [s.to_dict() for s in lc.link_statuses(state, known)],
        "side_instruments": [{"id": i, "title": title} for i, title in sides],
        "implementation": loaded.row.implementation,
    }


def terms_read(loaded: LoadedAgreement) -> dict[str, dict[str, dict[str, str]]]:
    """Each issue of the signed terms in every language that has it: ``names``, the issue's
    names and ``option``, the agreed option's (labels from the track's agenda, not signed);
    ``clauses``, the signed clause in each language version
    (:func:`~gobetween.agreements.language_versions.clause_versions`)."""
    terms = loaded.bundle.terms
    clauses = clause_versions(terms.clauses, terms.versions)
    issues = {i.name: i for i in agenda_from_json(loaded.track.agenda).issues}
    out: dict[str, dict[str, dict[str, str]]] = {}
    for name, option in terms.options.items():
        issue = issues.get(name)
        chosen = next((o for o in issue.options if o.name == option), None) if issue else None
        out[name] = {
            "names": dict(issue.names) if issue else {},
            "option": dict(chosen.names) if chosen else {},
            "clauses": clauses.get(name, {}),
        }
    return out


def bundle_bytes(session: Session, actor: Actor, agreement_id: int) -> tuple[bytes, str]:
    """The stored bundle file and a file name for it."""
    loaded = load(session, actor, agreement_id)
    return loaded.row.bundle, f"agreement-{loaded.row.id}-{loaded.row.terms_hash[:12]}.gbb"


def _registry(session: Session, loaded: LoadedAgreement) -> Any:
    names = {n: loaded.org_id(n) for n in loaded.bundle.signatories}
    return agreement_registry(session, names, loaded.row.id)


def registry_export(session: Session, actor: Actor, agreement_id: int) -> dict[str, Any]:
    """The key registry of the agreement's signatories, for ``agreement verify --registry``."""
    loaded = load(session, actor, agreement_id)
    return dict(_registry(session, loaded).to_dict())


def verify_stored(session: Session, actor: Actor, agreement_id: int) -> dict[str, Any]:
    """The verification report of the stored bundle, checked against the key registry."""
    loaded = load(session, actor, agreement_id)
    report = verify_bundle(loaded.row.bundle, registry=_registry(session, loaded))
    return {**report.to_dict(say=translated), "registry_checked": True}


# -- signing -------------------------------------------------------------------------------------


def signing_request(
    session: Session, actor: Actor, agreement_id: int, *, party: str, signer: str
) -> dict[str, Any]:
    """The exact bytes ``signer`` signs on the instrument of ``party`` (base64), and the key."""
    loaded = load(session, actor, agreement_id)
    loaded.view.require(AgreementAct.SIGN, signer)
    instrument = loaded.bundle.instrument(party)
    instrument.signatory(signer)
    org_id = loaded.org_id(signer)
    key = active_key(session, org_id, actor.user_id) or active_key(session, org_id)
    return {
        "party": party,
        "signer": signer,
        "instrument_hash": instrument.instrument_hash(),
        "message": base64.b64encode(instrument.signing_message()).decode("ascii"),
        "key_fingerprint": key.fingerprint if key else None,
    }


def _add_signature(
    session: Session, actor: Actor, loaded: LoadedAgreement, signature: Signature, now: dt.datetime
) -> tuple[LoadedAgreement, list[Any]]:
    loaded.view.require(AgreementAct.SIGN, signature.signer)
    org_id = loaded.org_id(signature.signer)
    key = usable_key(session, org_id, signature.key_fingerprint)
    if key is None:
        raise AgreementError(unusable_key(session, org_id, signature))
    bundle = loaded.bundle.with_public_key(signature.signer, key.public_key_pem.encode())
    bundle = bundle.with_signature(signature)  # verified by the pure core, or refused
    state, events = lc.step(
        loaded.state, lc.Sign(signature.signer, signature.instrument_party), now=now
    )
    loaded.row.bundle = bundle.to_bytes()
    _store_events(session, actor, loaded, events)
    after = LoadedAgreement(
        loaded.row, loaded.track, loaded.view, bundle, state, loaded.events + len(events)
    )
    return after, list(events)


def sign(
    session: Session,
    actor: Actor,
    agreement_id: int,
    *,
    party: str,
    signer: str,
    signature: str | Mapping[str, Any],
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Store one signature: a base64 Ed25519 value (from the browser) or a signature document.

    The signature is checked against the signer's registered key before anything is stored.
    """
    event_log.lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    instrument = loaded.bundle.instrument(party)
    if isinstance(signature, str):
        try:
            value = base64.b64decode(signature, validate=True)
        except binascii.Error:
            raise ValidationFailed(
                _("the signature is not base64"), location="signature", expected=_("base64 bytes")
            ) from None
        org_id = loaded.org_id(signer) if signer in loaded.row.signatories else None
        key = (
            (active_key(session, org_id, actor.user_id) or active_key(session, org_id))
            if org_id is not None
            else None
        )
        document = Signature(
            party, signer, instrument.instrument_hash(), key.fingerprint if key else "0" * 64, value
        )
    else:
        document = Signature.from_dict(signature)
        if (document.instrument_party, document.signer) != (party, signer):
            raise ValidationFailed(
                _("the signature document is for another instrument or signer"),
                location="signature",
                expected=_("a signature by %(signer)r on the instrument of %(party)r")
                % {"signer": signer, "party": party},
            )
    _add_signature(session, actor, loaded, document, now or _now())
    return agreement_view_dict(session, actor, agreement_id, now=now)


def read_signed_bundle(data: bytes) -> Bundle:
    """An uploaded bundle, read and checked (:class:`VerificationFailed` when it cannot be used).

    Reading a bundle of up to ``MAX_BUNDLE_BYTES`` takes up to a second (canonical form,
    digests, signatures), so it is done before the unit of work of :func:`sign_bundle`: inside
    it, every other user's write waited (docs/security.md, *Promise 2*)."""
    return Bundle.from_bytes(data)


def sign_bundle(
    session: Session,
    actor: Actor,
    agreement_id: int,
    other: Bundle,
    *,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Take the caller's signatures from a bundle signed with ``gobetween agreement sign``,
    read beforehand with :func:`read_signed_bundle` (outside the unit of work)."""
    event_log.lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    if other.terms_hash != loaded.row.terms_hash:
        raise AgreementError(
            _("the uploaded bundle has terms hash %(uploaded)s..., this agreement %(ours)s...")
            % {"uploaded": other.terms_hash[:16], "ours": loaded.row.terms_hash[:16]}
        )
    added = 0
    for signature in other.signatures:
        pair = (signature.instrument_party, signature.signer)
        if signature.signer in loaded.view.acts_for and pair in loaded.state.unsigned:
            loaded, _added = _add_signature(session, actor, loaded, signature, now or _now())
            added += 1
    if not added:
        raise ValidationFailed(
            _("the bundle holds no new signature by an organisation you sign for"),
            location="bundle",
            expected=_("a bundle signed with gobetween agreement sign --as <your organisation>"),
        )
    return agreement_view_dict(session, actor, agreement_id, now=now)


# -- the lifecycle -------------------------------------------------------------------------------


def _action(kind: str, organisation: str, reason: str, term_days: int | None) -> lc.AgreementAction:
    if kind == "suspend":
        return lc.Suspend(organisation, reason)
    if kind == "resume":
        return lc.Resume(organisation)
    if kind == "notice":
        return lc.GiveNotice(organisation, reason)
    if kind == "withdraw":
        return lc.Withdraw(organisation, reason)
    if kind == "consent":
        if term_days is None:
            raise ValidationFailed(
                _("say for how many days you consent to renew"),
                location="term_days",
                expected=_("a whole number of days"),
            )
        return lc.ConsentToRenewal(organisation, term_days)
    raise ValidationFailed(
        _("unknown act %(kind)r") % {"kind": kind},
        location="act",
        expected=", ".join(LIFECYCLE_ACTS),
    )


def act(
    session: Session,
    actor: Actor,
    agreement_id: int,
    *,
    kind: str,
    organisation: str,
    reason: str = "",
    term_days: int | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Record a lifecycle act (suspend, resume, notice, consent, withdraw) as ``organisation``."""
    event_log.lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    needed = AgreementAct.CONSENT if kind == "consent" else AgreementAct.ACT_AS_PARTY
    loaded.view.require(needed, organisation)
    _, events = lc.step(
        loaded.state, _action(kind, organisation, reason, term_days), now=now or _now()
    )
    _store_events(session, actor, loaded, events)
    return agreement_view_dict(session, actor, agreement_id, now=now)


def tick(
    session: Session, actor: Actor, agreement_id: int, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Record the renewals or expiry the term clock has made due."""
    event_log.lock_agreement(session, agreement_id)
    loaded = load(session, actor, agreement_id)
    _, events = lc.step(loaded.state, lc.Tick(), now=now or _now())
    _store_events(session, actor, loaded, events)
    return agreement_view_dict(session, actor, agreement_id, now=now)
