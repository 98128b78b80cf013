"""Who is calling: the statements that read a request's user and memberships in one go.

A plan sends one of these with its first statements (:func:`gobetween.store.plans.joined`);
:class:`gobetween.service.identity.Credentials` decides from the named rows.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from gobetween.store.plans import Query

__all__ = ["SessionCallerRow", "TokenCallerRow", "session_caller", "token_caller"]


class TokenCallerRow(NamedTuple):
    """The user of a valid API token with one of its memberships (``None`` fields: none)."""

    user_id: int
    process_id: int | None
    role: str | None
    organisation_id: int | None


class SessionCallerRow(NamedTuple):
    """The user of a browser session with one of its memberships, the session's CSRF token and
    when it expires."""

    user_id: int
    process_id: int | None
    role: str | None
    organisation_id: int | None
    csrf_token: str
    expires_at: dt.datetime


_TOKEN_CALLER_SQL = """
SELECT u.id, m.process_id, m.role, m.organisation_id
FROM api_tokens k JOIN users u ON u.id = k.user_id
LEFT JOIN memberships m ON m.user_id = u.id
WHERE k.token_hash = :digest AND k.revoked_at IS NULL AND u.active
"""

_SESSION_CALLER_SQL = """
SELECT u.id, m.process_id, m.role, m.organisation_id, w.csrf_token, w.expires_at
FROM web_sessions w JOIN users u ON u.id = w.user_id
LEFT JOIN memberships m ON m.user_id = u.id
WHERE w.session_hash = :digest AND u.active
"""


def token_caller(digest: str) -> Query:
    """The user behind an API token's digest, if valid (:class:`TokenCallerRow` rows)."""
    return Query(_TOKEN_CALLER_SQL, {"digest": digest})


def session_caller(digest: str) -> Query:
    """The user behind a session cookie's digest (:class:`SessionCallerRow` rows)."""
    return Query(_SESSION_CALLER_SQL, {"digest": digest})
