"""Choosing the language and time zone of each request (an ASGI middleware).

The language is, in order: the ``gobetween_lang`` cookie (set by the language switcher on every
page, also for visitors who have not logged in), else the ``Accept-Language`` header. A signed-in
user's own setting (``users.locale``) then takes over where the page knows the user (see
:func:`gobetween.web.common.frame`). The time zone is the ``gobetween_tz`` cookie the page script
sets from the browser, mapped to its canonical IANA name, unless the user chose one.

>>> choose({"gobetween_lang": "tr"}, "uk,en;q=0.5")
'tr'
>>> choose({}, "ar-QA,ar;q=0.9")
'ar'
>>> cookies_of("a=1; gobetween_lang=uk")["gobetween_lang"]
'uk'
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any

from gobetween import i18n

__all__ = ["LANG_COOKIE", "TZ_COOKIE", "LocaleMiddleware", "choose", "cookies_of"]

LANG_COOKIE = "gobetween_lang"
TZ_COOKIE = "gobetween_tz"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def cookies_of(header: str) -> dict[str, str]:
    """The cookies of a ``Cookie`` header (an unreadable header gives none)."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header[:8192])
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def choose(cookies: dict[str, str], accept_language: str | None) -> str:
    """The interface language for a request: the switcher's cookie, else Accept-Language."""
    return i18n.supported(cookies.get(LANG_COOKIE)) or i18n.negotiate(accept_language)


class LocaleMiddleware:
    """Sets :mod:`gobetween.i18n`'s language and zone for the request it wraps."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request in its language and time zone."""
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        headers = {
            key.decode("latin-1").lower(): value.decode("latin-1")
            for key, value in scope.get("headers", [])
        }
        cookies = cookies_of(headers.get("cookie", ""))
        locale = choose(cookies, headers.get("accept-language"))
        with i18n.use_locale(locale, cookies.get(TZ_COOKIE, "UTC")):
            await self.app(scope, receive, send)
