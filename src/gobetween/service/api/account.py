"""Routes of one's own account: the browser sessions (listed with when each was last used,
ended one by one or all but this one), the security log (the installation's administrator reads
everyone's), the second factor (TOTP with recovery codes; the installation's administrator
removes a lost one), and a process's rule that its members use one (read by its members, set
by its admins).

Thin: each route opens one unit of work and calls :mod:`gobetween.service.security_log` or
:mod:`gobetween.service.two_factor`. A user who must have a second factor and has none reaches
the routes of their own account (``EnrolCtx``) and nothing else (403 ``TwoFactorRequired``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gobetween.service import (
    account_deletion,
    data_export,
    enrolment,
    identity,
    security_log,
    setup,
    two_factor,
)
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, EnrolCtx
from gobetween.service.api.downloads import disposition
from gobetween.service.current_password import CurrentPassword
from gobetween.store import tables as t

__all__ = ["EnrolCtx", "router"]  # the account pages take their context as the routes do

router = APIRouter(prefix="/api", tags=["account"])
Limit = Annotated[int, Query(ge=1, le=1000)]
SessionKey = Annotated[str, Path(min_length=1, max_length=64)]


class SessionOut(BaseModel):
    """One browser session: ``id`` names it for ending it (not a row number); ``address`` and
    ``user_agent`` where it was started; ``last_seen_at`` when it was last used (to the
    minute: written at most once a minute) and ``last_client`` the browser family and system
    of that use ("Firefox on Linux"; no address is kept for it)."""

    id: str
    created_at: dt.datetime
    expires_at: dt.datetime
    address: str
    user_agent: str
    current: bool
    last_seen_at: dt.datetime | None
    last_client: str


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
def sessions(ctx: EnrolCtx) -> list[SessionOut]:
    """The caller's browser sessions, newest first, with where each was started."""
    with ctx.read() as unit:
        rows = security_log.own_sessions(
            unit.session,
            unit.actor,
            ctx.session_token,
            idle_minutes=ctx.settings.session_idle_minutes,
        )
    return [
        SessionOut(
            id=r.key,
            created_at=r.created_at,
            expires_at=r.expires_at,
            address=r.address,
            user_agent=r.user_agent,
            current=r.current,
            last_seen_at=r.last_seen_at,
            last_client=r.last_client,
        )
        for r in rows
    ]


@router.delete("/account/sessions/{session_id}", status_code=204)
def end_session(session_id: SessionKey, ctx: EnrolCtx, request: Request) -> None:
    """End one of the caller's browser sessions (404 for another user's, as for none)."""
    with ctx.write() as unit:
        security_log.end_session(
            unit.session, unit.actor, session_id, address=ctx.client, user_agent=_agent(request)
        )


@router.post("/account/sessions/end-others", response_model=EndedOut)
def end_other_sessions(ctx: EnrolCtx, request: Request) -> EndedOut:
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
def security_log_own(ctx: EnrolCtx, limit: Limit = 200) -> list[SecurityEventOut]:
    """The caller's security events, newest first: log-ins, failed log-ins, password changes,
    sessions ended, API tokens made and revoked."""
    with ctx.read() as unit:
        rows = security_log.own_events(unit.session, unit.actor, limit)
        return [
            SecurityEventOut(kind=e.kind, at=e.at, address=e.address, user_agent=e.user_agent)
            for e in rows
        ]


@router.get("/account/data")
def personal_data(ctx: Ctx) -> JSONResponse:
    """Everything gobetween holds about the caller as a person, as a JSON file to download:
    account, sessions, security log, memberships, API tokens (no secrets), signing keys'
    public parts, and the messages they wrote; nothing of anyone else."""
    with ctx.read() as unit:
        document = data_export.export(unit.session, unit.actor)
    name = f"gobetween-personal-data-{t.utcnow():%Y-%m-%d}.json"
    return JSONResponse(document, headers={"Content-Disposition": disposition(name)})


class DeleteAccountIn(s.In):
    current_password: Annotated[s.Str, Field(max_length=1024)]
    code: Annotated[s.Str, Field(max_length=64)] = ""


def _verified_first(ctx: Ctx, password: str, failure: str = "") -> CurrentPassword:
    """The current password verified (Argon2) in a read-only unit, before the writing one."""
    current = CurrentPassword(ctx.services, password, failure)
    with ctx.read() as unit:
        current.first(unit)
    return current


@router.post("/account/delete", status_code=204)
def delete_account(body: DeleteAccountIn, ctx: Ctx) -> None:
    """Delete the caller's account: the person is pseudonymised (name, address, sessions,
    tokens, security log gone; what they wrote stays under the pseudonym). Needs the current
    password (422, paused when wrong) and, when the second factor is on, ``code`` (422); 409
    for the installation's administrator or a process's only administrator."""
    current = _verified_first(ctx, body.current_password, account_deletion.PASSWORD_FAILED)
    with ctx.write() as unit:
        right = current.right(unit)
        done = right and account_deletion.delete_account(
            unit.session, ctx.settings, unit.actor, unit.user, code=body.code
        )
    if not right:  # after the unit of work, so that the failure is counted
        raise identity.wrong_current_password()
    if not done:
        raise account_deletion.wrong_code()


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


class TwoFactorOut(BaseModel):
    enabled: bool
    recovery_codes_left: int


class EnrolmentOut(BaseModel):
    """The key to type into an authenticator app (base32), and the same as a URI."""

    secret: str
    uri: str
    digits: int
    period: int


class CodeIn(s.In):
    code: Annotated[s.Str, Field(min_length=1, max_length=64)]


class RecoveryCodesOut(BaseModel):
    """Shown once: each code lets one log-in through without the app."""

    recovery_codes: list[str]


class CurrentPasswordIn(s.In):
    current_password: Annotated[s.Str, Field(max_length=1024)]


@router.get("/account/two-factor", response_model=TwoFactorOut)
def two_factor_state(ctx: EnrolCtx) -> TwoFactorOut:
    """Whether the caller's log-ins need a second factor, and how many recovery codes are left."""
    with ctx.read() as unit:
        uid = unit.actor.user_id
        return TwoFactorOut(
            enabled=two_factor.enabled(unit.session, uid),
            recovery_codes_left=two_factor.recovery_codes_left(unit.session, uid),
        )


class EmailIn(s.In):
    email: Annotated[s.Str, Field(min_length=3, max_length=254)]


class EnrolLinkIn(s.In):
    """The token of an enrolment link (``/enrol/<token>``), needed when a second factor is
    compulsory for the caller."""

    token: Annotated[s.Str, Field(min_length=1, max_length=200)] = ""


@router.post("/account/two-factor", response_model=EnrolmentOut, status_code=201)
def two_factor_start(ctx: EnrolCtx, body: EnrolLinkIn | None = None) -> EnrolmentOut:
    """Start setting up the second factor: a new key for an authenticator app (409 when on).
    When a second factor is compulsory for the caller, ``token`` must be that of an
    enrolment link of theirs (409 without one; 404 for a wrong, used or expired one)."""
    token = body.token if body is not None else ""
    with ctx.write() as unit:
        made = two_factor.start(
            unit.session, unit.user, rule=ctx.settings.require_two_factor, token=token
        )
    return EnrolmentOut(
        secret=made.secret, uri=made.uri, digits=two_factor.DIGITS, period=two_factor.PERIOD
    )


@router.post("/account/two-factor/link", status_code=202)
def two_factor_link(ctx: EnrolCtx, request: Request) -> None:
    """Mail the caller a one-time link to set up their second factor (valid one hour, at most
    three an hour); 409 when their address is not verified or no e-mail is sent: then the
    installation's administrator gives them one (``POST /api/admin/two-factor/link``)."""
    with ctx.write() as unit:
        out = setup.Outgoing(ctx.settings, str(request.base_url))
        enrolment.request_link(unit.session, out, unit.user)


class LinkOut(BaseModel):
    """A one-time link to hand over in person (shown in this answer only)."""

    link: str


@router.post("/admin/two-factor/link", response_model=LinkOut, status_code=201)
def two_factor_handed_link(body: EmailIn, ctx: Ctx, request: Request) -> LinkOut:
    """A one-time link for the account at ``email`` to set up its second factor, to hand over
    in person (valid 24 hours): the installation's administrator only (403 for anyone else;
    404: no such account). Recorded in the audit chain."""
    with ctx.write() as unit:
        path = enrolment.handed_link(unit.session, unit.actor, body.email)
    out = setup.Outgoing(ctx.settings, str(request.base_url))
    return LinkOut(link=out.link(path))


@router.post("/account/two-factor/confirm", response_model=RecoveryCodesOut)
def two_factor_confirm(body: CodeIn, ctx: EnrolCtx) -> RecoveryCodesOut:
    """Turn the second factor on with the code the app shows; the recovery codes, shown once."""
    with ctx.write() as unit:
        codes = two_factor.confirm(unit.session, unit.user, body.code)
    return RecoveryCodesOut(recovery_codes=codes)


@router.post("/account/two-factor/disable", status_code=204)
def two_factor_disable(body: CurrentPasswordIn, ctx: Ctx) -> None:
    """Turn the second factor off; needs the current password (wrong ones are paused); 409
    while the installation or one of the caller's processes requires it."""
    current = _verified_first(ctx, body.current_password)
    with ctx.write() as unit:
        right = current.right(unit)
        if right:
            two_factor.disable(unit.session, unit.user, ctx.settings.require_two_factor)
    if not right:  # after the unit of work, so that the failure is counted
        raise identity.wrong_current_password()


@router.post("/admin/two-factor/reset", status_code=204)
def two_factor_reset(body: EmailIn, ctx: Ctx) -> None:
    """Remove the second factor of the account at ``email``, whose owner lost it: the
    installation's administrator only (403 for anyone else; 404 when no account there has
    one; 409 for one's own). The owner is e-mailed and the administrators alerted."""
    with ctx.write() as unit:
        two_factor.reset_by_admin(unit.session, unit.actor, ctx.settings, body.email)


class TwoFactorRuleIn(s.In):
    required: bool


class TwoFactorRuleOut(BaseModel):
    """Whether the process requires a second factor of its members, and how many members have
    none yet (each is asked to set one up at their next request)."""

    required: bool
    members_without: int


@router.get("/processes/{process_id}/two-factor", response_model=TwoFactorRuleOut)
def process_two_factor(process_id: s.Id, ctx: Ctx) -> TwoFactorRuleOut:
    """Whether the process requires its members to log in with a second factor (members)."""
    with ctx.read() as unit:
        rule = two_factor.process_rule(unit.session, unit.actor, process_id)
    return TwoFactorRuleOut(required=rule.required, members_without=rule.members_without)


@router.put("/processes/{process_id}/two-factor", response_model=TwoFactorRuleOut)
def set_process_two_factor(process_id: s.Id, body: TwoFactorRuleIn, ctx: Ctx) -> TwoFactorRuleOut:
    """Require a second factor of every member of the process, or no longer (its admins; the
    admin's own second factor must be on first, 409 otherwise). From then on a member without
    one reaches only the set-up of their own (403 ``TwoFactorRequired`` elsewhere)."""
    with ctx.write() as unit:
        rule = two_factor.set_process_rule(unit.session, unit.actor, process_id, body.required)
    return TwoFactorRuleOut(required=rule.required, members_without=rule.members_without)
