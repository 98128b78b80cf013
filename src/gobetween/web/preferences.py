"""Page: a party's own preferences, with a live preview of how a few packages would score.

Only a party member of the track has this page (the policy's ``RECORD_PREFERENCES``); it shows
the party's own current version and history, never anyone else's. The preview is
:func:`gobetween.service.scores.preview`. JSON twins: ``GET``/``PUT /api/tracks/{id}/preferences``,
``POST /api/tracks/{id}/parties/{party}/preferences/preview``. A saved form is the body of the
``PUT`` (:func:`gobetween.web.prefs_form.to_body`), read through its schema (``PreferencesIn``,
:func:`gobetween.web.forms.validated`) and recorded by the same operation: what the API refuses
(more than 100 red lines) the page refuses, 422, the form as it was sent, the refusal next to
the part of the form it is about.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gobetween import errors as e
from gobetween.errors import N_, Sentence
from gobetween.i18n import _
from gobetween.i18n import lazy_gettext as _l
from gobetween.model import Preferences, check_bonus_limit
from gobetween.policy import Action
from gobetween.service import negotiate, scores
from gobetween.service.api import negotiate as api
from gobetween.service.context import RequestContext, Unit
from gobetween.service.errors import translated
from gobetween.service.schemas import PreferencesIn
from gobetween.web.common import Ctx, TrackPage, track_page
from gobetween.web.forms import form_errors, validated
from gobetween.web.prefs_form import (
    PrefsForm,
    default_form,
    from_preferences,
    parse_form,
    to_body,
    to_preferences,
)
from gobetween.web.render import form_again, read_page, redirect, render, run_page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _own(unit: Unit, track_id: int) -> tuple[TrackPage, int]:
    tp = track_page(unit, track_id)
    party = tp.view.own_party
    tp.view.require(Action.RECORD_PREFERENCES, party)
    assert party is not None
    return tp, party


def _sent(unit: Unit, track_id: int, values: dict[str, Any]) -> tuple[TrackPage, PrefsForm]:
    """The track and the form as it was sent (its own checks made, :func:`parse_form`)."""
    tp, _party = _own(unit, track_id)
    return tp, parse_form(values, tp.agenda)


def _current(unit: Unit, tp: TrackPage) -> Preferences | None:
    party = tp.view.own_party
    return None if party is None else negotiate.current_preferences(unit.session, tp.view, party)


def _over_limit(form: PrefsForm, tp: TrackPage, current: Preferences | None) -> dict[str, Any]:
    """The rules section's refusal when the form's bonuses and the interactions kept with them
    pass the limit (:func:`~gobetween.model.check_bonus_limit`: preferences recorded before the
    API checked it), its words also added to the form's errors; ``{}`` otherwise."""
    try:
        check_bonus_limit(to_preferences(form, tp.agenda, current))
    except e.InvalidPreferences as exc:
        words = translated(Sentence(exc.template, exc.params))
        expected = translated(Sentence(exc.expected_template or "", exc.params))
        said = _("%(text)s (expected: %(expected)s)") % {"text": words, "expected": expected}
        form.errors.append(said)
        return {"field_errors": {exc.location or "bonuses": said}}
    return {}


LABELS = {
    scores.ScoredKind.BEST: _l("Best for you"),
    scores.ScoredKind.MIDDLE: _l("Middle options"),
    scores.ScoredKind.WORST: _l("Worst for you (within your red lines)"),
}


def _preview(unit: Unit, track_id: int, party: int, draft: Preferences) -> list[dict[str, Any]]:
    """The preview's rows, as :func:`gobetween.service.scores.preview` scores them."""
    result = scores.preview(unit.session, unit.actor, track_id, party, draft)
    return [
        {
            "label": str(LABELS.get(r.kind, _("Text version %(number)s") % {"number": r.version})),
            "package": r.package.options,
            "utility": r.utility,
            "crosses_red_line": r.crosses_red_line,
            "below_reservation": r.below_reservation,
        }
        for r in result.packages
    ]


def _context(
    ctx: RequestContext, unit: Unit, /, track_id: int, form: PrefsForm | None, **more: Any
) -> dict[str, Any]:
    tp, party = _own(unit, track_id)
    current = _current(unit, tp)
    if form is None:
        form = from_preferences(current, tp.agenda) if current else default_form(tp.agenda)
    history = negotiate.preference_history(unit.session, tp.view, party)
    scored = []
    if not form.errors:
        more = {**_over_limit(form, tp, current), **more}
    if not form.errors:
        scored = _preview(unit, track_id, party, to_preferences(form, tp.agenda, current))
    kept = [r for r in current.red_lines if not r.is_single] if current else []
    return tp.context(
        ctx,
        unit,
        title=_("Your preferences"),
        form=form,
        history=history,
        scored=scored,
        kept_red_lines=[sorted(r.pairs) for r in kept],
        interactions=len(current.interactions) if current else 0,
        **more,
    )


@router.get("/tracks/{track_id}/preferences")
def preferences_page(
    request: Request, ctx: Ctx, track_id: int, saved: int | None = None
) -> Response:
    """The form, filled with the party's current preferences (or a neutral start)."""
    notice = Sentence(N_("Saved as version %(number)s."), {"number": saved}) if saved else None

    return read_page(request, ctx, "preferences.html", _context, track_id, None, notice=notice)


@router.post("/tracks/{track_id}/preferences/preview")
async def preferences_preview(request: Request, ctx: Ctx, track_id: int) -> Response:
    """The preview fragment for the values in the form (nothing is recorded)."""
    values = dict((await request.form()).items())

    def build() -> Response:
        with ctx.read() as unit:
            _tp, form = _sent(unit, track_id, values)
            context = _context(ctx, unit, track_id, form)
        return render(request, "_preview.html", context)

    return await run_in_threadpool(run_page, request, build)


@router.post("/tracks/{track_id}/preferences")
async def save_preferences(request: Request, ctx: Ctx, track_id: int) -> Response:
    """Record the form as a new version of the party's preferences."""
    values = dict((await request.form()).items())

    def build() -> Response:
        with ctx.read() as unit:
            tp, form = _sent(unit, track_id, values)
            current = _current(unit, tp)
            over = {} if form.errors else _over_limit(form, tp, current)
        if form.errors:
            refusal: dict[str, Any] = {"error": _("Please correct the form."), **over}
        else:
            try:
                body = validated(PreferencesIn, to_body(form, tp.agenda, current))
                version = api.record_preferences(track_id, body, ctx).version
            except e.InputError as exc:
                refusal = form_errors(exc)
            else:
                return redirect(f"/tracks/{track_id}/preferences?saved={version}")
        return form_again(request, ctx, "preferences.html", _context, track_id, form, **refusal)

    return await run_in_threadpool(run_page, request, build)
