"""What the accepted single text says, read for the agreement: clauses, term, renewal, links.

The tracks whose text every party accepted (:func:`ready_tracks`), the clause per issue of
the agreed version (:func:`agreed_clauses`) and what its articles say of term, renewal, notice
and effective date (:func:`text_lifecycle`, the agreement form), and the linked instruments its
article on them names (:func:`stated_links`, found among the process's agreements by
:func:`link_for`). The rules themselves live in
the pure core (:mod:`gobetween.agreements.derive`); :mod:`gobetween.service.agree` builds the
agreement from the same reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.agreements.derive import StatedLink, derive_lifecycle
from gobetween.agreements.terms import Link
from gobetween.errors import AgreementError
from gobetween.i18n import _
from gobetween.policy import Action, Actor
from gobetween.protocols import single_text as st
from gobetween.service.errors import describe
from gobetween.service.names import called
from gobetween.service.texts import single_text_state
from gobetween.store import agreement_tables as a
from gobetween.store import repositories

__all__ = ["agreed_clauses", "link_for", "ready_tracks", "stated_links", "text_lifecycle"]


def agreed_clauses(version: st.TextVersion) -> dict[str, str]:
    """Clause per issue of an agreed version: its article's English wording (the words that
    name the lifecycle rules, ``derive.RENEWAL_WORDS``, are English), else its wording in its
    first language, else the clause published with it."""
    out = dict(version.clauses)
    for article in version.text_articles:
        if article.issue is not None and article.wording:
            out[article.issue] = article.wording.get("en") or next(iter(article.wording.values()))
    return out


def stated_links(version: st.TextVersion) -> tuple[StatedLink, ...]:
    """The linked instruments the agreed version's article on linked instruments names."""
    return derive_lifecycle(version.package, agreed_clauses(version)).links or ()


def link_for(stated: StatedLink, held: Sequence[Link]) -> Link:
    """The one agreement in ``held`` that ``stated`` names (by terms hash, else title); 409."""
    found = [link for link in held if stated.matches(link)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise AgreementError(
            _(
                "the agreed text links “%(name)s”, but you sign no agreement of this process "
                "with that title or terms hash: make that instrument first"
            )
            % {"name": stated.name}
        )
    raise AgreementError(
        _(
            "the agreed text links “%(name)s”, and %(count)s agreements have that title: "
            "write the instrument's terms hash into the article's wording"
        )
        % {"name": stated.name, "count": len(found)}
    )


def text_lifecycle(session: Session, actor: Actor, track_id: int) -> dict[str, Any]:
    """What the agreed text of a track says of term, renewal and notice (the agreement form).

    ``sources`` names the issue each value was read from; a value the text does not hold is
    ``None`` (no renewal article: the agreement is not renewed).
    """
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.PUBLISH_TEXT)
    state = single_text_state(session, track, view)
    if state.status is not st.TrackStatus.READY_FOR_AGREEMENT or state.current is None:
        return {"ready": False, "term_days": None, "renewal": None, "sources": {}}
    version = state.current
    try:
        said = derive_lifecycle(version.package, agreed_clauses(version))
    except AgreementError as exc:  # e.g. a renewal option that names no rule
        return {
            "ready": True,
            "term_days": None,
            "renewal": None,
            "sources": {},
            "problem": describe(exc),  # in the reader's language
        }
    return {
        "ready": True,
        "version": version.number,
        "links": None if said.links is None else [x.to_dict() for x in said.links],
        "term_days": said.term_days,
        "renewal": said.renewal.to_dict() if said.renewal else None,
        "effective_date": said.effective_date.isoformat() if said.effective_date else None,
        "sources": dict(said.sources),
    }


def ready_tracks(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Tracks the actor mediates whose text every party accepted and that have no agreement
    (``called``: the track's name as a reader of the current language calls it)."""
    made = set(session.execute(select(a.Agreement.track_id, a.Agreement.text_version)).all())
    out = []
    for process in repositories.processes(session, actor):
        for track, view in repositories.tracks(session, actor, process.id):
            if not view.is_mediator:
                continue
            state = single_text_state(session, track, view)
            current = state.current
            if (
                state.status is st.TrackStatus.READY_FOR_AGREEMENT
                and current is not None
                and (track.id, current.number) not in made
            ):
                out.append(
                    {
                        "id": track.id,
                        "name": track.name,
                        "called": called(track),
                        "version": current.number,
                    }
                )
    return out
