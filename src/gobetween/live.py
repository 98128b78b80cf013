"""The kinds of live update the house's own writes queue (messages, translations, agendas...).

A negotiation protocol declares its own kinds with its declaration (``live_updates``, for
example :class:`gobetween.protocols.relay.RelayUpdate`), and nothing else lists them:
:func:`gobetween.protocols.registry.live_kinds` is these and every registered protocol's, which
the pages render into the document, so the browser script subscribes to exactly those and keeps
no list of its own.

>>> LiveUpdate.MESSAGE.value
'message'
>>> "offer_status" in {k.value for k in LiveUpdate}
False
"""

from __future__ import annotations

import enum

__all__ = ["LiveUpdate"]


class LiveUpdate(enum.StrEnum):
    """One kind of live update (the event name of a server-sent event)."""

    MESSAGE = "message"
    TRANSLATION = "translation"
    PREFERENCES = "preferences"
    AGENDA = "agenda"
    PROTOCOL = "protocol"  # a protocol was opened (each party that sees it, its scope; id 0)
