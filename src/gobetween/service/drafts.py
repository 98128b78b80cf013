"""Drafts of the negotiating text: saved by the mediators, never seen by parties, approved by a
second mediating organisation when the track requires it, previewed, and published only with an
explicit confirmation.

A draft's body is ``{"package", "articles", "note", "deadline"}`` (the wire forms of
:mod:`gobetween.protocols.single_text_articles`); its *digest* is the SHA-256 of the body's
canonical JSON, and an approval holds for that digest only: editing the draft after an approval
makes the approval stale. To anyone but a mediator of the track a draft answers 404, like one that
does not exist; saving, approving or discarding a draft changes nothing a party can observe (no
notification, no cursor, no count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween import i18n
from gobetween.agreements.terms import canonical_bytes, sha256_hex
from gobetween.errors import Conflict, InvalidModel, NotFound, ProtocolError, ValidationFailed
from gobetween.i18n import _, _l
from gobetween.model import Agenda
from gobetween.policy import Action, Actor, TrackView
from gobetween.protocols import single_text as st
from gobetween.protocols.single_text_articles import (
    Article,
    articles_from_package,
    articles_from_wire,
    check_articles,
)
from gobetween.service import texts, unique
from gobetween.service.audited import audited
from gobetween.service.errors import describe, translated
from gobetween.service.languages import declared_languages
from gobetween.service.negotiate import track_agenda
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store import text_tables as x

__all__ = [
    "DEFAULT_AFTER_DEADLINE",
    "approve_draft",
    "discard_draft",
    "draft_view",
    "drafts_list",
    "publish_draft",
    "save_draft",
    "set_rule",
    "text_rule",
]

#: What parties are told happens when the answer deadline passes, unless the mediators say more.
DEFAULT_AFTER_DEADLINE = _l(
    "After the deadline no answer can be given or changed; the mediators may extend the "
    "deadline or publish a new version."
)
#: How many open drafts a track keeps at most (anything one user can start is bounded).
MAX_OPEN_DRAFTS = 50


def _mediator_track(session: Session, actor: Actor, track_id: int) -> tuple[t.Track, TrackView]:
    """The track, for its mediators only; anyone else gets 404 (drafts are hidden objects)."""
    track, view = repositories.track(session, actor, track_id)
    if not view.is_mediator:
        raise NotFound(_("no drafts in track %(track_id)s") % {"track_id": track_id})
    view.require(Action.PUBLISH_TEXT)
    return track, view


def _draft(session: Session, track_id: int, draft_id: int) -> x.TextDraft:
    row = session.get(x.TextDraft, draft_id)
    if row is None or row.track_id != track_id:
        raise NotFound(
            _("no draft %(draft_id)s in track %(track_id)s")
            % {"draft_id": draft_id, "track_id": track_id}
        )
    return row


def _open_draft(session: Session, track_id: int, draft_id: int) -> x.TextDraft:
    """The draft, still open to change (not yet published or discarded); else 409.

    The row is locked until the unit of work ends (PostgreSQL; SQLite's write transaction is
    the lock), so two saves of one draft check its digest one after the other."""
    session.get(x.TextDraft, draft_id, with_for_update=True, populate_existing=True)
    row = _draft(session, track_id, draft_id)
    if row.status != "draft":
        raise Conflict(
            _("draft %(draft_id)s was %(status)s already")
            % {"draft_id": draft_id, "status": row.status}
        )
    return row


def digest(body: Mapping[str, Any]) -> str:
    """SHA-256 of the draft body's canonical JSON: what an approval covers."""
    return sha256_hex(canonical_bytes(dict(body)))


def _body(
    agenda: Agenda,
    options: Mapping[str, str],
    articles: Sequence[Article],
    note: str,
    deadline: dt.datetime | None,
) -> dict[str, Any]:
    try:
        package = agenda.package(options)
    except InvalidModel as exc:
        raise exc.located(source="package") from None
    if deadline is not None and deadline.tzinfo is None:
        raise ValidationFailed(_("the deadline needs a time zone"), location="deadline")
    return {
        "package": dict(package.options),
        "articles": [a.to_dict() for a in (articles or articles_from_package(agenda, package, {}))],
        "note": note,
        "deadline": deadline.astimezone(dt.UTC).isoformat() if deadline else None,
    }


def text_rule(session: Session, track_id: int) -> dict[str, Any]:
    """The track's drafting rules (defaults when none were set)."""
    row = session.get(x.TextRule, track_id)
    return {
        "approval_required": bool(row and row.approval_required),
        "after_deadline": (row.after_deadline if row and row.after_deadline else "")
        or str(DEFAULT_AFTER_DEADLINE),  # in the reader's language
    }


def set_rule(
    session: Session, actor: Actor, track_id: int, *, approval_required: bool, after_deadline: str
) -> dict[str, Any]:
    """Mediators set whether a second organisation must approve, and the deadline's consequence."""
    track, _ = _mediator_track(session, actor, track_id)
    row, _made = unique.get_or_add(
        session, x.TextRule, track.id, lambda: x.TextRule(track_id=track.id)
    )  # made once, also when another mediator sets the rule at the same moment
    row.approval_required = approval_required
    row.after_deadline = after_deadline.strip()[:500]
    session.flush()
    change = {"approval_required": approval_required, "after_deadline": row.after_deadline}
    audited(session, actor, "text.rule", ("track", track.id), change)
    return text_rule(session, track.id)


def save_draft(
    session: Session,
    actor: Actor,
    track_id: int,
    *,
    options: Mapping[str, str],
    articles: Sequence[Article] = (),
    note: str = "",
    deadline: dt.datetime | None = None,
    draft_id: int | None = None,
    base: str | None = None,
) -> dict[str, Any]:
    """Save a new draft, or replace the body of draft ``draft_id`` (approvals then go stale).

    ``base`` is the digest of the draft as the editor opened it: when the draft has changed since
    (another mediator saved it), :class:`Conflict` and nothing is saved, so no one's edits are
    silently lost."""
    track, view = _mediator_track(session, actor, track_id)
    body = _body(track_agenda(track), options, articles, note, deadline)
    if draft_id is None:
        open_drafts = session.execute(
            select(x.TextDraft.id).where(
                x.TextDraft.track_id == track.id, x.TextDraft.status == "draft"
            )
        ).all()
        if len(open_drafts) >= MAX_OPEN_DRAFTS:
            raise Conflict(
                _("the track has %(count)s open drafts: discard some first")
                % {"count": MAX_OPEN_DRAFTS}
            )
        row = x.TextDraft(
            id=t.random_id(),
            track_id=track.id,
            body=body,
            created_by=actor.user_id,
            organisation_id=view.own_mediator,
        )
        session.add(row)
    else:
        row = _open_draft(session, track.id, draft_id)
        if base is not None and base != digest(row.body):
            raise Conflict(
                _(
                    "this draft was saved by someone else after you opened it; nothing was "
                    "saved: open it again and redo your changes"
                )
            )
        row.body = body
        row.updated_at = t.utcnow()
    _draft_act(session, actor, row, "saved")
    return _view(session, track, view, row)


def _draft_act(session: Session, actor: Actor, row: x.TextDraft, act: str, **change: Any) -> None:
    """Draft ``row``'s ``act`` (saved, approved, discarded, published) on the audit chain, with
    the digest of its body as it stands and ``change``."""
    session.flush()
    change = {"digest": digest(row.body), **change}
    audited(session, actor, f"text.draft_{act}", ("text_draft", row.id), change)


def _approvals(session: Session, row: x.TextDraft, current: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(x.TextApproval).where(x.TextApproval.draft_id == row.id).order_by(x.TextApproval.at)
    ).scalars()
    return [
        {
            "organisation_id": a.organisation_id,
            "at": a.at.isoformat(),
            "digest": a.digest,
            "current": a.digest == current,
        }
        for a in rows
    ]


def _problems(agenda: Agenda, body: Mapping[str, Any], status: str) -> list[dict[str, str]]:
    """What stops a draft from going out, in the reader's language: each article's problems
    (``article`` its id), and an answer deadline already past (``article`` empty)."""
    out = []
    deadline = t.as_utc(body["deadline"]) if body.get("deadline") else None
    if status == "draft" and deadline is not None and deadline <= t.utcnow():
        message = _("the answer deadline (%(deadline)s) has passed: move it or leave it empty")
        out.append(
            {"article": "", "message": message % {"deadline": i18n.format_datetime(deadline)}}
        )
    try:
        package = agenda.package(body["package"])
        articles = articles_from_wire(body["articles"])
    except (InvalidModel, ProtocolError) as exc:
        return [*out, {"article": "", "message": describe(exc)}]
    return [
        *out,
        *(
            {"article": p.article, "message": translated(p.why)}
            for p in check_articles(agenda, package, articles)
        ),
    ]


def untranslated(
    articles: Sequence[Mapping[str, Any]], languages: Sequence[str]
) -> dict[str, list[str]]:
    """Working language -> the ids of the draft's articles not worded in it (an article in
    brackets: with an alternative not worded in it). Publishing such a version is allowed
    (the text grows version by version); the draft's page says which, before it goes out, and
    a reader of that language is told where the text shows another language.

    >>> arts = [{"id": "a1", "wording": {"en": "Ports open.", "uk": "Порти відкриті."}},
    ...         {"id": "a2", "wording": {"en": "Pay.", "uk": " "}},
    ...         {"id": "a3", "alternatives": [{"wording": {"en": "A.", "uk": "А."}},
    ...                                       {"wording": {"en": "B."}}]}]
    >>> untranslated(arts, ("en", "uk"))
    {'uk': ['a2', 'a3']}
    """

    def worded(wording: Any, code: str) -> bool:
        return isinstance(wording, Mapping) and bool(str(wording.get(code) or "").strip())

    out: dict[str, list[str]] = {}
    for code in languages:
        missing = [
            str(a.get("id"))
            for a in articles
            if not (
                all(worded(alt.get("wording"), code) for alt in a["alternatives"])
                if a.get("alternatives")
                else worded(a.get("wording"), code)
            )
        ]
        if missing:
            out[code] = missing
    return out


def _view(session: Session, track: t.Track, view: TrackView, row: x.TextDraft) -> dict[str, Any]:
    current = digest(row.body)
    approvals = _approvals(session, row, current)
    rule = text_rule(session, track.id)
    approved_by_other = any(
        a["current"] and a["organisation_id"] != row.organisation_id for a in approvals
    )
    return {
        "id": row.id,
        "track": track.id,
        "status": row.status,
        "published_version": row.published_version,
        "organisation_id": row.organisation_id,
        "body": row.body,
        "digest": current,
        "problems": _problems(track_agenda(track), row.body, row.status),
        "untranslated": untranslated(
            row.body.get("articles") or [], declared_languages(session, track.id)
        ),
        "approvals": approvals,
        "approval_required": rule["approval_required"],
        "approved": approved_by_other,
        "parties": sorted(view.party_ids),
        "updated_at": row.updated_at.isoformat(),
    }


def draft_view(session: Session, actor: Actor, track_id: int, draft_id: int) -> dict[str, Any]:
    """One draft with its problems, approvals and the preview data (mediators only)."""
    track, view = _mediator_track(session, actor, track_id)
    return _view(session, track, view, _draft(session, track.id, draft_id))


def drafts_list(session: Session, actor: Actor, track_id: int) -> list[dict[str, Any]]:
    """The track's drafts, newest first (mediators only)."""
    track, view = _mediator_track(session, actor, track_id)
    rows = session.execute(
        select(x.TextDraft)
        .where(x.TextDraft.track_id == track.id)
        .order_by(x.TextDraft.updated_at.desc())
        .limit(MAX_OPEN_DRAFTS * 4)
    ).scalars()
    return [_view(session, track, view, row) for row in rows]


def approve_draft(session: Session, actor: Actor, track_id: int, draft_id: int) -> dict[str, Any]:
    """A mediator of *another* organisation than the drafter's approves the draft as it stands."""
    track, view = _mediator_track(session, actor, track_id)
    row = _open_draft(session, track.id, draft_id)
    if view.own_mediator is None or view.own_mediator == row.organisation_id:
        raise Conflict(_("a second mediating organisation must approve, not the one that drafted"))
    current = digest(row.body)
    exists = session.execute(
        select(x.TextApproval.id).where(
            x.TextApproval.draft_id == row.id,
            x.TextApproval.organisation_id == view.own_mediator,
            x.TextApproval.digest == current,
        )
    ).scalar()
    if exists is None:
        session.add(
            x.TextApproval(
                draft_id=row.id,
                organisation_id=view.own_mediator,
                user_id=actor.user_id,
                digest=current,
            )
        )
        _draft_act(session, actor, row, "approved", organisation=view.own_mediator)
    return _view(session, track, view, row)


def discard_draft(session: Session, actor: Actor, track_id: int, draft_id: int) -> dict[str, Any]:
    """Set a draft aside (it stays on record, marked discarded)."""
    track, view = _mediator_track(session, actor, track_id)
    row = _open_draft(session, track.id, draft_id)
    row.status = "discarded"
    _draft_act(session, actor, row, "discarded")
    return _view(session, track, view, row)


def publish_draft(
    session: Session, actor: Actor, track_id: int, draft_id: int, *, confirm: bool
) -> st.TextVersion:
    """Publish the draft to every party: needs ``confirm`` and, when the track requires it, a
    current approval by a second mediating organisation; refused (422) naming each article at
    fault."""
    track, _view = _mediator_track(session, actor, track_id)
    row = _open_draft(session, track.id, draft_id)
    if not confirm:
        raise ValidationFailed(
            _("publishing sends the text to every party: confirm it"),
            location="confirm",
            expected="confirm: true",
        )
    current = digest(row.body)
    if text_rule(session, track.id)["approval_required"]:
        approved = session.execute(
            select(x.TextApproval.id).where(
                x.TextApproval.draft_id == row.id,
                x.TextApproval.digest == current,
                x.TextApproval.organisation_id != row.organisation_id,
            )
        ).scalar()
        if approved is None:
            raise Conflict(
                _(
                    "this track requires a second mediating organisation to approve the draft as "
                    "it stands before it goes out"
                )
            )
    body = row.body
    deadline = dt.datetime.fromisoformat(body["deadline"]) if body.get("deadline") else None
    version = texts.publish_text(
        session,
        actor,
        track.id,
        options=body["package"],
        clauses={},
        note=body.get("note", ""),
        deadline=deadline,
        articles=articles_from_wire(body["articles"]),
    )
    row.status = "published"
    row.published_version = version.number
    _draft_act(session, actor, row, "published", version=version.number)
    return version
