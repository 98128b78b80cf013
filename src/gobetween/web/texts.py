"""Pages of the single negotiating text: a party answers it; the mediators draft and publish it.

What a page shows is the protocol's own view from :func:`gobetween.service.texts.text_view`: a
party member sees the versions and its own answers only; a mediator sees every party's answer to
every version; the drafting page scores the drafted package for every party with
:func:`gobetween.service.scores.package_scores`. JSON twins: ``GET /api/tracks/{id}/text``,
``POST .../text/answers``, ``POST .../text/versions``, ``POST /api/tracks/{id}/scores``.

>>> [c.issue for c in changes({"package": {"a": "x", "b": "p"}, "clauses": {}},
...                           {"package": {"a": "y", "b": "p"}, "clauses": {"b": "New."}})]
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gobetween import errors as e
from gobetween.protocols.single_text import AnswerKind
from gobetween.service import scores, texts
from gobetween.service.context import RequestContext, Unit
from gobetween.web.common import Ctx, track_page
from gobetween.web.data import stream_cursor
from gobetween.web.render import problem_text, redirect, render, run_page

__all__ = ["Change", "changes", "router"]

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Change:
    """What changed on one issue between two versions."""

    issue: str
    before: str | None
    after: str | None
    clause_changed: bool


def changes(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> list[Change]:
    """Issues whose option or clause differs from the previous version (all, for the first)."""
    before_pkg = previous["package"] if previous else {}
    before_cl = previous["clauses"] if previous else {}
    out = []
    for issue, option in current["package"].items():
        clause_changed = current["clauses"].get(issue, "") != before_cl.get(issue, "")
        if before_pkg.get(issue) != option or clause_changed:
            out.append(Change(issue, before_pkg.get(issue), option, clause_changed))
    return out


def _versions(text: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Versions, newest first, each with its changes against the one before."""
    versions = text["versions"]
    rows = [
        {**v, "changes": changes(versions[i - 1] if i else None, v)} for i, v in enumerate(versions)
    ]
    return rows[::-1]


def _text_context(ctx: RequestContext, unit: Unit, track_id: int, **more: Any) -> dict[str, Any]:
    tp = track_page(unit, track_id)
    text = texts.text_view(unit.session, unit.actor, track_id)
    versions = _versions(text)
    current = versions[0] if versions else None
    own = text.get("own_answers", {})
    return tp.context(
        ctx,
        unit,
        title="Negotiating text",
        text=text,
        versions=versions,
        current=current,
        own_answers=own,
        my_answer=own.get(str(current["number"])) if current else None,
        may_answer=text["view"] == "party" and text["status"] == "awaiting_answers",
        events_cursor=stream_cursor(unit, tp.view),
        **more,
    )


@router.get("/tracks/{track_id}/text")
def text_page(request: Request, ctx: Ctx, track_id: int) -> Response:
    """The current version to answer, and every version with what changed."""

    def build() -> Response:
        with ctx.read() as unit:
            context = _text_context(ctx, unit, track_id)
        return render(request, "text.html", context)

    return run_page(request, build)


@router.post("/tracks/{track_id}/text/answer")
async def answer(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Accept, reject with reasons, or ask for amendments to the current version."""
    form = await request.form()
    kind_raw = str(form.get("kind", ""))
    version = int(str(form.get("version", "0"))) if str(form.get("version", "")).isdigit() else 0
    reasons = [r.strip() for r in str(form.get("reasons", ""))[:5000].split("\n\n") if r.strip()]
    amendments = {
        str(k)[6:]: str(v) for k, v in form.multi_items() if str(k).startswith("amend:") and v
    }

    def build() -> Response:
        try:
            if kind_raw not in {k.value for k in AnswerKind}:
                raise e.ValidationFailed(
                    "choose an answer", location="kind", expected="accept, reject or amend"
                )
            kind = AnswerKind(kind_raw)
            if kind is AnswerKind.REJECT and not reasons:
                raise e.ValidationFailed(
                    "say why you reject this version", location="reasons", expected="a reason"
                )
            with ctx.write() as unit:
                texts.answer_text(
                    unit.session,
                    unit.actor,
                    track_id,
                    version=version,
                    kind=kind,
                    reasons=reasons,
                    amendments=amendments if kind is AnswerKind.AMEND else {},
                )
        except (e.InputError, e.ProtocolError) as exc:
            with ctx.read() as unit:
                context = _text_context(ctx, unit, track_id, error=problem_text(exc))
            return render(request, "text.html", context, status=422)
        return redirect(f"/tracks/{track_id}/text#answer")

    return await run_in_threadpool(run_page, request, build)


def _draft_context(
    ctx: RequestContext,
    unit: Unit,
    track_id: int,
    proposed: Mapping[str, str],
    clauses: Mapping[str, str] | None = None,
    note: str = "",
    **more: Any,
) -> dict[str, Any]:
    tp = track_page(unit, track_id)
    if not tp.view.is_mediator:
        raise e.NotFound(f"no drafting in track {track_id}")
    text = texts.text_view(unit.session, unit.actor, track_id)
    versions = _versions(text)
    current = versions[0] if versions else None
    base = dict(current["package"]) if current else {}
    chosen = {
        i.name: proposed.get(i.name) or base.get(i.name) or i.option_names[0]
        for i in tp.agenda.issues
    }
    try:
        scored = scores.package_scores(unit.session, unit.actor, track_id, chosen)
        utilities, missing = scored.scores, scored.missing
    except e.InvalidModel:  # options from the address that are not on the agenda
        utilities, missing = (), {}
    return tp.context(
        ctx,
        unit,
        title="Drafting the text",
        text=text,
        versions=versions,
        chosen=chosen,
        clauses=clauses if clauses is not None else (current["clauses"] if current else {}),
        note=note,
        utilities=[
            {
                "party": u.party,
                "utility": u.utility,
                "reservation": u.reservation,
                "red": u.crosses_red_line,
            }
            for u in utilities
        ],
        missing_prefs=sorted(missing.values()),
        next_number=len(versions) + 1,
        events_cursor=stream_cursor(unit, tp.view),
        **more,
    )


@router.get("/tracks/{track_id}/draft")
def draft_page(request: Request, ctx: Ctx, track_id: int) -> Response:
    """The drafting form (prefilled from ``?pkg-<issue>=<option>``), and every party's answers."""
    proposed = {
        k[4:]: v for k, v in request.query_params.multi_items() if k.startswith("pkg-") and v
    }
    published = request.query_params.get("published", "")
    notice = f"Version {published} published to every party." if published.isdigit() else None

    def build() -> Response:
        with ctx.read() as unit:
            context = _draft_context(ctx, unit, track_id, proposed, notice=notice)
        return render(request, "draft.html", context)

    return run_page(request, build)


@router.post("/tracks/{track_id}/draft")
async def publish(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Publish the drafted package and clauses as the next version."""
    form = await request.form()
    options = {str(k)[4:]: str(v) for k, v in form.multi_items() if str(k).startswith("pkg-")}
    clauses = {
        str(k)[7:]: str(v).strip()
        for k, v in form.multi_items()
        if str(k).startswith("clause-") and str(v).strip()
    }
    note = str(form.get("note", ""))[:5000]
    raw = str(form.get("expected_number", ""))
    expected = int(raw) if raw.isdigit() else None

    def build() -> Response:
        try:
            with ctx.write() as unit:
                version = texts.publish_text(
                    unit.session,
                    unit.actor,
                    track_id,
                    options=options,
                    clauses=clauses,
                    note=note,
                    expected_number=expected,
                )
                number = version.number
        except (e.InputError, e.ProtocolError) as exc:
            with ctx.read() as unit:
                context = _draft_context(
                    ctx, unit, track_id, options, clauses, note, error=problem_text(exc)
                )
            return render(request, "draft.html", context, status=422)
        return redirect(f"/tracks/{track_id}/draft?published={number}")

    return await run_in_threadpool(run_page, request, build)
