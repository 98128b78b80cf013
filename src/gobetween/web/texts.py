"""Pages of the single negotiating text as a party reads and answers it, and the redline.

What a page shows is the protocol's own view from :func:`gobetween.service.texts.text_view`: a
party member sees the versions and its own answers only (per article too); a mediator sees every
party's answer. The mediators' drafting pages are in :mod:`gobetween.web.drafting` (included
here). JSON twins: ``GET /api/tracks/{id}/text``, ``POST .../text/answers``,
``GET .../text/redline/{old}/{new}``.

>>> [c.article for c in changes(
...     {"articles": [{"id": "a1", "issue": "a", "option": "x", "wording": {"en": "X."}}]},
...     {"articles": [{"id": "a1", "issue": "a", "option": "x", "wording": {"en": "X, Y."}}]})]
['a1']
>>> split_reasons("too short\\r\\n\\r\\nno ammonia\\r\\n")
['too short', 'no ammonia']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from gobetween import errors as e
from gobetween import i18n
from gobetween.i18n import _
from gobetween.model import Agenda
from gobetween.protocols.single_text import AnswerKind
from gobetween.protocols.single_text_articles import (
    Article,
    Stance,
    articles_from_wire,
)
from gobetween.protocols.single_text_redline import ChangeKind, compare_articles
from gobetween.service import drafts, texts
from gobetween.service.api.texts import ArticlesAnswerIn, record_answer
from gobetween.service.context import RequestContext, Unit
from gobetween.web import drafting
from gobetween.web.agenda_words import article_named
from gobetween.web.common import Ctx, track_page
from gobetween.web.data import stream_cursor
from gobetween.web.forms import form_errors, in_form_order, validated
from gobetween.web.render import form_again, read_page, redirect, run_page

__all__ = ["Change", "changes", "router", "split_reasons"]

router = APIRouter(include_in_schema=False)
router.routes.extend(drafting.router.routes)  # the drafting pages, registered with these

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
#: The answer form's per-article fields: ``<prefix><article>[:<alternative>]``.
_PREFIXES = ("st:", "rs:", "pw:")


def split_reasons(raw: str) -> list[str]:
    """Reasons separated by empty lines; browsers send CRLF (and old Macs CR) line ends.
    Nothing is cut: the answer's schema refuses a reason that is too long, as the API does."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return [r.strip() for r in _BLANK_LINE.split(text) if r.strip()]


@dataclass(frozen=True)
class Change:
    """What changed on one article between two versions (options, wording, place)."""

    article: str
    issue: str | None
    before: str | None
    after: str | None
    wording_changed: bool
    kind: str  # "added", "removed", "changed"
    moved: bool = False

    @property
    def option_changed(self) -> bool:
        """Whether the chosen option differs."""
        return self.before != self.after


def _languages(*versions: Sequence[Article]) -> list[str]:
    found = {
        code
        for articles in versions
        for article in articles
        for wording in (article.wording, *(alt.wording for alt in article.alternatives))
        for code in wording
    }
    return sorted(found) or ["en"]


def changes(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> list[Change]:
    """Articles whose option, wording (in any language), brackets or place differ from the
    previous version: the core redline
    (:func:`~gobetween.protocols.single_text_redline.compare_articles`) in each language."""
    old = articles_from_wire((previous or {}).get("articles", []))
    new = articles_from_wire(current.get("articles", []))
    rows = [compare_articles(old, new, code, words=False) for code in _languages(old, new)]
    out = []
    for same_article in zip(*rows, strict=True):
        first = same_article[0]
        worded = any(r.change is not ChangeKind.UNCHANGED for r in same_article)
        if not (worded or first.moved or first.option_changed):
            continue
        kind = first.change.value if first.change.value in ("added", "removed") else "changed"
        out.append(
            Change(
                first.id,
                first.issue,
                first.old_option,
                first.new_option,
                worded,
                kind,
                first.moved,
            )
        )
    return out


def versions_with_changes(text: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Versions, newest first, each with its changes against the one before."""
    versions = text["versions"]
    rows = [
        {**v, "changes": changes(versions[i - 1] if i else None, v)} for i, v in enumerate(versions)
    ]
    return rows[::-1]


def text_shown(text: Mapping[str, Any], agenda: Agenda | None = None) -> dict[str, Any]:
    """What a page of the text shows of it (:func:`gobetween.service.texts.text_view`): the
    ``text``, its ``versions`` with what changed (:func:`versions_with_changes`) and the
    ``article_names`` (:func:`article_names`, with ``agenda``'s names)."""
    versions = versions_with_changes(text)
    names = article_names(versions, agenda)
    return {"text": text, "versions": versions, "article_names": names}


def article_names(
    versions: Sequence[Mapping[str, Any]], agenda: Agenda | None = None
) -> dict[str, str]:
    """What a reader of the current language calls each article (newest wins): its issue as
    ``agenda`` names it in that language, else its heading, else its kind, else its id
    (:func:`~gobetween.web.agenda_words.article_named`).

    >>> article_names([{"articles": [{"id": "art-1", "issue": "ports", "heading": {}}]}])
    {'art-1': 'ports'}
    """
    names: dict[str, str] = {}
    for version in reversed(versions):
        for a in version["articles"]:
            names[a["id"]] = article_named(a, agenda)
    return names


def answer_fields(answer: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    """A standing answer's per-article entries by form key (``<article>[:<alternative>]``), so
    that changing an answer starts from it rather than from an empty form.

    >>> answer_fields({"articles": [{"article": "art-1", "alternative": 0, "stance": "agree"}]})
    {'art-1:0': {'article': 'art-1', 'alternative': 0, 'stance': 'agree'}}
    """
    out: dict[str, Mapping[str, Any]] = {}
    for x in (answer or {}).get("articles", []):
        alt = x.get("alternative")
        out[x["article"] + ("" if alt is None else f":{alt}")] = x
    return out


def _text_context(
    ctx: RequestContext,
    unit: Unit,
    /,
    track_id: int,
    previous: Mapping[str, Mapping[str, Any]] | None = None,
    **more: Any,
) -> dict[str, Any]:
    """The text page; ``previous``: the per-article answers a refused form sent."""
    tp = track_page(unit, track_id)
    shown = text_shown(texts.text_view(unit.session, unit.actor, track_id), tp.agenda)
    text, versions = shown["text"], shown["versions"]
    current = versions[0] if versions else None
    own = text.get("own_answers", {})
    my_answer = own.get(str(current["number"])) if current else None
    return tp.context(
        ctx,
        unit,
        title=_("Negotiating text"),
        **shown,
        current=current,
        own_answers=own,
        my_answer=my_answer,
        previous=answer_fields(my_answer) if previous is None else previous,
        may_answer=text["view"] == "party" and text["status"] == "awaiting_answers",
        rule=drafts.text_rule(unit.session, track_id),
        events_cursor=stream_cursor(unit, tp.view),
        **more,
    )


@router.get("/tracks/{track_id}/text")
def text_page(request: Request, ctx: Ctx, track_id: int) -> Response:
    """The current version to answer, article by article, and every version with what changed."""
    return read_page(request, ctx, "text.html", _text_context, track_id)


def _article_answers(form: FormData, found: e.Problems) -> dict[str, dict[str, Any]]:
    """Per-article answers in the API's body form (``ArticleAnswerIn``), by the form key
    they come from, from ``st:<article>[:<alternative>]`` (stance), ``rs:`` (reason) and
    ``pw:`` (proposed wording, in the form's language). Length limits are the API's schema's;
    what only the page can see is refused here, in ``found``, at the form's field, in the
    page's own words: a reason or wording typed for no position, a stance that is none of the
    three, "cannot accept" without a reason (the protocol's refusal names the article by its
    id; the page names it by its label). Those answers are left out of the body."""
    language = str(form.get("language", "en")) or "en"
    out: dict[str, dict[str, Any]] = {}
    for key in _typed_keys(form):
        if form.get(f"st:{key}"):
            continue
        with found.check():  # a reason or wording typed for no position: not dropped
            raise e.ValidationFailed(
                _("choose your position on this article to give a reason or propose wording"),
                location=f"st:{key}",
                expected=_("agree, can live with or cannot accept"),
            )
    for key, value in form.multi_items():
        if not str(key).startswith("st:") or not value:
            continue
        rest = str(key)[3:]
        article, _sep, alt = rest.partition(":")
        reason = " ".join(split_reasons(str(form.get(f"rs:{rest}", ""))))
        with found.check():
            if str(value) not in {s.value for s in Stance}:
                raise e.ValidationFailed(
                    _("choose agree, can live with or cannot accept"), location=key
                )
            if str(value) == Stance.CANNOT_ACCEPT and not reason:
                raise e.ValidationFailed(_("say why you cannot accept it"), location=f"rs:{rest}")
            proposed = str(form.get(f"pw:{rest}", "")).replace("\r\n", "\n").strip()
            out[rest] = {
                "article": article,
                "stance": str(value),
                "alternative": int(alt) if alt.isdigit() else None,
                "reason": reason,
                "proposed": {language: proposed} if proposed else {},
            }
    return out


def _typed_keys(form: FormData) -> list[str]:
    """The article keys (``<article>[:<alternative>]``) whose position, reason or proposed
    wording the form sends filled in, in the form's order."""
    keys: dict[str, None] = {}
    for key, value in form.multi_items():
        name = str(key)
        if name[:3] in _PREFIXES and str(value).strip():
            keys.setdefault(name[3:])
    return list(keys)


def _typed_articles(form: FormData) -> dict[str, Mapping[str, Any]]:
    """The per-article answers as the form sent them, by form key, to show a refused form
    again as it was typed (in :func:`answer_fields`' shape): every article with anything
    typed, a position or not."""
    out: dict[str, Mapping[str, Any]] = {}
    for key in _typed_keys(form):
        proposed = str(form.get(f"pw:{key}", ""))
        out[key] = {
            "stance": str(form.get(f"st:{key}", "")),
            "reason": str(form.get(f"rs:{key}", "")),
            "proposed": {"typed": proposed} if proposed else {},
        }
    return out


def _answer_field(location: str, keys: Sequence[str]) -> str:
    """The answer form's field a refusal at the body's ``location`` is about: a per-article
    answer's reason or proposed wording (``articles.<i>.reason``) is that article's ``rs:`` or
    ``pw:`` field, its stance its ``st:``; any other location names its own field.

    >>> _answer_field("articles.1.reason", ["art-1", "art-2:0"])
    'rs:art-2:0'
    >>> _answer_field("articles.0", ["art-1"])
    'st:art-1'
    >>> _answer_field("reasons.0", ["art-1"])
    'reasons'
    """
    parts = location.split(".")
    if parts[0] == "articles" and len(parts) > 1 and parts[1].isdigit():
        i = int(parts[1])
        # the answer as a whole (``articles.0``: its alternative, say): its position
        prefix = {"reason": "rs", "proposed": "pw"}.get(parts[2] if len(parts) > 2 else "", "st")
        if i < len(keys):
            return f"{prefix}:{keys[i]}"
    return parts[0]


@router.post("/tracks/{track_id}/text/answer")
async def answer(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Answer the current version: as a whole, and article by article.

    The form is read as the body of ``POST /api/tracks/{id}/text/answers``
    (``ArticlesAnswerIn``, whose whole-text fields are those of the generic ``answer_text``):
    a reason over 5,000 characters, whole or per article, is refused, never cut. Every
    problem is listed at once, each at its field (an article's by the article's name)."""
    form = await request.form()
    kind_raw = str(form.get("kind", ""))
    raw_version = str(form.get("version", ""))
    version = int(raw_version) if raw_version.isdigit() else 0
    raw_reasons = str(form.get("reasons", ""))
    reasons = split_reasons(raw_reasons)
    amendments = {
        str(k)[6:]: str(v) for k, v in form.multi_items() if str(k).startswith("amend:") and v
    }

    def build() -> Response:
        keys: list[str] = []  # the form keys of the body's per-article answers, in order
        try:
            # every problem at once: the page's own checks, then the API's schema
            found = e.Problems()
            with found.check():
                if kind_raw not in {k.value for k in AnswerKind}:
                    raise e.ValidationFailed(
                        _("choose an answer"),
                        location="kind",
                        expected=_("accept, reject or amend"),
                    )
            per_article = _article_answers(form, found)
            keys.extend(per_article)
            with found.check():
                if kind_raw == AnswerKind.REJECT and not reasons:
                    raise e.ValidationFailed(
                        _("say why you reject this version"),
                        location="reasons",
                        expected=_("a reason"),
                    )
            body = {
                "version": version,
                "kind": kind_raw,
                "reasons": reasons,
                "amendments": amendments if kind_raw == AnswerKind.AMEND else {},
                "articles": list(per_article.values()),
            }
            checked = None
            with found.check():  # the API's limits, per article too
                checked = validated(ArticlesAnswerIn, body)
            if found.found:
                # in the form's order: the kind, then each article (as the form sends them)
                # with its position, reason and wording, the reasons last; each place once,
                # the page's own words first
                articles = dict.fromkeys(
                    str(n)[3:] for n, _v in form.multi_items() if str(n)[:3] in _PREFIXES
                )
                fields = [prefix + key for key in articles for prefix in _PREFIXES]
                raise in_form_order(
                    found.found, ["kind", *fields], lambda where: _answer_field(where, keys)
                )
            assert checked is not None
            record_answer(ctx, track_id, checked)  # its refusals (422 at "articles")
        except (e.InputError, e.ProtocolError) as exc:
            return form_again(
                request,
                ctx,
                "text.html",
                _text_context,
                track_id,
                typed_reasons=raw_reasons,
                typed_kind=kind_raw,
                typed_amendments=amendments,
                previous=_typed_articles(form),  # the form as it was sent
                **form_errors(exc, lambda where: _answer_field(where, keys)),
            )
        return redirect(f"/tracks/{track_id}/text#answer")

    return await run_in_threadpool(run_page, request, build)


def _redline_context(
    ctx: RequestContext, unit: Unit, /, track_id: int, raw_old: str, raw_new: str, language: str
) -> dict[str, Any]:
    tp = track_page(unit, track_id)
    text = texts.text_view(unit.session, unit.actor, track_id)
    count = len(text["versions"])
    new = int(raw_new) if raw_new.isdigit() else count
    old = int(raw_old) if raw_old.isdigit() else max(new - 1, 1)
    languages = _text_languages(text["versions"])
    if language not in languages:  # none asked for, or one the text is not in
        reader = i18n.current_locale()
        language = reader if reader in languages else next(iter(languages), "en")
    diff = (
        texts.redline_view(unit.session, unit.actor, track_id, old, new, language)
        if count
        else None
    )
    return tp.context(
        ctx,
        unit,
        title=_("Redline"),
        count=count,
        old=old,
        new=new,
        diff=diff,
        language=language,
        text_languages=languages,
    )


def _text_languages(versions: Sequence[Mapping[str, Any]]) -> list[str]:
    """The languages the text's versions are worded in, in the order they first appear.

    >>> _text_languages([{"articles": [{"wording": {"en": "A.", "uk": "А."}}]}])
    ['en', 'uk']
    """
    seen: dict[str, None] = {}
    for version in versions:
        for article in version.get("articles", ()):
            for code in article.get("wording") or {}:
                seen.setdefault(code)
            for alternative in article.get("alternatives") or ():
                for code in alternative.get("wording") or {}:
                    seen.setdefault(code)
    return list(seen)


@router.get("/tracks/{track_id}/text/redline")
def redline_page(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Any two versions compared word by word (``?old=1&new=2``, default: the last two), in
    ``?language=`` (default: the reader's language where the text has it, else its first)."""
    raw_old, raw_new = request.query_params.get("old", ""), request.query_params.get("new", "")
    language = request.query_params.get("language", "")
    return read_page(
        request, ctx, "redline.html", _redline_context, track_id, raw_old, raw_new, language
    )
