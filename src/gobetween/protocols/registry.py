"""The registry of negotiation protocols: one line per protocol, everything else generic over it.

The service (:mod:`gobetween.service.protocol_steps`), the policy (each protocol's
:class:`~gobetween.protocols.base.ActionRule` s) and the pages' live updates read the protocols
from here. The interface a protocol declares is :class:`NegotiationProtocol` (in
:mod:`gobetween.protocols.base`, re-exported here); adding a protocol is its module, its tests,
one :func:`register` line at the bottom of this module, and its templates
(``docs/dev/add-protocol.md``).

>>> [p.name for p in protocols()]
['single_text', 'relay', 'blind_bidding', 'poll']
>>> get("relay").title
'Offers relayed through the mediators'
>>> sorted(a.name for a in get("single_text").actions)
['answer_text', 'publish_text', 'withdraw_answer']
>>> "bid" in live_kinds() and "message" in live_kinds()
True

Where each role finds a protocol (its tab in the track's navigation, and the page under
``/tracks/{id}/`` that the generic address ``protocols/<name>`` leads to):

>>> [(p.name, tab_of(p, ViewRole.PARTY), page_of(p, ViewRole.PARTY)) for p in protocols()]
... # doctest: +NORMALIZE_WHITESPACE
[('single_text', 'Text', 'text'), ('relay', None, 'channel'),
 ('blind_bidding', 'Bidding', None), ('poll', 'Consultation', None)]
>>> [(p.name, tab_of(p, ViewRole.MEDIATOR), page_of(p, ViewRole.MEDIATOR)) for p in protocols()]
... # doctest: +NORMALIZE_WHITESPACE
[('single_text', 'Drafting', 'draft'), ('relay', None, 'console'),
 ('blind_bidding', 'Bidding', None), ('poll', 'Consultation', None)]
>>> [p.name for p in protocols() if tab_of(p, ViewRole.OBSERVER)]
['single_text']
"""

from __future__ import annotations

from typing import Any

from gobetween.errors import ProtocolError
from gobetween.live import LiveUpdate
from gobetween.protocols.base import (
    ActionRule,
    ByRole,
    NegotiationProtocol,
    Notice,
    ViewRole,
    WireEvent,
)

__all__ = [
    "ActionRule",
    "AnyProtocol",
    "NegotiationProtocol",
    "Notice",
    "ViewRole",
    "WireEvent",
    "action_rules",
    "get",
    "live_kinds",
    "page_of",
    "protocols",
    "register",
    "tab_of",
]

#: A protocol of any state, action and event types (what the registry holds).
AnyProtocol = NegotiationProtocol[Any, Any, Any]

_REGISTRY: dict[str, AnyProtocol] = {}

#: The longest name the event table stores (``protocol_events.protocol`` is ``String(30)``).
MAX_NAME = 30


def register(protocol: AnyProtocol) -> AnyProtocol:
    """Add ``protocol``; its name, and the names of its actions, must be new.

    Returns the protocol, so a module may write ``PROTOCOL = register(...)``.
    """
    name = protocol.name
    if not name or len(name) > MAX_NAME or not name.replace("_", "").isalnum():
        raise ProtocolError(f"a protocol name is 1 to {MAX_NAME} letters, digits or _: {name!r}")
    if name in _REGISTRY:
        raise ProtocolError(f"a protocol named {name!r} is already registered")
    taken = {a.name for a in action_rules()}
    clash = sorted(taken & {a.name for a in protocol.actions})
    if clash:
        raise ProtocolError(f"{name!r} declares actions another protocol has: {clash}")
    kinds = sorted(set(live_kinds()) & protocol.live_updates)
    if kinds:
        raise ProtocolError(f"{name!r} declares live-update kinds already taken: {kinds}")
    _REGISTRY[name] = protocol
    return protocol


def get(name: str) -> AnyProtocol:
    """The protocol registered as ``name``; :class:`ProtocolError` if there is none."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ProtocolError(f"no protocol {name!r} (registered: {', '.join(_REGISTRY)})") from None


def protocols() -> tuple[AnyProtocol, ...]:
    """Every registered protocol, in the order of registration."""
    return tuple(_REGISTRY.values())


def live_kinds() -> tuple[str, ...]:
    """Every live-update kind: the house's (:class:`~gobetween.live.LiveUpdate`), then each
    registered protocol's own, in the order of registration (what the pages subscribe to)."""
    own = (k for p in _REGISTRY.values() for k in sorted(p.live_updates))
    return (*(k.value for k in LiveUpdate), *own)


def tab_of(protocol: AnyProtocol, role: ViewRole) -> str | None:
    """The label (``N_``, untranslated) of ``protocol``'s tab in the navigation of ``role``,
    or ``None``. A plain label is the parties' and the mediators' tab: observers see nothing
    of most protocols, so they get a tab only where a :class:`ByRole` names them."""
    tab = protocol.tab
    if isinstance(tab, ByRole):
        return tab.of(role)
    return tab if role is not ViewRole.OBSERVER else None


def page_of(protocol: AnyProtocol, role: ViewRole) -> str | None:
    """The address under ``/tracks/{id}/`` of ``protocol``'s own page for ``role``; ``None``
    when ``role`` is served by the generic page (``protocols/<name>``)."""
    page = protocol.page
    return page.of(role) if isinstance(page, ByRole) else page


def action_rules() -> tuple[ActionRule, ...]:
    """Every action every registered protocol adds to the policy."""
    return tuple(a for p in _REGISTRY.values() for a in p.actions)


# -- the protocols (one line each) ---------------------------------------------------------------

from gobetween.protocols import blind_bidding_release, poll, relay, single_text_views  # noqa: E402

register(single_text_views.PROTOCOL)
register(relay.PROTOCOL)
register(blind_bidding_release.PROTOCOL)  # blind bidding with sealed rounds (released together)
register(poll.PROTOCOL)  # a consultation poll: statements answered privately
