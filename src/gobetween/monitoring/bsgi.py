"""The Black Sea Grain Initiative as data: delegations, term clock, public policy, obligations.

Summarised from the public record (signature on 22 July 2022; a 120-day term; renewed for 120
days in November 2022, for 60 days in March 2023 while Ukraine announced 120, and for 60 days in
May 2023; the Russian Federation suspended its participation from 29 October to 2 November 2022
and declined to renew on 17 July 2023). The two principal parties each signed a mirror
instrument with Türkiye and the United Nations, so a renewal needs the consent of both.

>>> for p in BSGI_TERM_CLOCK.periods():
...     print(p.start, p.end, p.days, "disputed" if p.disputed else "")
2022-07-22 2022-11-19 120
2022-11-19 2023-03-19 120
2023-03-19 2023-05-18 60 disputed
2023-05-18 2023-07-17 60
>>> BSGI_TERM_CLOCK.end
datetime.date(2023, 7, 17)
"""

from __future__ import annotations

import datetime as dt

from gobetween.monitoring.obligations import Metric, ObligationTemplate
from gobetween.monitoring.record import VisibilityPolicy
from gobetween.monitoring.term import Extension, Suspension, TermClock

__all__ = [
    "BSGI_DELEGATIONS",
    "BSGI_INSPECTIONS_TEMPLATE",
    "BSGI_PARTIES",
    "BSGI_TERM_CLOCK",
    "JCC_PUBLIC_POLICY",
]

#: The delegations of the Joint Coordination Centre; each gated step needs all four.
BSGI_DELEGATIONS = ("Ukraine", "Russian Federation", "Türkiye", "United Nations")

#: The parties whose consent renews the term (each signed a mirror instrument).
BSGI_PARTIES = ("Ukraine", "Russian Federation")

#: 120 days from signature, renewed 120 / 60 (disputed: Ukraine said 120) / 60, then not renewed.
BSGI_TERM_CLOCK = TermClock(
    start=dt.date(2022, 7, 22),
    term_days=120,
    parties=BSGI_PARTIES,
    extensions=(
        Extension(dt.date(2022, 11, 17), {"Ukraine": 120, "Russian Federation": 120}),
        Extension(
            dt.date(2023, 3, 18),
            {"Ukraine": 120, "Russian Federation": 60},
            note="Ukraine announced 120 days; the Russian Federation said it agreed to 60",
        ),
        Extension(dt.date(2023, 5, 17), {"Ukraine": 60, "Russian Federation": 60}),
    ),
    suspensions=(
        Suspension(
            "Russian Federation",
            dt.date(2022, 10, 29),
            dt.date(2022, 11, 2),
            "suspended its participation",
        ),
    ),
    ended_on=dt.date(2023, 7, 17),
    end_reason="the Russian Federation declined to renew",
)

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
