"""What opening a double-blind bidding fixes, checked once and kept at the head of its log.

A mediator opens a bidding in a track with :class:`BiddingSettings` (the body of the generic
opening, ``POST /api/tracks/{id}/protocols/blind_bidding/open_bidding``): the paying and the
receiving party, the numeric issue bid on (``None``: an amount of the whole track), the rules.
:func:`admit` checks them against the track (both sides its parties, the issue on its agenda and
carrying numbers, a deadline still ahead) and gives the form stored at the head of the
protocol's event log; the bidding reads that form back on every replay
(:mod:`gobetween.protocols.blind_bidding_release`). Tracks opened before the settings moved to
the log kept the same form (without ``issue`` when none was named) in the ``biddings`` table;
it reads the same.

>>> from datetime import datetime, timezone
>>> from gobetween.model import Agenda, Issue
>>> agenda = Agenda((Issue.from_range("sum", 40_000, 60_000, 5_000, unit="EUR"),))
>>> now = datetime(2024, 5, 1, tzinfo=timezone.utc)
>>> stored = admit(agenda, ("1", "2"), {"payer": 1, "payee": 2, "issue": "sum"}, now)
>>> stored["payer"], stored["issue"], stored["rules"]["unit"]
('1', 'sum', 'EUR')
>>> admit(agenda, ("1", "2"), {"payer": 1, "payee": 1}, now)
Traceback (most recent call last):
...
gobetween.errors.ValidationFailed: payee: the payer and the payee must be two parties
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from annotated_types import Ge, Le, Lt, MaxLen

from gobetween.errors import N_, ValidationFailed
from gobetween.model import Agenda, Issue
from gobetween.protocols import _common as c
from gobetween.protocols import blind_bidding as bb

__all__ = ["MAX_ROUNDS", "BiddingSettings", "admit"]

#: The most rounds a bidding may have.
MAX_ROUNDS = 20


@dataclass(frozen=True)
class BiddingSettings:
    """Open a double-blind bidding between two parties of the track: ``payer`` offers,
    ``payee`` demands (organisation ids); ``issue`` names the numeric issue bid on (none: an
    amount of the whole track); a round settles when the offer comes within ``relative`` (a
    share of the demand, below 1) or ``absolute`` of the demand; ``monotone``: an offer may
    not go down, a demand not up; no bid after ``deadline``; ``unit`` defaults to the
    issue's."""

    payer: Annotated[int, Ge(1)]
    payee: Annotated[int, Ge(1)]
    issue: Annotated[str, MaxLen(200)] | None = None
    max_rounds: Annotated[int, Ge(1), Le(MAX_ROUNDS)] = 3
    relative: Annotated[float, Ge(0), Lt(1)] = 0.0
    absolute: Annotated[float, Ge(0), Le(1e15)] = 0.0
    monotone: bool = True
    deadline: datetime | None = None
    unit: Annotated[str, MaxLen(40)] | None = None


def _check_issue(agenda: Agenda, issue: str | None) -> Issue | None:
    if issue is None:
        return None
    if not agenda.has_issue(issue):
        raise ValidationFailed(
            N_("the agenda has no issue %(issue)r"), params={"issue": issue}, location="issue"
        )
    found = agenda.issue(issue)
    if not any(o.value is not None for o in found.options):
        raise ValidationFailed(
            N_("issue %(issue)r has no numbers to bid on (its options carry no values)"),
            params={"issue": issue},
            location="issue",
        )
    return found


def admit(
    agenda: Agenda, parties: tuple[str, ...], settings: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """The stored form of an opening's ``settings`` (:class:`BiddingSettings` as a mapping,
    checked here at ``now``): ``{"payer", "payee", "issue", "rules"}`` with the parties as
    text and the rules as :meth:`BiddingRules.to_dict <gobetween.protocols.blind_bidding.
    BiddingRules.to_dict>`. :class:`ValidationFailed` naming the field for a side that is no
    party, one party on both sides, an issue without numbers, a deadline already past."""
    sides: list[str] = []
    for key in ("payer", "payee"):
        party = str(settings.get(key))
        if party not in parties:
            raise ValidationFailed(
                N_("organisation %(party)s is not a party of this track"),
                params={"party": settings.get(key)},
                location=key,
            )
        sides.append(party)
    if sides[0] == sides[1]:
        raise ValidationFailed(N_("the payer and the payee must be two parties"), location="payee")
    issue = settings.get("issue")
    found = _check_issue(agenda, issue)
    deadline = settings.get("deadline")
    if deadline is not None:
        if not isinstance(deadline, datetime) or deadline.utcoffset() is None:
            raise ValidationFailed(N_("the deadline needs a time zone"), location="deadline")
        deadline = c.utc(deadline, "the deadline")
        if deadline <= c.utc(now):
            raise ValidationFailed(
                N_("the bidding's deadline must be in the future"), location="deadline"
            )
    unit = settings.get("unit")
    if unit is None:
        unit = (found.unit if found is not None else None) or ""
    rules = bb.BiddingRules(
        settings.get("max_rounds", 3),
        bb.Tolerance(settings.get("relative", 0.0), settings.get("absolute", 0.0)),
        settings.get("monotone", True),
        deadline,
        unit,
    )
    return {"payer": sides[0], "payee": sides[1], "issue": issue, "rules": rules.to_dict()}
