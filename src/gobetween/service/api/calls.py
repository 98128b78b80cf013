"""A thin route's body: one unit of work as the caller, one service function called in it.

Most routes do nothing else, so they say it in one line::

    return reading(ctx, agree.agreement_list)
    return writing(ctx, agree.tick, agreement_id)

``reading(ctx, f, *args, **kwargs)`` is ``f(unit.session, unit.actor, *args, **kwargs)`` in
``with ctx.read() as unit:`` (``writing`` in ``ctx.write()``, which commits before it returns).
A route that does more in its unit of work (several calls, a schema built from rows) opens the
unit itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from gobetween.policy import Actor
from gobetween.service.context import RequestContext

__all__ = ["reading", "writing"]

P = ParamSpec("P")
T = TypeVar("T")


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
