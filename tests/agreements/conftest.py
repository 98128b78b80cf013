"""Fixtures for the agreement tests: the Black Sea Grain Initiative's mirror instruments.

Keys are derived from fixed seeds so every run signs the same bytes (Ed25519 is deterministic).
The clause texts summarise public reporting (shared/data/bsgi/TERMS.md); no wording is copied.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gobetween.agreements import (
    Bundle,
    Instrument,
    OperativeTerms,
    Renewal,
    RenewalRule,
    Signatory,
    mirror_instruments,
)
from gobetween.model import Agenda, Issue, OrganisationKind

PARTIES = ("Ukraine", "Russian Federation")
MEDIATORS = ("Türkiye", "United Nations")

CLAUSES = {
    "scope": "Exports of grain, related foodstuffs and fertilisers, including ammonia.",
    "ports": "Ships sail from Odesa, Chornomorsk and Yuzhny (Pivdennyi).",
    "inspection": "Joint teams inspect every vessel at an inspection area off Istanbul.",
    "buffer": "No military ship, aircraft or drone comes within 10 nautical miles of a merchant "
    "vessel in the corridor.",
}


def key_for(organisation: str, generation: int = 0) -> Ed25519PrivateKey:
    """A deterministic test key per organisation (never use seeded keys outside tests)."""
    seed = hashlib.sha256(f"test key {generation} {organisation}".encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


@pytest.fixture
def agenda() -> Agenda:
    return Agenda(
        (
            Issue.discrete("scope", ["grain", "grain, food and fertiliser"]),
            Issue.discrete("ports", ["Odesa", "three ports", "four ports"]),
            Issue.discrete("inspection", ["none", "joint teams off Istanbul"]),
            Issue.discrete("buffer", ["5 nm", "10 nm"]),
        ),
        name="Black Sea food-security corridor",
    )


@pytest.fixture
def terms(agenda: Agenda) -> OperativeTerms:
    package = agenda.package(
        {
            "scope": "grain, food and fertiliser",
            "ports": "three ports",
            "inspection": "joint teams off Istanbul",
            "buffer": "10 nm",
        }
    )
    return OperativeTerms.from_package(
        package,
        CLAUSES,
        term_days=120,
        renewal=Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE),
        effective_date=dt.date(2022, 7, 22),
    )


@pytest.fixture
def instruments(terms: OperativeTerms) -> tuple[Instrument, ...]:
    return mirror_instruments(
        terms,
        [
            Signatory("Ukraine", OrganisationKind.PARTY, "Minister of Infrastructure"),
            Signatory("Russian Federation", OrganisationKind.PARTY, "Minister of Defence"),
        ],
        [
            Signatory("Türkiye", OrganisationKind.MEDIATOR, "Minister of National Defence"),
            Signatory("United Nations", OrganisationKind.MEDIATOR, "Secretary-General"),
        ],
        titles={
            "Ukraine": "Initiative on the safe transportation of grain from Ukrainian ports",
            "Russian Federation": "Initiative on the safe navigation of grain exports",
        },
    )


@pytest.fixture
def unsigned(instruments: tuple[Instrument, ...]) -> Bundle:
    return Bundle.create(instruments)


@pytest.fixture
def signed(unsigned: Bundle) -> Bundle:
    bundle = unsigned
    for organisation in (*PARTIES, *MEDIATORS):
        bundle = bundle.sign(organisation, key_for(organisation))
    return bundle


@pytest.fixture
def signed_bytes(signed: Bundle) -> bytes:
    return signed.to_bytes()
