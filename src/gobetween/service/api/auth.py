"""Routes: log in and out, who am I, API tokens, accepting invitations."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from gobetween.errors import AuthenticationFailed
from gobetween.service import identity, invitations, prepare, setup
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, EnrolCtx, listing, writing_as
from gobetween.service.context import SESSION_COOKIE
from gobetween.service.current_password import CurrentPassword
from gobetween.service.settings import Settings

router = APIRouter(prefix="/api", tags=["auth"])


def set_device_cookie(response: Response, settings: Settings, token: str | None) -> None:
    """Give the client its device cookie (``token`` ``None``: it has one already)."""
    if token is not None:
        _set_cookie(response, settings, identity.DEVICE_COOKIE, token, identity.DEVICE_DAYS * 86400)


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    """Give the client its session cookie (``HttpOnly``, ``SameSite=Strict``, ``Secure`` as
    configured, for the session's lifetime): the API's log-in, the log-in form and set-up."""
    _set_cookie(response, settings, SESSION_COOKIE, token, settings.session_hours * 3600)


def _set_cookie(
    response: Response, settings: Settings, name: str, token: str, seconds: int
) -> None:
    """A credential cookie: ``HttpOnly``, ``SameSite=Strict``, ``Secure`` as configured, for the
    whole site, kept ``seconds``."""
    response.set_cookie(
        name,
        token,
        max_age=seconds,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
        path="/",
    )


class PasswordIn(BaseModel):
    """A password change: the current password and the new one."""

    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


@router.post("/auth/login", response_model=s.LoginOut)
def login(body: s.LoginIn, ctx: Ctx, request: Request, response: Response) -> s.LoginOut:
    """Log in with e-mail and password; sets the session cookie and returns the CSRF token.

    Repeated failures make further attempts wait (429 with ``Retry-After``); a device that
    logged in to the account before is never paused by failures from elsewhere, and only such
    a device is told that the password was right but the second factor's code missing or
    wrong (everyone else: 401 "wrong e-mail address or password, or code").
    """
    services = ctx.services
    device = request.cookies.get(identity.DEVICE_COOKIE)
    attempt = identity.Attempt(body.email, body.password, ctx.client, device, body.code)
    with ctx.anonymous(write=False) as session:  # Argon2 runs outside the writing unit
        checked = identity.check_password_first(session, services.hasher, ctx.settings, attempt)
    with ctx.anonymous() as session:
        outcome = identity.login(session, services.hasher, ctx.settings, attempt, checked=checked)
        user = outcome.user
        started = (
            identity.start_session(
                session,
                ctx.settings,
                user,
                address=ctx.client,
                user_agent=request.headers.get("user-agent", ""),
            )
            if user
            else None
        )
        new_device = identity.remember_device(session, user, device) if user else None
        out = s.UserOut.model_validate(user) if user else None
    if started is None or out is None:
        raise AuthenticationFailed(outcome.message())
    set_device_cookie(response, ctx.settings, new_device)
    set_session_cookie(response, ctx.settings, started.token)
    return s.LoginOut(user=out, csrf_token=started.csrf_token, expires_at=started.expires_at)


@router.post("/auth/password", status_code=204)
def change_password(body: PasswordIn, ctx: Ctx) -> None:
    """Change the caller's password: every other session ends and every API token is revoked
    (the browser session that asks stays logged in)."""
    hasher, current = ctx.services.hasher, CurrentPassword(ctx.services, body.current_password)
    with ctx.read() as unit:  # Argon2 twice (about 0.5 s) before the writing unit
        current.first(unit)
    hashed = hasher.hash(body.new_password) if current.verified else None
    with ctx.write() as unit:
        right = current.right(unit)
        if right:
            keep = ctx.session_token if ctx.bearer is None else None
            identity.set_password(
                unit.session, hasher, unit.user, body.new_password, keep_session=keep, hashed=hashed
            )
    if not right:  # raised after the unit of work, so that the failure is counted
        raise identity.wrong_current_password()


@router.post("/auth/logout", status_code=204)
def logout(ctx: EnrolCtx, response: Response) -> None:
    """End the browser session."""
    with ctx.write() as unit:
        if ctx.session_token:
            identity.end_session(unit.session, ctx.session_token)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/auth/me", response_model=s.MeOut)
def me(ctx: Ctx) -> s.MeOut:
    """The caller and their memberships."""
    with ctx.read() as unit:
        rows = prepare.own_memberships(unit.session, unit.actor)
        return s.MeOut(
            user=s.UserOut.model_validate(unit.user),
            memberships=[s.MembershipOut.model_validate(m) for m in rows],
        )


@router.get("/auth/tokens", response_model=list[s.TokenOut])
def tokens(ctx: Ctx) -> list[s.TokenOut]:
    """The caller's API tokens (never the tokens themselves)."""
    return listing(ctx, s.TokenOut, identity.api_tokens)


@router.post("/auth/tokens", response_model=s.NewTokenOut, status_code=201)
def create_token(body: s.TokenIn, ctx: Ctx) -> s.NewTokenOut:
    """A new API token; the token is shown in this answer only."""
    with ctx.write() as unit:
        row, token = identity.create_api_token(unit.session, unit.actor, body.name)
        return s.NewTokenOut(
            id=row.id, name=row.name, created_at=row.created_at, revoked_at=None, token=token
        )


@router.delete("/auth/tokens/{token_id}", response_model=s.TokenOut)
def revoke_token(token_id: s.Id, ctx: Ctx) -> s.TokenOut:
    """Revoke one of the caller's API tokens."""
    return writing_as(ctx, s.TokenOut, identity.revoke_api_token, token_id)


@router.post("/invitations/accept", response_model=s.MembershipOut, status_code=201)
def accept(body: s.AcceptIn, ctx: Ctx, request: Request) -> s.MembershipOut:
    """Accept an invitation: creates the user and their membership (no login needed; an
    address that has an account accepts after logging in, ``/api/invitations/{id}/accept``)."""
    hasher, account = ctx.services.hasher, identity.NewAccount(body.name, body.password)
    with ctx.anonymous(write=False) as session:  # Argon2 runs before the writing unit
        account = invitations.accept_invitation_first(session, hasher, body.token, account)
    with ctx.anonymous() as session:
        user, membership = invitations.accept_invitation(session, hasher, body.token, account)
        setup.joined_by_link(session, setup.Outgoing(ctx.settings, str(request.base_url)), user)
        return s.MembershipOut.model_validate(membership)
