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
    """The user of a valid API token with one of its memberships (``None`` fields: none), and
    what decides whether the user must have a second factor (1 or 0 each): whether they have
    one, whether that membership's process requires it, whether they administer the
    installation."""

    user_id: int
    process_id: int | None
    role: str | None
    organisation_id: int | None
    second_factor: int
    process_rule: int
    site_admin: int


class SessionCallerRow(NamedTuple):
    """The user of a browser session with one of its memberships, the session's CSRF token,
    when it expires and when it was last used ("last seen", written at most once a minute; when
    it was started if never), the second factor's columns of :class:`TokenCallerRow`, then the
    language and time zone the user chose (``None``: the browser's), which a page speaks."""

    user_id: int
    process_id: int | None
    role: str | None
    organisation_id: int | None
    csrf_token: str
    expires_at: dt.datetime
    last_seen_at: dt.datetime
    second_factor: int
    process_rule: int
    site_admin: int
    locale: str | None
    time_zone: str | None


#: the second factor's columns, and the joins they read (each on a primary or unique key)
_SECOND_FACTOR = """
CASE WHEN f.enabled_at IS NULL THEN 0 ELSE 1 END AS second_factor,
CASE WHEN r.process_id IS NULL THEN 0 ELSE 1 END AS process_rule,
CASE WHEN i.id IS NULL THEN 0 ELSE 1 END AS site_admin
"""
_SECOND_FACTOR_JOINS = """
LEFT JOIN two_factor f ON f.user_id = u.id
LEFT JOIN process_two_factor r ON r.process_id = m.process_id
LEFT JOIN installation i ON i.admin_id = u.id
"""

_TOKEN_CALLER_SQL = f"""
SELECT u.id, m.process_id, m.role, m.organisation_id, {_SECOND_FACTOR}
FROM api_tokens k JOIN users u ON u.id = k.user_id
LEFT JOIN memberships m ON m.user_id = u.id {_SECOND_FACTOR_JOINS}
WHERE k.token_hash = :digest AND k.revoked_at IS NULL AND u.active
"""

_SESSION_CALLER_SQL = f"""
SELECT u.id, m.process_id, m.role, m.organisation_id, w.csrf_token, w.expires_at,
COALESCE(d.last_seen_at, w.created_at) AS last_seen_at, {_SECOND_FACTOR},
u.locale, u.time_zone
FROM web_sessions w JOIN users u ON u.id = w.user_id
LEFT JOIN session_devices d ON d.session_id = w.id
LEFT JOIN memberships m ON m.user_id = u.id {_SECOND_FACTOR_JOINS}
WHERE w.session_hash = :digest AND u.active
"""


def token_caller(digest: str) -> Query:
    """The user behind an API token's digest, if valid (:class:`TokenCallerRow` rows)."""
    return Query(_TOKEN_CALLER_SQL, {"digest": digest})


def session_caller(digest: str) -> Query:
    """The user behind a session cookie's digest (:class:`SessionCallerRow` rows)."""
    return Query(_SESSION_CALLER_SQL, {"digest": digest})
