"""Page forms read through the API's schemas: the same rules, the same refusals.

A page form's fields go through the pydantic model that the JSON API validates its body with
(:mod:`gobetween.service.schemas`), so a page cannot accept what the API refuses, nor cut what
the API would refuse (a message of 20,001 characters is refused by both, never shortened).
Every violation becomes a :class:`~gobetween.errors.ValidationFailed` naming its field, in
the reader's language (:func:`gobetween.service.schemas.refusal`), several together a
:class:`~gobetween.errors.FieldsRefused`, which the page shows with the form, all at once.

>>> from gobetween.service.schemas import OfferIn
>>> validated(OfferIn, {"message": "hello"}).message
'hello'
>>> try:
...     validated(OfferIn, {"message": "x" * 20_001})
... except ValidationFailed as exc:
...     print(exc)
message: 20,001 characters; at most 20,000 are accepted
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gobetween.errors import GobetweenError, InputError, ValidationFailed, refusal_of
from gobetween.protocols.base import ActionRule
from gobetween.protocols.registry import AnyProtocol
from gobetween.service.api.protocols import acting
from gobetween.service.context import RequestContext
from gobetween.service.schemas import refusal
from gobetween.web.render import refusal_context

__all__ = ["form_errors", "perform_step", "validated"]

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], values: Mapping[str, Any]) -> M:
    """``values`` (a form's fields, by the schema's names) read as ``model``; every violation
    as a :class:`ValidationFailed` at its field (several: :class:`~gobetween.errors.
    FieldsRefused`)."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        found: list[InputError] = [
            ValidationFailed(refusal(err), location=".".join(str(p) for p in err["loc"]) or None)
            for err in exc.errors()
        ]
        raise refusal_of(found) from None


def perform_step(
    ctx: RequestContext, track_id: int, protocol: AnyProtocol, rule: ActionRule, body: BaseModel
) -> None:
    """Do ``rule`` of ``protocol`` as the caller with a page form's ``body``, already read
    through the schema of the rule's generic API operation (:func:`validated` with
    :func:`gobetween.service.api.protocols.schema`), as that operation does it
    (:func:`gobetween.service.api.protocols.acting`: who sees it checked and a cold state
    replayed in read-only units, then the step in its own writing unit). The page shows the
    caller's view by its own read afterwards, so the step's is not drawn."""
    values = {k: getattr(body, k) for k in type(body).model_fields}
    acting(ctx, track_id, protocol, rule, values)


def form_errors(
    exc: GobetweenError, field_of: Callable[[str], str] | None = None
) -> dict[str, Any]:
    """A refused form's template context: every problem in the summary at the top of the
    page and next to its field (:func:`gobetween.web.render.refusal_context`; the templates
    link the field to its words with ``aria-describedby``). ``field_of`` names the form's
    field for the body's location where the two differ (``articles.0.reason`` ->
    ``rs:art-1``)."""
    return refusal_context(exc, field_of)
