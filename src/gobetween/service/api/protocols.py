"""Routes generic over the protocol registry: list a track's protocols, read one, act in one.

Built when the app is created (:func:`build_router`), from :func:`registry.protocols()
<gobetween.protocols.registry.protocols>` alone:

- ``GET /api/tracks/{id}/protocols``: the protocols the track runs that the caller sees
  something of, with the actions the caller's seat allows (and those not yet open, to whoever
  may open them);
- ``GET /api/tracks/{id}/protocols/{name}``: the caller's view of one (the protocol's view for
  their role; 404, worded as for a track without it, when the role sees nothing);
- ``POST /api/tracks/{id}/protocols/{name}/{action}``: one operation per protocol action that
  names its dataclass (:attr:`ActionRule.action <gobetween.protocols.base.ActionRule>`), whose
  body schema is derived from that dataclass (:func:`schema`): the fields after the actor, who
  is the caller (their party for an own-party action, their mediator organisation otherwise),
  each in its body form (a package as ``{issue: option}``, read with the track's agenda:
  :func:`gobetween.protocols.base.carried`).
  A field the schema refuses answers problem+json 422 naming it. An opening action's body is
  the protocol's settings.

The schemas are what ``/api/docs`` shows, under the tag ``protocols``.

Every route and page form that steps a protocol goes through :func:`stepping` (the generic
ones through :func:`acting`): when this worker keeps no current state of the protocol's
stream (not kept, or behind the stream's last event: another worker wrote since;
:mod:`gobetween.service.protocol_states`), the state is brought up to date in a read-only unit
first, so the writing unit applies only the events since and holds the write
lock for the step alone; the caller's view, where the step returns what draws it, is drawn
after the unit.

>>> from gobetween.protocols import poll
>>> sorted(schema(poll.PROTOCOL, poll.ANSWER_STATEMENT).model_fields)
['answer', 'comment', 'statement']
>>> schema(poll.PROTOCOL, poll.ANSWER_STATEMENT).__name__
'PollAnswerStatementIn'
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import operator
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar

from annotated_types import MaxLen
from fastapi import APIRouter, Body
from pydantic import BaseModel, Field, create_model
from sqlalchemy.orm import Session

from gobetween.errors import NotFound
from gobetween.i18n import _
from gobetween.policy import Actor
from gobetween.protocols import registry
from gobetween.protocols.base import ActionRule, body_shape
from gobetween.protocols.registry import AnyProtocol
from gobetween.service import protocol_steps
from gobetween.service import schemas as s
from gobetween.service.api.calls import Ctx, reading, writing
from gobetween.service.context import RequestContext

__all__ = ["MAX_TEXT", "acting", "build_router", "schema", "stepping"]

TAG = "protocols"

#: The API's refusal of NUL characters in text (the validator of ``schemas.Str``).
_NO_NUL = typing.get_args(s.Str)[1]

#: The longest text field of an action that declares no limit of its own (characters).
MAX_TEXT = 20_000

P = ParamSpec("P")
T = TypeVar("T")


def stepping(
    ctx: RequestContext,
    protocol: AnyProtocol,
    call: Callable[Concatenate[Session, Actor, int, P], T],
    track_id: int,
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``call(session, actor, track_id, *args, **kwargs)``, a step of ``protocol`` in track
    ``track_id``, in a writing unit as the caller; before it, when this worker keeps no current
    state of the protocol there (none, or behind the stream's last event), the state replayed
    in a read-only unit
    (:func:`~gobetween.service.protocol_steps.warm`), so that the writing unit applies only
    the events written since (after a restart, replaying 100 versions of 950 KB inside the
    unit held the write lock most of a second)."""
    if not protocol_steps.keeps(ctx.services.db, track_id, protocol):
        reading(ctx, protocol_steps.warm, track_id, protocol)
    return writing(ctx, call, track_id, *args, **kwargs)


def acting(
    ctx: RequestContext,
    track_id: int,
    protocol: AnyProtocol,
    rule: ActionRule,
    values: dict[str, Any],
) -> Callable[[], dict[str, Any]]:
    """``rule`` of ``protocol`` done with ``values`` (the fields of its schema) as the generic
    operation does it (its route's and the page forms' one call): who sees what checked in a
    read-only unit (:func:`~gobetween.service.protocol_steps.prepare`), then the step through
    :func:`stepping`; returns what draws the caller's view, to call after the unit."""
    reading(ctx, protocol_steps.prepare, track_id, protocol, rule)
    return stepping(
        ctx, protocol, protocol_steps.performed, track_id, protocol, rule, values, seen=True
    )


def _limited(hint: Any) -> Any:
    """Every text in a field refuses NUL characters and, unless the dataclass limits it, more
    than :data:`MAX_TEXT` characters, at any depth (an optional text, a tuple or a mapping of
    texts); other types are as declared."""
    base: Any = hint
    extras: tuple[Any, ...] = ()
    if typing.get_origin(hint) is Annotated:
        base, *rest = typing.get_args(hint)
        extras = tuple(rest)
    if base is str:
        if any(isinstance(x, MaxLen) for x in extras):
            return Annotated[hint, _NO_NUL]
        return Annotated[hint, Field(max_length=MAX_TEXT), _NO_NUL]
    origin, args = typing.get_origin(base), typing.get_args(base)
    if not args or origin is typing.Literal:
        return hint
    inner = tuple(a if a is Ellipsis else _limited(a) for a in args)
    if origin in (types.UnionType, typing.Union):
        rebuilt: Any = functools.reduce(operator.or_, inner)
    else:
        rebuilt = origin[inner]
    return Annotated[(rebuilt, *extras)] if extras else rebuilt


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def schema(protocol: AnyProtocol, rule: ActionRule) -> type[BaseModel]:
    """The request body's schema of ``rule`` (of ``protocol``), from its action's dataclass:
    every field after the first (the actor), or every field of an opening rule's settings.
    Unknown fields are refused, as in every body of the API."""
    key = (protocol.name, rule.name)
    if key not in _SCHEMAS:
        _SCHEMAS[key] = _derive(protocol, rule)
    return _SCHEMAS[key]


_SCHEMAS: dict[tuple[str, str], type[BaseModel]] = {}


def _derive(protocol: AnyProtocol, rule: ActionRule) -> type[BaseModel]:
    action = rule.action
    if action is None or not dataclasses.is_dataclass(action):
        raise ValueError(f"{protocol.name}.{rule.name} names no action dataclass")
    hints = typing.get_type_hints(action, include_extras=True)
    fields = dataclasses.fields(action)
    if not rule.opens:
        fields = fields[1:]
    definitions: dict[str, Any] = {}
    for f in fields:
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = ...
        definitions[f.name] = (_limited(body_shape(f, hints[f.name])), default)
    model: type[BaseModel] = create_model(
        f"{_camel(protocol.name)}{_camel(rule.name)}In",
        __base__=s.In,
        __doc__=inspect.getdoc(action),
        **definitions,
    )
    return model


def _protocol(name: str) -> AnyProtocol:
    for protocol in registry.protocols():
        if protocol.name == name:
            return protocol
    raise NotFound(_("no protocol %(name)s") % {"name": name})


def _operation(protocol: AnyProtocol, rule: ActionRule) -> Any:
    """The endpoint of one generic action, its body typed by the action's schema."""
    model = schema(protocol, rule)
    empty = not model.model_fields

    def endpoint(track_id: int, ctx: RequestContext, body: BaseModel | None = None) -> Any:
        values = {} if body is None else {k: getattr(body, k) for k in model.model_fields}
        return acting(ctx, track_id, protocol, rule, values)()  # the view, after the unit

    body = inspect.Parameter(
        "body",
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[model | None, Body()] if empty else model,
        default=None if empty else inspect.Parameter.empty,
    )
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("track_id", inspect.Parameter.KEYWORD_ONLY, annotation=s.Id),
            inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Ctx),
            body,
        ],
        return_annotation=dict[str, Any],
    )
    endpoint.__name__ = f"{protocol.name}_{rule.name}"
    return endpoint


def build_router() -> APIRouter:
    """The generic routes, with one operation per action of every registered protocol."""
    router = APIRouter(prefix="/api", tags=[TAG])

    @router.get("/tracks/{track_id}/protocols")
    def list_protocols(track_id: s.Id, ctx: Ctx) -> list[dict[str, Any]]:
        """The protocols the track runs that you see something of (name, title in your
        language, whether it is open, the actions your seat allows); a protocol not yet open
        is listed to those who may open it."""
        with ctx.read() as unit:
            return protocol_steps.running(unit.session, unit.actor, track_id)

    @router.get("/tracks/{track_id}/protocols/{name}")
    def read_protocol(track_id: s.Id, name: str, ctx: Ctx) -> dict[str, Any]:
        """Your view of protocol ``name`` in the track (mediators: everything; a party: its
        own); 404 when the track does not run it or your seat sees nothing of it."""
        with ctx.read() as unit:
            return protocol_steps.show(unit.session, unit.actor, track_id, _protocol(name))

    for protocol in registry.protocols():
        for rule in protocol.actions:
            if not rule.generic:
                continue
            action = rule.action
            doc = inspect.getdoc(action) or ""
            who = "a party, for itself" if rule.own_party else ", ".join(sorted(rule.seats))
            router.add_api_route(
                f"/tracks/{{track_id}}/protocols/{protocol.name}/{rule.name}",
                _operation(protocol, rule),
                methods=["POST"],
                status_code=201 if rule.opens else 200,
                summary=f"{protocol.title}: {rule.label}",
                description=f"{doc}\n\nWho: {who}. The answer is your view afterwards.",
                operation_id=f"{protocol.name}_{rule.name}",
            )
    return router
