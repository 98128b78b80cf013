"""From a single negotiating text that every party accepted to a verified, signed bundle."""

from __future__ import annotations

import datetime as dt

from gobetween.agreements import (
    Bundle,
    OperativeTerms,
    Renewal,
    RenewalRule,
    Signatory,
    mirror_instruments,
    verify_bundle,
)
from gobetween.agreements.lifecycle import AgreementState, AgreementStatus, Sign, step
from gobetween.model import Agenda, OrganisationKind
from gobetween.protocols.single_text import Answer, AnswerKind, PublishText, SingleTextState
from gobetween.protocols.single_text import step as text_step

from .conftest import CLAUSES, key_for


def test_the_accepted_text_becomes_the_signed_agreement(agenda: Agenda) -> None:
    t0 = dt.datetime(2022, 7, 13, 9, tzinfo=dt.UTC)
    track = SingleTextState.open(agenda, ("Ukraine", "Russian Federation"), ("United Nations",))
    text = agenda.package(
        {
            "scope": "grain, food and fertiliser",
            "ports": "three ports",
            "inspection": "joint teams off Istanbul",
            "buffer": "10 nm",
        }
    )
    track, _ = text_step(track, PublishText("United Nations", text, CLAUSES), now=t0)
    for hours, party in enumerate(("Ukraine", "Russian Federation"), start=1):
        track, _ = text_step(
            track, Answer(party, 1, AnswerKind.ACCEPT), now=t0 + dt.timedelta(hours=hours)
        )
    assert track.status.value == "ready_for_agreement"
    accepted = track.current
    assert accepted is not None

    terms = OperativeTerms.from_package(
        accepted.package,
        accepted.clauses,
        term_days=120,
        renewal=Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE),
        effective_date=dt.date(2022, 7, 22),
    )
    bundle = Bundle.create(
        mirror_instruments(
            terms,
            [Signatory(p, OrganisationKind.PARTY) for p in track.parties],
            [Signatory("United Nations", OrganisationKind.MEDIATOR)],
        )
    )
    agreement = AgreementState.for_bundle(bundle)
    signed_at = dt.datetime(2022, 7, 22, 13, tzinfo=dt.UTC)
    for party, signer in agreement.required:
        bundle = bundle.sign(signer, key_for(signer))
        agreement, _ = step(agreement, Sign(signer, party), now=signed_at)
    assert verify_bundle(bundle.to_bytes()).ok
    assert agreement.status is AgreementStatus.IN_FORCE
    assert agreement.terms_hash == bundle.terms_hash
    assert dict(bundle.terms.options) == accepted.package.options
