"""Pages: one's own sessions, security log, second factor and data (``/account/security``).

The same service functions as ``/api/account/*`` (:mod:`gobetween.service.security_log`,
:mod:`gobetween.service.two_factor`): the signed-in user sees where each of their browser
sessions was started, ends any one of them or all but this one, reads the recent events of
their account, and turns the second factor on (a key to type into an authenticator app, a code
to confirm, recovery codes shown once) or off (with the password). A user who must have a
second factor and has none is sent here from every other page (and told who requires it).
The same page links the user's data export and deletes their account (with the password, the
code when on, and a ticked box saying it cannot be undone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from gobetween import errors as e
from gobetween.errors import N_, Sentence
from gobetween.i18n import _, _l
from gobetween.service import account_deletion, enrolment, identity, security_log, two_factor
from gobetween.service.api.account import EnrolCtx as Ctx
from gobetween.service.context import Unit
from gobetween.service.current_password import CurrentPassword
from gobetween.web.common import CodeField, EmailField, PasswordField, frame, outgoing
from gobetween.web.render import redirect, render, run_page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
SessionKey = Annotated[str, Path(min_length=1, max_length=64)]
T = TypeVar("T")


def kind_label(kind: str) -> str:
    """What happened, in the reader's language."""
    labels = {
        "login": _("Logged in"),
        "login.failed": _("Failed log-in (wrong password)"),
        "login.code_failed": _("Failed log-in: the right password, but no code or a wrong one"),
        "password.changed": _("Password changed"),
        "session.ended": _("A session was ended"),
        "sessions.ended": _("All other sessions were ended"),
        "token.created": _("API token made"),
        "token.revoked": _("API token revoked"),
        "two_factor.enabled": _("Second factor turned on"),
        "two_factor.disabled": _("Second factor turned off"),
        "two_factor.reset": _("Second factor removed by the administrator"),
        "recovery_code.used": _("A recovery code was used"),
        "key.registered": _("Signing key registered"),
        "key.confirmed": _("Signing key confirmed"),
        "key.revoked": _("Signing key revoked"),
        "account_deletion.failed": _("Deleting the account refused (wrong password)"),
        "account_deletion.code_failed": _(
            "Deleting the account refused: the right password, but no code or a wrong one"
        ),
    }
    return labels.get(kind, kind)


def _page(request: Request, ctx: Ctx, *, write: bool = False, **more: object) -> Response:
    """The page; its ``notice`` and ``error`` are said in the user's own language (a lazy
    string, a :class:`~gobetween.errors.Sentence` or a refusal, worded when the page is
    rendered; an ``error`` given as a function that makes the refusal is called then too)."""
    with ctx.write() if write else ctx.read() as unit:
        uid = unit.actor.user_id
        context = {
            **frame(ctx, unit),
            "title": _("Sessions and security log"),
            "sessions": security_log.own_sessions(
                unit.session,
                unit.actor,
                ctx.session_token,
                idle_minutes=ctx.settings.session_idle_minutes,
            ),
            "events": [
                (kind_label(ev.kind), ev)
                for ev in security_log.own_events(unit.session, unit.actor, 100)
            ],
            "two_factor_on": two_factor.enabled(unit.session, uid),
            "required_by": two_factor.required_by(
                unit.session, ctx.settings.require_two_factor, uid
            ),
            "codes_left": two_factor.recovery_codes_left(unit.session, uid),
            "site_admin": security_log.is_site_admin(unit.session, unit.actor),
            "notice": None,
            "enrol_token": "",
            "handed_link": None,
            "error": None,
            "recovery_codes": None,
            "enrolment": None,
            **more,
        }
        if callable(context["error"]):  # made in the user's language, set by frame() above
            context["error"] = context["error"]()
        rule = ctx.settings.require_two_factor
        context["compelled"] = bool(context["required_by"]) and not context["two_factor_on"]
        if more.get("enrol"):
            token = str(more.get("token", ""))
            context["enrolment"] = two_factor.start(unit.session, unit.user, rule=rule, token=token)
        elif more.get("error") and not context["two_factor_on"]:  # a mistyped code: again
            context["enrolment"] = two_factor.pending(unit.session, unit.user, rule=rule)
    return render(
        request, "account_security.html", context, status=422 if more.get("error") else 200
    )


@router.post("/account/two-factor/start")
def two_factor_start(
    request: Request, ctx: Ctx, token: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    """A new key for an authenticator app, and the form to confirm it with a code (where a
    second factor is compulsory, with the token of an enrolment link)."""

    def build() -> Response:
        try:
            return _page(request, ctx, write=True, enrol=True, token=token)
        except (e.Conflict, e.NotFound) as exc:
            return _page(request, ctx, error=exc)

    return run_page(request, build)


@router.get("/enrol/{token}")
def enrol_link(token: Annotated[str, Path(max_length=200)], request: Request, ctx: Ctx) -> Response:
    """An enrolment link followed: the security page with the button that uses it (opening
    the link changes nothing, so a mail scanner that fetches it does not use it up)."""
    return run_page(request, lambda: _page(request, ctx, enrol_token=token))


def _act(
    request: Request,
    ctx: Ctx,
    work: Callable[[Unit], T],
    then: Callable[[T], Response],
    refusals: tuple[type[e.GobetweenError], ...] = (),
    first: Callable[[Unit], None] | None = None,
) -> Response:
    """A form of this page: ``work`` in one unit of work that writes, then ``then(its
    result)``; a refusal among ``refusals`` shows the page again with its reason (422).
    ``first`` runs before, in a read-only unit (what need not hold the write lock)."""

    def build() -> Response:
        try:
            if first is not None:
                with ctx.read() as unit:
                    first(unit)
            with ctx.write() as unit:
                result = work(unit)
        except refusals as exc:
            return _page(request, ctx, error=exc)
        return then(result)

    return run_page(request, build)


def _password_then(
    request: Request, ctx: Ctx, right: bool, then: Callable[[], Response]
) -> Response:
    """The page again with the wrong-password refusal, or ``then()``."""
    if not right:
        return _page(request, ctx, error=identity.wrong_current_password)
    return then()


@router.post("/account/two-factor/link")
def two_factor_link(request: Request, ctx: Ctx) -> Response:
    """Mail the user a link to set up their compulsory second factor."""
    out = outgoing(ctx, request)
    return _act(
        request,
        ctx,
        lambda unit: enrolment.request_link(unit.session, out, unit.user),
        lambda _sent: _page(
            request,
            ctx,
            notice=_l(
                "A link to set up your second factor was sent to your address; open it here."
            ),
        ),
        (e.Conflict,),
    )


@router.post("/account/two-factor/handed-link")
def two_factor_handed_link(request: Request, ctx: Ctx, email: EmailField = "") -> Response:
    """The installation's administrator makes an enrolment link to hand over in person."""
    out = outgoing(ctx, request)
    return _act(
        request,
        ctx,
        lambda unit: enrolment.handed_link(unit.session, unit.actor, email),
        lambda path: _page(request, ctx, handed_link=out.link(path)),
        (e.NotFound,),
    )


@router.post("/account/two-factor/confirm")
def two_factor_confirm(request: Request, ctx: Ctx, code: CodeField = "") -> Response:
    """Turn the second factor on; the recovery codes are shown on the page, once."""
    return _act(
        request,
        ctx,
        lambda unit: two_factor.confirm(unit.session, unit.user, code),
        lambda codes: _page(request, ctx, recovery_codes=codes),
        (e.ValidationFailed,),
    )


@router.post("/account/two-factor/disable")
def two_factor_disable(
    request: Request, ctx: Ctx, current_password: PasswordField = ""
) -> Response:
    """Turn the second factor off with the current password."""

    current = CurrentPassword(ctx.services, current_password)

    def work(unit: Unit) -> bool:
        right = current.right(unit)
        if right:
            two_factor.disable(unit.session, unit.user, ctx.settings.require_two_factor)
        return right

    return _act(
        request,
        ctx,
        work,
        lambda right: _password_then(
            request, ctx, right, lambda: redirect("/account/security", request)
        ),
        (e.Conflict,),
        current.first,
    )


@router.post("/account/two-factor/reset")
def two_factor_reset(request: Request, ctx: Ctx, email: EmailField = "") -> Response:
    """The installation's administrator removes another account's lost second factor."""
    done = N_("The second factor of %(email)s was removed; its owner was told by e-mail.")
    return _act(
        request,
        ctx,
        lambda unit: two_factor.reset_by_admin(unit.session, unit.actor, ctx.settings, email),
        lambda _reset: _page(request, ctx, notice=Sentence(done, {"email": email.strip().lower()})),
        (e.NotFound, e.Conflict),
    )


@router.post("/account/delete")
def delete_account(
    request: Request,
    ctx: Ctx,
    current_password: PasswordField = "",
    code: CodeField = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Delete one's own account (pseudonymised) with the password, the code when on, and the
    box ticked that says it cannot be undone (unticked: nothing is checked or changed)."""
    if confirm != "yes":
        unconfirmed = e.ValidationFailed(
            N_("the deletion was not confirmed"),
            location="confirm",
            expected=N_("the box ticked that says the deletion cannot be undone"),
        )
        return run_page(request, lambda: _page(request, ctx, error=unconfirmed))

    current = CurrentPassword(ctx.services, current_password, account_deletion.PASSWORD_FAILED)

    def work(unit: Unit) -> tuple[bool, bool]:
        right = current.right(unit)
        pseudonym = right and account_deletion.delete_account(
            unit.session, ctx.settings, unit.actor, unit.user, code=code
        )
        return right, bool(pseudonym)

    def then(checked: tuple[bool, bool]) -> Response:
        right, deleted = checked
        if right and not deleted:
            return _page(request, ctx, error=account_deletion.wrong_code)
        return _password_then(request, ctx, right, lambda: redirect("/login", request))

    return _act(request, ctx, work, then, (e.Conflict,), current.first)


@router.get("/account/security")
def security_page(request: Request, ctx: Ctx) -> Response:
    """The user's browser sessions and the last events of their account."""

    return run_page(request, lambda: _page(request, ctx))


@router.post("/account/sessions/{session_id}/end")
def end_session(session_id: SessionKey, request: Request, ctx: Ctx) -> Response:
    """End one of the user's sessions (another user's: not found, as for none)."""
    agent = request.headers.get("user-agent", "")
    return _act(
        request,
        ctx,
        lambda unit: security_log.end_session(
            unit.session, unit.actor, session_id, address=ctx.client, user_agent=agent
        ),
        lambda _ended: redirect("/account/security", request),
    )


@router.post("/account/sessions/end-others")
def end_others(request: Request, ctx: Ctx) -> Response:
    """End every session of the user but this one."""
    agent = request.headers.get("user-agent", "")
    return _act(
        request,
        ctx,
        lambda unit: security_log.end_other_sessions(
            unit.session, unit.actor, ctx.session_token, address=ctx.client, user_agent=agent
        ),
        lambda _ended: redirect("/account/security", request),
    )
