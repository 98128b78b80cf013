"""The ORM table of double-blind bidding: which track bids, on what, between whom, by what rules.

:class:`Bidding` holds what opening a bidding fixed: the issue bid on (``None``: an amount of the
whole track, such as the sum in settlement of a claim), the paying and the receiving party, the
rules as JSON (:meth:`gobetween.protocols.blind_bidding.BiddingRules.to_dict`), who opened it
and when. A track has at most one bidding. The bids themselves are protocol events
(``protocol_events``, protocol ``blind_bidding``), replayed into the state on every read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gobetween.store.tables import Base, utcnow

__all__ = ["Bidding"]


class Bidding(Base):
    """The double-blind bidding of one track."""

    __tablename__ = "biddings"
    track_id: Mapped[int] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True
    )
    issue: Mapped[str | None] = mapped_column(String(200))
    payer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    payee_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    rules: Mapped[dict[str, Any]]
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
