"""One-time links made straight in the database, for tests that use them: a password reset's
(as :func:`gobetween.service.setup.request_reset` mails it) and an invitation's."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from tests.service.world import World

from gobetween.service import setup
from gobetween.service.security import new_token, token_digest
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.db import Database

__all__ = ["invitation_link", "reset_link"]


def reset_link(db: Database, email: str) -> str:
    """The token of a fresh password-reset link for the account at ``email``."""
    token = new_token()
    with db.unit_of_work() as session:
        user = session.execute(select(t.User).where(t.User.email == email)).scalar_one()
        expires = t.utcnow() + dt.timedelta(hours=setup.RESET_HOURS)
        row = st.MailToken(
            user_id=user.id,
            purpose="reset",
            email=user.email,
            token_hash=token_digest(token),
            expires_at=expires,
        )
        session.add(row)
    return token


def invitation_link(
    world: World, email: str, role: str = "observer", organisation: str = "Observers"
) -> str:
    """The token of an invitation to ``email`` (by default an observer of the world's
    process), made by its administrator."""
    body = {"email": email, "role": role, "organisation_id": world.orgs[organisation]}
    made = world.post("admin", f"/api/processes/{world.process_id}/invitations", json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["token"])
