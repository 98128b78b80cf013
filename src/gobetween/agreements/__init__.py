"""Mirror agreements: canonical operative terms, instruments, Ed25519 signatures, bundles.

The pure core of stage 4 (agree) and the agreement's own lifecycle: no files, no clock (times
are passed in), no network.

>>> import datetime as dt
>>> from gobetween.model import Agenda, Issue, OrganisationKind as K
>>> agenda = Agenda((Issue.discrete("ports", ["Odesa", "three ports"]),), name="corridor")
>>> terms = OperativeTerms.from_package(
...     agenda.package({"ports": "three ports"}), {"ports": "Three ports are open."},
...     term_days=120, renewal=Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE),
...     effective_date=dt.date(2022, 7, 22))
>>> instruments = mirror_instruments(
...     terms, [Signatory("Ukraine", K.PARTY), Signatory("Russian Federation", K.PARTY)],
...     [Signatory("Türkiye", K.MEDIATOR), Signatory("United Nations", K.MEDIATOR)])
>>> bundle = Bundle.create(instruments)
>>> for org in bundle.signatories:
...     bundle = bundle.sign(org, generate_private_key())
>>> verify_bundle(bundle.to_bytes()).ok
True
"""

from gobetween.agreements.bundle import Bundle
from gobetween.agreements.instrument import (
    INSTRUMENT_FORMAT,
    SIGNING_DOMAIN,
    Instrument,
    Signatory,
    mirror_instruments,
)
from gobetween.agreements.signing import (
    Signature,
    fingerprint,
    generate_private_key,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_pem,
    sign_instrument,
    verify_signature,
)
from gobetween.agreements.terms import (
    TERMS_FORMAT,
    Link,
    OperativeTerms,
    Renewal,
    RenewalRule,
    canonical_bytes,
    sha256_hex,
)
from gobetween.agreements.verify import Finding, FindingCode, VerificationReport, verify_bundle

__all__ = [
    "INSTRUMENT_FORMAT",
    "SIGNING_DOMAIN",
    "TERMS_FORMAT",
    "Bundle",
    "Finding",
    "FindingCode",
    "Instrument",
    "Link",
    "OperativeTerms",
    "Renewal",
    "RenewalRule",
    "Signatory",
    "Signature",
    "VerificationReport",
    "canonical_bytes",
    "fingerprint",
    "generate_private_key",
    "load_private_key",
    "load_public_key",
    "mirror_instruments",
    "private_key_pem",
    "public_key_pem",
    "sha256_hex",
    "sign_instrument",
    "verify_bundle",
    "verify_signature",
]
