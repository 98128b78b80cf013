"""Ed25519 keys and signatures over instruments."""

from __future__ import annotations

import base64

import pytest

from gobetween.agreements import (
    SIGNING_DOMAIN,
    Instrument,
    Signatory,
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
from gobetween.errors import AgreementError
from gobetween.model import OrganisationKind

from .conftest import key_for


def test_private_key_round_trips_encrypted_and_clear() -> None:
    key = generate_private_key()
    encrypted = private_key_pem(key, b"correct horse battery staple")
    assert b"ENCRYPTED PRIVATE KEY" in encrypted
    again = load_private_key(encrypted, b"correct horse battery staple")
    assert fingerprint(again) == fingerprint(key)
    clear = private_key_pem(key)
    assert b"BEGIN PRIVATE KEY" in clear
    assert fingerprint(load_private_key(clear)) == fingerprint(key)


def test_wrong_or_missing_passphrase_is_refused() -> None:
    encrypted = private_key_pem(generate_private_key(), b"right")
    with pytest.raises(AgreementError, match="wrong passphrase"):
        load_private_key(encrypted, b"wrong")
    with pytest.raises(AgreementError, match="encrypted"):
        load_private_key(encrypted)


def test_non_ed25519_and_garbage_keys_are_refused() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1())
    pem = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(AgreementError, match="not Ed25519"):
        load_private_key(pem)
    public = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(AgreementError, match="not Ed25519"):
        load_public_key(public)
    with pytest.raises(AgreementError, match="not a PEM"):
        load_public_key(b"hello")


def _unknown_algorithm(pem: bytes) -> bytes:
    """``pem`` with its algorithm's identifier turned into one no library knows (2.7061.112
    for Ed25519's 1.3.101.112): the first byte of the OID ``06 03 2B 65 70`` changed."""
    lines = pem.splitlines()
    der = base64.b64decode(b"".join(lines[1:-1]))
    der = der.replace(bytes.fromhex("06032b6570"), bytes.fromhex("0603b76570"), 1)
    return b"\n".join([lines[0], base64.b64encode(der), lines[-1], b""])


def test_a_key_of_an_unknown_algorithm_is_refused_not_raised() -> None:
    """A bundle with one byte of a public key changed made the verifier raise cryptography's
    UnsupportedAlgorithm (found by Hypothesis in a full run on 6 December 2026): such a key
    is refused as any other unreadable key is, public or private."""
    key = generate_private_key()
    with pytest.raises(AgreementError, match="not Ed25519"):
        load_public_key(_unknown_algorithm(public_key_pem(key)))
    with pytest.raises(AgreementError, match="not Ed25519"):
        load_private_key(_unknown_algorithm(private_key_pem(key)))


def test_public_key_pem_and_fingerprint() -> None:
    key = key_for("Ukraine")
    pem = public_key_pem(key)
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert fingerprint(load_public_key(pem)) == fingerprint(key) == fingerprint(key.public_key())
    assert fingerprint(key) != fingerprint(key_for("Ukraine", generation=1))


def test_signature_verifies_and_round_trips(instruments: tuple[Instrument, ...]) -> None:
    ua = instruments[0]
    signature = sign_instrument(ua, "Ukraine", key_for("Ukraine"))
    assert verify_signature(ua, signature, key_for("Ukraine").public_key())
    again = Signature.from_dict(signature.to_dict())
    assert again == signature
    assert signature.instrument_hash == ua.instrument_hash()


def test_wrong_key_and_other_instrument_do_not_verify(instruments: tuple[Instrument, ...]) -> None:
    ua, ru = instruments
    signature = sign_instrument(ua, "Türkiye", key_for("Türkiye"))
    assert not verify_signature(ua, signature, key_for("Ukraine").public_key())
    assert not verify_signature(ru, signature, key_for("Türkiye").public_key())


def test_signature_on_the_bare_bytes_without_the_domain_does_not_verify(
    instruments: tuple[Instrument, ...],
) -> None:
    ua = instruments[0]
    key = key_for("Ukraine")
    assert ua.signing_message() == SIGNING_DOMAIN + ua.canonical_bytes()
    bare = Signature(
        "Ukraine", "Ukraine", ua.instrument_hash(), fingerprint(key), key.sign(ua.canonical_bytes())
    )
    assert not verify_signature(ua, bare, key.public_key())


def test_a_flipped_signature_bit_does_not_verify(instruments: tuple[Instrument, ...]) -> None:
    ua = instruments[0]
    good = sign_instrument(ua, "Ukraine", key_for("Ukraine"))
    for i in (0, 31, 63):
        value = bytearray(good.value)
        value[i] ^= 0x01
        bad = Signature(
            good.instrument_party,
            good.signer,
            good.instrument_hash,
            good.key_fingerprint,
            bytes(value),
        )
        assert not verify_signature(ua, bad, key_for("Ukraine").public_key())


def test_only_signatories_may_sign(instruments: tuple[Instrument, ...]) -> None:
    ua = instruments[0]
    with pytest.raises(AgreementError, match="not a signatory"):
        sign_instrument(ua, "Russian Federation", key_for("Russian Federation"))


def test_a_pinned_key_must_be_used(instruments: tuple[Instrument, ...]) -> None:
    ua = instruments[0]
    pinned_fp = fingerprint(key_for("Ukraine"))
    signatories = (
        Signatory("Ukraine", OrganisationKind.PARTY, key_fingerprint=pinned_fp),
        *ua.signatories[1:],
    )
    pinned = Instrument(ua.party, ua.title, ua.preamble, signatories, ua.terms)
    assert sign_instrument(pinned, "Ukraine", key_for("Ukraine")).key_fingerprint == pinned_fp
    with pytest.raises(AgreementError, match="pins key"):
        sign_instrument(pinned, "Ukraine", key_for("Ukraine", generation=1))


def test_malformed_signatures_are_refused(instruments: tuple[Instrument, ...]) -> None:
    data = sign_instrument(instruments[0], "Ukraine", key_for("Ukraine")).to_dict()
    for key, value in (("signature", "!!"), ("algorithm", "RSA"), ("key_fingerprint", "x")):
        with pytest.raises(AgreementError):
            Signature.from_dict({**data, key: value})
    with pytest.raises(AgreementError, match="64 bytes"):
        Signature.from_dict({**data, "signature": "AAAA"})
