"""Routes: the single negotiating text (versions, answers) and relayed offers.

Every step of a protocol here (a version published, from a draft too; an answer; an offer, a
forward, a decline) goes through :func:`~gobetween.service.api.protocols.stepping`: a cold
state is replayed in a read-only unit before the writing one, and the caller's view is drawn
after it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import Field

from gobetween.errors import ProtocolError, ValidationFailed
from gobetween.protocols import relay
from gobetween.protocols.single_text import AnswerKind, TextVersion
from gobetween.protocols.single_text_articles import (
    MAX_ARTICLES,
    NO_REASON,
    Article,
    ArticleAnswer,
    article_answers_from_wire,
    articles_from_wire,
)
from gobetween.protocols.single_text_views import PROTOCOL as SINGLE_TEXT_PROTOCOL
from gobetween.service import drafts, texts
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, document_slot, reading, writing
from gobetween.service.api.downloads import disposition
from gobetween.service.api.protocols import stepping
from gobetween.service.context import RequestContext

router = APIRouter(prefix="/api", tags=["negotiate"])

Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=20)]
Wording = Annotated[
    dict[Language, Annotated[s.Str, Field(max_length=20_000)]], Field(max_length=12)
]


class AlternativeIn(s.In):
    option: s.Name | None = None
    wording: Wording = Field(default_factory=dict)


class ArticleIn(s.In):
    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    kind: Literal["preamble", "operative", "final"] = "operative"
    heading: Wording = Field(default_factory=dict)
    issue: s.Name | None = None
    option: s.Name | None = None
    wording: Wording = Field(default_factory=dict)
    alternatives: Annotated[list[AlternativeIn], Field(max_length=10, default_factory=list)]


class ArticleAnswerIn(s.In):
    article: Annotated[str, Field(max_length=64)]
    stance: Literal["agree", "can_live_with", "cannot_accept"]
    alternative: Annotated[int, Field(ge=0, le=9)] | None = None
    reason: Annotated[s.Str, Field(max_length=5000)] = ""
    proposed: Wording = Field(default_factory=dict)


class ArticlesTextIn(s.TextIn):
    articles: Annotated[list[ArticleIn], Field(max_length=MAX_ARTICLES, default_factory=list)]


class ArticlesAnswerIn(s.AnswerIn):
    articles: Annotated[
        list[ArticleAnswerIn], Field(max_length=4 * MAX_ARTICLES, default_factory=list)
    ]


def _filled(wording: dict[str, str]) -> dict[str, str]:
    """Blank wording counts as none (so an empty article is reported as such, by its id)."""
    return {language: text for language, text in wording.items() if text.strip()}


def _articles(body: ArticlesTextIn) -> tuple[Article, ...]:
    raw = []
    for article in body.articles:
        item = article.model_dump()
        item["wording"] = _filled(item["wording"])
        item["heading"] = _filled(item["heading"])
        for alternative in item["alternatives"]:
            alternative["wording"] = _filled(alternative["wording"])
        raw.append(item)
    try:
        return articles_from_wire(raw)
    except ProtocolError as exc:
        raise ValidationFailed(exc.template, location="articles", params=exc.params) from None


def _answers(body: ArticlesAnswerIn) -> tuple[ArticleAnswer, ...]:
    """The per-article answers; a refused one at its place (``articles.<i>``, and
    ``articles.<i>.reason`` for "cannot accept" without a reason)."""
    items = [a.model_dump() for a in body.articles]
    try:
        return article_answers_from_wire(items)
    except ProtocolError as exc:
        where = "articles"
        for i, item in enumerate(items):
            try:
                article_answers_from_wire([item])
            except ProtocolError as one:
                where = f"articles.{i}" + (".reason" if one.template == NO_REASON else "")
                break
        raise ValidationFailed(exc.template, location=where, params=exc.params) from None


@router.get("/tracks/{track_id}/text")
def get_text(track_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """The single text as the caller may see it: mediators see every answer, a party its own."""
    return reading(ctx, texts.text_view, track_id)


@router.post("/tracks/{track_id}/text/versions", status_code=201)
def publish(track_id: s.Id, body: ArticlesTextIn, ctx: Ctx) -> dict[str, Any]:
    """Publish the next version of the text (mediators), optionally as articles.

    Refused with 422 naming each article that is empty or whose wording belongs to another
    option than the chosen one.
    """
    version = stepping(
        ctx,
        SINGLE_TEXT_PROTOCOL,
        texts.publish_text,
        track_id,
        options=body.package,
        clauses=body.clauses,
        note=body.note,
        deadline=body.deadline,
        expected_number=body.expected_number,
        articles=_articles(body),
    )
    return version.to_dict()


@router.post("/tracks/{track_id}/text/answers", status_code=201)
def answer(track_id: s.Id, body: ArticlesAnswerIn, ctx: Ctx) -> dict[str, Any]:
    """Answer the current version for the caller's party: accept, reject or amend, and per
    article (agree / can live with / cannot accept, per bracketed alternative, with a reason and
    optionally proposed wording)."""
    return record_answer(ctx, track_id, body)


def record_answer(ctx: RequestContext, track_id: int, body: ArticlesAnswerIn) -> dict[str, Any]:
    """The answer ``body``, given as the caller (the route's and the text page's form's one call
    of :func:`gobetween.service.texts.answer_text`); its articles refused as the route refuses
    them (422 at ``articles``)."""
    answers = _answers(body)
    return stepping(
        ctx,
        SINGLE_TEXT_PROTOCOL,
        texts.answering,
        track_id,
        version=body.version,
        kind=body.kind,
        reasons=body.reasons,
        amendments=body.amendments,
        articles=answers,
    )()  # the view drawn after the unit (every published version)


@router.get("/tracks/{track_id}/text/redline/{old}/{new}")
def get_redline(
    track_id: s.Id,
    old: s.Id,
    new: s.Id,
    ctx: Ctx,
    language: Annotated[Language, Query()] = "en",
) -> dict[str, Any]:
    """Word-level redline between two published versions (insertions, deletions, moved articles)."""
    return reading(ctx, texts.redline_view, track_id, old, new, language)


def _download(data: bytes, name: str, media: str) -> Response:
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": disposition(name)},
    )


@router.get("/tracks/{track_id}/text/versions/{number}/export.{fmt}")
def export_version(
    track_id: s.Id,
    number: s.Id,
    fmt: Literal["docx", "pdf"],
    ctx: Ctx,
    language: Annotated[Language, Query()] = "en",
) -> Response:
    """A published version with its [brackets] as DOCX or PDF, named after process, track and
    version."""
    with document_slot(ctx):
        render, name, media = reading(
            ctx, texts.text_export, track_id, fmt, version=number, language=language
        )
        return _download(render(), name, media)


@router.get("/tracks/{track_id}/text/redline/{old}/{new}/export.{fmt}")
def export_redline(
    track_id: s.Id,
    old: s.Id,
    new: s.Id,
    fmt: Literal["docx", "pdf"],
    ctx: Ctx,
    language: Annotated[Language, Query()] = "en",
) -> Response:
    """The redline between two versions as DOCX or PDF (insertions underlined, deletions struck
    through)."""
    with document_slot(ctx):
        render, name, media = reading(
            ctx, texts.text_export, track_id, fmt, old=old, new=new, language=language
        )
        return _download(render(), name, media)


@router.delete("/tracks/{track_id}/text/answers/{version}")
def withdraw(track_id: s.Id, version: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Withdraw the caller's party's answer to the current version."""
    return stepping(
        ctx,
        SINGLE_TEXT_PROTOCOL,
        texts.answering,
        track_id,
        version=version,
        kind=AnswerKind.ACCEPT,
        withdraw=True,
    )()


@router.get("/tracks/{track_id}/offers")
def get_offers(track_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Relayed offers: all for mediators; a party's own and those forwarded to it."""
    return reading(ctx, texts.offers_view, track_id)


@router.post("/tracks/{track_id}/offers", status_code=201)
def submit(track_id: s.Id, body: s.OfferIn, ctx: Ctx) -> dict[str, Any]:
    """Send an offer to the mediators (party members)."""
    return stepping(
        ctx, relay.PROTOCOL, texts.offering, track_id, options=body.options, message=body.message
    )()


@router.post("/tracks/{track_id}/offers/{offer}/forward")
def forward(track_id: s.Id, offer: s.Id, body: s.ForwardIn, ctx: Ctx) -> dict[str, Any]:
    """Forward an offer, possibly reworded, to other parties (mediators)."""
    return stepping(
        ctx,
        relay.PROTOCOL,
        texts.deciding,
        track_id,
        offer,
        forward=True,
        recipients=body.recipients,
        options=body.options,
        message=body.message,
    )()


@router.post("/tracks/{track_id}/offers/{offer}/decline")
def decline(track_id: s.Id, offer: s.Id, body: s.DeclineIn, ctx: Ctx) -> dict[str, Any]:
    """Decline to pass an offer on; the reason goes to its sender (mediators)."""
    return stepping(
        ctx, relay.PROTOCOL, texts.deciding, track_id, offer, forward=False, reason=body.reason
    )()


# -- drafts (mediators only; anyone else gets 404) ------------------------------------------------


class DraftIn(s.In):
    package: s.Options
    articles: Annotated[list[ArticleIn], Field(max_length=MAX_ARTICLES, default_factory=list)]
    note: Annotated[s.Str, Field(max_length=5000)] = ""
    base: Annotated[
        str | None,
        Field(
            pattern=r"^[0-9a-f]{64}$",
            description=(
                "The `digest` of the draft as you opened it (updates): if the draft was saved "
                "since, 409 and nothing is saved."
            ),
        ),
    ] = None
    deadline: dt.datetime | None = None


class PublishDraftIn(s.In):
    confirm: bool = False


class RuleIn(s.In):
    approval_required: bool = False
    after_deadline: Annotated[s.Str, Field(max_length=500)] = ""


def record_draft(
    ctx: RequestContext, track_id: int, body: DraftIn, draft_id: int | None = None
) -> dict[str, Any]:
    """Save ``body`` as a new draft, or as draft ``draft_id``'s new body (the routes' and the
    drafting page's one call of :func:`gobetween.service.drafts.save_draft`): its articles
    read and refused as the routes refuse them (blank wordings dropped, 422 at ``articles``),
    409 when ``base`` is not the draft's digest any more."""
    articles = _articles(ArticlesTextIn(package=body.package, articles=body.articles))
    return writing(
        ctx,
        drafts.save_draft,
        track_id,
        options=body.package,
        articles=articles,
        note=body.note,
        deadline=body.deadline,
        draft_id=draft_id,
        base=body.base,
    )


@router.get("/tracks/{track_id}/text/drafts")
def list_drafts(track_id: s.Id, ctx: Ctx) -> list[dict[str, Any]]:
    """The mediators' drafts of the next version, newest first (parties: 404)."""
    return reading(ctx, drafts.drafts_list, track_id)


@router.post("/tracks/{track_id}/text/drafts", status_code=201)
def create_draft(track_id: s.Id, body: DraftIn, ctx: Ctx) -> dict[str, Any]:
    """Save a draft that no party sees; its problems are listed, nothing is refused yet."""
    return record_draft(ctx, track_id, body)


@router.get("/tracks/{track_id}/text/drafts/{draft_id}")
def get_draft(track_id: s.Id, draft_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """One draft: body, digest, problems per article, approvals (current or stale)."""
    return reading(ctx, drafts.draft_view, track_id, draft_id)


@router.put("/tracks/{track_id}/text/drafts/{draft_id}")
def update_draft(track_id: s.Id, draft_id: s.Id, body: DraftIn, ctx: Ctx) -> dict[str, Any]:
    """Replace a draft's body (earlier approvals become stale)."""
    return record_draft(ctx, track_id, body, draft_id)


@router.post("/tracks/{track_id}/text/drafts/{draft_id}/approval")
def approve_draft(track_id: s.Id, draft_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """A second mediating organisation approves the draft as it stands (recorded)."""
    return writing(ctx, drafts.approve_draft, track_id, draft_id)


@router.post("/tracks/{track_id}/text/drafts/{draft_id}/publication", status_code=201)
def publish_draft(track_id: s.Id, draft_id: s.Id, body: PublishDraftIn, ctx: Ctx) -> dict[str, Any]:
    """Publish the draft to every party; needs ``confirm: true`` (and an approval if required)."""
    return record_publication(ctx, track_id, draft_id, confirm=body.confirm).to_dict()


def record_publication(
    ctx: RequestContext, track_id: int, draft_id: int, *, confirm: bool
) -> TextVersion:
    """Draft ``draft_id`` published as the caller (the route's and the draft page's one call
    of :func:`gobetween.service.drafts.publish_draft`), through :func:`stepping`."""
    return stepping(
        ctx, SINGLE_TEXT_PROTOCOL, drafts.publish_draft, track_id, draft_id, confirm=confirm
    )


@router.delete("/tracks/{track_id}/text/drafts/{draft_id}")
def discard_draft(track_id: s.Id, draft_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Set a draft aside (kept on record as discarded)."""
    return writing(ctx, drafts.discard_draft, track_id, draft_id)


@router.get("/tracks/{track_id}/text/rules")
def get_rules(track_id: s.Id, ctx: Ctx) -> dict[str, Any]:
    """Whether a second organisation must approve; what happens when a deadline passes."""
    with ctx.read() as unit:
        texts.text_view(unit.session, unit.actor, track_id)  # 404 to non-members
        return drafts.text_rule(unit.session, track_id)


@router.put("/tracks/{track_id}/text/rules")
def put_rules(track_id: s.Id, body: RuleIn, ctx: Ctx) -> dict[str, Any]:
    """Set the track's drafting rules (mediators)."""
    return writing(
        ctx,
        drafts.set_rule,
        track_id,
        approval_required=body.approval_required,
        after_deadline=body.after_deadline,
    )
