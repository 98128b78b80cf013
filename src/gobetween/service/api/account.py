"""Routes of one's own account: the browser sessions (listed, ended one by one or all but this
one) and the security log; the installation's administrator reads everyone's log.

Thin: each route opens one unit of work and calls :mod:`gobetween.service.security_log`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel

from gobetween.service import security_log
from gobetween.service.context import RequestContext, request_context

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["account"])
Ctx = Annotated[RequestContext, Depends(request_context)]
Limit = Annotated[int, Query(ge=1, le=1000)]
SessionKey = Annotated[str, Path(min_length=1, max_length=64)]


class SessionOut(BaseModel):
    """One browser session: ``id`` names it for ending it (not a row number)."""

    id: str
    created_at: dt.datetime
    expires_at: dt.datetime
    address: str
    user_agent: str
    current: bool


class EndedOut(BaseModel):
    ended: int


class SecurityEventOut(BaseModel):
    """One event of the security log (``kind`` one of ``security_log.KINDS``)."""

    kind: str
    at: dt.datetime
    address: str
    user_agent: str


class AccountEventOut(SecurityEventOut):
    """An event of anyone's log, for the installation's administrator."""

    email: str


def _agent(request: Request) -> str:
    return request.headers.get("user-agent", "")


@router.get("/account/sessions", response_model=list[SessionOut])
def sessions(ctx: Ctx) -> list[SessionOut]:
    """The caller's browser sessions, newest first, with where each was started."""
    with ctx.read() as unit:
        rows = security_log.own_sessions(unit.session, unit.actor, ctx.session_token)
    return [
        SessionOut(
            id=r.key,
            created_at=r.created_at,
            expires_at=r.expires_at,
            address=r.address,
            user_agent=r.user_agent,
            current=r.current,
        )
        for r in rows
    ]


@router.delete("/account/sessions/{session_id}", status_code=204)
def end_session(session_id: SessionKey, ctx: Ctx, request: Request) -> None:
    """End one of the caller's browser sessions (404 for another user's, as for none)."""
    with ctx.write() as unit:
        security_log.end_session(
            unit.session, unit.actor, session_id, address=ctx.client, user_agent=_agent(request)
        )


@router.post("/account/sessions/end-others", response_model=EndedOut)
def end_other_sessions(ctx: Ctx, request: Request) -> EndedOut:
    """End every browser session of the caller but the one asking (with an API token: all)."""
    with ctx.write() as unit:
        ended = security_log.end_other_sessions(
            unit.session,
            unit.actor,
            ctx.session_token if ctx.bearer is None else None,
            address=ctx.client,
            user_agent=_agent(request),
        )
    return EndedOut(ended=ended)


@router.get("/account/security-log", response_model=list[SecurityEventOut])
def security_log_own(ctx: Ctx, limit: Limit = 200) -> list[SecurityEventOut]:
    """The caller's security events, newest first: log-ins, failed log-ins, password changes,
    sessions ended, API tokens made and revoked."""
    with ctx.read() as unit:
        rows = security_log.own_events(unit.session, unit.actor, limit)
        return [
            SecurityEventOut(kind=e.kind, at=e.at, address=e.address, user_agent=e.user_agent)
            for e in rows
        ]


@router.get("/admin/security-log", response_model=list[AccountEventOut])
def security_log_all(ctx: Ctx, limit: Limit = 200) -> list[AccountEventOut]:
    """Every user's security events, newest first: the installation's administrator only."""
    with ctx.read() as unit:
        rows = security_log.all_events(unit.session, unit.actor, limit)
        return [
            AccountEventOut(
                kind=e.kind, at=e.at, address=e.address, user_agent=e.user_agent, email=email
            )
            for e, email in rows
        ]
