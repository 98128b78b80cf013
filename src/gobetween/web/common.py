"""What every page shares: the request dependency, the page frame and scoped name look-ups.

Names shown on pages come from policy-scoped reads only: organisation names from
:func:`~gobetween.service.processes.organisations` (known to every member of a process), and
the names of the authors of messages the caller was already allowed to read. A process, an
organisation or a track is shown as the reader's language calls it (its name in that language
where it has one, else as entered: :func:`gobetween.service.names.called`, the templates'
``called`` filter); what a page holds by the name as entered (an analysis's parties) it shows
by :meth:`TrackPage.named`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Form, Request

from gobetween import i18n
from gobetween.i18n import _
from gobetween.model import Agenda
from gobetween.policy import Seat, TrackView
from gobetween.protocols import registry
from gobetween.protocols.base import ViewRole
from gobetween.service import processes, setup
from gobetween.service.context import RequestContext, Unit, request_context
from gobetween.service.languages import track_languages
from gobetween.service.names import called
from gobetween.service.negotiate import track_agenda
from gobetween.service.processes import Track
from gobetween.web.render import csrf_token

__all__ = [
    "CodeField",
    "Ctx",
    "EmailField",
    "LocaleField",
    "NextField",
    "PasswordField",
    "TrackPage",
    "frame",
    "nav_for",
    "options_of",
    "outgoing",
    "protocol_tabs",
    "safe_next",
    "track_page",
]

Ctx = Annotated[RequestContext, Depends(request_context)]

# The form fields several pages take, each with its one length limit (longer: 422).
EmailField = Annotated[str, Form(max_length=254)]  # an e-mail address (RFC 5321's limit)
PasswordField = Annotated[str, Form(max_length=1024)]  # a password, new or current
CodeField = Annotated[str, Form(max_length=64)]  # a second-factor or recovery code
LocaleField = Annotated[str, Form(max_length=16)]  # a language of the interface
NextField = Annotated[str, Form(max_length=2000)]  # the page to go back to


def safe_next(target: str) -> str:
    """``target`` (a page to go back to) if it is a path on this site, else ``/``: a form's
    ``next`` never sends the user to another site.

    >>> safe_next("/tracks/1"), safe_next("//evil.example/"), safe_next("https://evil.example/")
    ('/tracks/1', '/', '/')
    """
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def outgoing(ctx: RequestContext, request: Request) -> setup.Outgoing:
    """What the mail a page sends needs: the settings, and the site's address as the request
    reached it for its links (``public_url`` wins when it is set)."""
    return setup.Outgoing(ctx.settings, str(request.base_url))


def frame(ctx: RequestContext, unit: Unit) -> dict[str, Any]:
    """The context every signed-in page needs: the user and the CSRF token for its forms.

    The user's own language and time zone (their settings) replace the browser's from here on.
    """
    user = unit.user
    if user.locale or user.time_zone:
        i18n.set_locale(user.locale or i18n.current_locale(), user.time_zone)
    return {"user": unit.user, "csrf": csrf_token(ctx, unit)}


def protocol_tabs(track_id: int, role: ViewRole) -> list[tuple[str, str]]:
    """(label, url) of the registered protocols that declare a tab for ``role``, in the order
    of registration: their own page for that role, or the generic one
    (:mod:`gobetween.web.protocol_pages`). Whether the caller sees anything there, the page
    decides (as its JSON twin does)."""
    out = []
    for p in registry.protocols():
        label = registry.tab_of(p, role)
        if label is not None:
            page = registry.page_of(p, role) or f"protocols/{p.name}"
            out.append((_(label), f"/tracks/{track_id}/{page}"))
    return out


def nav_for(track: Track, view: TrackView, admin: bool) -> list[tuple[str, str]]:
    """(label, url) of the pages of a track the caller's seat opens."""
    base = f"/tracks/{track.id}"
    links = [(_("Overview"), base)]
    if Seat.PARTY in view.seats:
        links += [
            (_("Channel"), f"{base}/channel"),
            (_("Preferences"), f"{base}/preferences"),
            *protocol_tabs(track.id, ViewRole.PARTY),
            (_("Meetings"), f"{base}/meetings"),
        ]
    if view.is_mediator:
        links += [
            (_("Channels"), f"{base}/console"),
            (_("Analysis"), f"{base}/analysis"),
            *protocol_tabs(track.id, ViewRole.MEDIATOR),
            (_("Team notes"), f"{base}/team"),
            (_("Meetings"), f"{base}/meetings"),
        ]
    elif Seat.PARTY not in view.seats:
        links += protocol_tabs(track.id, ViewRole.OBSERVER)
    if admin:
        links.append((_("Process admin"), f"/processes/{track.process_id}/admin"))
    return links


@dataclass(frozen=True)
class TrackPage:
    """A track as one page shows it: the row, the caller's view, its agenda and the names."""

    track: Track
    view: TrackView
    agenda: Agenda
    organisations: dict[int, str]  # id -> name as the reader's language calls it
    admin: bool
    by_name: dict[str, str] = field(default_factory=dict)  # name as entered -> the same

    def party_name(self, party_id: int | str | None) -> str:
        """An organisation's name in the reader's language (organisation names are known to
        every process member)."""
        if party_id is None:
            return ""
        fallback = _("organisation %(id)s") % {"id": party_id}
        return self.organisations.get(int(party_id), fallback)

    def named(self, name: str) -> str:
        """An organisation of the process, held by its name as entered, as the reader's
        language calls it (a name of no organisation of the process: as given)."""
        return self.by_name.get(name, name)

    def context(self, ctx: RequestContext, unit: Unit, **more: Any) -> dict[str, Any]:
        """The template context of a track page."""
        return {
            **frame(ctx, unit),
            "track": self.track,
            "agenda": self.agenda,
            "view": self.view,
            "tp": self,
            "by_name": self.by_name,  # the filter ``named``: an organisation by its name
            "nav": nav_for(self.track, self.view, self.admin),
            "track_languages": track_languages(unit.session, self.track.id),
            "current_locale": i18n.current_locale(),
            **more,
        }


def track_page(unit: Unit, track_id: int) -> TrackPage:
    """Load a track the caller has a seat in (:class:`~gobetween.errors.NotFound` otherwise)."""
    row, view = processes.track(unit.session, unit.actor, track_id)
    orgs = processes.organisations(unit.session, unit.actor, row.process_id)
    admin = any(
        m.process_id == row.process_id and m.role.value == "admin" for m in unit.actor.memberships
    )
    names = {o.id: called(o) for o in orgs}
    by_name = {o.name: called(o) for o in orgs}
    return TrackPage(row, view, track_agenda(row), names, admin, by_name)


def options_of(agenda: Agenda, values: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The ``issue -> option`` pairs of ``values`` whose issue is on the agenda."""
    return {issue: option for issue, option in values if agenda.has_issue(issue)}
