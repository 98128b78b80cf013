"""Pages: log in and out, accept an invitation, and the home page (my processes and tracks)."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.convertors import Convertor, register_url_convertor

from gobetween import errors as e
from gobetween.i18n import _
from gobetween.model import Role
from gobetween.policy import Seat
from gobetween.service import identity, invitations, prepare, processes, setup, translations
from gobetween.service.api.account import EnrolCtx
from gobetween.service.api.auth import set_device_cookie, set_session_cookie
from gobetween.service.context import SESSION_COOKIE, RequestContext, Unit
from gobetween.service.languages import working_languages
from gobetween.service.names import called
from gobetween.service.security import new_token
from gobetween.web.common import (
    CodeField,
    Ctx,
    EmailField,
    NextField,
    PasswordField,
    frame,
    safe_next,
)
from gobetween.web.render import error_page, read_page, redirect, render, run_page

__all__ = ["fallback", "router"]

router = APIRouter(include_in_schema=False)


#: The cookie holding the log-in form's CSRF token (log-in CSRF: no site can log a browser in
#: to an account of its choosing, because it cannot read the token the form carries).
LOGIN_CSRF_COOKIE = "gobetween_login_csrf"


def login_page(
    request: Request, ctx: Ctx, context: Mapping[str, object], status: int = 200
) -> Response:
    """The log-in form with a fresh CSRF token in a hidden field and in a cookie."""
    token = new_token()
    response = render(request, "login.html", {**context, "csrf": token}, status=status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        secure=ctx.settings.secure_cookies,
        samesite="strict",
        path="/login",
    )
    return response


@router.get("/login")
def login_form(request: Request, ctx: Ctx, next: str = "/", ended: str = "") -> Response:
    """The login form (an installation without users sends its first visitor to set-up);
    ``ended=idle``: it says that the session ended because it was not used."""
    with ctx.anonymous(write=False) as session:
        if setup.needs_setup(session):
            return redirect("/setup")
    context: dict[str, object] = {"title": _("Log in"), "next": safe_next(next), "email": ""}
    if ended == "idle" and ctx.settings.session_idle_minutes:
        context["idle_minutes"] = ctx.settings.session_idle_minutes
    return login_page(request, ctx, context)


@router.post("/login")
def login(
    request: Request,
    ctx: Ctx,
    email: EmailField = "",
    password: PasswordField = "",
    next: NextField = "/",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    code: CodeField = "",
) -> Response:
    """Check the form's CSRF token and the credentials (with the second factor's code when the
    user turned it on), start a browser session and go on to ``next``."""
    target = safe_next(next)

    def refused(error: str, status: int) -> Response:
        context = {"title": _("Log in"), "next": target, "email": email, "error": error}
        return login_page(request, ctx, context, status=status)

    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not (expected and csrf_token and hmac.compare_digest(expected, csrf_token)):
        return refused(_("The log-in form had expired. Please log in again."), 403)
    device = request.cookies.get(identity.DEVICE_COOKIE)
    try:
        attempt = identity.Attempt(email, password, ctx.client, device, code or None)
        hasher = ctx.services.hasher
        with ctx.anonymous(write=False) as session:  # Argon2 runs outside the writing unit
            checked = identity.check_password_first(session, hasher, ctx.settings, attempt)
        with ctx.anonymous() as session:
            outcome = identity.login(session, hasher, ctx.settings, attempt, checked=checked)
            user = outcome.user
            agent = request.headers.get("user-agent", "")
            started = (
                identity.start_session(
                    session, ctx.settings, user, address=ctx.client, user_agent=agent
                )
                if user
                else None
            )
            new_device = identity.remember_device(session, user, device) if user else None
    except e.RateLimited as exc:
        return refused(str(exc), 429)
    if started is None:
        return refused(outcome.message(), 401)
    response = redirect(target)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    set_device_cookie(response, ctx.settings, new_device)
    set_session_cookie(response, ctx.settings, started.token)
    return response


@router.post("/logout")
def logout(request: Request, ctx: EnrolCtx) -> Response:
    """End the browser session (the form carries the CSRF token)."""

    def build() -> Response:
        with ctx.write() as unit:
            if ctx.session_token:
                identity.end_session(unit.session, ctx.session_token)
        response = redirect("/login")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return run_page(request, build)


def _home_context(ctx: RequestContext, unit: Unit, /) -> dict[str, Any]:
    mine = []
    for process in processes.processes(unit.session, unit.actor):
        roles = sorted({m.role.value for m in unit.actor.memberships if m.process_id == process.id})
        tracks = [
            {
                "id": row.id,
                "name": called(row),
                "mediator": view.is_mediator,
                "party": Seat.PARTY in view.seats,
            }
            for row, view in processes.tracks(unit.session, unit.actor, process.id)
        ]
        mine.append(
            {
                "process": process,
                "convened_by": prepare.convener(unit.session, process),
                "roles": roles,
                "admin": Role.ADMIN.value in roles,
                "tracks": tracks,
                "languages": working_languages(unit.session, process.id),
            }
        )
    return {
        **frame(ctx, unit),
        "title": _("My negotiations"),
        "processes": mine,
        "invitations": invitations.pending_invitations(unit.session, unit.actor),
        "translating": translations.assigned_tracks(unit.session, unit.actor),
    }


@router.get("/")
def home(request: Request, ctx: Ctx) -> Response:
    """The caller's processes, and in each the tracks they have a seat in."""
    return read_page(request, ctx, "home.html", _home_context)


# Invitations (with consent), set-up and new processes: gobetween.web.setup.


class PagePath(Convertor[str]):
    """Any path outside ``/api`` (whose unknown addresses keep the API's problem documents)."""

    regex = r"(?!api(?:/|$)).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("gobetween_page", PagePath())

#: Mounted after every other route: an unknown page address gets an HTML "not found" page.
fallback = APIRouter(include_in_schema=False)


@fallback.get("/{path:gobetween_page}")
def not_found(request: Request, path: str) -> Response:
    """No page here: the same answer as for a page one may not see."""
    return error_page(request, e.NotFound(f"no page /{path}"))
