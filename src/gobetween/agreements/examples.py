"""A small worked example of a mirror instrument, the one the renderers' documentation shows.

The HTML, PDF, DOCX and Akoma Ntoso renderings
(:mod:`gobetween.formats.instrument_html` and its siblings) each take an
:class:`~gobetween.agreements.Instrument`; their examples render this one rather than each
building its own copy.

>>> ua = example_instrument()
>>> ua.party, ua.signatory_names
('Ukraine', ('Ukraine', 'Türkiye'))
>>> dict(ua.terms.clauses)
{'ports': 'Three ports.'}
"""

from __future__ import annotations

import datetime as dt

from gobetween.agreements.instrument import Instrument, Signatory, mirror_instruments
from gobetween.agreements.terms import OperativeTerms, Renewal, RenewalRule
from gobetween.model import OrganisationKind

__all__ = ["example_instrument"]


def example_instrument(clause: str = "Three ports.") -> Instrument:
    """Ukraine's instrument of a one-article corridor agreement (issue ``ports``, option
    ``three``, the article ``clause``) mediated by Türkiye: 120 days from 22 July 2022, not
    renewed."""
    terms = OperativeTerms(
        "corridor",
        {"ports": "three"},
        {"ports": clause},
        120,
        Renewal(RenewalRule.NONE),
        dt.date(2022, 7, 22),
    )
    (instrument,) = mirror_instruments(
        terms,
        [Signatory("Ukraine", OrganisationKind.PARTY)],
        [Signatory("Türkiye", OrganisationKind.MEDIATOR)],
    )
    return instrument
