"""The request edge: body size limits, strict JSON and form checks, and response headers.

:class:`RequestGuard` is an ASGI middleware around the whole app. Before any route sees a
request it

- refuses a body larger than the route's limit with ``413`` problem+json: by its
  ``Content-Length`` before reading a byte, and while streaming (a chunked body or a false
  length) as soon as the count passes the limit, so memory never grows with what a client sends;
- reads a JSON body (it is small: its limit is :attr:`Settings.max_body_bytes`) and refuses, with
  ``422`` naming the field, a duplicate key, a lone surrogate (``"\\ud800"``, which no text
  encoding can store), a NUL character, a number with too many digits or nesting too deep;
- refuses NUL characters in form fields, and in a multipart upload NUL bytes in a file name and
  two files under one field name (only :data:`MULTI_FILE_FIELDS` take several);
- marks every answer but the static assets (:data:`STATIC_PREFIXES`) ``Cache-Control:
  no-store`` (JSON answers and pages carry private data: messages, preferences, the login
  answer's CSRF token), adds
  ``X-Content-Type-Options: nosniff`` and, when configured, ``Strict-Transport-Security``.

Limits per route: :func:`body_limit`.

>>> from gobetween.service.settings import Settings
>>> s = Settings()
>>> body_limit(s, "/api/auth/login", "application/json") == s.max_auth_body_bytes
True
>>> body_limit(s, "/api/channels/3/messages", "application/json") == s.max_body_bytes
True
>>> body_limit(s, "/api/channels/3/attachments", "multipart/form-data") == s.max_upload_bytes
True
>>> body_limit(s, "/api/verify", "application/json") == s.max_upload_bytes
True
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from gobetween.i18n import _, format_decimal
from gobetween.service.errors import MEDIA_TYPE, is_page, page_refusal, problem
from gobetween.service.settings import Settings

__all__ = ["AUTH_PATHS", "MULTI_FILE_FIELDS", "RequestGuard", "body_limit", "check_json"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Routes that anyone may call without logging in and that take a few short fields.
AUTH_PATHS = frozenset({"/api/auth/login", "/login", "/api/invitations/accept"})
#: Routes whose body is a file (an agreement bundle, JSON or not): counted against the upload
#: limit and handed over as sent; the route's own reader checks it and reports what is wrong.
FILE_BODY_PATHS = re.compile(r"^/api/verify$|^/api/agreements/[^/]+/signed-bundle$")
#: Where the vendored assets are served: their answers keep the ``Cache-Control`` their route
#: sets (public files, the same for everyone); any other answer there is ``no-store`` too.
STATIC_PREFIXES = ("/static/", "/api/docs/assets/")
#: Upload fields that take several files at once.
MULTI_FILE_FIELDS = frozenset({"files"})
#: How deep a JSON document may nest.
MAX_JSON_DEPTH = 64
_JSON = ("application/json",)
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


def _media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(media: str) -> bool:
    return media in _JSON or (media.startswith("application/") and media.endswith("+json"))


def body_limit(settings: Settings, path: str, content_type: str) -> int:
    """The largest body accepted for ``path`` with this content type, in bytes.

    Log-in, invitation acceptance and their pages are tiny; JSON and form bodies (messages,
    offers, preferences, answers) are moderate; uploads (multipart, or a file sent as the body:
    attachments, imports, agreement bundles) are larger.
    """
    if path in AUTH_PATHS or path.startswith("/invitations/"):
        return settings.max_auth_body_bytes
    if FILE_BODY_PATHS.match(path):
        return settings.max_upload_bytes
    media = _media(content_type)
    if _is_json(media) or media == _FORM or not media:
        return settings.max_body_bytes
    return settings.max_upload_bytes


@dataclass(eq=False)  # an exception: compared and hashed by identity
class Refused(Exception):
    """A request the edge refuses: the problem document it answers with."""

    status: int
    detail: str
    location: str | None = None
    expected: str | None = None

    def body(self) -> bytes:
        """The problem+json answer."""
        title = "ContentTooLarge" if self.status == 413 else "ValidationFailed"
        errors = []
        if self.location is not None:
            errors.append(
                {"location": self.location, "message": self.detail, "expected": self.expected}
            )
        return json.dumps(problem(self.status, title, self.detail, errors)).encode()


def _too_large(limit: int) -> Refused:
    return Refused(
        413,
        _("the request body is too large (at most %(limit)s bytes here)") % {"limit": limit},
        "body",
        _("at most %(limit)s bytes") % {"limit": limit},
    )


class _Duplicate(dict[str, Any]):
    """An object in which a key appeared twice (the first such key in ``duplicate``)."""

    duplicate: str


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out and not isinstance(out, _Duplicate):
            out = _Duplicate(out)
            out.duplicate = key
        out[key] = value
    return out


def _bad_text(value: str) -> str | None:
    """Why a string cannot be accepted (a lone surrogate, a NUL character), or ``None``."""
    if "\x00" in value:
        return _("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("contains a lone surrogate (an unpaired \\ud800-\\udfff escape)")
    return None


def _join(where: str, key: str | int) -> str:
    return f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}"


def check_json(raw: bytes) -> None:
    """Refuse what no route should accept in a JSON body; let syntax errors through.

    Raises :class:`Refused` (422) naming the field for a duplicate key, a lone surrogate, a NUL
    character, an integer too long to read or nesting deeper than :data:`MAX_JSON_DEPTH`.
    Malformed JSON is left to the route's own validation, which names line and column.

    >>> check_json(b'{"text": "hello"}')
    >>> try:
    ...     check_json(b'{"a": {"text": "\\\\ud800"}}')
    ... except Refused as exc:
    ...     print(exc.location)
    body.a.text
    """
    try:
        document = json.loads(raw, object_pairs_hook=_pairs)
    except json.JSONDecodeError:
        return
    except RecursionError:
        raise Refused(422, _("the JSON body is nested too deeply"), "body") from None
    except ValueError as exc:  # integer too long to convert, text not UTF-8
        why = (
            _("it is not UTF-8 text")
            if isinstance(exc, UnicodeDecodeError)
            else _("a number has more than %(limit)s digits")
            % {"limit": format_decimal(sys.get_int_max_str_digits())}
        )
        detail = _("the JSON body cannot be read: %(reason)s") % {"reason": why}
        raise Refused(422, detail, "body") from None
    stack: list[tuple[str, Any, int]] = [("body", document, 0)]
    while stack:
        where, value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise Refused(422, _("the JSON body is nested too deeply"), where)
        if isinstance(value, str):
            reason = _bad_text(value)
            if reason:
                expected = _("text without control codes")
                raise Refused(422, f"{where}: {reason}", where, expected)
        elif isinstance(value, dict):
            if isinstance(value, _Duplicate):
                at = _join(where, value.duplicate)
                detail = _("the key %(key)r appears twice") % {"key": value.duplicate}
                raise Refused(422, detail, at, _("each key once"))
            for key, item in value.items():
                reason = _bad_text(key)
                if reason:
                    raise Refused(422, f"{where}: {reason}", where)
                stack.append((_join(where, key), item, depth + 1))
        elif isinstance(value, list):
            stack.extend((_join(where, i), item, depth + 1) for i, item in enumerate(value))


def check_form(raw: bytes) -> None:
    """Refuse NUL characters in the names or values of a URL-encoded form.

    >>> check_form(b"name=Ana&csrf_token=x")
    >>> try:
    ...     check_form(b"name=A%00na")
    ... except Refused as exc:
    ...     print(exc.location)
    name
    """
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            field_name = name.replace("\x00", "") or "form"
            detail = f"{field_name}: {_('contains a NUL character')}"
            raise Refused(422, detail, field_name, _("text without control codes"))


@dataclass
class _Multipart:
    """Watches a multipart body as it streams past: file names, repeated file fields."""

    parser: MultipartParser | None = None
    refused: Refused | None = None
    files: set[str] = field(default_factory=set)
    _header: bytearray = field(default_factory=bytearray)
    _value: bytearray = field(default_factory=bytearray)
    _disposition: bytes = b""
    _is_file: bool = False
    _name: str = ""

    @classmethod
    def for_type(cls, content_type: str) -> _Multipart | None:
        params = parse_options_header(content_type)[1]
        boundary = params.get(b"boundary")
        if not boundary:
            return None
        watcher = cls()
        watcher.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": watcher._begin,
                "on_header_field": lambda d, s, e: watcher._header.extend(d[s:e]),
                "on_header_value": lambda d, s, e: watcher._value.extend(d[s:e]),
                "on_header_end": watcher._header_end,
                "on_headers_finished": watcher._headers_done,
                "on_part_data": watcher._data,
            },
        )
        return watcher

    def _begin(self) -> None:
        self._disposition, self._is_file, self._name = b"", False, ""

    def _header_end(self) -> None:
        if bytes(self._header).strip().lower() == b"content-disposition":
            self._disposition = bytes(self._value)
        self._header.clear()
        self._value.clear()

    def _refuse(self, detail: str, location: str, expected: str) -> None:
        if self.refused is None:
            self.refused = Refused(422, detail, location, expected)

    def _headers_done(self) -> None:
        params = parse_options_header(self._disposition)[1]
        self._name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        if filename is None:
            return
        self._is_file = True
        if b"\x00" in filename or b"%00" in filename.lower():
            self._refuse(
                _("the file name contains a NUL byte"), self._name or "form", _("a file name")
            )
        if self._name in self.files and self._name not in MULTI_FILE_FIELDS:
            self._refuse(
                _("two files were sent in the field %(field)r; send one") % {"field": self._name},
                self._name,
                _("one file"),
            )
        self.files.add(self._name)

    def _data(self, data: bytes, start: int, end: int) -> None:
        if not self._is_file and b"\x00" in data[start:end]:
            where = self._name or "form"  # a part without a name is still named somewhere
            detail = f"{where}: {_('contains a NUL character')}"
            self._refuse(detail, where, _("text without control codes"))

    def feed(self, chunk: bytes) -> None:
        """Parse the next chunk; malformed bodies are left to the route's parser."""
        if self.parser is None or self.refused is not None:
            return
        try:
            self.parser.write(chunk)
        except Exception:  # the route's own parser reports malformed bodies
            self.parser = None
        if self.refused is not None:
            raise self.refused


@dataclass
class _State:
    """One request's progress through the guard."""

    started: bool = False
    refused: Refused | None = None


class RequestGuard:
    """ASGI middleware: body limits, JSON and form checks, security headers (see the module)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = _State()
        guarded_send = self._send(scope, send, state)
        try:
            receive = await self._checked_receive(scope, receive, state)
            await self.app(scope, receive, guarded_send)
        except Refused as refused:
            state.refused = state.refused or refused
            if not state.started:
                await guarded_send({"type": "http.response.start", "status": 0, "headers": []})

    async def _checked_receive(self, scope: Scope, receive: Receive, state: _State) -> Receive:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        content_type = headers.get("content-type", "")
        limit = body_limit(self.settings, scope["path"], content_type)
        declared = headers.get("content-length", "")
        if declared.isdigit() and (len(declared) > 18 or int(declared) > limit):
            raise _too_large(limit)
        media = _media(content_type)
        if FILE_BODY_PATHS.match(scope["path"]):
            return _counting(receive, limit, None, state)
        if _is_json(media) or media == _FORM or (not media and scope["method"] != "GET"):
            body = await _read_all(receive, limit)
            if media != _FORM:  # FastAPI reads a body without a content type as JSON
                check_json(body)
            else:
                check_form(body)
            return _replay(body, receive)
        watcher = _Multipart.for_type(content_type) if media == _MULTIPART else None
        return _counting(receive, limit, watcher, state)

    def _send(self, scope: Scope, send: Send, state: _State) -> Send:
        static = scope["path"].startswith(STATIC_PREFIXES)
        hsts = self.settings.hsts_seconds

        async def guarded(message: Message) -> None:
            if state.refused is not None:
                # the body was refused while the route read it: answer that, not the route
                if message["type"] == "http.response.start" and not state.started:
                    state.started = True
                    await _send_refusal(send, state.refused, scope)
                return
            if message["type"] == "http.response.start":
                state.started = True
                extra = {b"x-content-type-options": b"nosniff"}
                headers = message.get("headers", [])
                if not static or not any(k.lower() == b"cache-control" for k, _v in headers):
                    extra[b"cache-control"] = b"no-store"
                if hsts > 0:
                    extra[b"strict-transport-security"] = f"max-age={hsts}".encode()
                kept = [(k, v) for k, v in headers if k.lower() not in extra]
                message["headers"] = kept + list(extra.items())
            await send(message)

        return guarded


async def _send_refusal(send: Send, refused: Refused, scope: Scope) -> None:
    """The refusal as problem+json, or for a page's form (outside ``/api``) as the error page
    in the reader's language naming the field, with the same status."""
    body = refused.body()
    headers = [(b"content-type", MEDIA_TYPE.encode())]
    if is_page(scope["path"]):
        # in a worker thread: the page reads the signed-in user's header from the database
        page = await run_in_threadpool(page_refusal, Request(scope), refused.status, refused.detail)
        if page is not None:
            body = bytes(page.body)
            kept = (b"content-length", b"cache-control", b"x-content-type-options")
            headers = [(k, v) for k, v in page.raw_headers if k.lower() not in kept]
    await send(
        {
            "type": "http.response.start",
            "status": refused.status,
            "headers": headers
            + [
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"x-content-type-options", b"nosniff"),
            ]
            + ([(b"connection", b"close")] if refused.status == 413 else []),
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _read_all(receive: Receive, limit: int) -> bytes:
    """The whole body, refused as soon as it passes ``limit`` (nothing more is read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _counting(receive: Receive, limit: int, watcher: _Multipart | None, state: _State) -> Receive:
    """``receive`` that refuses past ``limit`` bytes and shows multipart chunks to ``watcher``."""
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            size += len(chunk)
            try:
                if size > limit:
                    raise _too_large(limit)
                if watcher is not None:
                    watcher.feed(chunk)
            except Refused as refused:
                state.refused = refused
                raise
        return message

    return counted
