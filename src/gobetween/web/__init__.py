"""Server-rendered pages for the party portal and the mediator console.

:data:`router` holds every page; the service mounts it beside the JSON API, and :data:`fallback`
(an HTML "not found" page for any other address outside ``/api``) after every other route.
Each page calls the same service functions as its JSON twin under ``/api`` (so the policy
decides what it shows), renders a Jinja template from ``web/templates`` and loads only the
vendored assets in ``web/static`` (htmx, one style sheet, one small script).
"""

from __future__ import annotations

from fastapi import APIRouter

from gobetween.web.account import router as _account
from gobetween.web.admin import router as _admin
from gobetween.web.agenda import router as _agenda
from gobetween.web.agreement_views import router as _agreements
from gobetween.web.analysis import router as _analysis
from gobetween.web.assets import router as _assets
from gobetween.web.bidding import router as _bidding
from gobetween.web.console import router as _console
from gobetween.web.home import fallback
from gobetween.web.home import router as _home
from gobetween.web.language import router as _language
from gobetween.web.portal import router as _portal
from gobetween.web.preferences import router as _preferences
from gobetween.web.protocol_pages import router as _protocols
from gobetween.web.record_pages import router as _records
from gobetween.web.rehearse import router as _rehearse
from gobetween.web.setup import router as _setup
from gobetween.web.team import router as _team
from gobetween.web.texts import router as _texts
from gobetween.web.translations import router as _translations

__all__ = ["fallback", "router"]

router = APIRouter(include_in_schema=False)
for _pages in (
    _assets,
    _setup,
    _agenda,
    _home,
    _language,
    _portal,
    _preferences,
    _texts,
    _bidding,
    _protocols,  # the page of every protocol without one of its own
    _console,
    _analysis,
    _rehearse,
    _admin,
    _agreements,
    _records,
    _team,
    _translations,
    _account,
):
    router.include_router(_pages)
# ``fallback`` (an unknown page address gets an HTML "not found" page) is not in ``router``: the
# app includes it after every other route, the JSON API's included (service/app.py).
