"""Negotiation protocols as pure state machines: single text, relayed offers, blind bidding.

Each protocol module has the same shape: a frozen state built by ``State.open(...)``; actions
(frozen dataclasses); events (frozen dataclasses with a ``type`` and ``to_dict()``, read back by
``event_from_dict``); ``decide(state, action, *, now)``, ``apply(state, event)``,
``step(state, action, *, now) -> (state, events)`` and ``replay(initial, events)``; and views of
what each member may see. No I/O, no clock (``now`` is an aware datetime passed in), no hidden
randomness.

- :mod:`gobetween.protocols.single_text` (events in ``single_text_events``, views and the diff
  between versions in ``single_text_views``): the single negotiating text.
- :mod:`gobetween.protocols.relay`: offers relayed, possibly reworded, through the mediators.
- :mod:`gobetween.protocols.blind_bidding` (events in ``blind_bidding_events``): double-blind
  bidding on one amount, settling at the midpoint when the bids cross.
- :mod:`gobetween.protocols.simulated`: simulated delegations answering texts from their
  preferences, and a loop that runs a whole simulated track.

The guide is ``docs/guide/protocols.md``.
"""
