"""Pages: the language switcher of every page, and a user's language and time zone settings.

``POST /language`` sets the ``gobetween_lang`` cookie (so a visitor who has not logged in keeps
their choice) and, for a signed-in user whose form carries the CSRF token, saves it as their
setting (``users.locale``). ``/settings`` lets a signed-in user choose both their language and
their time zone (named by country and city in their language, sent as IANA names; "the
browser's" when none is chosen; zone_names.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from gobetween import errors as e
from gobetween import i18n
from gobetween.i18n import _
from gobetween.i18n_http import LANG_COOKIE
from gobetween.web.common import Ctx, LocaleField, NextField, frame, safe_next
from gobetween.web.render import problem_text, redirect, render, run_page
from gobetween.zone_names import chosen_zone, zone_choices

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
YEAR = 365 * 24 * 3600


def _with_cookie(response: Response, locale: str) -> Response:
    response.set_cookie(LANG_COOKIE, locale, max_age=YEAR, samesite="lax", path="/")
    return response


def _checked_locale(value: str) -> str:
    locale = i18n.supported(value)
    if locale is None or value != locale:
        raise e.ValidationFailed(
            _("%(value)s is not a language of the interface") % {"value": value[:20]},
            location="locale",
            expected=", ".join(i18n.LOCALES),
        )
    return locale


@router.post("/language")
def switch_language(
    request: Request,
    ctx: Ctx,
    locale: LocaleField = "",
    next: NextField = "/",
) -> Response:
    """Switch the interface language (and remember it for a signed-in user)."""

    def build() -> Response:
        chosen = _checked_locale(locale)
        if ctx.session_token:
            try:
                with ctx.write() as unit:
                    unit.user.locale = chosen
            except (e.AuthenticationFailed, e.PermissionDenied):
                pass  # an expired session or a stale form: the cookie alone decides
        i18n.set_locale(chosen)
        return _with_cookie(redirect(safe_next(next), request), chosen)

    return run_page(request, build)


def _settings_page(request: Request, ctx: Ctx, **more: object) -> Response:
    with ctx.read() as unit:
        context = {
            **frame(ctx, unit),
            "title": _("Language and time zone"),
            "chosen_locale": unit.user.locale or "",
            "chosen_zone": unit.user.time_zone or "",
            "zones": zone_choices(i18n.current_locale()),
            **more,
        }
    return render(request, "settings.html", context, status=422 if more.get("error") else 200)


@router.get("/settings")
def settings_form(request: Request, ctx: Ctx) -> Response:
    """The signed-in user's language and time zone."""
    return run_page(request, lambda: _settings_page(request, ctx))


@router.post("/settings")
def save_settings(
    request: Request,
    ctx: Ctx,
    locale: LocaleField = "",
    time_zone: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Save the user's language and time zone (empty: the browser's)."""

    def build() -> Response:
        try:
            chosen = _checked_locale(locale) if locale else None
            zone = chosen_zone(time_zone) if time_zone else ""
            if zone is None:
                raise e.ValidationFailed(
                    _("%(value)s is not a time zone") % {"value": time_zone},
                    location="time_zone",
                    expected=_("a name such as Europe/Kyiv or Asia/Qatar"),
                )
        except e.ValidationFailed as exc:
            return _settings_page(request, ctx, error=problem_text(exc))
        with ctx.write() as unit:
            unit.user.locale = chosen
            unit.user.time_zone = zone or None
        response = redirect("/settings", request)
        return _with_cookie(response, chosen) if chosen else response

    return run_page(request, build)
