"""Errors as ``application/problem+json`` (RFC 9457), with one shape and one mapping table.

Every answer that is not a success has the members ``type``, ``title``, ``status``, ``detail``
and ``errors`` (a list of ``{"location", "message", "expected"}``, empty when no field is at
fault; a :class:`~gobetween.errors.Conflict` that names its field lists it too). :data:`STATUS`
maps each class of :mod:`gobetween.errors` to its HTTP status; the nearest mapped ancestor
decides for classes added later, and a test checks that every class is listed.

The ``title`` is stable English (clients branch on it); the ``detail`` is in the caller's
language (:mod:`gobetween.i18n`: Accept-Language, or the browser's language cookie), see
:func:`describe`.

>>> problem(404, "Not Found", "no channel 3")["type"]
'https://gobetween.org/problems/404'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from babel import Locale
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.status import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE

from gobetween import errors as e
from gobetween import i18n
from gobetween.i18n import _, ngettext
from gobetween.service.schemas import place, refusal

__all__ = [
    "MEDIA_TYPE",
    "STATUS",
    "answer_pages_with",
    "describe",
    "install",
    "is_page",
    "page_refusal",
    "place_said",
    "problem",
    "status_of",
    "translated",
]

MEDIA_TYPE = "application/problem+json"

#: The one table from error class to HTTP status.
STATUS: dict[type[e.GobetweenError], int] = {
    e.GobetweenError: 500,
    e.InputError: 422,
    e.InvalidModel: 422,
    e.InvalidAgenda: 422,
    e.InvalidPackage: 422,
    e.InvalidPreferences: 422,
    e.InvalidScenario: 422,
    e.FileFormatError: 422,
    e.UnsafeXML: 422,
    e.DataImportError: 422,
    e.ValidationFailed: 422,
    e.FieldsRefused: 422,
    e.AnalysisError: 422,
    e.OutcomeSpaceTooLarge: 422,
    e.FrontierTooLarge: 422,
    e.ProtocolError: 409,
    e.AgreementError: 409,
    e.VerificationFailed: 422,
    e.AuditChainBroken: 500,
    e.NotFound: 404,
    e.PermissionDenied: 403,
    e.TwoFactorRequired: 403,
    e.Conflict: 409,
    e.InvitationClosed: 409,
    e.AuthenticationFailed: 401,
    e.SessionIdle: 401,
    e.RateLimited: 429,
    e.ServiceUnavailable: 503,
    e.ConfigurationError: 500,
}

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def status_of(error: e.GobetweenError) -> int:
    """The HTTP status of ``error``: its class's entry, else its nearest mapped ancestor's."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def describe(error: e.GobetweenError) -> str:
    """What went wrong, for a person, in the current language (``str(error)`` in English).

    Messages raised with ``_()`` are already translated; a message the catalogs know is
    translated here, and a core error's template (marked ``N_``, with ``params``) is translated
    before its values are filled in; the frame (where, what was expected) is always in the
    caller's language.
    A hidden object answers exactly like a missing one in every language.

    >>> bad = e.ValidationFailed("choose a role", location="role", expected="a role")
    >>> with i18n.use_locale("uk"):
    ...     describe(bad)
    'role: оберіть роль (очікувалося: роль)'
    >>> with i18n.use_locale("en"):
    ...     describe(e.NotFound("no track 9"))
    'no track 9'
    """
    if isinstance(error, e.FieldsRefused):
        return "; ".join(describe(each) for each in error.problems)
    if i18n.current_locale() == i18n.DEFAULT_LOCALE:
        return str(error)
    if isinstance(error, e.NotFound):
        return _("This does not exist, or you may not see it.")
    message = _filled(error.template, error.params) if error.message else error.message
    if not isinstance(error, e.InputError):
        return message
    located = place_said(error.location) if error.location else None
    where = _comma().join(part for part in (error.source, located) if part)
    text = _("%(where)s: %(message)s") % {"where": where, "message": message} if where else message
    if error.expected and error.expected_template:
        expected = _filled(error.expected_template, error.params)
        text = _("%(text)s (expected: %(expected)s)") % {"text": text, "expected": expected}
    return text


#: A numbered place in a file or text, as the core writes it in ``InputError.location``.
_NUMBERED = re.compile(r"(line|row|column|byte|dialogue|turn) (\d+)|article (\S+)|voyage #(\d+)")


def place_said(location: str) -> str:
    """An error's ``location`` in the current language: its words (line, row, column, byte,
    dialogue, turn, voyage, article, top level, proposed wording) translated, names and paths
    kept as they are.

    The location written in problem+json's ``errors[].location`` stays as the core wrote it;
    only the sentence a person reads changes.

    >>> with i18n.use_locale("uk"):
    ...     place_said("line 3, column 7, agenda.issues[1]")
    'рядок 3, стовпець 7, agenda.issues[1]'
    >>> place_said("row 4, Status")
    'row 4, Status'
    """
    return _comma().join(_place_part(part) for part in location.split(", "))


def _comma() -> str:
    """The comma between the parts of a place, as the reader's language writes it (``، ``)."""
    return i18n.pgettext("between the parts of a place", ", ")


def _place_part(part: str) -> str:
    if part == "top level":
        return _("top level")
    if part == "proposed wording":
        return _("proposed wording")
    found = _NUMBERED.fullmatch(part)
    if found is None:
        return part
    word, number, article, voyage = found.groups()
    if article is not None:
        return _("article %(id)s") % {"id": article}
    if voyage is not None:  # the JCC's voyage number (a voyage's cargo row that is refused)
        return _("voyage #%(voyage)s") % {"voyage": voyage}
    words = {
        "line": _("line %(number)s"),
        "row": _("row %(number)s"),
        "column": _("column %(number)s"),
        "byte": _("byte %(number)s"),
        "dialogue": _("dialogue %(number)s"),  # of a research corpus (gobetween corpus)
        "turn": _("turn %(number)s"),  # of a dialogue of a research corpus
    }
    return words[word] % {"number": number}


def _filled(template: str, params: Mapping[str, object]) -> str:
    """``template`` translated, then filled with ``params`` (a core error marked with ``N_``;
    a message without ``params`` is translated as it is; a :class:`~gobetween.errors.Sentence`
    among the values is translated in turn)."""
    if not params:
        return e.cap(_(template))
    values = {key: _value(value) for key, value in params.items()}
    try:
        return e.cap(_(template) % values)
    except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
        return e.cap(template % e.english(params))


class _Said(str):
    """A value written in the reader's words (a date, a number, a sentence): a template's
    ``%(x)r`` quotes it as it reads, never with Python's escapes (a Ukrainian date's narrow
    no-break space came out as ``'2 серп. 2022\\u202fр.'``).

    >>> "%r" % _Said("2 серп. 2022\u202fр.") == "'2 серп. 2022\u202fр.'"
    True
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"'{self}'"


def _value(value: object) -> object:
    if isinstance(value, e.Count):
        return _Said(i18n.format_decimal(int(value)))
    if isinstance(value, e.Sentence):
        return _Said(translated(value))
    if isinstance(value, e.Named):
        return value.names.get(i18n.current_locale()) or str(value)
    if isinstance(value, e.NamedLanguage):
        return _language_named(value)
    if isinstance(value, dt.datetime):
        return _Said(i18n.format_datetime(value))
    if isinstance(value, dt.date):
        return _Said(i18n.format_date(value))
    if isinstance(value, tuple) and value and all(isinstance(v, e.Sentence) for v in value):
        return "; ".join(translated(v) for v in value)
    return value


def _language_named(code: str) -> str:
    """Language ``code`` by its name in the reader's language (CLDR), else the code."""
    try:
        return str(Locale.parse(i18n.current_locale()).languages.get(code, code))
    except (ValueError, TypeError):
        return code


def translated(sentence: e.Sentence) -> str:
    """A sentence of the pure core in the current language (its values filled in after).

    >>> with i18n.use_locale("uk"):
    ...     translated(e.Sentence(e.N_("no working language")))
    'не вказано жодної робочої мови'
    """
    return _filled(sentence.template, sentence.params)


def problem(
    status: int, title: str, detail: str, errors: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """The problem document in its one shape."""
    return {
        "type": f"https://gobetween.org/problems/{status}",
        "title": title,
        "status": status,
        "detail": detail,
        "errors": list(errors),
    }


def _response(
    status: int, title: str, detail: str, errors: Sequence[dict[str, Any]] = (), **headers: str
) -> JSONResponse:
    return JSONResponse(
        problem(status, title, detail, errors),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers or None,
    )


def _gobetween(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.GobetweenError)
    status = status_of(exc)
    errors: list[dict[str, Any]] = []
    if isinstance(exc, e.InputError):
        for each in e.problems_of(exc):
            location = ".".join(p for p in (each.source, each.location) if p) or "body"
            errors.append({"location": location, **_said(each)})
    elif isinstance(exc, e.Conflict) and exc.location:  # a name taken: at its field
        errors.append({"location": exc.location, "message": describe(exc), "expected": None})
    headers: dict[str, str] = {}
    if isinstance(exc, (e.RateLimited, e.ServiceUnavailable)):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, e.AuthenticationFailed):
        headers["WWW-Authenticate"] = 'Bearer realm="gobetween"'
    said = status < 500 or isinstance(exc, e.ServiceUnavailable)  # says what to wait for
    detail = describe(exc) if said else _("the server could not complete the request")
    return _response(status, type(exc).__name__, detail, errors, **headers)


def _said(error: e.InputError) -> dict[str, str | None]:
    """An input error's ``message`` and ``expected``, in the current language."""
    if i18n.current_locale() == i18n.DEFAULT_LOCALE:
        return {"message": error.message, "expected": error.expected}
    expected = error.expected_template
    return {
        "message": _filled(error.template, error.params),
        "expected": _filled(expected, error.params) if expected and error.expected else None,
    }


#: The pages' answer to a request refused before their route ran: set by the pages
#: (:mod:`gobetween.web.render`), so that the service imports nothing of them.
_PAGE_ANSWER: list[Callable[[Request, int, Callable[[], str]], Response]] = []


def answer_pages_with(answer: Callable[[Request, int, Callable[[], str]], Response]) -> None:
    """Answer a page's refused request (its status and the sentence naming the field, worded
    when ``answer`` calls it: after the signed-in user's own language is set) with ``answer``
    instead of problem+json; the API keeps problem+json."""
    _PAGE_ANSWER[:] = [answer]


def is_page(path: str) -> bool:
    """Whether ``path`` is a page a browser shows (everything outside ``/api``).

    >>> is_page("/login"), is_page("/api/auth/login"), is_page("/api")
    (True, False, False)
    """
    return not (path == "/api" or path.startswith("/api/"))


def page_refusal(request: Request, status: int, detail: str | Callable[[], str]) -> Response | None:
    """The HTML answer to a page's request refused with ``status`` and ``detail`` (a sentence,
    or what words it in the current language) (``None`` for the API, or where no pages are
    installed)."""
    if not _PAGE_ANSWER or not is_page(request.url.path):
        return None
    said = detail if callable(detail) else lambda: detail
    return _PAGE_ANSWER[0](request, status, said)


def _location(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


#: How many refused fields the ``detail`` names one by one (``errors`` lists them all).
DETAIL_FIELDS = 5


def _validation(request: Request, exc: Exception) -> Response:
    """A request body, query or path that its schema refuses: each field's refusal in the
    caller's language (:func:`~gobetween.service.schemas.refusal`), ``location`` in the API's
    names, and the ``detail`` naming the fields in plain words. A page's form (a field too
    long on ``/login``) gets the error page naming the field instead (:func:`page_refusal`)."""
    assert isinstance(exc, RequestValidationError)
    refused = list(exc.errors())
    page = page_refusal(request, 422, lambda: _refused_said(refused)[1])
    if page is not None:
        return page
    errors, detail = _refused_said(refused)
    return _response(422, "ValidationFailed", detail, errors)


def _refused_said(refused: list[Any]) -> tuple[list[dict[str, str | None]], str]:
    """The refused fields (``errors``) and the ``detail`` naming them, in the current language."""
    errors: list[dict[str, str | None]] = [
        {"location": _location(err.get("loc", ())), "message": refusal(err), "expected": None}
        for err in refused
    ]
    said = [
        _("%(place)s: %(message)s")
        % {"place": place(err.get("loc", ()), err.get("type", "")), "message": message}
        for err, message in zip(refused, (item["message"] for item in errors), strict=True)
    ]
    detail = "; ".join(said[:DETAIL_FIELDS]) or _("the request was not accepted")
    if len(said) > DETAIL_FIELDS:
        more = len(said) - DETAIL_FIELDS
        detail += " " + ngettext("(and %(num)d more field)", "(and %(num)d more fields)", more) % {
            "num": more
        }
    return errors, e.cap(detail)


#: What the web framework (Starlette, FastAPI) refuses on its own, in its English words, and
#: what the caller is told instead, in the caller's language (``limit`` from the first number).
_FRAMEWORK_WORDS: dict[str, str] = {
    r"Not Found": e.N_("there is nothing at this address"),
    r"Method Not Allowed": e.N_("this address does not take %(method)s requests"),
    r"Invalid multipart data\.": e.N_(
        "the form's data could not be read: a part is malformed, or a part's header (a file "
        "name, for one) is too long"
    ),
    r"Missing boundary in multipart\.": e.N_(
        "the form's data has no boundary: send it as multipart/form-data, as a browser does"
    ),
    r"Too many files\. Maximum number of files is (\d+)\.": e.N_(
        "too many files in one form: at most %(limit)s"
    ),
    r"Too many fields\. Maximum number of fields is (\d+)\.": e.N_(
        "too many fields in one form: at most %(limit)s"
    ),
    r'The Content-Disposition header field "name" must be provided\.': e.N_(
        "a part of the form's data has no name"
    ),
    r"There was an error parsing the body": e.N_(
        "the request's body could not be read as the form or JSON it says it is"
    ),
    r"Part exceeded maximum size of (\d+)KB\.": e.N_(
        "a part of the form's data is larger than %(limit)s KB"
    ),
}
_FRAMEWORK = tuple((re.compile(f"^{words}$"), said) for words, said in _FRAMEWORK_WORDS.items())


def framework_detail(request: Request, detail: str) -> str:
    """``detail`` in the caller's language when the web framework wrote it (its own words are
    English); any other detail (ours, already translated) as it is.

    >>> framework_detail(Request({"type": "http", "method": "PUT"}), "Method Not Allowed")
    'this address does not take PUT requests'
    """
    for pattern, message in _FRAMEWORK:
        found = pattern.match(detail)
        if found:
            limit = found.group(1) if found.groups() else ""
            return _(message) % {"method": request.method, "limit": limit}
    return detail


def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    title = _TITLES.get(exc.status_code, "Error")

    def detail() -> str:
        said = framework_detail(request, exc.detail if isinstance(exc.detail, str) else title)
        return e.cap(said)

    page = page_refusal(request, exc.status_code, detail)
    if page is not None:
        page.headers.update(exc.headers or {})
        return page
    return _response(exc.status_code, title, detail(), (), **(exc.headers or {}))


def _unexpected(_request: Request, _exc: Exception) -> JSONResponse:
    return _response(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Internal Server Error",
        _("the server could not complete the request"),
    )


def _unavailable(_request: Request, _exc: Exception) -> JSONResponse:
    return _response(
        HTTP_503_SERVICE_UNAVAILABLE,
        "Service Unavailable",
        _("the database did not answer; send the request again shortly"),
        (),
        **{"Retry-After": "1"},
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""
    import psycopg
    import sqlalchemy.exc

    app.add_exception_handler(e.GobetweenError, _gobetween)
    # a lost or refused database connection (either driver path): 503, worth trying again
    app.add_exception_handler(psycopg.OperationalError, _unavailable)
    app.add_exception_handler(sqlalchemy.exc.OperationalError, _unavailable)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
