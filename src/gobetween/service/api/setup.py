"""Routes: first-run set-up, invitations awaiting my answer, password reset, address
verification and my e-mail settings (the JSON twins of the pages in :mod:`gobetween.web.setup`).

Answers never tell whether an address has an account: a reset request answers 202 with the
same body for any address.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import Field

from gobetween.i18n import _
from gobetween.service import identity, invitations, setup
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, listing, writing, writing_as
from gobetween.service.context import RequestContext

router = APIRouter(prefix="/api", tags=["setup"])
Email = Annotated[s.Str, Field(min_length=3, max_length=254)]
Password = Annotated[s.Str, Field(min_length=1, max_length=1024)]
Token = Annotated[s.Str, Field(min_length=10, max_length=200)]
Mode = Literal["off", "immediate", "daily"]


class SetupOut(s.Out):
    needed: bool


class SetupIn(s.In):
    email: Email
    name: s.Name
    password: Password


class ResetRequestIn(s.In):
    email: Email


class ResetIn(s.In):
    token: Token
    password: Password


class LinkTokenIn(s.In):
    """The token of a link mailed to an address (to verify it, or to open an invitation)."""

    token: Token


class AcceptedOut(s.Out):
    detail: str


class InvitationInfoOut(s.Out):
    """An invitation as its recipient sees it."""

    state: s.InvitationState
    id: int
    process: str
    convened_by: str
    role: str
    organisation: str
    invited_by: str
    email: str
    expires_at: dt.datetime | None
    registered: bool
    withdrawn_by: str = ""  # who withdrew it: whom to ask
    declined_at: dt.datetime | None = None  # when it was declined


class MailSettingsOut(s.Out):
    email: str
    verified: bool
    notify: Mode


class MailSettingsIn(s.In):
    notify: Mode


def _mode(value: str) -> Mode:
    return "off" if value == "off" else "daily" if value == "daily" else "immediate"


def outgoing(ctx: RequestContext, request: Request) -> setup.Outgoing:
    """What e-mails sent by this request need: settings and the site's address."""
    return setup.Outgoing(ctx.settings, str(request.base_url))


@router.get("/setup", response_model=SetupOut)
def setup_state(ctx: Ctx) -> SetupOut:
    """Whether the installation still needs its first administrator."""
    with ctx.anonymous(write=False) as session:
        return SetupOut(needed=setup.needs_setup(session))


@router.post("/setup", response_model=s.UserOut, status_code=201)
def create_first_admin(body: SetupIn, ctx: Ctx, request: Request) -> s.UserOut:
    """Create the first administrator of an empty installation (once; then 404)."""
    hasher = ctx.services.hasher
    account = identity.NewAccount(body.name, body.password, body.email)
    with ctx.anonymous(write=False) as session:  # Argon2 runs before the writing unit
        account = setup.create_first_admin_first(session, hasher, account)
    with ctx.anonymous() as session:
        user = setup.create_first_admin(session, hasher, outgoing(ctx, request), account)
        return s.UserOut.model_validate(user)


@router.post("/auth/password-reset", response_model=AcceptedOut, status_code=202)
def request_reset(body: ResetRequestIn, ctx: Ctx, request: Request) -> AcceptedOut:
    """Mail a reset link if the address has an account; the answer is the same either way."""
    with ctx.anonymous() as session:
        setup.request_reset(session, outgoing(ctx, request), body.email)
    return AcceptedOut(detail=_("If this address has an account, a link is on its way."))


@router.post("/auth/password-reset/confirm", status_code=204)
def reset(body: ResetIn, ctx: Ctx) -> None:
    """Set a new password with the link's token (once, within an hour)."""
    hasher = ctx.services.hasher
    with ctx.anonymous(write=False) as session:  # Argon2 runs before the writing unit
        hashed = setup.reset_password_first(session, hasher, body.token, body.password)
    with ctx.anonymous() as session:
        setup.reset_password(session, hasher, body.token, body.password, hashed=hashed)


@router.post("/auth/verify", status_code=204)
def verify(body: LinkTokenIn, ctx: Ctx) -> None:
    """Prove an address with the token of the link mailed to it."""
    with ctx.anonymous() as session:
        setup.verify_address(session, body.token)


@router.get("/me/mail", response_model=MailSettingsOut)
def my_mail(ctx: Ctx) -> MailSettingsOut:
    """My address, whether it is verified, and how I am notified."""
    with ctx.write() as unit:
        row = setup.mail_settings(unit.session, unit.actor.user_id)
        return MailSettingsOut(
            email=unit.user.email, verified=row.verified_at is not None, notify=_mode(row.notify)
        )


@router.put("/me/mail", response_model=MailSettingsOut)
def set_my_mail(body: MailSettingsIn, ctx: Ctx) -> MailSettingsOut:
    """Choose how to be notified: off, immediate or daily."""
    with ctx.write() as unit:
        row = setup.set_notify(unit.session, unit.actor.user_id, body.notify)
        return MailSettingsOut(
            email=unit.user.email, verified=row.verified_at is not None, notify=_mode(row.notify)
        )


@router.post("/me/mail/verify", response_model=AcceptedOut, status_code=202)
def send_verification(ctx: Ctx, request: Request) -> AcceptedOut:
    """Mail me a link that proves my address."""
    with ctx.write() as unit:
        setup.request_verification(unit.session, outgoing(ctx, request), unit.user)
    return AcceptedOut(detail=_("A link is on its way to your address."))


@router.get("/invitations", response_model=list[InvitationInfoOut])
def my_invitations(ctx: Ctx) -> list[InvitationInfoOut]:
    """Invitations to my address that await my answer."""
    return listing(ctx, InvitationInfoOut, invitations.pending_invitations)


@router.post("/invitations/lookup", response_model=InvitationInfoOut)
def lookup(body: LinkTokenIn, ctx: Ctx) -> InvitationInfoOut:
    """What the invitation behind a link says (``state`` unknown: nothing else is told)."""
    with ctx.anonymous(write=False) as session:
        return InvitationInfoOut.model_validate(invitations.invitation_info(session, body.token))


@router.post("/invitations/{invitation_id}/accept", response_model=s.MembershipOut, status_code=201)
def accept(invitation_id: s.Id, ctx: Ctx) -> s.MembershipOut:
    """Accept an invitation to my address: I become a member."""
    return writing_as(ctx, s.MembershipOut, invitations.accept_as, invitation_id)


@router.post("/invitations/{invitation_id}/decline", status_code=204)
def decline(invitation_id: s.Id, ctx: Ctx) -> None:
    """Decline an invitation to my address."""
    writing(ctx, invitations.decline, invitation_id)
