"""What a member reads of a process: the process, its organisations, its tracks and who takes
part in them.

Scoped reads (service functions): each takes the acting user, and the policy decides through
:mod:`gobetween.store.repositories`; a process or track outside the actor's view is
:class:`~gobetween.errors.NotFound`, as one that does not exist. The pages read through these
(``gobetween.web`` imports nothing of the store); the rows they return are the store's
(:class:`Process`, :class:`Track`, :class:`Organisation`), named here for their readers. A page
shows their names as the reader's language calls them (``{{ track | called }}``,
:func:`gobetween.service.names.called`), never the name as entered where the reader's language
has its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from gobetween.policy import Actor, ProcessView, TrackView
from gobetween.service.names import called
from gobetween.store import repositories
from gobetween.store.tables import Organisation, Process, Track

__all__ = [
    "Organisation",
    "Process",
    "Track",
    "organisation_names",
    "organisations",
    "participants",
    "process",
    "processes",
    "track",
    "tracks",
]


def processes(session: Session, actor: Actor) -> Sequence[Process]:
    """The processes the actor belongs to, oldest first."""
    return repositories.processes(session, actor)


def process(session: Session, actor: Actor, process_id: int) -> tuple[Process, ProcessView]:
    """One process the actor belongs to, and the actor's view of it."""
    return repositories.process(session, actor, process_id)


def organisations(session: Session, actor: Actor, process_id: int) -> Sequence[Organisation]:
    """The organisations of a process (known to every member of it)."""
    return repositories.organisations(session, actor, process_id)


def organisation_names(session: Session, actor: Actor, process_id: int) -> dict[int, str]:
    """Organisation id -> name as a reader of the current language calls it
    (:func:`gobetween.service.names.called`), for a process the actor belongs to."""
    return {o.id: called(o) for o in organisations(session, actor, process_id)}


def tracks(session: Session, actor: Actor, process_id: int) -> list[tuple[Track, TrackView]]:
    """The tracks of a process in which the actor has a seat, with the actor's view of each."""
    return repositories.tracks(session, actor, process_id)


def track(session: Session, actor: Actor, track_id: int) -> tuple[Track, TrackView]:
    """One track the actor has a seat in, and the actor's view of it."""
    return repositories.track(session, actor, track_id)


def participants(session: Session, view: TrackView) -> list[int]:
    """The ids of the organisations taking part in the track of ``view`` (a seat in it is the
    proof the caller may know them), in id order."""
    return sorted(repositories.participants(session, view.track_id))
