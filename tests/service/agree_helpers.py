"""Helpers for the agreement and joint-record tests: a ready food track, keys, signing."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tests.service.world import World

from gobetween.agreements import generate_private_key, public_key_pem

TEXT = {
    "package": {"ports": "three ports", "inspection": "Istanbul JCC", "term": "120"},
    "clauses": {
        "ports": "Exports leave from Odesa, Chornomorsk and Yuzhny.",
        "inspection": "Joint teams inspect every vessel at Istanbul.",
        # The renewal rule comes from the agreed text (agreements/derive.py), here its term article.
        "term": "The initiative runs for 120 days; it is renewed by consent of every signatory.",
    },
}

#: Who signs for which organisation in the World fixture.
SIGNERS = {
    "ua": "Ukraine",
    "ru": "Russian Federation",
    "un": "United Nations",
    "tr": "Türkiye",
}

AGREEMENT = {
    "effective_date": "2022-07-22",
    "renewal_rule": "by_consent",
    "title": "Black Sea food corridor",
    "public": {"departure": ["item", "port"], "inspection": ["item", "result"]},
    "public_figures": True,
    "obligations": [],
}


def make_ready(world: World, track: str = "food") -> int:
    """Publish the text on ``track`` and have both parties accept it; the track id."""
    track_id = world.tracks[track]
    r = world.post("un", f"/api/tracks/{track_id}/text/versions", json=TEXT)
    assert r.status_code == 201, r.text
    for party in ("ua", "ru"):
        r = world.post(
            party, f"/api/tracks/{track_id}/text/answers", json={"version": 1, "kind": "accept"}
        )
        assert r.status_code == 201, r.text
    assert r.json()["status"] == "ready_for_agreement"
    return track_id


def register_keys(
    world: World, given: dict[str, Ed25519PrivateKey] | None = None
) -> dict[str, Ed25519PrivateKey]:
    """A key per signing organisation (``given``, else a fresh one), its public half registered
    and confirmed by the process admin; the private keys."""
    keys = {}
    for who, org in SIGNERS.items():
        key = given[who] if given else generate_private_key()
        r = world.post(
            who,
            f"/api/organisations/{world.orgs[org]}/keys",
            json={"public_key_pem": public_key_pem(key).decode()},
        )
        assert r.status_code == 201, r.text
        confirmed = world.post("admin", f"/api/keys/{r.json()['id']}/confirmation")
        assert confirmed.status_code == 200, confirmed.text
        keys[who] = key
    return keys


def create(world: World, track_id: int, **overrides: Any) -> dict[str, Any]:
    r = world.post("un", f"/api/tracks/{track_id}/agreements", json={**AGREEMENT, **overrides})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def sign_all(world: World, agreement_id: int, keys: dict[str, Ed25519PrivateKey]) -> dict[str, Any]:
    """Every signatory signs every instrument it is on, as a browser does (message -> value)."""
    view: dict[str, Any] = {}
    for who, org in SIGNERS.items():
        view = world.get(who, f"/api/agreements/{agreement_id}").json()
        for party, signer in view["may_sign"]:
            assert signer == org
            req = world.get(
                who,
                f"/api/agreements/{agreement_id}/signing-request",
                params={"party": party, "signer": signer},
            ).json()
            value = keys[who].sign(base64.b64decode(req["message"]))
            r = world.post(
                who,
                f"/api/agreements/{agreement_id}/signatures",
                json={
                    "party": party,
                    "signer": signer,
                    "signature": base64.b64encode(value).decode(),
                },
            )
            assert r.status_code == 201, r.text
            view = r.json()
    return view
