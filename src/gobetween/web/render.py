"""Rendering pages: the Jinja environment, errors as HTML pages, times in the reader's zone.

Every page view opens the request's unit of work through :class:`~gobetween.service.context.
RequestContext` (so it authenticates exactly like the JSON API), builds its data with the service
functions, and renders a template. Errors of :mod:`gobetween.errors` become an HTML error page
with the same status the JSON API gives; a missing or expired login sends the browser to the
login page. The error page says no more than the problem document would.

Pages are rendered in the reader's language and time zone (:mod:`gobetween.i18n`): templates
mark their words with ``{{ _("...") }}`` / ``{% trans %}`` (Jinja's i18n extension, new-style
gettext, autoescaping kept), and every moment is shown by ``when`` in one format.

>>> local_time(dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC), "Europe/Istanbul")
'Jan 1, 2026, 3:00\u202fPM (UTC+3)'
>>> local_time(None, "UTC")
'–'
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Concatenate, ParamSpec
from urllib.parse import quote

import jinja2
from babel.lists import format_list
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2.runtime import Context
from jinja2.utils import pass_context
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from gobetween import bidi, i18n
from gobetween import errors as e
from gobetween.i18n import _, _l
from gobetween.model.languages import LANGUAGES
from gobetween.protocols.registry import live_kinds
from gobetween.service.account_deletion import pseudonym_said
from gobetween.service.context import SESSION_COOKIE, RequestContext, Unit
from gobetween.service.errors import answer_pages_with, describe, status_of, translated
from gobetween.service.identity import authenticate_session
from gobetween.service.languages import language_name, language_names
from gobetween.service.security_log import client_said
from gobetween.service.solver_words import solver_word
from gobetween.web import agenda_words
from gobetween.web.words import label, quoted
from gobetween.zone_names import zone_label

__all__ = [
    "DONE",
    "PAGE_HEADERS",
    "csrf_token",
    "done_notice",
    "environment",
    "error_page",
    "form_again",
    "listed",
    "local_time",
    "problem_text",
    "read_page",
    "redirect",
    "refusal_context",
    "refusal_page",
    "refused",
    "render",
    "run_page",
    "shown",
    "signed_in",
    "with_twin",
]

TEMPLATES = Path(__file__).parent / "templates"
_log = logging.getLogger("gobetween.web")

#: Headers of every page: nothing cached (pages carry private data), no framing, no sniffing.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
}


def local_time(value: dt.datetime | str | None, zone: str) -> str:
    """``value`` shown in time zone ``zone`` in the current language (the pages' one format)."""
    return i18n.format_datetime(value, None, zone)


def _iso(value: dt.datetime | str | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()


def _isolated(value: Any) -> Any:
    """Every ``{{ value }}``: plain text holding directional controls is isolated
    (:func:`gobetween.bidi.isolate`); markup and other values pass unchanged."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return bidi.isolate(pseudonym_said(value))  # a deleted account's name, translated
    return value


@functools.cache
def environment() -> jinja2.Environment:
    """The one template environment (autoescaping, undefined names are errors)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        finalize=_isolated,  # bidi controls in a value never reorder the page around it
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        i18n.gettext,
        i18n.ngettext,
        newstyle=True,
        pgettext=i18n.pgettext,
        npgettext=i18n.npgettext,
    )
    env.filters["iso"] = _iso
    env.filters["reveal"] = bidi.reveal  # file names: directional controls shown, isolated
    env.filters["pct"] = lambda v: f"{100 * float(v):.0f}"
    env.filters["num"] = lambda v: f"{float(v):g}"
    # Filters whose answer depends on the request's language must not be folded into a
    # compiled template (Jinja evaluates a filter on a literal once, at compile time, unless
    # it takes the context): "party" | label would keep the language of the first page.
    env.filters["number"] = _per_request(i18n.format_decimal)
    env.filters["day"] = _per_request(i18n.format_date)
    env.filters["label"] = _per_request(label)
    env.filters["quoted"] = quoted
    env.filters["solver_word"] = _per_request(solver_word)  # the analysis's solver status
    env.filters["client"] = _per_request(client_said)  # "Chrome on Linux" in the reader's words
    env.filters["person"] = _per_request(pseudonym_said)  # a name inside a translated sentence
    env.filters["bdi"] = _bdi  # a name inside a sentence keeps its own direction
    env.filters["listed"] = _per_request(listed)  # names (or words) listed as the reader lists
    env.filters["named"] = _named  # an organisation held by its name as entered, as called
    # the agenda and the text in the reader's language (web/agenda_words.py)
    for name, function in agenda_words.FILTERS.items():
        env.filters[name] = _per_request(function)
    env.globals["languages"] = i18n.LANGUAGE_NAMES
    # each working language's direction, for a language's own name on another's page
    env.globals["directions"] = {code: each.direction for code, each in LANGUAGES.items()}
    # the live-update kinds (the house's and each protocol's own), for gobetween.js to
    # subscribe to (it keeps no list of its own)
    env.globals["live_kinds"] = json.dumps(live_kinds())
    env.filters["language_name"] = _per_request(language_name)  # named in the reader's language
    env.filters["language_names"] = _per_request(language_names)  # and listed as it lists
    return env


def _bdi(value: object) -> Markup:
    """``value`` escaped and isolated in ``<bdi>``, to pass into a translated sentence.

    >>> _bdi("Ukraine <ua@un.org>")
    Markup('<bdi>Ukraine &lt;ua@un.org&gt;</bdi>')
    """
    shown = pseudonym_said(value) if isinstance(value, str) else value
    return Markup("<bdi>{}</bdi>").format(shown)


@pass_context
def _named(context: Context, name: object) -> object:
    """An organisation held by its name as entered (a signatory of an agreement, a delegation
    of a joint record, a party of an analysis) as the reader's language calls it, by the page's
    ``by_name`` (name as entered -> name in the reader's language, read by
    :func:`gobetween.service.names.called_by_name`); a name it does not hold, as given."""
    by_name = context.get("by_name") or {}
    return by_name.get(name, name) if isinstance(name, str) else name


def listed(
    items: Iterable[Any],
    *,
    names: bool = True,
    by: Callable[[Any], object] | None = None,
    locale: str | None = None,
) -> Markup:
    """``items`` listed the way the reader's language lists things (CLDR's list pattern, by
    Babel's ``format_list``): "a, b, and c", "a, b і c", "أ وب وج"; each item escaped, and a
    name (``names``, the default) isolated in ``<bdi>`` so that it keeps its own direction;
    ``by`` shows each item (``party_ids | listed(by=tp.party_name)``). For words to read; a
    data attribute or an address keeps its plain join.

    >>> listed(["Ukraine", "Russian Federation"], locale="en")
    Markup('<bdi>Ukraine</bdi> and <bdi>Russian Federation</bdi>')
    >>> listed(["a", "b <c>", "d"], names=False, locale="uk")
    Markup('a, b &lt;c&gt; і d')
    >>> listed(["أوكرانيا", "روسيا", "قطر"], names=False, locale="ar")
    Markup('أوكرانيا وروسيا وقطر')
    """
    shown = [_listed_item(by(item) if by is not None else item, names) for item in items]
    # the pattern is filled with placeholders, its words escaped, then the items put in
    marks = [f"\x00{n}\x00" for n in range(len(shown))]
    pattern = str(escape(format_list(marks, locale=locale or i18n.current_locale())))
    for mark, item in zip(marks, shown, strict=True):
        pattern = pattern.replace(mark, str(item), 1)
    return Markup(pattern)


def _listed_item(item: object, name: bool) -> Markup:
    if isinstance(item, Markup):
        return item
    text = bidi.isolate(pseudonym_said(item)) if isinstance(item, str) else item
    return _bdi(text) if name else escape(text)


def _per_request(function: Callable[..., str]) -> Callable[..., str]:
    """``function`` as a filter Jinja calls at every rendering (never folded at compile time)."""

    @pass_context
    def per_request(_context: Context, *args: Any, **kwargs: Any) -> str:
        return function(*args, **kwargs)

    return per_request


def js_strings() -> str:
    """The words gobetween.js shows, in the current language, as JSON for a data attribute."""
    return json.dumps(
        {
            "live_on": _("Live updates on."),
            # a required field left empty, in the page's language (not the browser's)
            "required_fill": _("Please fill in this field."),
            "required_tick": _("Please tick this box to go on."),
            "required_choose": _("Please choose one."),
            "live_paused": _("Live updates paused; reconnecting."),
            # static/keys.js: signing keys made and kept in the browser
            "keys_short": _("Choose a passphrase of at least 10 characters."),
            "keys_mismatch": _("The two passphrases differ."),
            "keys_making": _("Making the key and its backup file…"),
            "keys_made": _(
                "Key made and registered. Download its backup file now and keep it and its "
                "passphrase safe: without them, a lost browser means a lost key."
            ),
            "keys_nofile": _("Choose your backup file."),
            "keys_notbackup": _("This is not a gobetween key backup file."),
            "keys_restoring": _("Opening the backup…"),
            "keys_wrongpass": _("Wrong passphrase, or the backup file was changed."),
            "keys_damaged": _("The backup file does not hold the key it names."),
            "keys_signing": _("Signing the instrument of {party}…"),
            "keys_nokey": _(
                "No key of yours for {org} is kept in this browser: make one on the Keys page, "
                "or restore your backup file there."
            ),
            "keys_failed": _("Not done: {reason}"),
            # static/agreement_sign.js: signing with a key file read in the browser
            "sign_passphrase": _(
                "This key is protected by a passphrase: sign with gobetween agreement sign "
                "and upload the bundle."
            ),
            "sign_not_pkcs8": _("Not a PKCS#8 private key file (.key)."),
            "sign_failed": _("Not signed: {reason}"),
        },
        ensure_ascii=False,
    )


def csrf_token(ctx: RequestContext, unit: Unit) -> str:
    """The CSRF token of the caller's browser session ('' for API-token callers)."""
    if ctx.session_token is None or ctx.bearer is not None:
        return ""
    _, row = authenticate_session(unit.session, ctx.session_token)
    return row.csrf_token


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
) -> HTMLResponse:
    """The rendered template with the page headers."""
    zone = i18n.current_zone()
    values = {
        "request_path": request.url.path,
        "request_query": request.url.query,
        "zone": zone,
        "zone_name": zone_label(zone, i18n.current_locale()),
        "lang": i18n.current_locale(),
        "dir": i18n.direction(),
        "js_strings": js_strings(),
        "when": lambda v: local_time(v, zone),
        "user": None,
        "csrf": "",
        "nav": [],
        "error": None,
        "problems": [],
        "notice": None,
        **context,
    }
    values["notice"] = shown(values["notice"])
    values["error"] = shown(values["error"])
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


def shown(said: object) -> object:
    """A page's notice or error line in the language of the page that shows it: a
    :class:`~gobetween.errors.Sentence` or a refusal is worded when the page is rendered,
    after the signed-in user's own language is set (a lazy string translates itself there)."""
    if isinstance(said, e.Sentence):
        return translated(said)
    if isinstance(said, i18n.LazyString):
        return str(said)
    if isinstance(said, e.GobetweenError):
        return describe(said)
    return said


#: The notices a page shows after a redirect, by the key its address carries (``?done=key``):
#: only these (an address cannot make a page say anything else), each said in the language of
#: the page that shows it.
DONE = {
    "key-registered": _l("Signing key registered."),
    "signatures-added": _l("Signatures added."),
    "recorded": _l("Recorded."),
    "signed": _l("Signed."),
    "key-confirmed": _l("Key confirmed."),
    "key-revoked": _l("Key revoked."),
    "key-made": _l("Key made and registered; an administrator will confirm it."),
    "key-restored": _l("Key restored to this browser."),
    "invitation-withdrawn": _l("Invitation withdrawn: its link no longer works."),
}


def done_notice(request: Request) -> i18n.LazyString | None:
    """The notice named by the address's ``?done=`` (none for a key not in :data:`DONE`)."""
    return DONE.get(request.query_params.get("done", ""))


def signed_in(request: Request) -> dict[str, Any]:
    """The header of a page drawn outside a page's own handler (an error page: no such
    address, a method the address does not take, a form the framework cannot read): the
    signed-in user and the CSRF token of their log-out and language forms, as every page shows
    them, when the request carries a valid browser session; nothing for anyone else.

    Read only: one read-only unit of work, no "last seen" written, no CSRF asked (nothing is
    done with it). From here on the request speaks the user's own language and time zone, as
    their pages do. An ended, idle or unknown session, like none, gets the anonymous header.
    """
    token = request.cookies.get(SESSION_COOKIE)
    services = getattr(request.app.state, "services", None) if "app" in request.scope else None
    if not token or services is None:
        return {}
    ctx = RequestContext(
        services, None, token, None, True, "", enrolling=True, touches=False
    )  # enrolling: a user who must still set up a second factor sees their name and Log out
    try:
        with ctx.read() as unit:
            return {"user": unit.user, "csrf": csrf_token(ctx, unit)}
    except (e.AuthenticationFailed, e.PermissionDenied):
        return {}
    except Exception:  # the database's trouble: the error page is still shown, anonymous
        _log.exception("the header of an error page for %s could not be read", request.url.path)
        return {}


def refusal_page(request: Request, status: int, detail: Callable[[], str]) -> Response:
    """A page's request refused before its route ran (a form field too long, a NUL character,
    a body too large, no such address, a method it does not take): the error page in the
    reader's language naming the field, with the status the API gives (422, 413, 404, 405),
    instead of problem+json, and the signed-in user's header (:func:`signed_in`); a refused
    form's page says how to get back to what was typed (the browser keeps it). ``detail`` is
    worded once the user's own language is known."""
    if status == 413 and request.method == "POST":
        for path, again in SMALL_FORMS:
            if path.fullmatch(request.url.path):
                return again(request)
    header = signed_in(request)
    said = {"title": _("Please check"), "detail": detail(), "sent_form": request.method == "POST"}
    return render(request, "error.html", {**header, **said}, status=status)


#: The small forms (an invitation's, the log-in's) whose page answers a body over their small
#: limit (413, never read, ``GOBETWEEN_MAX_AUTH_BODY_BYTES``) with the form again, the field
#: that is too long named there: a pattern of the page's path, and what draws it (its module
#: registers it).
SMALL_FORMS: list[tuple[re.Pattern[str], Callable[[Request], Response]]] = []


answer_pages_with(refusal_page)


def redirect(url: str, request: Request | None = None) -> Response:
    """See-other to ``url`` (for htmx requests, an ``HX-Redirect`` so the whole page moves)."""
    if request is not None and request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url, **PAGE_HEADERS})
    return RedirectResponse(url, status_code=303, headers=PAGE_HEADERS)


def error_page(request: Request, exc: e.GobetweenError) -> Response:
    """The HTML answer to ``exc``: a login redirect, the set-up of a second factor the user
    must have, or an error page with the API's status."""
    if isinstance(exc, e.AuthenticationFailed):
        target = request.url.path if request.method == "GET" else "/"
        ended = "&ended=idle" if isinstance(exc, e.SessionIdle) else ""
        return redirect("/login?next=" + quote(target, safe="/") + ended, request)
    if isinstance(exc, e.TwoFactorRequired):
        return redirect("/account/security#two-factor", request)
    status = status_of(exc)
    # the signed-in user's header; none after a server error (the database may be its cause)
    header = signed_in(request) if status < 500 else {}
    titles = {
        404: _("Not found"),
        403: _("Not allowed"),
        409: _("Cannot do that now"),
        429: _("Slow down"),
    }
    title = titles.get(status, _("Something went wrong") if status >= 500 else _("Please check"))
    said = status < 500 or isinstance(exc, e.ServiceUnavailable)
    detail = describe(exc) if said else _("The server could not complete the request.")
    if status == 404:
        detail = _("This page does not exist, or you may not see it.")
    headers = {}
    if isinstance(exc, (e.RateLimited, e.ServiceUnavailable)):
        headers["Retry-After"] = str(exc.retry_after)
    response = render(
        request, "error.html", {**header, "title": title, "detail": detail}, status=status
    )
    response.headers.update(headers)
    return response


def run_page(request: Request, build: Callable[[], Response]) -> Response:
    """Run a page's work, turning errors of the error tree into HTML answers.

    With ``GOBETWEEN_SERVER_TIMING`` on (for measuring), the time the work took is sent as
    ``Server-Timing: page;dur=<ms>``; off by default, since that header hands every reader a
    precise clock of the server's work.
    """
    start = time.perf_counter()
    try:
        response = build()
    except e.GobetweenError as exc:
        response = error_page(request, exc)
    except Exception:  # a bug: logged with its traceback, and a plain page for the reader
        _log.exception("page %s %s failed", request.method, request.url.path)
        response = error_page(request, e.GobetweenError(e.N_("unexpected error")))
    if request.app.state.services.settings.server_timing:
        response.headers["Server-Timing"] = f"page;dur={1000 * (time.perf_counter() - start):.1f}"
    return response


P = ParamSpec("P")


def read_page(
    request: Request,
    ctx: RequestContext,
    template: str,
    make: Callable[Concatenate[RequestContext, Unit, P], Mapping[str, Any]],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Response:
    """A page that only reads: ``template`` filled with ``make(ctx, unit, *args, **kwargs)``
    built in one read-only unit of work, its errors shown as :func:`run_page` shows them."""
    return run_page(request, lambda: _filled(request, ctx, 200, template, make, args, kwargs))


def form_again(
    request: Request,
    ctx: RequestContext,
    template: str,
    make: Callable[Concatenate[RequestContext, Unit, P], Mapping[str, Any]],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Response:
    """A refused form's page again (422): ``template`` filled with ``make(ctx, unit, *args,
    **kwargs)`` built in one read-only unit of work; the refusal and what was typed come in
    ``kwargs`` (:func:`gobetween.web.forms.form_errors`)."""
    return _filled(request, ctx, 422, template, make, args, kwargs)


def _filled(
    request: Request,
    ctx: RequestContext,
    status: int,
    template: str,
    make: Callable[..., Mapping[str, Any]],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
) -> Response:
    with ctx.read() as unit:
        context = make(ctx, unit, *args, **kwargs)
    return render(request, template, context, status=status)


def problem_text(exc: e.GobetweenError) -> str:
    """One line for a form's error message: what is wrong and what was expected (in the reader's
    language, as :func:`gobetween.service.errors.describe` says it).

    >>> problem_text(e.ValidationFailed("the name is empty", location="name", expected="a name"))
    'name: the name is empty (expected a name)'
    """
    return describe(exc)


def refusal_context(
    exc: e.GobetweenError, field_of: Callable[[str], str] | None = None, at: str | None = None
) -> dict[str, Any]:
    """A refused form's template context, as the GOV.UK Design System's error summary and
    error messages show it: every problem found (``problems``: the form's field, by its
    name, or ``None``, and the problem in the reader's words, without the API's field name),
    listed at the top of the page (``base.html``: a link to each field, named by the label the
    template declares for it in ``form_fields``), and each field's own words next to it
    (``field_errors``, by field name and by the whole location when that is deeper, as
    ``reasons.0``). ``error`` is the whole refusal in one line, for the pages that show no
    more. ``field_of`` names the form's field for the body's location where the two differ
    (``articles.0.reason`` -> ``rs:art-1``); ``at``, the field of a problem that names none
    (a form whose one field is a file: the file cannot be read, the bundle is not this
    agreement's).

    >>> said = refusal_context(e.FieldsRefused([
    ...     e.ValidationFailed("the name is empty", location="name"),
    ...     e.ValidationFailed("too long", location="parties.name")]))
    >>> [(p["field"], p["message"], p["said"]) for p in said["problems"]][1]
    ('parties', 'too long', 'parties.name: too long')
    """
    problems: list[dict[str, str | None]] = []
    field_errors: dict[str, str] = {}
    if not isinstance(exc, e.InputError):
        # a clash at a field (a name taken) is shown there, as a field's refusal is
        at = exc.location if isinstance(exc, e.Conflict) and exc.location else at
        problems.append({"field": at, "message": describe(exc), "said": describe(exc)})
        if at:
            field_errors[at] = describe(exc)
    else:
        for each in e.problems_of(exc):
            words = _problem_words(each)
            field = at
            if at and not each.location:
                field_errors.setdefault(at, words)
            if each.location:
                # "reasons.0": the form's one field "reasons"
                field = field_of(each.location) if field_of else each.location.split(".")[0]
                field_errors.setdefault(field, words)
                field_errors.setdefault(each.location, words)
            # "said": the problem with its place as the API names it, for a page that declares
            # no label for that field (never a problem without its place)
            problems.append({"field": field, "message": words, "said": describe(each)})
    return {"error": problem_text(exc), "problems": problems, "field_errors": field_errors}


def _problem_words(error: e.InputError) -> str:
    """What is wrong with one field, in the reader's words, without where it is (the page says
    that by the field's label), and what was expected."""
    words = translated(e.Sentence(error.template, error.params))
    if error.expected and error.expected_template:
        expected = translated(e.Sentence(error.expected_template, error.params))
        words = _("%(text)s (expected: %(expected)s)") % {"text": words, "expected": expected}
    return words


#: Errors a form shows next to its fields (the page again, 422); others become an error page.
FORM_ERRORS = (e.InputError, e.ProtocolError, e.AgreementError, e.PermissionDenied, e.Conflict)


def with_twin(response: Response, api: str) -> Response:
    """Name the page's JSON twin in a ``Link: <api>; rel="alternate"`` header."""
    response.headers["Link"] = f'<{api}>; rel="alternate"; type="application/json"'
    return response


def refused(
    request: Request,
    ctx: RequestContext,
    template: str,
    make: Callable[Concatenate[RequestContext, Unit, P], Mapping[str, Any]],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Callable[[str], Response]:
    """The ``failed`` answer of :func:`post_form` for a page that shows its own refusals:
    ``template`` again with ``make(ctx, unit, *args, **kwargs)`` and the refusal as ``error``,
    status 422."""

    def failed(message: str) -> Response:
        with ctx.read() as unit:
            context = {**make(ctx, unit, *args, **kwargs), "error": message}
        return render(request, template, context, status=422)

    return failed


async def post_form(
    request: Request,
    work: Callable[[dict[str, Any]], str],
    failed: Callable[[str], Response],
    lists: tuple[str, ...] = (),
) -> Response:
    """Run a form's work; redirect to the URL it answers, or show the page again with the error.

    ``work`` gets the form's text fields (the last value of each), and for each name in ``lists``
    every value of that field as a list; ``failed`` gets the error in one line (``problem_text``).
    """
    async with request.form() as form:
        values: dict[str, Any] = {k: str(v) for k, v in form.multi_items() if isinstance(v, str)}
        values.update({name: [str(v) for v in form.getlist(name)] for name in lists})

    def build() -> Response:
        try:
            target = work(values)
        except FORM_ERRORS as exc:
            return failed(problem_text(exc))
        return redirect(target, request)

    return await run_in_threadpool(run_page, request, build)
