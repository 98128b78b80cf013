"""The mediators' drafting pages: the text as articles, drafts, preview, approval, publication.

- ``GET /tracks/{id}/draft``: the drafting form (prefilled from ``?pkg-<issue>=<option>`` or a
  saved draft ``?from=<draft>``). Each issue's article shows which option its wording belongs to;
  changing the option replaces the wording after a confirmation (the page's script, with the
  options' prepared wording); the parties' scores follow every change of option (one
  ``POST /api/tracks/{id}/scores`` per change). The matrix of per-article answers (article x
  party) is here too.
- ``POST /tracks/{id}/draft`` saves a draft (nothing reaches a party) and shows it.
- ``GET /tracks/{id}/drafts/{draft}``: the problems per article, the approvals, a preview of
  exactly what each party will see, approve (a second mediating organisation), publish (with a
  ticked confirmation) and discard.

JSON twins: ``/api/tracks/{id}/text/drafts...`` and ``/api/tracks/{id}/text/rules``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from gobetween import errors as e
from gobetween.errors import N_, Sentence
from gobetween.i18n import _, current_zone
from gobetween.model import Agenda, Issue
from gobetween.protocols.single_text_articles import (
    Article,
    ArticleKind,
    articles_from_wire,
    wording_owner,
)
from gobetween.service import drafts, scores, texts
from gobetween.service.api.calls import writing
from gobetween.service.api.texts import DraftIn, RuleIn, record_draft, record_publication
from gobetween.service.context import RequestContext, Unit
from gobetween.service.languages import declared_languages
from gobetween.web.agenda_words import article_named
from gobetween.web.common import Ctx, track_page
from gobetween.web.data import stream_cursor
from gobetween.web.forms import form_errors, in_form_order, validated
from gobetween.web.render import form_again, read_page, redirect, render, run_page

__all__ = [
    "alternative_field",
    "alternative_wording",
    "article_bodies",
    "articles_from_form",
    "default_wording",
    "draft_body",
    "form_field",
    "router",
]

router = APIRouter(include_in_schema=False)
LANGUAGE = "en"


def default_wording(issue: Issue, option: str, language: str = LANGUAGE) -> str:
    """The option's prepared wording in ``language``, else ``"<issue>: <option title>."``."""
    return issue.clause_of(option, language)


def _field(base: str, language: str, languages: Sequence[str]) -> str:
    """The form field of ``base`` in ``language``: the first language has no suffix."""
    return base if language == languages[0] else f"{base}@{language}"


def languages_of(form: FormData | Mapping[str, Any]) -> tuple[str, ...]:
    """The languages the form was drafted in (``languages``: codes joined by spaces)."""
    codes = tuple(str(form.get("languages") or LANGUAGE).split())
    return codes or (LANGUAGE,)


def _clean(text: object) -> str:
    """A text field as typed, browsers' CRLF line ends made LF; never cut (the API's body
    schema refuses what is too long)."""
    return str(text or "").replace("\r\n", "\n").strip()


def alternative_field(issue: str, option: str) -> str:
    """The form field of the wording of ``option`` as a bracketed alternative of ``issue``."""
    return f"altw-{issue}/{option}"


def alternative_wording(
    issue: Issue,
    option: str,
    wording: Callable[[str], dict[str, str]],
    languages: Sequence[str],
) -> dict[str, str]:
    """An alternative's wording: what the mediator wrote for it (:func:`alternative_field`),
    else, per language, its option's prepared wording (a newly chosen option brings its own)."""
    edited = wording(alternative_field(issue.name, option))
    return {code: edited.get(code) or default_wording(issue, option, code) for code in languages}


def article_bodies(agenda: Agenda, form: FormData | Mapping[str, Any]) -> list[dict[str, Any]]:
    """The drafting form's articles in the API's body form (``ArticleIn``: what
    :meth:`Article.to_dict <gobetween.protocols.single_text_articles.Article.to_dict>` gives):
    ``preamble``, one per issue (``pkg-``/``clause-``, brackets ``br-<issue>`` with options
    ``alt-<issue>`` and each alternative's wording ``altw-<issue>/<option>``), ``final``;
    wording in each of the form's languages (fields of the first language have no suffix,
    others ``@<code>``). Nothing is checked or cut here: the API's schema does that
    (:func:`draft_body`)."""
    getlist = form.getlist if isinstance(form, FormData) else (lambda k: [form.get(k)])
    languages = languages_of(form)

    def wording(base: str) -> dict[str, str]:
        texts = {code: _clean(form.get(_field(base, code, languages))) for code in languages}
        return {code: text for code, text in texts.items() if text}

    def article(id_: str, kind: ArticleKind, **fields: Any) -> dict[str, Any]:
        base: dict[str, Any] = {"issue": None, "option": None, "wording": {}, "alternatives": []}
        return {"id": id_, "kind": kind.value, "heading": {}, **base, **fields}

    out = []
    if preamble := wording("preamble"):
        out.append(article("preamble", ArticleKind.PREAMBLE, wording=preamble))
    for n, issue in enumerate(agenda.issues, start=1):
        option = str(form.get(f"pkg-{issue.name}") or issue.option_names[0])
        if form.get(f"br-{issue.name}"):
            chosen = [
                str(o) for o in getlist(f"alt-{issue.name}") if o and issue.has_option(str(o))
            ]
            alternatives = [
                {"option": o, "wording": alternative_wording(issue, o, wording, languages)}
                for o in chosen
            ]
            out.append(
                article(
                    f"art-{n}", ArticleKind.OPERATIVE, issue=issue.name, alternatives=alternatives
                )
            )
            continue
        worded = wording(f"clause-{issue.name}")
        out.append(
            article(
                f"art-{n}", ArticleKind.OPERATIVE, issue=issue.name, option=option, wording=worded
            )
        )
    if final := wording("final"):
        out.append(article("final", ArticleKind.FINAL, wording=final))
    return out


def articles_from_form(agenda: Agenda, form: FormData | Mapping[str, Any]) -> tuple[Article, ...]:
    """The drafting form's articles (:func:`article_bodies`) as the core reads them."""
    return articles_from_wire(article_bodies(agenda, form))


def draft_body(
    package: Mapping[str, str],
    articles: Sequence[Mapping[str, Any]],
    note: str,
    deadline: dt.datetime | None,
    base: str | None = None,
) -> DraftIn:
    """The drafting form read as the body of ``POST /api/tracks/{id}/text/drafts``
    (:class:`~gobetween.service.api.texts.DraftIn`): what the API refuses (a wording over
    20,000 characters, a note over 5,000 ...) is refused here, at the same place
    (``articles.1.wording.en``), never cut."""
    body = {
        "package": package,
        "articles": articles,
        "note": note,
        "deadline": deadline,
        "base": base,
    }
    return validated(DraftIn, body)


def form_field(
    location: str, articles: Sequence[Mapping[str, Any]], languages: Sequence[str]
) -> str:
    """The drafting form's field that a refusal at the body's ``location`` is about: an
    article's wording (``articles.<i>.wording.<code>``) is the preamble's, the final clauses',
    its issue's ``clause-`` or a bracketed alternative's field in that language; an option of
    the package (``package.<issue>``) its ``pkg-`` field; any other location names its own
    field (``note``, ``deadline``).

    >>> arts = [{"kind": "operative", "issue": "ports", "alternatives": []}]
    >>> form_field("articles.0.wording.uk", arts, ("en", "uk"))
    'clause-ports@uk'
    >>> form_field("note", arts, ("en",))
    'note'
    >>> form_field("package.ports", arts, ("en",))
    'pkg-ports'
    """
    parts = location.split(".")
    if parts[0] == "package" and len(parts) > 1:
        return f"pkg-{parts[1]}"
    if parts[0] != "articles" or len(parts) < 2 or not parts[1].isdigit():
        return parts[0]
    article = articles[int(parts[1])] if int(parts[1]) < len(articles) else {}
    rest = parts[2:]
    if rest[:1] == ["alternatives"] and len(rest) > 2 and rest[1].isdigit():
        alternatives = article.get("alternatives", [])
        k = int(rest[1])
        option = alternatives[k].get("option") if k < len(alternatives) else None
        base = alternative_field(str(article.get("issue")), str(option))
        rest = rest[2:]
    elif article.get("issue"):
        base = f"clause-{article['issue']}"
    else:
        base = str(article.get("kind", "preamble"))
    language = rest[1] if len(rest) > 1 and rest[0] == "wording" else languages[0]
    return _field(base, language, languages)


def _form_order(
    agenda: Agenda, form: FormData | Mapping[str, Any], languages: Sequence[str]
) -> list[str]:
    """The drafting form's fields in the order the page draws them: the preamble, each
    issue's option, wording and bracketed alternatives, the final clauses, the deadline, the
    note (each wording in every language)."""
    getlist = form.getlist if isinstance(form, FormData) else (lambda k: [form.get(k)])
    bases = ["preamble"]
    for issue in agenda.issues:
        bases.extend((f"pkg-{issue.name}", f"clause-{issue.name}"))
        bases.extend(alternative_field(issue.name, str(o)) for o in getlist(f"alt-{issue.name}"))
    bases.append("final")
    names = [_field(base, code, languages) for base in bases for code in languages]
    return [*names, "deadline", "note"]


def _deadline(raw: object) -> dt.datetime | None:
    """A ``datetime-local`` value, read in the mediator's own time zone."""
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        local = dt.datetime.fromisoformat(text)
    except ValueError:
        raise e.ValidationFailed(
            _("the deadline is not a date and time"), location="deadline"
        ) from None
    return local.replace(tzinfo=zoneinfo.ZoneInfo(current_zone()))


def _issue_rows(
    agenda: Agenda,
    chosen: Mapping[str, str],
    articles: Mapping[str, Mapping[str, Any]],
    languages: Sequence[str],
) -> list[dict[str, Any]]:
    first = languages[0]
    rows = []
    for issue in agenda.issues:
        article = articles.get(issue.name, {})
        option = chosen[issue.name]
        kept = article.get("option") == option and bool(article.get("wording"))
        wording = {
            code: article["wording"].get(code, "") if kept else default_wording(issue, option, code)
            for code in languages
        }
        owner = wording_owner(issue, first, wording[first]) if wording[first] else None
        prepared = {
            o.name: {code: default_wording(issue, o.name, code) for code in languages}
            for o in issue.options
        }
        rows.append(
            {
                "issue": issue,
                "option": option,
                "wording": wording,
                "owner": owner,
                "alternative_rows": _alternative_rows(issue, article, languages),
                "bracketed": bool(article.get("alternatives")),
                "alternatives": [a.get("option") for a in article.get("alternatives", [])],
                "prepared": json.dumps(
                    {name: texts[first] for name, texts in prepared.items()}, ensure_ascii=False
                ),
                "prepared_languages": json.dumps(prepared, ensure_ascii=False),
            }
        )
    return rows


def _alternative_rows(
    issue: Issue, article: Mapping[str, Any], languages: Sequence[str]
) -> list[dict[str, Any]]:
    """Each bracketed alternative of ``article``: its option, wording per language, the option
    that wording belongs to (``None``: the mediators' own) and the prepared wording."""
    out = []
    for alt in article.get("alternatives", []):
        option = alt.get("option")
        if option is None or not issue.has_option(option):
            continue
        wording = {code: alt.get("wording", {}).get(code, "") for code in languages}
        first = wording[languages[0]]
        out.append(
            {
                "option": option,
                "field": alternative_field(issue.name, option),
                "wording": wording,
                "owner": wording_owner(issue, languages[0], first) if first else None,
                "prepared": {code: default_wording(issue, option, code) for code in languages},
            }
        )
    return out


def _draft_context(
    ctx: RequestContext,
    unit: Unit,
    /,
    track_id: int,
    proposed: Mapping[str, str],
    source: Mapping[str, Any] | None = None,
    rule: Mapping[str, Any] | None = None,
    draft_id: int | None = None,
    **more: Any,
) -> dict[str, Any]:
    """The drafting page (from the draft ``draft_id`` when it is one); ``rule``: the text's
    rules as a refused form sent them."""
    from gobetween.web.texts import text_shown  # texts includes this

    tp = track_page(unit, track_id)
    if not tp.view.is_mediator:
        raise e.NotFound(f"no drafting in track {track_id}")
    shown = text_shown(texts.text_view(unit.session, unit.actor, track_id), tp.agenda)
    versions = shown["versions"]
    base = source or (versions[0] if versions else {})
    package = dict(base.get("package", {}))
    chosen = {
        i.name: proposed.get(i.name) or package.get(i.name) or i.option_names[0]
        for i in tp.agenda.issues
    }
    by_issue = {a["issue"]: a for a in base.get("articles", []) if a.get("issue")}
    extra = {a["kind"]: a for a in base.get("articles", []) if not a.get("issue")}
    languages = declared_languages(unit.session, track_id) or (LANGUAGE,)
    try:
        scored = scores.package_scores(unit.session, unit.actor, track_id, chosen)
        utilities, missing = scored.scores, scored.missing
    except e.InvalidModel:  # options from the address that are not on the agenda
        utilities, missing = (), {}
    return tp.context(
        ctx,
        unit,
        title=_("Drafting the text"),
        **shown,
        chosen=chosen,
        rows=_issue_rows(tp.agenda, chosen, by_issue, languages),
        text_languages=languages,
        preamble=extra.get("preamble", {}).get("wording", {}),
        final=extra.get("final", {}).get("wording", {}),
        note=base.get("note", "") if source else "",
        utilities=[
            {
                "party": u.party,
                "shown": tp.party_name(u.party_id),  # in the reader's language
                "utility": u.utility,
                "reservation": u.reservation,
                "red": u.crosses_red_line,
            }
            for u in utilities
        ],
        missing_prefs=sorted(tp.party_name(p) for p in missing),
        next_number=len(versions) + 1,
        drafts=drafts.drafts_list(unit.session, unit.actor, track_id),
        rule=drafts.text_rule(unit.session, track_id) if rule is None else rule,
        events_cursor=stream_cursor(unit, tp.view),
        draft_id=draft_id,
        **more,
    )


@router.get("/tracks/{track_id}/draft")
def draft_page(request: Request, ctx: Ctx, track_id: int) -> Response:
    """The drafting form, the matrix of answers, the drafts and every published version."""
    proposed = {
        k[4:]: v for k, v in request.query_params.multi_items() if k.startswith("pkg-") and v
    }
    published = request.query_params.get("published", "")
    notice = (  # said when the page is rendered, in the user's own language
        Sentence(N_("Version %(number)s published to every party."), {"number": published})
        if published.isdigit()
        else None
    )
    source_id = request.query_params.get("from", "")

    def build() -> Response:
        with ctx.read() as unit:
            opened = (
                drafts.draft_view(unit.session, unit.actor, track_id, int(source_id))
                if source_id.isdigit()
                else None
            )
            context = _draft_context(
                ctx,
                unit,
                track_id,
                proposed,
                opened["body"] if opened else None,
                notice=notice,
                draft_id=int(source_id) if source_id.isdigit() else None,
                draft_base=opened["digest"] if opened else "",
            )
        return render(request, "draft.html", context)

    return run_page(request, build)


@router.post("/tracks/{track_id}/draft")
async def save(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Save the drafted articles as a draft (no party sees it) and show its preview: through the
    API's own call (:func:`~gobetween.service.api.texts.record_draft`).

    The form is read as the API's draft body (:func:`draft_body`); a refusal shows the form
    again as it was typed, the words next to the field (:func:`form_field`)."""
    form = await request.form()
    options = {str(k)[4:]: str(v) for k, v in form.multi_items() if str(k).startswith("pkg-")}
    raw_draft = str(form.get("draft", ""))
    draft_id = int(raw_draft) if raw_draft.isdigit() else None
    raw_base = str(form.get("base", ""))
    base = raw_base if re.fullmatch(r"[0-9a-f]{64}", raw_base) else None
    languages = languages_of(form)

    def build() -> Response:
        typed: dict[str, Any] | None = None
        articles: list[dict[str, Any]] = []

        def field_of(where: str) -> str:
            return form_field(where, articles, languages)

        try:
            with ctx.read() as unit:
                agenda = track_page(unit, track_id).agenda
            articles = article_bodies(agenda, form)
            typed = {"package": options, "articles": articles, "note": _clean(form.get("note"))}
            found = e.Problems()  # every problem at once: the deadline's, then the schema's
            deadline = None
            with found.check():
                deadline = _deadline(form.get("deadline"))
            body = None
            with found.check():
                body = draft_body(options, articles, typed["note"], deadline, base)
            if found.found or body is None:
                order = _form_order(agenda, form, languages)
                raise in_form_order(found.found, order, field_of)
            made = record_draft(ctx, track_id, body, draft_id)
        except (e.InputError, e.ProtocolError, e.Conflict) as exc:
            shown = form_errors(exc, field_of)
            again = form_again(
                request,
                ctx,
                "draft.html",
                _draft_context,
                track_id,
                options,
                typed,
                draft_id=draft_id,
                draft_base=base or "",
                conflict=isinstance(exc, e.Conflict),
                typed_deadline=str(form.get("deadline") or ""),
                **shown,
            )
            if isinstance(exc, e.Conflict):  # saved by another meanwhile: 409, as the API says
                again.status_code = 409
            return again
        return redirect(f"/tracks/{track_id}/drafts/{made['id']}")

    return await run_in_threadpool(run_page, request, build)


def _one_draft_context(
    ctx: RequestContext, unit: Unit, /, track_id: int, draft_id: int, **more: Any
) -> dict[str, Any]:
    tp = track_page(unit, track_id)
    draft = drafts.draft_view(unit.session, unit.actor, track_id, draft_id)
    text = texts.text_view(unit.session, unit.actor, track_id)
    body = draft["body"]
    preview = {
        "number": len(text["versions"]) + 1,
        "package": body["package"],
        "articles": body["articles"],
        "bracketed": [a["id"] for a in body["articles"] if a.get("alternatives")],
        "note": body.get("note", ""),
        "deadline": body.get("deadline"),
        "published_at": None,
        "changes": [],
    }
    by_id = {a.get("id"): a for a in body["articles"]}
    untranslated = {  # language -> the articles not worded in it, named as the reader names them
        code: [article_named(by_id[i], tp.agenda) if i in by_id else i for i in ids]
        for code, ids in draft["untranslated"].items()
    }
    return tp.context(
        ctx,
        unit,
        title=_("Draft of version %(number)s") % {"number": preview["number"]},
        draft=draft,
        untranslated=untranslated,
        preview=preview,
        rule=drafts.text_rule(unit.session, track_id),
        may_approve=tp.view.own_mediator not in (None, draft["organisation_id"]),
        **more,
    )


@router.get("/tracks/{track_id}/drafts/{draft_id}")
def one_draft(request: Request, ctx: Ctx, track_id: int, draft_id: int) -> Response:
    """A draft: problems per article, approvals, the preview each party will see, publish."""
    return read_page(request, ctx, "draft_view.html", _one_draft_context, track_id, draft_id)


@router.post("/tracks/{track_id}/drafts/{draft_id}/{act}")
async def draft_act(request: Request, ctx: Ctx, track_id: int, draft_id: int, act: str) -> Response:
    """``publish`` (with ``confirm=yes``), ``approve`` or ``discard`` a draft."""
    form = await request.form()

    def build() -> Response:
        try:
            if act == "publish":  # a cold text replayed before the writing unit
                if form.get("confirm") != "yes":  # the API's refusal, in the page's words
                    raise e.ValidationFailed(
                        _("publishing sends the text to every party: confirm it"),
                        location="confirm",
                        expected=_("tick the box that says you have read the preview"),
                    )
                version = record_publication(ctx, track_id, draft_id, confirm=True)
                target = f"/tracks/{track_id}/draft?published={version.number}"
            elif act == "approve":
                writing(ctx, drafts.approve_draft, track_id, draft_id)
                target = f"/tracks/{track_id}/drafts/{draft_id}"
            elif act == "discard":
                writing(ctx, drafts.discard_draft, track_id, draft_id)
                target = f"/tracks/{track_id}/draft"
            else:
                raise e.NotFound(f"no action {act!r}")
        except (e.InputError, e.ProtocolError, e.Conflict) as exc:
            shown = form_errors(exc)
            return form_again(
                request, ctx, "draft_view.html", _one_draft_context, track_id, draft_id, **shown
            )
        return redirect(target)

    return await run_in_threadpool(run_page, request, build)


@router.post("/tracks/{track_id}/text/rules")
async def rules(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Whether a second mediating organisation must approve; what happens after a deadline.

    Read as the body of ``PUT /api/tracks/{id}/text/rules`` (``RuleIn``): a sentence over 500
    characters is refused at ``after_deadline``, not cut."""
    form = await request.form()
    fields = {
        "approval_required": form.get("approval_required") == "yes",
        "after_deadline": _clean(form.get("after_deadline")),
    }

    def build() -> Response:
        try:
            body = validated(RuleIn, fields)
            with ctx.write() as unit:
                drafts.set_rule(
                    unit.session,
                    unit.actor,
                    track_id,
                    approval_required=body.approval_required,
                    after_deadline=body.after_deadline,
                )
        except (e.InputError, e.ProtocolError) as exc:
            shown = form_errors(exc)
            return form_again(
                request, ctx, "draft.html", _draft_context, track_id, {}, rule=fields, **shown
            )
        return redirect(f"/tracks/{track_id}/draft#rules")

    return await run_in_threadpool(run_page, request, build)
