"""A thin route's body: one unit of work as the caller, one service function called in it.

Most routes do nothing else, so they say it in one line::

    return reading(ctx, agree.agreement_list)
    return writing(ctx, agree.tick, agreement_id)

``reading(ctx, f, *args, **kwargs)`` is ``f(unit.session, unit.actor, *args, **kwargs)`` in
``with ctx.read() as unit:`` (``writing`` in ``ctx.write()``, which commits before it returns).
``listing(ctx, Out, f, *args)`` is ``reading`` that answers ``[Out.model_validate(r) for r in
rows]``; ``reading_as(ctx, Out, f, *args)`` and ``writing_as`` answer the one row as
``Out.model_validate(row)``, in the unit of work. A route that does more in its unit of work
(several calls, a schema built from several rows) opens the unit itself. A route takes its
context as ``ctx: Ctx`` (``ctx: EnrolCtx`` where a user who must still set up a second factor
may call it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar

from fastapi import Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from gobetween.policy import Actor
from gobetween.service.context import RequestContext, enrolment_context, request_context
from gobetween.service.slots import Slot, documents

__all__ = [
    "Ctx",
    "EnrolCtx",
    "document_slot",
    "listing",
    "reading",
    "reading_as",
    "writing",
    "writing_as",
]

#: A route's request context (a FastAPI dependency).
Ctx = Annotated[RequestContext, Depends(request_context)]
#: The context of a route open to a user who must set up a second factor and has not yet.
EnrolCtx = Annotated[RequestContext, Depends(enrolment_context)]

P = ParamSpec("P")
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def reading(
    ctx: RequestContext,
    call: Callable[Concatenate[Session, Actor, P], T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``call(session, actor, *args, **kwargs)`` in a read-only unit of work as the caller."""
    with ctx.read() as unit:
        return call(unit.session, unit.actor, *args, **kwargs)


def writing(
    ctx: RequestContext,
    call: Callable[Concatenate[Session, Actor, P], T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``call(session, actor, *args, **kwargs)`` in a writing unit of work as the caller,
    committed before it returns."""
    with ctx.write() as unit:
        return call(unit.session, unit.actor, *args, **kwargs)


def listing(
    ctx: RequestContext,
    out: type[M],
    call: Callable[Concatenate[Session, Actor, P], Iterable[Any]],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> list[M]:
    """The rows ``call(session, actor, *args, **kwargs)`` reads as the caller, each as ``out``."""
    with ctx.read() as unit:
        return [out.model_validate(r) for r in call(unit.session, unit.actor, *args, **kwargs)]


def reading_as(
    ctx: RequestContext,
    out: type[M],
    call: Callable[Concatenate[Session, Actor, P], Any],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> M:
    """The row ``call(session, actor, *args, **kwargs)`` reads as the caller, as ``out``."""
    with ctx.read() as unit:
        return out.model_validate(call(unit.session, unit.actor, *args, **kwargs))


def writing_as(
    ctx: RequestContext,
    out: type[M],
    call: Callable[Concatenate[Session, Actor, P], Any],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> M:
    """The row ``call(session, actor, *args, **kwargs)`` writes as the caller, as ``out`` (read
    in the unit of work, committed before it returns)."""
    with ctx.write() as unit:
        return out.model_validate(call(unit.session, unit.actor, *args, **kwargs))


def document_slot(ctx: RequestContext) -> Slot:
    """A slot to make one document export in (``with document_slot(ctx):``): one per user and
    ``GOBETWEEN_DOCUMENTS_RUNNING`` per worker; beyond, :class:`~gobetween.errors.RateLimited`
    (429 with ``Retry-After``)."""
    with ctx.read() as unit:
        user_id = unit.actor.user_id
    return documents(ctx.services, ctx.settings.documents_running).take(user_id)
