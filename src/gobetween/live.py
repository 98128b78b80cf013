"""The kinds of live update a track's stream carries: one list, used by the service and the pages.

The service queues an update with one of these kinds; the pages render the list into the
document, so the browser script subscribes to exactly these and keeps no list of its own. A
protocol declares which kinds it emits (:mod:`gobetween.protocols.registry`).

>>> LiveUpdate.MESSAGE.value
'message'
>>> "offer_status" in {k.value for k in LiveUpdate}
True
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
    TEXT = "text"
    ANSWER = "answer"
    READY = "ready"
    OFFER = "offer"
    OFFER_STATUS = "offer_status"
    OFFER_RECEIVED = "offer_received"
    BID = "bid"  # a side's own sealed bid was received (its scope only)
    BIDDING = "bidding"  # a round of a bidding resolved, or the bidding ended (both sides)
