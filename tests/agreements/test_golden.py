"""A stored, signed bundle: today's code must verify it and rebuild it byte for byte.

``tests/data/agreements/bsgi-signed.bundle.json`` was written by the fixtures of conftest.py
(seeded test keys). If this test fails, the canonical form of terms, instruments, signatures or
the bundle has changed: bundles signed before the change would no longer verify, so a change
needs a new format tag, not a new golden file.
"""

from __future__ import annotations

from pathlib import Path

from gobetween.agreements import Bundle, verify_bundle

GOLDEN = Path(__file__).parent.parent / "data" / "agreements" / "bsgi-signed.bundle.json"


def test_the_stored_bundle_verifies() -> None:
    report = verify_bundle(GOLDEN.read_bytes())
    assert report.ok, report.findings
    assert report.terms_hash == "d1f5d4f22c5b7ff2ea759dedbb24fc502278ade247e6b5c412f543c84fabc907"


def test_the_fixtures_rebuild_the_stored_bundle_byte_for_byte(signed: Bundle) -> None:
    assert signed.to_bytes() == GOLDEN.read_bytes()
