"""What ``gobetween agreement verify``, ``/api/verify`` and the verify page report about the
signatures and the signatories of a bundle is said in the reader's language (it was English
only), and word for word as before in English."""

from __future__ import annotations

import datetime as dt

from gobetween import i18n
from gobetween.agreements import (
    Bundle,
    FindingCode,
    Signature,
    canonical_bytes,
    fingerprint,
    sign_instrument,
    verify_bundle,
)
from gobetween.agreements.registry import KeyRegistry, RegisteredKey
from gobetween.agreements.verify import Finding
from gobetween.service.errors import translated

from .conftest import MEDIATORS, PARTIES, key_for
from .test_verify import edit_json, rebuilt

UA_BY_UA = "signatures/Ukraine/Ukraine.json"


def _ukrainian(finding: Finding) -> str:
    with i18n.use_locale("uk"):
        return str(finding.to_dict(say=translated)["message"])


def test_a_signature_by_a_wrong_key_is_reported_in_ukrainian(
    signed: Bundle, signed_bytes: bytes
) -> None:
    ua = signed.instrument("Ukraine")
    forged = sign_instrument(ua, "Ukraine", key_for("Ukraine", generation=1))
    data = rebuilt(signed_bytes, lambda p: p.update({UA_BY_UA: canonical_bytes(forged.to_dict())}))
    (finding,) = verify_bundle(data).findings
    made, held = forged.key_fingerprint[:16], fingerprint(key_for("Ukraine"))[:16]
    assert finding.message == (
        f"'Ukraine''s signature on the instrument of 'Ukraine': made with key {made}..., the "
        f"bundle holds {held}..."
    )
    assert finding.to_dict()["message"] == finding.message
    assert _ukrainian(finding) == (
        f"підпис 'Ukraine' на документі 'Ukraine': зроблено ключем {made}..., а пакет містить "
        f"{held}..."
    )


def test_a_signature_that_does_not_verify_is_reported_in_ukrainian(
    signed: Bundle, signed_bytes: bytes
) -> None:
    ua = signed.instrument("Ukraine")
    forged = sign_instrument(ua, "Ukraine", key_for("Ukraine", generation=1))
    faked = Signature(
        "Ukraine", "Ukraine", ua.instrument_hash(), fingerprint(key_for("Ukraine")), forged.value
    )
    data = rebuilt(signed_bytes, lambda p: p.update({UA_BY_UA: canonical_bytes(faked.to_dict())}))
    (finding,) = verify_bundle(data).findings
    assert finding.code is FindingCode.SIGNATURE_INVALID
    assert finding.message == "'Ukraine''s signature on the instrument of 'Ukraine' does not verify"
    assert _ukrainian(finding) == "підпис 'Ukraine' на документі 'Ukraine' не проходить перевірку"


def test_instruments_naming_other_mediators_are_reported_in_ukrainian(
    signed_bytes: bytes,
) -> None:
    def drop_a_mediator(parts: dict[str, bytes]) -> None:
        edit_json(parts, "agreement.json", lambda v: v.update(mediators=v["mediators"][:1]))

    report = verify_bundle(rebuilt(signed_bytes, drop_a_mediator))
    differ = [f for f in report.findings if f.code is FindingCode.SIGNATORIES_DIFFER]
    assert [f.part for f in differ] == [
        "instruments/Russian Federation.json",
        "instruments/Ukraine.json",
    ]
    assert differ[1].message == (
        "the instrument of 'Ukraine' names mediators ['Türkiye', 'United Nations'], the "
        "agreement ['Türkiye']"
    )
    assert _ukrainian(differ[1]) == (
        "документ 'Ukraine' називає посередників ['Türkiye', 'United Nations'], а угода — "
        "['Türkiye']"
    )


def test_what_the_key_registry_says_is_reported_in_ukrainian(signed_bytes: bytes) -> None:
    when = dt.datetime(2022, 7, 22, tzinfo=dt.UTC)

    def entry(org: str) -> RegisteredKey:
        confirmed = None if org == "Türkiye" else when
        revoked = when if org == "Ukraine" else None
        fp = fingerprint(key_for(org))
        return RegisteredKey(fp, org, "Ann", when, confirmed, "Admin", revoked, "Admin")

    orgs = [org for org in (*PARTIES, *MEDIATORS) if org != "United Nations"]
    report = verify_bundle(signed_bytes, registry=KeyRegistry(tuple(map(entry, orgs))))
    found = {f.part: f for f in report.findings}
    un = found["signatures/Ukraine/United Nations.json"]
    turkiye = found["signatures/Ukraine/Türkiye.json"]
    ukraine = found["signatures/Ukraine/Ukraine.json"]
    assert (un.code, turkiye.code, ukraine.code) == (
        FindingCode.KEY_UNREGISTERED,
        FindingCode.KEY_UNCONFIRMED,
        FindingCode.KEY_REVOKED,
    )
    un_key = fingerprint(key_for("United Nations"))[:16]
    assert un.message == (
        f"'United Nations''s signature on the instrument of 'Ukraine' was made with key "
        f"{un_key}..., which the key registry does not list for 'United Nations'"
    )
    ua_key = fingerprint(key_for("Ukraine"))[:16]
    assert ukraine.message == (
        f"'Ukraine''s signature on the instrument of 'Ukraine' was made with key {ua_key}..., "
        "revoked on 2022-07-22T00:00:00+00:00 (signing time unknown)"
    )
    assert _ukrainian(un) == (
        f"підпис 'United Nations' на документі 'Ukraine' зроблено ключем {un_key}..., якого "
        "реєстр ключів не містить для 'United Nations'"
    )
    assert _ukrainian(turkiye).endswith("власника Ann, якого не підтвердив жоден адміністратор")
    assert _ukrainian(ukraine).endswith(
        "відкликаним 2022-07-22T00:00:00+00:00 (час підписання невідомий)"
    )
