"""Routes of stage 4: signing keys, agreements, signatures, lifecycle acts, bundles, renderings.

Thin: each route opens one unit of work and calls :mod:`gobetween.service.agree`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from gobetween.agreements import Renewal, RenewalRule, verify_bundle
from gobetween.errors import ValidationFailed
from gobetween.formats.akoma_ntoso import instrument_to_akn
from gobetween.formats.instrument_docx import instrument_docx
from gobetween.formats.instrument_html import instrument_html
from gobetween.formats.instrument_pdf import instrument_pdf
from gobetween.i18n import _
from gobetween.service import agree, signing_keys
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, document_slot, reading, writing
from gobetween.service.api.downloads import disposition
from gobetween.service.context import RequestContext
from gobetween.service.errors import translated

__all__ = ["MAX_BUNDLE_BYTES", "read_body", "rendering", "router"]

router = APIRouter(prefix="/api", tags=["agree"])

#: The largest bundle file the service reads.
MAX_BUNDLE_BYTES = 5_000_000

Text = Annotated[s.Str, Field(max_length=5000)]
OrgName = Annotated[s.Str, Field(min_length=1, max_length=200)]
Days = Annotated[int, Field(ge=1, le=36_500)]


class KeyIn(s.In):
    public_key_pem: Annotated[s.Str, Field(min_length=1, max_length=2000)]
    origin: Literal["browser", "upload"] = "upload"


class RevocationIn(s.In):
    reason: Annotated[s.Str, Field(max_length=500)] = ""


class AgreementIn(s.In):
    term_days: Days | None = None
    renewal_rule: RenewalRule | None = None
    notice_days: Annotated[int, Field(ge=0, le=3650)] = 0
    effective_date: dt.date
    title: Annotated[s.Str, Field(max_length=300)] = ""
    link_ids: Annotated[list[s.RefId], Field(max_length=20, default_factory=list)]
    public: Annotated[
        dict[OrgName, Annotated[list[OrgName], Field(max_length=20)]],
        Field(max_length=20, default_factory=dict),
    ]
    public_figures: bool = False
    obligations: Annotated[list[dict[OrgName, OrgName]], Field(max_length=20, default_factory=list)]


class SignatureIn(s.In):
    party: OrgName
    signer: OrgName
    signature: Annotated[s.Str, Field(max_length=200)] | dict[OrgName, Text]


class ActIn(s.In):
    act: Literal["suspend", "resume", "notice", "consent", "withdraw"]
    organisation: OrgName
    reason: Text = ""
    term_days: Days | None = None


async def read_body(request: Request, location: str = "body") -> bytes:
    """The raw request body, refused above :data:`MAX_BUNDLE_BYTES`."""
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BUNDLE_BYTES:
            raise ValidationFailed(
                _("more than %(limit)s bytes") % {"limit": MAX_BUNDLE_BYTES},
                location=location,
                expected=_("a gobetween bundle file"),
            )
    if not data:
        raise ValidationFailed(_("empty"), location=location, expected=_("a gobetween bundle file"))
    return data


@router.post("/organisations/{organisation_id}/keys", status_code=201)
def register_key(organisation_id: s.Id, body: KeyIn, ctx: Ctx) -> dict[str, Any]:
    """Register a public key (PEM) for the caller's organisation, held by the caller."""
    return writing(
        ctx, signing_keys.register_key, organisation_id, body.public_key_pem, origin=body.origin
    )


@router.get("/organisations/{organisation_id}/keys")
def keys(organisation_id: s.Id, ctx: Ctx) -> list[dict[str, Any]]:
    """The keys the caller's organisation registered, newest first."""
    return reading(ctx, agree.organisation_keys, organisation_id)


@router.get("/processes/{process_id}/keys")
def process_keys(process_id: s.Id, ctx: Ctx) -> list[dict[str, Any]]:
    """The key registry of a process: every key for its admins, else the caller's organisations'."""
    return reading(ctx, signing_keys.process_keys, process_id)


@router.post("/keys/{key_id}/confirmation")
def confirm_key(key_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """A process admin confirms that the key speaks for its holder and organisation."""
    return writing(ctx, signing_keys.confirm_key, key_id)


@router.post("/keys/{key_id}/revocation")
def revoke_key(key_id: s.Id, body: RevocationIn, ctx: Ctx) -> dict[str, Any]:
    """The key's holder or a process admin revokes it (signatures made before stay valid)."""
    return writing(ctx, signing_keys.revoke_key, key_id, body.reason)


@router.get("/agreements/{agreement_id}/registry")
def registry(agreement_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """The key registry of the signatories, for ``gobetween agreement verify --registry``."""
    return reading(ctx, agree.registry_export, agreement_id)


@router.post("/tracks/{track_id}/agreements", status_code=201)
def create(track_id: s.Id, body: AgreementIn, ctx: Ctx) -> dict[str, Any]:
    """Create the mirror agreement from the version every party accepted (mediators)."""
    # Term and renewal come from the agreed text; given here, they must say the same.
    renewal = None if body.renewal_rule is None else Renewal(body.renewal_rule, body.notice_days)
    return writing(
        ctx,
        agree.create_agreement,
        track_id,
        term_days=body.term_days,
        renewal=renewal,
        effective_date=body.effective_date,
        title=body.title,
        link_ids=body.link_ids,
        implementation={
            "public": body.public,
            "public_figures": body.public_figures,
            "obligations": body.obligations,
        },
    )


@router.get("/agreements")
def agreements(ctx: Ctx) -> list[dict[str, Any]]:
    """The agreements the caller signs for."""
    return reading(ctx, agree.agreement_list)


@router.get("/agreements/{agreement_id}")
def agreement(agreement_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """An agreement: terms, instruments, signatures, lifecycle log, term clock, links."""
    return reading(ctx, agree.agreement_view_dict, agreement_id)


@router.get("/agreements/{agreement_id}/bundle")
def bundle(agreement_id: s.Id, ctx: Ctx) -> Response:
    """The bundle file (terms, instruments, public keys, signatures) to verify offline."""
    data, name = reading(ctx, agree.bundle_bytes, agreement_id)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": disposition(name)},
    )


@router.get("/agreements/{agreement_id}/verification")
def verification(agreement_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """The verification report of the stored bundle, checked against the key registry."""
    return reading(ctx, agree.verify_stored, agreement_id)


@router.post("/verify")
async def verify_upload(request: Request) -> dict[str, Any]:
    """Verify a bundle file sent as the request body (no login needed; nothing is stored)."""
    return verify_bundle(await read_body(request)).to_dict(say=translated)


@router.get("/agreements/{agreement_id}/signing-request")
def signing_request(
    agreement_id: s.Id,
    ctx: Ctx,
    party: Annotated[s.Str, Query(min_length=1, max_length=200)],
    signer: Annotated[s.Str, Query(min_length=1, max_length=200)],
) -> dict[str, Any]:
    """The exact bytes (base64) that ``signer`` signs on the instrument of ``party``."""
    return reading(ctx, agree.signing_request, agreement_id, party=party, signer=signer)


@router.post("/agreements/{agreement_id}/signatures", status_code=201)
def add_signature(agreement_id: s.Id, body: SignatureIn, ctx: Ctx) -> dict[str, Any]:
    """Add a signature: the base64 Ed25519 value, or a signature document; verified first."""
    return writing(
        ctx,
        agree.sign,
        agreement_id,
        party=body.party,
        signer=body.signer,
        signature=body.signature,
    )


@router.post("/agreements/{agreement_id}/signed-bundle", status_code=201)
async def signed_bundle(agreement_id: s.Id, request: Request, ctx: Ctx) -> dict[str, Any]:
    """Add the caller's signatures from a bundle signed with ``gobetween agreement sign``."""
    data = await read_body(request, "bundle")

    def work() -> dict[str, Any]:
        reading(ctx, agree.load, agreement_id)  # 404 before the upload is read
        other = agree.read_signed_bundle(data)  # up to a second: before the write lock
        return writing(ctx, agree.sign_bundle, agreement_id, other)

    return await run_in_threadpool(work)


@router.post("/agreements/{agreement_id}/acts", status_code=201)
def lifecycle_act(agreement_id: s.Id, body: ActIn, ctx: Ctx) -> dict[str, Any]:
    """Record a lifecycle act: suspend, resume, give notice, consent to renewal, withdraw."""
    return record_act(ctx, agreement_id, body)


def record_act(ctx: RequestContext, agreement_id: int, body: ActIn) -> dict[str, Any]:
    """The lifecycle act ``body``, recorded as the caller (the route's and the agreement page's
    form's one call of :func:`gobetween.service.agree.act`)."""
    return writing(
        ctx,
        agree.act,
        agreement_id,
        kind=body.act,
        organisation=body.organisation,
        reason=body.reason,
        term_days=body.term_days,
    )


@router.post("/agreements/{agreement_id}/tick")
def tick(agreement_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Record the renewals or expiry that the term clock has made due."""
    return writing(ctx, agree.tick, agreement_id)


FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "akn": ("application/akn+xml", "akn.xml"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


def rendering(
    ctx: RequestContext, agreement_id: int, number: int, fmt: str, language: str | None = None
) -> Response:
    """Instrument ``number`` (1-based) of an agreement, rendered as ``fmt`` (html, pdf, akn,
    docx); Akoma Ntoso holds one language version (``language``, default the first)."""
    if fmt not in FORMATS:
        raise ValidationFailed(
            _("unknown format %(fmt)r") % {"fmt": fmt},
            location="fmt",
            expected="html, pdf, akn, docx",
        )
    loaded = reading(ctx, agree.load, agreement_id)
    instruments = loaded.bundle.instruments
    if not 1 <= number <= len(instruments):
        raise ValidationFailed(
            _("no instrument %(number)s") % {"number": number},
            location="number",
            expected=_("1 to %(most)s") % {"most": len(instruments)},
        )
    instrument = instruments[number - 1]
    signatures = [x for x in loaded.bundle.signatures if x.instrument_party == instrument.party]
    if fmt == "html":
        data = instrument_html(instrument, signatures).encode("utf-8")
    elif fmt == "pdf":
        with document_slot(ctx):
            data = instrument_pdf(instrument, signatures)
    elif fmt == "docx":
        with document_slot(ctx):
            data = instrument_docx(instrument, signatures)
    else:
        if language is not None and language not in instrument.terms.languages:
            raise ValidationFailed(
                _("the instrument has no %(language)s version") % {"language": language},
                location="language",
                expected=", ".join(instrument.terms.languages) or _("no language (one version)"),
            )
        data = instrument_to_akn(instrument, language)
    media, suffix = FORMATS[fmt]
    lang = f"-{language}" if fmt == "akn" and language else ""
    name = f"agreement-{agreement_id}-instrument-{number}{lang}.{suffix}"
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": disposition(name, "inline" if fmt == "html" else "attachment"),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )


@router.get("/agreements/{agreement_id}/instruments/{number}/{fmt}")
def instrument_file(
    agreement_id: s.Id,
    number: s.Id,
    fmt: Literal["html", "pdf", "akn", "docx"],
    ctx: Ctx,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$")] = None,
) -> Response:
    """One instrument rendered as HTML, PDF, DOCX (every language version) or Akoma Ntoso XML
    (one document per language version: ``language``, default the first), with its signatures."""
    return rendering(ctx, agreement_id, number, fmt, language)
