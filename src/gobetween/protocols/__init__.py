"""Negotiation protocols as pure state machines: single text, relayed offers, blind bidding."""
