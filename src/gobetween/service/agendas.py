"""Changing a track's agenda: freely until the first text version is published, afterwards
only as a new, announced agenda version.

Before the mediators publish the first version of the negotiating text, the agenda is a draft:
the process's admins and the track's mediators may change anything. Once a text exists, the
parties have answered texts built on the agenda, so a change is a new *agenda version*: it
carries a note saying what changed, every version stays in the history (``agenda_versions``),
and every seat of the track is told (a public live update of kind ``agenda``, which e-mail
notifications pass on). Such a change may reword (descriptions, units, each option's clause
wording, labels, names in other languages), reorder issues and say which rule of the agreement
an issue settles (``settles``: it changes no option and no wording), but must keep every issue
and option the texts use, and the stored texts must still replay on the new agenda. Nor can it
add an issue or an option: every published text chooses one option of every issue, so none
would choose one on a new issue, and the parties answered texts without the new option
(:func:`changed_options` says which the change adds or drops).

>>> from gobetween.model import Issue
>>> before = Agenda((Issue.discrete("ports", ["Odesa", "Odesa, Chornomorsk and Yuzhny"]),))
>>> after = Agenda((Issue.discrete("ports", ["Odesa, Chornomorsk and Yuzhny", "Odesa"]),))
>>> changed_options(before, after) is None  # the same options in another order
True
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gobetween.errors import Conflict, GobetweenError, PermissionDenied, ValidationFailed
from gobetween.i18n import _
from gobetween.live import LiveUpdate
from gobetween.model import Agenda
from gobetween.policy import Actor, Seat, TrackView
from gobetween.service import unique
from gobetween.service.audited import audited
from gobetween.service.negotiate import notify, track_agenda
from gobetween.store import repositories
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.codec import agenda_to_json

__all__ = [
    "change_agenda",
    "changed_options",
    "editable_freely",
    "history",
    "may_edit",
]

MAX_NOTE = 5000


def may_edit(view: TrackView) -> bool:
    """Whether the viewer may change the agenda: the process's admins, the track's mediators."""
    return Seat.ADMIN in view.seats or view.is_mediator


def editable_freely(session: Session, track_id: int) -> bool:
    """Whether no text version of the track has been published yet."""
    return not repositories.texts_published(session, track_id)


def changed_options(old: Agenda, new: Agenda) -> str | None:
    """Why ``new`` cannot replace ``old`` once texts are published, in the reader's language;
    ``None`` when it has exactly ``old``'s issues and options, in any order.

    >>> from gobetween.model import Issue
    >>> before = Agenda((Issue.discrete("ports", ["Odesa", "three ports"]),))
    >>> after = Agenda((*before.issues, Issue.discrete("term", ["60", "120"])))
    >>> print(changed_options(before, after))  # doctest: +ELLIPSIS
    texts have been published on this agenda, and each chooses one option of every issue: ...
    """

    def names(agenda: Agenda) -> dict[str, list[str]]:
        return {i.name: list(i.option_names) for i in agenda.issues}

    def listed(items: Sequence[str]) -> str:
        return ", ".join(f"'{item}'" for item in items)

    before, after = names(old), names(new)
    added = [issue for issue in after if issue not in before]
    dropped = [issue for issue in before if issue not in after]
    if added and dropped:
        return _(
            "texts have been published on this agenda, and they and the parties' answers name "
            "%(old)s: it cannot become %(new)s (you may name it in other languages; to say "
            "which issue sets the agreement's term, choose it under “In the agreement, this "
            "issue sets”)"
        ) % {"old": listed(dropped), "new": listed(added)}
    if added:
        return _(
            "texts have been published on this agenda, and each chooses one option of every "
            "issue: they choose none on %(issues)s, so an issue cannot be added now (to say "
            "which issue sets the agreement's term, choose it under “In the agreement, this "
            "issue sets” instead)"
        ) % {"issues": listed(added)}
    if dropped:
        return _(
            "texts have been published on this agenda: keep the issues %(issues)s (you may "
            "reword, describe and reorder them, or name them in other languages)"
        ) % {"issues": listed(dropped)}
    for issue, options in after.items():
        new_options = [o for o in options if o not in before[issue]]
        if new_options:
            return _(
                "texts have been published on this agenda: the parties answered them without "
                "the option %(options)s of '%(issue)s', so it cannot be added now"
            ) % {"options": listed(new_options), "issue": issue}
        gone = [o for o in before[issue] if o not in options]
        if gone:
            return _(
                "texts have been published on this agenda: keep the options %(options)s of "
                "'%(issue)s' (you may reword and relabel them)"
            ) % {"options": listed(gone), "issue": issue}
    return None


def _check_replay(session: Session, track: t.Track, view: TrackView) -> None:
    from gobetween.service import texts

    try:
        texts.single_text_state(session, track, view)
        texts.relay_state(session, track, view)
    except GobetweenError as exc:
        raise Conflict(
            _("the published texts do not fit the changed agenda: %(problem)s") % {"problem": exc}
        ) from None


def change_agenda(
    session: Session, actor: Actor, track_id: int, agenda: Agenda, *, note: str = ""
) -> int:
    """Replace the track's agenda; returns the new agenda version (0: still a draft).

    Raises :class:`PermissionDenied` for a seat that may not edit, :class:`ValidationFailed`
    without a note once texts exist, :class:`Conflict` when the change drops or renames an
    issue or option the texts use.
    """
    track, view = repositories.track(session, actor, track_id)
    if not may_edit(view):
        raise PermissionDenied(_("only the process's admins and the track's mediators edit it"))
    # a change at the same moment (or a text published) waits here, then reads this one's
    # agenda and number: the two changes become two versions, as one after the other
    unique.serialised(session, t.Track, track.id)
    old = track_agenda(track)
    note = note.strip()[:MAX_NOTE]
    if editable_freely(session, track.id):
        track.agenda = agenda_to_json(agenda)
        session.flush()
        _audit(session, actor, track, 0, note)
        return 0
    if not note:
        raise ValidationFailed(
            _("say what changed: the parties are told with this note"),
            location="note",
            expected=_("a short note for the parties"),
        )
    if (refusal := changed_options(old, agenda)) is not None:
        raise Conflict(refusal)
    version = _next_version(session, track, old)
    track.agenda = agenda_to_json(agenda)
    session.flush()
    _check_replay(session, track, view)
    session.add(
        st.AgendaVersion(
            track_id=track.id,
            version=version,
            agenda=track.agenda,
            note=note,
            created_by=actor.user_id,
        )
    )
    session.flush()
    _audit(session, actor, track, version, note)
    notify(session, track.id, None, LiveUpdate.AGENDA, version)
    return version


def _next_version(session: Session, track: t.Track, old: Agenda) -> int:
    newest = session.execute(
        select(func.max(st.AgendaVersion.version)).where(st.AgendaVersion.track_id == track.id)
    ).scalar_one()
    if newest is None:  # the agenda the texts were published on is version 1
        session.add(
            st.AgendaVersion(
                track_id=track.id,
                version=1,
                agenda=agenda_to_json(old),
                note="",
                created_by=None,
                created_at=track.created_at,
            )
        )
        newest = 1
    return int(newest) + 1


def _audit(session: Session, actor: Actor, track: t.Track, version: int, note: str) -> None:
    audited(
        session,
        actor,
        "track.agenda",
        ("track", track.id),
        {"agenda": track.agenda, "version": version, "note": note},
    )


def history(session: Session, actor: Actor, track_id: int) -> Sequence[st.AgendaVersion]:
    """The announced agenda versions of a track, oldest first (anyone with a seat)."""
    track, _view = repositories.track(session, actor, track_id)
    stmt = (
        select(st.AgendaVersion)
        .where(st.AgendaVersion.track_id == track.id)
        .order_by(st.AgendaVersion.version)
    )
    return session.execute(stmt).scalars().all()
