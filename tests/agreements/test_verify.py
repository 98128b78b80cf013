"""Bundles and their offline verification: tampering, wrong keys, mismatched instruments."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gobetween.agreements import (
    Bundle,
    FindingCode,
    Instrument,
    OperativeTerms,
    Signatory,
    Signature,
    canonical_bytes,
    fingerprint,
    public_key_pem,
    sign_instrument,
    verify_bundle,
)
from gobetween.agreements.container import Container, encode_container, read_container
from gobetween.errors import AgreementError, VerificationFailed

from .conftest import MEDIATORS, PARTIES, key_for

UA = "instruments/Ukraine.json"
RU = "instruments/Russian Federation.json"


def parts_of(data: bytes) -> dict[str, bytes]:
    container = read_container(data)
    assert isinstance(container, Container), container
    return dict(container.parts)


def rebuilt(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The bundle with its parts changed and the manifest recomputed (a careful forger)."""
    parts = parts_of(data)
    change(parts)
    return encode_container(parts)


def edit_json(parts: dict[str, bytes], name: str, edit: Callable[[dict], None]) -> None:
    value = json.loads(parts[name])
    edit(value)
    parts[name] = canonical_bytes(value)


def test_a_fully_signed_bundle_verifies(signed: Bundle, signed_bytes: bytes) -> None:
    report = verify_bundle(signed_bytes)
    assert report.ok, report.findings
    assert report.terms_hash == signed.terms_hash
    assert report.parties == PARTIES
    assert set(report.signatories) == {*PARTIES, *MEDIATORS}
    assert len(report.signed) == 6  # each party once, each mediator on both instruments
    report.raise_if_invalid()


def test_bundle_bytes_are_canonical_and_round_trip(signed: Bundle, signed_bytes: bytes) -> None:
    again = Bundle.from_bytes(signed_bytes)
    assert again.to_bytes() == signed_bytes
    assert again.terms == signed.terms
    assert again.instruments == signed.instruments
    assert set(again.signatures) == set(signed.signatures)


def test_signing_order_does_not_change_the_bundle(unsigned: Bundle, signed_bytes: bytes) -> None:
    bundle = unsigned
    for organisation in reversed((*PARTIES, *MEDIATORS)):
        bundle = bundle.sign(organisation, key_for(organisation))
    assert bundle.to_bytes() == signed_bytes


def test_missing_signatories_are_named(unsigned: Bundle) -> None:
    bundle = unsigned.sign("Ukraine", key_for("Ukraine")).sign("Türkiye", key_for("Türkiye"))
    report = verify_bundle(bundle.to_bytes())
    assert not report.ok
    assert report.codes == {FindingCode.SIGNATURE_MISSING}
    messages = sorted(f.message for f in report.findings)
    assert messages == [
        "'Russian Federation' has not signed the instrument of 'Russian Federation'",
        "'United Nations' has not signed the instrument of 'Russian Federation'",
        "'United Nations' has not signed the instrument of 'Ukraine'",
    ]
    assert bundle.missing_signatures() == (
        ("Ukraine", "United Nations"),
        ("Russian Federation", "Russian Federation"),
        ("Russian Federation", "United Nations"),
    )
    assert Bundle.from_bytes(bundle.to_bytes()) == bundle


def test_a_removed_signature_is_a_missing_signatory(signed_bytes: bytes) -> None:
    name = "signatures/Russian Federation/United Nations.json"
    data = rebuilt(signed_bytes, lambda parts: parts.pop(name))
    report = verify_bundle(data)
    assert [(f.code, f.part) for f in report.findings] == [(FindingCode.SIGNATURE_MISSING, name)]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_changing_any_byte_of_the_bundle_is_detected(
    signed_bytes: bytes, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(signed_bytes) - 1), label="position")
    new = data.draw(st.integers(0, 255).filter(lambda b: b != signed_bytes[position]))
    tampered = bytearray(signed_bytes)
    tampered[position] = new
    report = verify_bundle(bytes(tampered))
    assert not report.ok
    with pytest.raises(VerificationFailed):
        report.raise_if_invalid()


@pytest.mark.slow
def test_every_byte_of_the_manifest_and_terms_is_covered(signed_bytes: bytes) -> None:
    # Exhaustive over the manifest and the start of the parts: flip the low bit of each byte.
    end = signed_bytes.index(b'"parts":') + 400
    for position in range(end):
        tampered = bytearray(signed_bytes)
        tampered[position] ^= 0x01
        assert not verify_bundle(bytes(tampered)).ok, position


def test_truncation_and_appending_are_detected(signed_bytes: bytes) -> None:
    assert verify_bundle(signed_bytes[:-1]).codes == {FindingCode.UNREADABLE}
    assert verify_bundle(signed_bytes + b"\n").codes == {FindingCode.NOT_CANONICAL}
    assert verify_bundle(b"").codes == {FindingCode.UNREADABLE}


def test_reformatted_json_is_reported_as_edited_with_the_offset(signed_bytes: bytes) -> None:
    pretty = json.dumps(json.loads(signed_bytes), indent=1).encode()
    report = verify_bundle(pretty)
    assert report.codes == {FindingCode.NOT_CANONICAL}
    assert "byte 1 differs" in report.findings[0].message


def test_an_edited_part_is_named(signed_bytes: bytes) -> None:
    document = json.loads(signed_bytes)
    terms = json.loads(base64.b64decode(document["parts"]["terms.json"]))
    terms["term_days"] = 60
    document["parts"]["terms.json"] = base64.b64encode(canonical_bytes(terms)).decode()
    report = verify_bundle(canonical_bytes(document))
    edited = [f for f in report.findings if f.code is FindingCode.PART_EDITED]
    assert [f.part for f in edited] == ["terms.json"]
    assert "part 'terms.json' was edited" in edited[0].message


def test_a_forged_clause_with_a_recomputed_manifest_names_the_clause(signed_bytes: bytes) -> None:
    def forge(parts: dict[str, bytes]) -> None:
        edit_json(parts, RU, lambda v: v["terms"]["clauses"].update(buffer="A 1 nm buffer."))

    report = verify_bundle(rebuilt(signed_bytes, forge))
    codes = [f.code for f in report.findings]
    assert FindingCode.TERMS_HASH_MISMATCH in codes
    differ = next(f for f in report.findings if f.code is FindingCode.TERMS_DIFFER)
    assert differ.part == RU
    assert "clause of issue 'buffer'" in differ.message
    assert "'Russian Federation'" in differ.message
    invalid = {f.part for f in report.findings if f.code is FindingCode.SIGNATURE_INVALID}
    assert invalid == {
        "signatures/Russian Federation/Russian Federation.json",
        "signatures/Russian Federation/Türkiye.json",
        "signatures/Russian Federation/United Nations.json",
    }


def test_a_forged_clause_with_its_terms_hash_updated_still_differs(signed_bytes: bytes) -> None:
    def forge(parts: dict[str, bytes]) -> None:
        def edit(v: dict) -> None:
            v["terms"]["options"]["ports"] = "four ports"
            v["terms_hash"] = OperativeTerms.from_dict(v["terms"]).terms_hash()

        edit_json(parts, UA, edit)

    report = verify_bundle(rebuilt(signed_bytes, forge))
    assert FindingCode.TERMS_HASH_MISMATCH not in report.codes
    differ = [f for f in report.findings if f.code is FindingCode.TERMS_DIFFER]
    assert len(differ) == 1
    assert "option of issue 'ports' ('four ports' vs 'three ports')" in differ[0].message


def test_mismatched_instruments_cannot_be_bundled(instruments: tuple[Instrument, ...]) -> None:
    ua, ru = instruments
    other = OperativeTerms.from_dict({**ru.terms.to_dict(), "term_days": 60})
    odd = Instrument(ru.party, ru.title, ru.preamble, ru.signatories, other)
    with pytest.raises(AgreementError, match=r"term_days \(60 vs 120\)"):
        Bundle(ua.terms, (ua, odd))


def test_a_signature_by_a_wrong_key_is_reported(signed: Bundle, signed_bytes: bytes) -> None:
    ua = signed.instrument("Ukraine")
    impostor = key_for("Ukraine", generation=1)
    forged = sign_instrument(ua, "Ukraine", impostor)
    name = "signatures/Ukraine/Ukraine.json"
    report = verify_bundle(
        rebuilt(signed_bytes, lambda p: p.update({name: canonical_bytes(forged.to_dict())}))
    )
    assert [(f.code, f.part) for f in report.findings] == [(FindingCode.KEY_MISMATCH, name)]

    # The same forgery with the fingerprint faked too: the signature itself fails.
    faked = Signature(
        "Ukraine", "Ukraine", ua.instrument_hash(), fingerprint(key_for("Ukraine")), forged.value
    )
    report = verify_bundle(
        rebuilt(signed_bytes, lambda p: p.update({name: canonical_bytes(faked.to_dict())}))
    )
    assert [(f.code, f.part) for f in report.findings] == [(FindingCode.SIGNATURE_INVALID, name)]
    assert "'Ukraine''s signature on the instrument of 'Ukraine' does not verify" in (
        report.findings[0].message
    )


def test_a_swapped_public_key_is_caught_by_trusted_fingerprints(unsigned: Bundle) -> None:
    # A forger who replaces Ukraine's key and signature consistently passes the bundle's own
    # checks; only a fingerprint known out of band (or pinned in the instrument) catches it.
    bundle = unsigned
    for organisation in (*PARTIES, *MEDIATORS):
        generation = 1 if organisation == "Ukraine" else 0
        bundle = bundle.sign(organisation, key_for(organisation, generation))
    data = bundle.to_bytes()
    assert verify_bundle(data).ok
    trusted = {org: fingerprint(key_for(org)) for org in (*PARTIES, *MEDIATORS)}
    report = verify_bundle(data, trusted_keys=trusted)
    assert report.codes == {FindingCode.KEY_UNTRUSTED}
    assert {f.part for f in report.findings} == {"signatures/Ukraine/Ukraine.json"}


def test_a_public_key_replaced_in_the_bundle_breaks_every_signature_by_it(
    signed_bytes: bytes,
) -> None:
    other = public_key_pem(key_for("Türkiye", generation=1))
    report = verify_bundle(rebuilt(signed_bytes, lambda p: p.update({"keys/Türkiye.pem": other})))
    assert report.codes == {FindingCode.KEY_MISMATCH}
    assert len(report.findings) == 2  # Türkiye signed both instruments


def test_a_public_key_of_an_unknown_algorithm_is_a_finding_not_a_crash(
    signed_bytes: bytes,
) -> None:
    """One byte changed in a key's algorithm identifier (as Hypothesis changed it above, in a
    full run on 6 December 2026) made the verifier raise cryptography's UnsupportedAlgorithm:
    it is now reported as any unreadable key is, with the bundle's other parts checked."""
    pem = parts_of(signed_bytes)["keys/Türkiye.pem"]
    lines = pem.splitlines()
    der = base64.b64decode(b"".join(lines[1:-1]))
    odd = der.replace(bytes.fromhex("06032b6570"), bytes.fromhex("0603b76570"), 1)
    assert odd != der
    bad = b"\n".join([lines[0], base64.b64encode(odd), lines[-1], b""])
    report = verify_bundle(rebuilt(signed_bytes, lambda p: p.update({"keys/Türkiye.pem": bad})))
    assert not report.ok
    assert any(f.part == "keys/Türkiye.pem" for f in report.findings), report.findings


def test_a_missing_key_and_a_signature_by_a_stranger(signed_bytes: bytes, signed: Bundle) -> None:
    def change(parts: dict[str, bytes]) -> None:
        parts.pop("keys/United Nations.pem")
        stranger = signed.signatures[0].to_dict() | {"signer": "Observer"}
        parts["signatures/Ukraine/Observer.json"] = canonical_bytes(stranger)

    report = verify_bundle(rebuilt(signed_bytes, change))
    assert report.codes == {FindingCode.KEY_MISSING, FindingCode.SIGNATURE_UNEXPECTED}


def test_a_removed_instrument_is_named(signed_bytes: bytes) -> None:
    def change(parts: dict[str, bytes]) -> None:
        for name in [n for n in parts if "Russian Federation" in n and "keys/" not in n]:
            parts.pop(name)

    report = verify_bundle(rebuilt(signed_bytes, change))
    assert [(f.code, f.part) for f in report.findings] == [(FindingCode.INSTRUMENT_MISSING, RU)]


def test_manifest_entries_missing_or_extra_are_named(signed_bytes: bytes) -> None:
    document = json.loads(signed_bytes)
    document["manifest"]["attachments/extra.pdf"] = "00" * 32
    del document["manifest"]["keys/Ukraine.pem"]
    report = verify_bundle(canonical_bytes(document))
    found = {(f.code, f.part) for f in report.findings}
    assert (FindingCode.PART_MISSING, "attachments/extra.pdf") in found
    assert (FindingCode.PART_UNLISTED, "keys/Ukraine.pem") in found


def test_unknown_or_malformed_parts_are_named(signed_bytes: bytes) -> None:
    def change(parts: dict[str, bytes]) -> None:
        parts["notes.txt"] = b"hello"
        parts["agreement.json"] = b'{"format": "x"}'

    report = verify_bundle(rebuilt(signed_bytes, change))
    found = {(f.code, f.part) for f in report.findings}
    assert (FindingCode.PART_UNKNOWN, "notes.txt") in found
    assert (FindingCode.PART_MALFORMED, "agreement.json") in found


def test_from_bytes_refuses_a_tampered_bundle(signed_bytes: bytes) -> None:
    with pytest.raises(VerificationFailed) as caught:
        Bundle.from_bytes(signed_bytes.replace(b'"format":"gobetween-bundle-v1"', b'"format":"x"'))
    assert caught.value.problems


def test_with_signature_checks_the_signature(unsigned: Bundle) -> None:
    ua = unsigned.instrument("Ukraine")
    bundle = unsigned.with_public_key("Ukraine", public_key_pem(key_for("Ukraine")))
    good = sign_instrument(ua, "Ukraine", key_for("Ukraine"))
    assert bundle.with_signature(good).signatures == (good,)
    bad = sign_instrument(ua, "Ukraine", key_for("Ukraine", 1))
    with pytest.raises(VerificationFailed, match="does not verify"):
        bundle.with_signature(bad)
    with pytest.raises(AgreementError, match="public key before"):
        unsigned.with_signature(good)
    with pytest.raises(AgreementError, match="another public key"):
        bundle.with_public_key("Ukraine", public_key_pem(key_for("Ukraine", 1)))
    with pytest.raises(AgreementError, match="signs none"):
        bundle.with_public_key("Observer", public_key_pem(key_for("Observer")))


def test_attachments_are_listed_and_covered_by_the_manifest(signed: Bundle) -> None:
    data = signed.with_attachment("ukraine.html", b"<html></html>").to_bytes()
    assert verify_bundle(data).ok
    assert Bundle.from_bytes(data).attachments == {"ukraine.html": b"<html></html>"}
    tampered = rebuilt(data, lambda p: None).replace(
        b"PGh0bWw+PC9odG1sPg==", b"PGh0bWw+PC9odG1sPh=="
    )
    assert not verify_bundle(tampered).ok
    with pytest.raises(AgreementError, match="bad attachment name"):
        signed.with_attachment("../x", b"")


def test_pinned_keys_make_a_consistent_key_swap_fail(instruments: tuple[Instrument, ...]) -> None:
    pinned = tuple(
        Instrument(
            i.party,
            i.title,
            i.preamble,
            tuple(
                Signatory(s.organisation, s.kind, s.signs_as, fingerprint(key_for(s.organisation)))
                for s in i.signatories
            ),
            i.terms,
        )
        for i in instruments
    )
    bundle = Bundle.create(pinned)
    for organisation in bundle.signatories:
        bundle = bundle.sign(organisation, key_for(organisation))
    data = bundle.to_bytes()
    assert verify_bundle(data).ok

    def swap(parts: dict[str, bytes]) -> None:
        impostor = key_for("Ukraine", generation=1)
        forged = sign_instrument(
            replace(bundle.instrument("Ukraine")), "Ukraine", key_for("Ukraine")
        ).to_dict()
        forged["key_fingerprint"] = fingerprint(impostor)
        forged["signature"] = base64.b64encode(
            impostor.sign(bundle.instrument("Ukraine").signing_message())
        ).decode()
        parts["keys/Ukraine.pem"] = public_key_pem(impostor)
        parts["signatures/Ukraine/Ukraine.json"] = canonical_bytes(forged)

    report = verify_bundle(rebuilt(data, swap))
    assert [(f.code, f.part) for f in report.findings] == [
        (FindingCode.KEY_MISMATCH, "signatures/Ukraine/Ukraine.json")
    ]
    assert "pins key" in report.findings[0].message


@pytest.mark.parametrize(
    "data",
    [b"[" * 100_000 + b"]" * 100_000, b'{"format": ' + b"9" * 5000 + b"}", b"\xff\xfe", b"null"],
)
def test_hostile_files_are_unreadable_not_crashes(data: bytes) -> None:
    assert verify_bundle(data).codes == {FindingCode.UNREADABLE}


def test_hostile_parts_are_malformed_not_crashes(signed_bytes: bytes) -> None:
    def change(parts: dict[str, bytes]) -> None:
        parts["terms.json"] = b"[" * 100_000 + b"]" * 100_000
        parts["signatures/Ukraine/Ukraine.json"] = b'{"n": NaN}'

    report = verify_bundle(rebuilt(signed_bytes, change))
    malformed = {f.part for f in report.findings if f.code is FindingCode.PART_MALFORMED}
    assert malformed == {"terms.json", "signatures/Ukraine/Ukraine.json"}


def test_the_agreement_record_must_state_the_terms_hash(signed_bytes: bytes) -> None:
    def change(parts: dict[str, bytes]) -> None:
        edit_json(parts, "agreement.json", lambda v: v.update(terms_hash="00" * 32))

    report = verify_bundle(rebuilt(signed_bytes, change))
    assert [(f.code, f.part) for f in report.findings] == [
        (FindingCode.TERMS_HASH_MISMATCH, "agreement.json")
    ]


def test_a_reformatted_key_is_malformed(signed_bytes: bytes) -> None:
    def change(parts: dict[str, bytes]) -> None:
        parts["keys/Ukraine.pem"] = parts["keys/Ukraine.pem"].replace(b"\n", b"\r\n")

    report = verify_bundle(rebuilt(signed_bytes, change))
    assert (FindingCode.PART_MALFORMED, "keys/Ukraine.pem") in {
        (f.code, f.part) for f in report.findings
    }
