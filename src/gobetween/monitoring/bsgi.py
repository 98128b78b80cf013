"""The Black Sea Grain Initiative as data: delegations, its agreement's life, public policy.

Summarised from the public record (signature on 22 July 2022; a 120-day term; renewed for 120
days in November 2022, for 60 days in March 2023 while Ukraine announced 120, and for 60 days in
May 2023; the Russian Federation suspended its participation from 29 October to 2 November 2022
and declined to renew on 17 July 2023). The two principal parties each signed a mirror
instrument with Türkiye and the United Nations, so a renewal needs the consent of all four.

The history is written as acts of the agreement's own lifecycle
(:mod:`gobetween.agreements.lifecycle`, the one term clock), replayed into
:data:`BSGI_AGREEMENT`. The mediators' consents are modelled as the term the parties'
majority announced (120 days in March 2023); the record of the dispute is the parties' own.

>>> from gobetween.agreements.lifecycle import term_periods
>>> for p in term_periods(BSGI_AGREEMENT):
...     print(p.start.date(), p.end.date(), p.days, "disputed" if p.disputed else "")
2022-07-22 2022-11-19 120
2022-11-19 2023-03-19 120
2023-03-19 2023-05-18 60 disputed
2023-05-18 2023-07-17 60
>>> BSGI_AGREEMENT.status.value, BSGI_AGREEMENT.ended_at.date()
('expired', datetime.date(2023, 7, 17))
"""

from __future__ import annotations

import datetime as dt

from gobetween.agreements import lifecycle as lc
from gobetween.agreements.terms import OperativeTerms, Renewal, RenewalRule
from gobetween.monitoring.obligations import Metric, ObligationTemplate
from gobetween.monitoring.record import VisibilityPolicy

__all__ = [
    "BSGI_AGREEMENT",
    "BSGI_DELEGATIONS",
    "BSGI_INSPECTIONS_TEMPLATE",
    "BSGI_PARTIES",
    "BSGI_TERMS",
    "JCC_PUBLIC_POLICY",
    "bsgi_history",
]

#: The delegations of the Joint Coordination Centre; each gated step needs all four.
BSGI_DELEGATIONS = ("Ukraine", "Russian Federation", "Türkiye", "United Nations")

#: The parties, each of which signed a mirror instrument with the two mediators.
BSGI_PARTIES = ("Ukraine", "Russian Federation")

#: The operative terms in brief (the corridor, the inspections), 120 days renewed by consent.
BSGI_TERMS = OperativeTerms(
    agenda="Black Sea Grain Initiative",
    options={"ports": "Odesa, Chornomorsk, Yuzhny", "inspections": "Istanbul JCC"},
    clauses={
        "ports": "Exports of grain, foodstuffs and fertilisers leave from Odesa, Chornomorsk "
        "and Yuzhny.",
        "inspections": "Joint teams of the Joint Coordination Centre inspect the vessels in "
        "the Istanbul inspection area.",
    },
    term_days=120,
    renewal=Renewal(RenewalRule.BY_CONSENT),
    effective_date=dt.date(2022, 7, 22),
)


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day + "T12:00:00+00:00")


def bsgi_history() -> tuple[tuple[dt.datetime, lc.AgreementAction], ...]:
    """The initiative's acts in order: signatures, suspension, consents, as lifecycle actions."""
    ua, ru, tr, un = BSGI_DELEGATIONS
    signed = _at("2022-07-22")
    acts: list[tuple[dt.datetime, lc.AgreementAction]] = [
        (signed, lc.Sign(signer, party)) for party in BSGI_PARTIES for signer in (party, tr, un)
    ]
    acts += [
        (_at("2022-10-29"), lc.Suspend(ru, "suspended its participation")),
        (_at("2022-11-02"), lc.Resume(ru)),
    ]
    for day, said in (
        ("2022-11-17", {ua: 120, ru: 120, tr: 120, un: 120}),
        ("2023-03-18", {ua: 120, ru: 60, tr: 120, un: 120}),
        ("2023-05-17", {ua: 60, ru: 60, tr: 60, un: 60}),
        ("2023-07-14", {ua: 60, tr: 60, un: 60}),  # the Russian Federation declined
    ):
        acts += [(_at(day), lc.ConsentToRenewal(s, d)) for s, d in said.items()]
    acts.append((_at("2023-07-17"), lc.Tick()))
    return tuple(acts)


def _replay() -> lc.AgreementState:
    state = lc.AgreementState.open(
        BSGI_TERMS,
        {party: (party, BSGI_DELEGATIONS[2], BSGI_DELEGATIONS[3]) for party in BSGI_PARTIES},
    )
    for at, action in bsgi_history():
        state, _ = lc.step(state, action, now=at)
    return state


#: The initiative's agreement, replayed: four terms (120, 120, 60 disputed, 60), then expired.
BSGI_AGREEMENT = _replay()

#: What the JCC published of each voyage: vessel, ports, dates, inspection result; never the
#: inspection teams, the reasons, the delegations' decisions or the incidents.
JCC_PUBLIC_POLICY = VisibilityPolicy(
    {
        "registration": ("item", "description"),
        "departure": ("item", "port"),
        "arrival": ("item", "port"),
        "inspection": ("item", "result", "location"),
    }
)

#: "Joint inspections: at least N per day", N taken from the agreed option of the issue
#: ``inspections per day`` (e.g. ``"9"``).
BSGI_INSPECTIONS_TEMPLATE = ObligationTemplate(
    issue="inspections per day",
    name="joint_inspections_per_day",
    party="Joint Coordination Centre",
    what="joint inspections",
    metric=Metric.INSPECTIONS,
)
