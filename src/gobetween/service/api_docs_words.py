"""The words of the API reference, for the translators and for the reader of ``/api/docs``.

Two sets of words reach the reader of the API reference besides the introduction and the groups
(:mod:`gobetween.service.api_docs`):

- **The operations' summaries and descriptions** (and their answers' descriptions). They are
  written once, as the route functions' names and docstrings (and, for the generic protocol
  routes, from the protocols' declarations; the answers' from FastAPI).
  ``make i18n`` extracts every one of them from the app's OpenAPI description as a message in
  the context :data:`CONTEXT` (:func:`extract`, named in ``babel.cfg``), so a new or changed
  route is a new message that ``tests/test_catalogs.py`` asks to be translated;
  :func:`localize` puts them into ``/api/docs/openapi.json`` in the reader's language.
  ``/api/openapi.json`` stays the canonical English description for programs.
- **Swagger UI's own words** ("Try it out", "Execute", "Responses"...). Swagger UI 5.35 has no
  translation mechanism, so the page carries :func:`chrome_words` (English -> the reader's
  language) and the page's script replaces those texts as Swagger UI draws them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import IO, Any

from gobetween import i18n
from gobetween.i18n import _l

__all__ = ["CHROME", "CONTEXT", "chrome_words", "extract", "localize", "operation_texts"]

#: The gettext context of the operations' words (they may repeat words used elsewhere).
CONTEXT = "API operation"
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

#: Swagger UI 5.35's words that a reader meets, in English as the bundle writes them (the key,
#: without surrounding spaces) and translatable.
CHROME: Mapping[str, Any] = {
    "Try it out": _l("Try it out"),
    "Cancel": _l("Cancel"),
    "Execute": _l("Execute"),
    "Clear": _l("Clear"),
    "Parameters": _l("Parameters"),
    "No parameters": _l("No parameters"),
    "Request body": _l("Request body"),
    "Responses": _l("Responses"),
    "Response body": _l("Response body"),
    "Response headers": _l("Response headers"),
    "Request URL": _l("Request URL"),
    "Server response": _l("Server response"),
    "Schemas": _l("Schemas"),
    "Example Value": _l("Example value"),
    "Schema": _l("Schema"),
    "Media type": _l("Media type"),
    "Links": _l("Links"),
    "No links": _l("No links"),
    "Description": _l("Description"),
    "Name": _l("Name"),
    "Code": _l("Code"),
    "Details": _l("Details"),
    "Download": _l("Download"),
    "Undocumented": _l("Undocumented"),
    "Failed to load API definition.": _l("The API description could not be loaded."),
    "required": _l("required"),
    "Send empty value": _l("Send an empty value"),
    "Edit Value": _l("Edit the value"),
    "Reset": _l("Reset"),
    "Expand all": _l("Expand all"),
    "Collapse all": _l("Collapse all"),
    "Servers": _l("Servers"),
    "Authorize": _l("Authorise"),
    "Available authorizations": _l("Available authorisations"),
    "Close": _l("Close"),
    "Logout": _l("Log out"),
    "Filter by tag or path": _l("Filter by group or path"),
    "Loading...": _l("Loading..."),
}


def chrome_words() -> dict[str, str]:
    """Swagger UI's words in the current language (empty in English: nothing to replace)."""
    if i18n.current_locale() == i18n.DEFAULT_LOCALE:
        return {}
    return {english: str(local) for english, local in CHROME.items()}


def _operations(schema: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for item in schema.get("paths", {}).values():
        for method in _METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield operation


def _units(text: str) -> list[str]:
    """The translation units of an operation's text: its paragraphs (the generic protocol
    routes share a closing paragraph, translated once)."""
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def _texts(operation: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """The places of an operation that hold words: its summary, its description and its
    answers' descriptions, as (holder, key)."""
    for field in ("summary", "description"):
        if isinstance(operation.get(field), str):
            yield operation, field
    for answer in (operation.get("responses") or {}).values():
        if isinstance(answer, dict) and isinstance(answer.get("description"), str):
            yield answer, "description"


def operation_texts(schema: Mapping[str, Any]) -> Iterator[str]:
    """Every paragraph of every operation's summary, description and answers' descriptions in
    an OpenAPI description, as written."""
    for operation in _operations(schema):
        for holder, key in _texts(operation):
            yield from _units(holder[key])


def localize(schema: dict[str, Any]) -> None:
    """Put the operations' words into the current language, paragraph by paragraph, in place
    (a paragraph without a translation stays as written)."""
    if i18n.current_locale() == i18n.DEFAULT_LOCALE:
        return
    for operation in _operations(schema):
        for holder, key in _texts(operation):
            if holder[key].strip():
                local = (i18n.pgettext(CONTEXT, unit) for unit in _units(holder[key]))
                holder[key] = "\n\n".join(local)


def _app_schema() -> dict[str, Any]:
    from fastapi import FastAPI

    from gobetween.service.app import routers

    app = FastAPI(title="gobetween")
    for router in routers():
        app.include_router(router)
    return app.openapi()


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[Any, ...]]:
    """Babel extractor (``babel.cfg``): this file's own marked strings, then every paragraph of
    every operation's summary and description of the app's OpenAPI description, in the context
    :data:`CONTEXT`."""
    from babel.messages.extract import extract_python

    data = fileobj.read()
    yield from extract_python(io.BytesIO(data), keywords, comment_tags, options)
    for text in sorted(set(operation_texts(_app_schema()))):
        yield 1, "pgettext", (CONTEXT, text), []
