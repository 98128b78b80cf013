"""Pages: first-run set-up, a new process, invitations (with consent), password reset,
address verification and e-mail notification settings.

JSON twins: ``/api/setup``, ``/api/processes``, ``/api/invitations...``,
``/api/auth/password-reset``, ``/api/auth/verify``, ``/api/me/mail``
(:mod:`gobetween.service.api.setup`).

An invitation link says what it invites to (the process and who convened it, the role and
organisation, who invites); a used, declined, withdrawn, replaced or expired link says what
happened, when and what to do next (409 when submitted) and never shows the sign-up form
again; only a link that never was an invitation answers 404. An address that has an account
accepts after logging in.

>>> lines_of(" UN \\n\\nTürkiye, Ankara office\\n")
['UN', 'Türkiye, Ankara office']
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gobetween import errors as e
from gobetween import i18n
from gobetween.i18n import _, format_decimal
from gobetween.model import OrganisationKind
from gobetween.model.languages import LANGUAGES, check_languages
from gobetween.policy import Actor
from gobetween.service import identity, invitations, prepare, schemas, setup
from gobetween.service.api import prepare as api
from gobetween.service.api.auth import set_session_cookie
from gobetween.service.context import SESSION_COOKIE, RequestContext
from gobetween.service.names import check_descriptions, check_names
from gobetween.web.common import Ctx, EmailField, frame, outgoing
from gobetween.web.forms import validated
from gobetween.web.render import (
    SMALL_FORMS,
    error_page,
    problem_text,
    redirect,
    refusal_context,
    render,
    run_page,
    with_twin,
)

__all__ = ["lines_of", "router"]

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=5000)]
Short = Annotated[str, Form(max_length=1024)]
#: A person's name: its length checked by the service (:func:`gobetween.service.identity.
#: check_name`), so that an over-long one comes back on the form, named, not on an error page.
AccountName = Annotated[str, Form()]


def lines_of(text: str) -> list[str]:
    """The non-empty lines of a text area, trimmed (commas are part of a line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _logged_in(ctx: RequestContext, session: Any, user: Any, target: str) -> Response:
    started = identity.start_session(session, ctx.settings, user)
    response = redirect(target)
    set_session_cookie(response, ctx.settings, started.token)
    return response


# --- first run -----------------------------------------------------------------------------


def _setup_page(request: Request, status: int = 200, **more: Any) -> Response:
    context = {"title": _("Set up gobetween"), "email": "", "name": "", **more}
    return with_twin(render(request, "setup.html", context, status=status), "/api/setup")


@router.get("/setup")
def setup_form(request: Request, ctx: Ctx) -> Response:
    """The set-up form, while the installation has no user (afterwards: not found)."""
    with ctx.anonymous(write=False) as session:
        needed = setup.needs_setup(session)
    if not needed:
        return error_page(request, e.NotFound("set-up is over"))
    return _setup_page(request)


@router.post("/setup")
def setup_submit(
    request: Request,
    ctx: Ctx,
    email: EmailField = "",
    name: AccountName = "",
    password: Short = "",
) -> Response:
    """Create the first administrator, log them in and go on to a new process."""
    hasher, account = ctx.services.hasher, identity.NewAccount(name, password, email)
    try:
        with ctx.anonymous(write=False) as session:  # Argon2 runs before the writing unit
            account = setup.create_first_admin_first(session, hasher, account)
        with ctx.anonymous() as session:
            user = setup.create_first_admin(session, hasher, outgoing(ctx, request), account)
            return _logged_in(ctx, session, user, "/processes/new")
    except e.NotFound as exc:  # set-up is over (a visitor who set up at the same moment won:
        # create_first_admin flushes the installation's row and turns the race into NotFound)
        return error_page(request, exc)
    except (e.InputError, e.Conflict) as exc:
        return _setup_page(request, 422, email=email, name=name, **refusal_context(exc))


# --- a new process -------------------------------------------------------------------------

KINDS = (
    ("parties", OrganisationKind.PARTY),
    ("mediators", OrganisationKind.MEDIATOR),
    ("observers", OrganisationKind.OBSERVER),
)


def _new_context(ctx: RequestContext, unit: Any, **more: Any) -> dict[str, Any]:
    """The new-process form: ``values`` as typed; the working languages offered by their own
    names (``available``, the languages gobetween writes texts and pages in), the reader's own
    ticked at first."""
    values: dict[str, Any] = {
        "name": "",
        "description": "",
        "parties": "",
        "mediators": "",
        "observers": "",
        "languages": [i18n.current_locale() if i18n.current_locale() in LANGUAGES else "en"],
        "names": {},
        "descriptions": {},
        "organisation_names": {},
    }
    return {
        **frame(ctx, unit),
        "title": _("New process"),
        "values": {**values, **more.pop("values", {})},
        "available": list(LANGUAGES.values()),
        "nav": [(_("Home"), "/")],
        **more,
    }


@router.get("/processes/new")
def process_new_form(request: Request, ctx: Ctx) -> Response:
    """The form for a new process: its name and its organisations."""

    def build() -> Response:
        with ctx.read() as unit:
            context = _new_context(ctx, unit)
        return with_twin(render(request, "process_new.html", context), "/api/processes")

    return run_page(request, build)


#: What a new process cannot go without: a party and a mediating organisation.
_NEEDED = {
    "parties": e.N_("name at least one party, one per line"),
    "mediators": e.N_("name at least one mediating organisation, one per line"),
}


def _checked(form: dict[str, Any]) -> tuple[schemas.ProcessIn, list[schemas.OrganisationIn]]:
    """The new-process form read through the API's schemas (the process, then each
    organisation line, refused at ``parties.name`` say), every problem found at once; the
    languages ticked (none: English) checked as the API checks them, at ``languages``; the
    names and descriptions in languages (fields ``names.<code>`` and ``descriptions.<code>``,
    empty ones left out) only in languages ticked, refused at their field as the process's
    ``PATCH`` refuses them."""
    codes = [str(c).strip() for c in form["languages"] if str(c).strip()]
    fields = {
        "name": form["name"],
        "description": form["description"].strip(),
        **{each: {c: v for c, v in form[each].items() if v.strip()} for each in _OF_PROCESS},
    }
    found = e.Problems()
    with found.check():
        process = validated(schemas.ProcessIn, {**fields, "languages": codes or None})
        working = process.languages or ["en"]
        check_languages(working)  # as read: "EN " is en
        check_names(process.names, working)  # only in languages ticked
        check_descriptions(process.descriptions, working)
    orgs: list[schemas.OrganisationIn] = []
    for field, kind in KINDS:
        if field in _NEEDED and not lines_of(form[field]):
            found.found.append(e.ValidationFailed(_NEEDED[field], location=field))
        for name in lines_of(form[field]):
            try:
                org = validated(schemas.OrganisationIn, {"name": name, "kind": kind})
            except e.ValidationFailed as exc:
                found.found.extend(p.located(location=field) for p in e.problems_of(exc))
                continue
            if any(o.name == org.name for o in orgs):  # the service would refuse it unplaced
                found.found.append(_twice(org.name, field))
            else:
                orgs.append(org)
    named = _organisation_names(form["organisation_names"], orgs, codes or ["en"], found)
    found.done()
    return process, [o.model_copy(update={"names": named.get(o.name, {})}) for o in orgs]


#: A line of an organisations' names field: the name as typed above, "=", the name there.
_NAME_LINE = e.N_("line %(line)s is not like “Ukraine = Україна”")
_NOT_ABOVE = e.N_("line %(line)s: “%(name)s” is none of the organisations typed above")


def _organisation_names(
    typed: dict[str, str],
    orgs: list[schemas.OrganisationIn],
    working: list[str],
    found: e.Problems,
) -> dict[str, dict[str, str]]:
    """The organisations' names in other languages, from a field per language
    (``organisation_names.<code>``) of lines ``name as typed above = name in that language``;
    each name checked as the admin page and the API check them (:func:`check_names`: a working
    language ticked, at most 200 characters), every problem at its field."""
    known = {o.name for o in orgs}
    named: dict[str, dict[str, str]] = {}
    for code, text in typed.items():
        where = f"organisation_names.{code}"
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            left, equals, right = (part.strip() for part in line.partition("="))
            if not (equals and left and right):
                said = _(_NAME_LINE) % {"line": number}
                found.found.append(e.ValidationFailed(said, location=where))
            elif left not in known:
                said = _(_NOT_ABOVE) % {"line": number, "name": left}
                found.found.append(e.ValidationFailed(said, location=where))
            else:
                named.setdefault(left, {})[code] = right
    refused: set[str] = set()  # one refusal a field
    for names in named.values():
        for code, text in names.items():
            where = f"organisation_names.{code}"
            try:
                check_names({code: text}, working)
            except e.InputError as exc:  # at the language's field of the organisations
                if where not in refused:
                    moved = exc.located()
                    moved.location = where
                    found.found.append(moved)
                    refused.add(where)
    return named


def _twice(name: str, field: str) -> e.ValidationFailed:
    """An organisation named on two lines of the form, refused at the second one's field."""
    said = _("“%(name)s” is named twice: each organisation of a process has its own name")
    return e.ValidationFailed(said % {"name": name}, location=field)


def _create(unit: Any, form: dict[str, Any]) -> int:
    body, orgs = _checked(form)
    process = api.new_process(unit.session, unit.actor, body)
    actor = identity.load_actor(unit.session, unit.actor.user_id)
    for org in orgs:
        prepare.add_organisation(
            unit.session, actor, process.id, name=org.name, kind=org.kind, names=org.names
        )
    return process.id


#: The new-process form's fields in each working language (``names.uk``, ``descriptions.uk``):
#: the process's own (the API's body), then its organisations' names, a line each.
_OF_PROCESS = ("names", "descriptions")
_IN_LANGUAGES = (*_OF_PROCESS, "organisation_names")


def _new_field(location: str) -> str:
    """The new-process form's field for a refusal's location: ``names.uk`` is a field of its
    own (one per language), ``parties.name`` the field ``parties``."""
    field = location.split(".")[0]
    return location if field in _IN_LANGUAGES else field


@router.post("/processes/new")
async def process_new(request: Request, ctx: Ctx) -> Response:
    """Create the process (the caller convenes and administers it), its organisations and its
    names in other languages; then on to its first track's agenda. The working languages are
    ticked by name (sent as their codes, the API's); none ticked: English."""
    sent = await request.form()
    await sent.close()

    def text(field: str) -> str:
        value = sent.get(field, "")
        return value if isinstance(value, str) else ""

    form: dict[str, Any] = {
        "name": text("name"),
        "description": text("description"),
        "parties": text("parties"),
        "mediators": text("mediators"),
        "observers": text("observers"),
        "languages": [v for v in sent.getlist("languages") if isinstance(v, str)],
        **{
            each: {
                key.removeprefix(f"{each}."): value
                for key, value in sent.items()
                if key.startswith(f"{each}.") and isinstance(value, str)
            }
            for each in _IN_LANGUAGES
        },
    }

    def build() -> Response:
        try:
            with ctx.write() as unit:
                process_id = _create(unit, form)
        except (e.InputError, e.Conflict) as exc:
            with ctx.read() as unit:
                refused = refusal_context(exc, _new_field)
                context = _new_context(ctx, unit, values=form, **refused)
            return render(request, "process_new.html", context, status=422)
        return redirect(f"/processes/{process_id}/tracks/new")

    return await run_in_threadpool(run_page, request, build)


# --- invitations ---------------------------------------------------------------------------


def _invitation_page(
    request: Request, ctx: Ctx, token: str, status: int = 200, **more: Any
) -> Response:
    """The invitation behind a link: what it is for and how to accept it, or why it can no
    longer be accepted (``status`` as asked) and what to do next. A link that never was an
    invitation answers 404 with the same page whatever it is."""
    with ctx.anonymous(write=False) as session:
        info = invitations.invitation_info(session, token)
        user, csrf = _signed_in(ctx, session)
        seated = _seated(session, user, info)
    context = {
        "title": _("Invitation"),
        "info": info,
        "token": token,
        "signed_in": user.email if user else None,
        "csrf": csrf,
        "seated": seated,
        **more,
    }
    return render(
        request, "invitation.html", context, status=404 if info.state == "unknown" else status
    )


def _signed_in(ctx: RequestContext, session: Any) -> tuple[Any, str]:
    """The signed-in visitor and their CSRF token (``None``, ``""`` for a visitor)."""
    if not ctx.session_token:
        return None, ""
    try:
        user, row = identity.authenticate_session(session, ctx.session_token)
    except e.AuthenticationFailed:
        return None, ""
    return user, row.csrf_token


def _seated(session: Any, user: Any, info: invitations.InvitationInfo) -> bool:
    """Whether the reader accepted this invitation and holds a seat in its process: signed in
    at its address, a member (the used link's page then leads to the process)."""
    if user is None or info.state != "used" or user.email != info.email:
        return False
    held = prepare.own_memberships(session, Actor(user.id))
    return any(m.process_id == info.process_id for m in held)


@router.get("/invitations/{token}")
def invitation_form(request: Request, ctx: Ctx, token: str) -> Response:
    """What the invitation is for, and how to accept it (or that it can no longer be)."""
    return _invitation_page(request, ctx, token[:200])


@router.post("/invitations/{token}")
def accept_invitation(
    request: Request,
    ctx: Ctx,
    token: str,
    name: AccountName = "",
    password: Short = "",
) -> Response:
    """Create the invited account (an address without one), log in and go home."""
    hasher, account, link = ctx.services.hasher, identity.NewAccount(name, password), token[:200]
    try:
        with ctx.anonymous(write=False) as session:  # Argon2 runs before the writing unit
            account = invitations.accept_invitation_first(session, hasher, link, account)
        with ctx.anonymous() as session:
            user, _m = invitations.accept_invitation(session, hasher, link, account)
            setup.joined_by_link(session, outgoing(ctx, request), user)
            return _logged_in(ctx, session, user, "/")
    except (e.InvitationClosed, e.NotFound):  # the page says why, and what to do next
        return _invitation_page(request, ctx, link, 409)
    except (e.InputError, e.Conflict) as exc:  # the name as typed, kept
        return _invitation_page(request, ctx, link, 422, name=name, **refusal_context(exc))


def _invitation_too_large(request: Request) -> Response:
    """The invitation's form again when its body was over the small limit (never read, so
    nothing typed can be kept): the name named as the field too long, since a password of its
    most (1,024 characters) fits in the limit."""
    services = request.app.state.services
    token = request.url.path.removeprefix("/invitations/")[:200]
    cookie = request.cookies.get(SESSION_COOKIE)
    ctx = RequestContext(services, None, cookie, None, True, "", touches=False)
    limit = {"bytes": format_decimal(services.settings.max_auth_body_bytes)}
    limit["limit"] = format_decimal(identity.MAX_NAME)
    said = (
        _(
            "the form was larger than %(bytes)s bytes and was not read: a name has at most "
            "%(limit)s characters"
        )
        % limit
    )
    refusal = refusal_context(e.ValidationFailed(said, location="name"))
    return _invitation_page(request, ctx, token, 413, **refusal)


SMALL_FORMS.append((re.compile(r"/invitations/[^/]+"), _invitation_too_large))


@router.post("/my-invitations/{invitation_id}")
def answer_invitation(
    request: Request,
    ctx: Ctx,
    invitation_id: int,
    answer: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """The signed-in invitee accepts or declines an invitation to their address; one that can
    no longer be answered (answered already in another tab, withdrawn, expired) answers 409
    with its link's page, which says why and what to do next."""

    def build() -> Response:
        try:
            with ctx.write() as unit:
                if answer == "accept":
                    invitations.accept_as(unit.session, unit.actor, invitation_id)
                elif answer == "decline":
                    invitations.decline(unit.session, unit.actor, invitation_id)
                else:
                    raise e.ValidationFailed(
                        _("choose accept or decline"),
                        location="answer",
                        expected=_("accept or decline"),
                    )
        except e.InvitationClosed:
            return _closed_page(request, ctx, invitation_id)
        return redirect("/")

    return run_page(request, build)


def _closed_page(request: Request, ctx: Ctx, invitation_id: int) -> Response:
    """The page of an invitation to the signed-in user that can no longer be answered (409)."""
    with ctx.read() as unit:
        framed = frame(ctx, unit)  # the user's own language, for the names said in it too
        info = invitations.my_invitation(unit.session, unit.actor, invitation_id)
        context = {
            **framed,
            "title": _("Invitation"),
            "info": info,
            "token": "",
            "signed_in": unit.user.email,
            "seated": _seated(unit.session, unit.user, info),
            "nav": [(_("Home"), "/")],
        }
    return render(request, "invitation.html", context, status=409)


# --- password reset, verification, notification settings ------------------------------------


@router.get("/password-reset")
def reset_request_form(request: Request) -> Response:
    """Ask for a password-reset link."""
    return render(request, "reset.html", {"title": _("Forgot your password?"), "token": None})


@router.post("/password-reset")
def reset_request(request: Request, ctx: Ctx, email: EmailField = "") -> Response:
    """Mail a link if the address has an account; the page says the same either way."""
    try:
        with ctx.anonymous() as session:
            setup.request_reset(session, outgoing(ctx, request), email)
    except e.InputError as exc:
        context = {"title": _("Forgot your password?"), "token": None, "error": problem_text(exc)}
        return render(request, "reset.html", context, status=422)
    notice = _("If this address has an account, a link to choose a new password is on its way.")
    context = {"title": _("Forgot your password?"), "token": None, "notice": notice}
    return render(request, "reset.html", context)


@router.get("/reset/{token}")
def reset_form(request: Request, token: str) -> Response:
    """Choose a new password (the link's token goes with the form)."""
    return render(request, "reset.html", {"title": _("Choose a new password"), "token": token})


@router.post("/reset/{token}")
def reset(request: Request, ctx: Ctx, token: str, password: Short = "") -> Response:
    """Set the new password, then log in with it."""
    hasher = ctx.services.hasher
    try:
        with ctx.anonymous(write=False) as session:  # Argon2 runs before the writing unit
            hashed = setup.reset_password_first(session, hasher, token, password)
        with ctx.anonymous() as session:
            setup.reset_password(session, hasher, token, password, hashed=hashed)
    except (e.InputError, e.NotFound) as exc:
        context = {"title": _("Choose a new password"), "token": token, "error": problem_text(exc)}
        return render(request, "reset.html", context, status=422)
    return redirect("/login")


@router.get("/verify/{token}")
def verify(request: Request, ctx: Ctx, token: str) -> Response:
    """Follow an address-verification link."""
    try:
        with ctx.anonymous() as session:
            setup.verify_address(session, token)
    except e.NotFound as exc:
        return error_page(request, exc)
    context = {
        "title": _("Address confirmed"),
        "detail": _("Thank you: your address is confirmed."),
    }
    return render(request, "error.html", context)


@router.get("/settings/mail")
def mail_settings_page(request: Request, ctx: Ctx) -> Response:
    """My address and how I am notified by e-mail."""

    def build() -> Response:
        with ctx.write() as unit:
            row = setup.mail_settings(unit.session, unit.actor.user_id)
            context = {
                **frame(ctx, unit),
                "title": _("E-mail notifications"),
                "row": row,
                "mail_enabled": outgoing(ctx, request).enabled,
            }
        return with_twin(render(request, "mail_settings.html", context), "/api/me/mail")

    return run_page(request, build)


@router.post("/settings/mail")
def mail_settings_save(
    request: Request,
    ctx: Ctx,
    notify: Annotated[str, Form(max_length=20)] = "",
    verify: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Save the notification choice, or send a verification link."""

    def build() -> Response:
        with ctx.write() as unit:
            if verify:
                setup.request_verification(unit.session, outgoing(ctx, request), unit.user)
            else:
                setup.set_notify(unit.session, unit.actor.user_id, notify)
        return redirect("/settings/mail")

    return run_page(request, build)
