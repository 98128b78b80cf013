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

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gobetween.errors import GobetweenError, InputError, ValidationFailed, refusal_of
from gobetween.protocols.base import ActionRule
from gobetween.protocols.registry import AnyProtocol
from gobetween.service.api.protocols import acting
from gobetween.service.context import RequestContext
from gobetween.service.schemas import refusal
from gobetween.web.render import refusal_context

__all__ = ["form_errors", "in_form_order", "perform_step", "validated"]

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
    exc: GobetweenError, field_of: Callable[[str], str] | None = None, at: str | None = None
) -> dict[str, Any]:
    """A refused form's template context: every problem in the summary at the top of the
    page and next to its field (:func:`gobetween.web.render.refusal_context`; the templates
    link the field to its words with ``aria-describedby``). ``field_of`` names the form's
    field for the body's location where the two differ (``articles.0.reason`` ->
    ``rs:art-1``); ``at``: the field of a problem that names none."""
    return refusal_context(exc, field_of, at)


def in_form_order(
    problems: Sequence[InputError],
    fields: Iterable[str],
    field_of: Callable[[str], str] | None = None,
) -> InputError:
    """One refusal of ``problems`` (the page's own checks' and the schema's, found apart),
    listed in the order of the form's ``fields`` (their names, as the page draws them), a
    problem at no field of them last, each place once (the page's words for a place, found
    first, not the schema's too). ``field_of``: the form's field of a location, as
    :func:`form_errors` takes it.

    >>> found = [ValidationFailed("too long", location="note"),
    ...          ValidationFailed("not a date", location="deadline")]
    >>> print(in_form_order(found, ["deadline", "note"]))
    deadline: not a date; note: too long
    """
    order = {name: i for i, name in enumerate(dict.fromkeys(fields))}
    of = field_of or (lambda where: where.split(".")[0])

    def rank(problem: InputError) -> int:
        return order.get(of(problem.location), len(order)) if problem.location else len(order)

    once: dict[str | None, InputError] = {}
    for problem in problems:
        once.setdefault(problem.location, problem)
    return refusal_of(sorted(once.values(), key=rank))
