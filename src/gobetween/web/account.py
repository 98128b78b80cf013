"""Pages: one's own sessions and security log (``/account/security``).

The same service functions as ``/api/account/*`` (:mod:`gobetween.service.security_log`): the
signed-in user sees where each of their browser sessions was started, ends any one of them or
all but this one, and reads the recent events of their account.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from gobetween.i18n import _
from gobetween.service import security_log
from gobetween.web.common import Ctx, frame
from gobetween.web.render import redirect, render, run_page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
SessionKey = Annotated[str, Path(min_length=1, max_length=64)]


def kind_label(kind: str) -> str:
    """What happened, in the reader's language."""
    labels = {
        "login": _("Logged in"),
        "login.failed": _("Failed log-in (wrong password)"),
        "password.changed": _("Password changed"),
        "session.ended": _("A session was ended"),
        "sessions.ended": _("All other sessions were ended"),
        "token.created": _("API token made"),
        "token.revoked": _("API token revoked"),
    }
    return labels.get(kind, kind)


@router.get("/account/security")
def security_page(request: Request, ctx: Ctx) -> Response:
    """The user's browser sessions and the last events of their account."""

    def build() -> Response:
        with ctx.read() as unit:
            context = {
                **frame(ctx, unit),
                "title": _("Sessions and security log"),
                "sessions": security_log.own_sessions(unit.session, unit.actor, ctx.session_token),
                "events": [
                    (kind_label(e.kind), e)
                    for e in security_log.own_events(unit.session, unit.actor, 100)
                ],
            }
        return render(request, "account_security.html", context)

    return run_page(request, build)


@router.post("/account/sessions/{session_id}/end")
def end_session(session_id: SessionKey, request: Request, ctx: Ctx) -> Response:
    """End one of the user's sessions (another user's: not found, as for none)."""

    def build() -> Response:
        with ctx.write() as unit:
            security_log.end_session(
                unit.session,
                unit.actor,
                session_id,
                address=ctx.client,
                user_agent=request.headers.get("user-agent", ""),
            )
        return redirect("/account/security", request)

    return run_page(request, build)


@router.post("/account/sessions/end-others")
def end_others(request: Request, ctx: Ctx) -> Response:
    """End every session of the user but this one."""

    def build() -> Response:
        with ctx.write() as unit:
            security_log.end_other_sessions(
                unit.session,
                unit.actor,
                ctx.session_token,
                address=ctx.client,
                user_agent=request.headers.get("user-agent", ""),
            )
        return redirect("/account/security", request)

    return run_page(request, build)
