"""The service's one way to put an act on the audit chain.

Every service function that changes something records who did what to which object, and with
what change: ``audited(session, actor, action, (object_type, object_id), change)`` is
:func:`gobetween.store.audit.append` in one line where the act happens. The one who acts is the
request's :class:`~gobetween.policy.Actor`, or a user's id where there is no actor yet (a user
who follows a link from an e-mail, accepts an invitation, sets a first password), or ``None``
where no user acts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from gobetween.policy import Actor
from gobetween.store import audit

__all__ = ["audited"]


def audited(
    target: Session | audit.Ordered,
    actor: Actor | int | None,
    action: str,
    subject: tuple[str, int | str],
    change: Mapping[str, Any],
) -> None:
    """Record ``actor``'s ``action`` on ``subject`` (object type, object id) with ``change``.

    ``actor`` is the acting user (an actor or a user id), or ``None`` for none. Written to the
    audit chain when the unit of work ``target`` commits, or with the plan step whose writes
    ``target`` collects (see :func:`gobetween.store.audit.append`).
    """
    object_type, object_id = subject
    audit.append(
        target,
        actor_id=actor.user_id if isinstance(actor, Actor) else actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        change=change,
    )
