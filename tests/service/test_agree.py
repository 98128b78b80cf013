"""Mirror agreements through the API: created from the accepted text, signed with registered
keys (the server never sees a private key), verified, and lived through their lifecycle."""

from __future__ import annotations

import base64

from tests.service.agree_helpers import SIGNERS, create, make_ready, register_keys, sign_all
from tests.service.world import World

from gobetween.agreements import (
    Bundle,
    Signature,
    generate_private_key,
    public_key_pem,
    sign_instrument,
    verify_bundle,
)


def test_an_agreement_needs_a_ready_track_and_a_mediator(world: World) -> None:
    food = world.tracks["food"]
    body = {"effective_date": "2022-07-22"}
    r = world.post("un", f"/api/tracks/{food}/agreements", json=body)
    assert r.status_code == 409, r.text
    assert "not ready for agreement" in r.json()["detail"]
    make_ready(world)
    assert world.post("ua", f"/api/tracks/{food}/agreements", json=body).status_code == 403
    assert world.post("outsider", f"/api/tracks/{food}/agreements", json=body).status_code == 404
    r = world.post("un", f"/api/tracks/{food}/agreements", json=body)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["terms"]["term_days"] == 120  # taken from the agreed 'term' issue
    assert made["terms"]["options"]["ports"] == "three ports"
    assert [i["party"] for i in made["instruments"]] == ["Ukraine", "Russian Federation"]
    for instrument in made["instruments"]:
        names = [s["organisation"] for s in instrument["signatories"]]
        assert names == [instrument["party"], "United Nations", "Türkiye"]
        assert instrument["terms_hash"] == made["terms_hash"]
    assert made["status"] == "draft"
    again = world.post("un", f"/api/tracks/{food}/agreements", json=body)
    assert again.status_code == 409


def test_every_signatory_signs_and_the_agreement_enters_into_force(world: World) -> None:
    agreement = create(world, make_ready(world))
    aid = agreement["id"]
    keys = register_keys(world)
    view = sign_all(world, aid, keys)
    assert view["status"] == "in_force"
    assert view["unsigned"] == []
    assert [e["type"] for e in view["log"]][-1] == "entered_into_force"
    report = world.get("ru", f"/api/agreements/{aid}/verification").json()
    assert report["ok"], report
    data = world.get("tr", f"/api/agreements/{aid}/bundle").content
    assert verify_bundle(data).ok
    assert Bundle.from_bytes(data).terms_hash == agreement["terms_hash"]
    # anyone may verify a bundle file without logging in; a flipped byte is caught
    assert world.client.post("/api/verify", content=data).json()["ok"]
    bad = bytearray(data)
    bad[len(bad) // 2] ^= 1
    assert not world.client.post("/api/verify", content=bytes(bad)).json()["ok"]


def test_a_signature_that_does_not_verify_is_refused_and_nothing_is_stored(world: World) -> None:
    aid = create(world, make_ready(world))["id"]
    register_keys(world)
    req = world.get(
        "ua",
        f"/api/agreements/{aid}/signing-request",
        params={"party": "Ukraine", "signer": "Ukraine"},
    ).json()
    forged = generate_private_key().sign(base64.b64decode(req["message"]))
    r = world.post(
        "ua",
        f"/api/agreements/{aid}/signatures",
        json={
            "party": "Ukraine",
            "signer": "Ukraine",
            "signature": base64.b64encode(forged).decode(),
        },
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    view = world.get("ua", f"/api/agreements/{aid}").json()
    assert ["Ukraine", "Ukraine"] in view["unsigned"]
    assert view["log"] == []
    # nobody signs for another organisation
    r = world.post(
        "ru",
        f"/api/agreements/{aid}/signatures",
        json={
            "party": "Ukraine",
            "signer": "Ukraine",
            "signature": base64.b64encode(forged).decode(),
        },
    )
    assert r.status_code == 403


def test_signing_needs_a_registered_key(world: World) -> None:
    aid = create(world, make_ready(world))["id"]
    req = world.get(
        "ua",
        f"/api/agreements/{aid}/signing-request",
        params={"party": "Ukraine", "signer": "Ukraine"},
    ).json()
    assert req["key_fingerprint"] is None
    value = generate_private_key().sign(base64.b64decode(req["message"]))
    r = world.post(
        "ua",
        f"/api/agreements/{aid}/signatures",
        json={
            "party": "Ukraine",
            "signer": "Ukraine",
            "signature": base64.b64encode(value).decode(),
        },
    )
    assert r.status_code == 409
    assert "no registered public key" in r.json()["detail"]


def test_signature_documents_and_bundles_signed_offline_are_accepted(world: World) -> None:
    aid = create(world, make_ready(world))["id"]
    keys = register_keys(world)
    data = world.get("ua", f"/api/agreements/{aid}/bundle").content
    bundle = Bundle.from_bytes(data)
    # Ukraine signs offline with `gobetween agreement sign` and uploads the signed bundle
    signed = bundle.sign("Ukraine", keys["ua"]).to_bytes()
    r = world.post("ua", f"/api/agreements/{aid}/signed-bundle", content=signed)
    assert r.status_code == 201, r.text
    assert ["Ukraine", "Ukraine"] not in r.json()["unsigned"]
    again = world.post("ua", f"/api/agreements/{aid}/signed-bundle", content=signed)
    assert again.status_code == 422  # nothing new in it
    # the United Nations sends signature documents (Signature.to_dict())
    for party in ("Ukraine", "Russian Federation"):
        document = sign_instrument(bundle.instrument(party), "United Nations", keys["un"])
        r = world.post(
            "un",
            f"/api/agreements/{aid}/signatures",
            json={"party": party, "signer": "United Nations", "signature": document.to_dict()},
        )
        assert r.status_code == 201, r.text
    stored = Bundle.from_bytes(world.get("un", f"/api/agreements/{aid}/bundle").content)
    assert {(s.instrument_party, s.signer) for s in stored.signatures} == {
        ("Ukraine", "Ukraine"),
        ("Ukraine", "United Nations"),
        ("Russian Federation", "United Nations"),
    }
    assert all(isinstance(s, Signature) for s in stored.signatures)


def test_lifecycle_acts_are_recorded_and_shown_to_every_signatory(world: World) -> None:
    aid = create(world, make_ready(world))["id"]
    sign_all(world, aid, register_keys(world))
    url = f"/api/agreements/{aid}/acts"
    r = world.post(
        "ru",
        url,
        json={
            "act": "suspend",
            "organisation": "Russian Federation",
            "reason": "security of shipping",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "suspended"
    bad = world.post("un", url, json={"act": "suspend", "organisation": "United Nations"})
    assert bad.status_code == 403  # mediators are not parties
    bad = world.post("ua", url, json={"act": "resume", "organisation": "Russian Federation"})
    assert bad.status_code == 403  # nobody acts for another organisation
    r = world.post("ru", url, json={"act": "resume", "organisation": "Russian Federation"})
    assert r.json()["status"] == "in_force"
    r = world.post("ua", url, json={"act": "consent", "organisation": "Ukraine", "term_days": 120})
    assert r.status_code == 201, r.text
    r = world.post("ua", url, json={"act": "notice", "organisation": "Ukraine"})
    assert r.status_code == 409  # notice belongs to automatic renewal
    for who in SIGNERS:
        log = world.get(who, f"/api/agreements/{aid}").json()["log"]
        assert [e["type"] for e in log][-3:] == ["suspended", "resumed", "renewal_consented"]
    r = world.post(
        "ua", url, json={"act": "withdraw", "organisation": "Ukraine", "reason": "ended"}
    )
    assert r.json()["status"] == "withdrawn"
    assert world.post("un", f"/api/agreements/{aid}/tick").json()["status"] == "withdrawn"


def test_each_instrument_renders_as_html_pdf_and_akoma_ntoso(world: World) -> None:
    agreement = create(world, make_ready(world))
    aid = agreement["id"]
    sign_all(world, aid, register_keys(world))
    html = world.get("ru", f"/api/agreements/{aid}/instruments/2/html")
    assert html.status_code == 200
    assert "Russian Federation" in html.text
    assert agreement["terms_hash"] in html.text
    pdf = world.get("ru", f"/api/agreements/{aid}/instruments/2/pdf")
    assert pdf.content.startswith(b"%PDF")
    akn = world.get("ua", f"/api/agreements/{aid}/instruments/1/akn")
    assert b"akomaNtoso" in akn.content
    assert world.get("ua", f"/api/agreements/{aid}/instruments/3/pdf").status_code == 422


def test_side_instrument_links_to_the_first_by_terms_hash(world: World) -> None:
    first = create(world, make_ready(world))
    o = world.orgs
    r = world.post(
        "admin",
        f"/api/processes/{world.process_id}/tracks",
        json={
            "name": "memorandum",
            "agenda": {
                "issues": [
                    {"name": "ammonia", "options": [{"name": "no"}, {"name": "yes"}]},
                    # the term comes from the agreed text (agreements/derive.py), not the form
                    {"name": "term", "options": [{"name": "1095"}]},
                    # and so do the linked instruments: this article names the corridor's
                    {
                        "name": "linked instruments",
                        "options": [{"name": "none"}, {"name": "Black Sea food corridor"}],
                    },
                ]
            },
            "organisation_ids": [o["Russian Federation"], o["United Nations"]],
        },
    )
    assert r.status_code == 201, r.text
    memo = r.json()["id"]
    text = {
        "package": {
            "ammonia": "yes",
            "term": "1095",
            "linked instruments": "Black Sea food corridor",
        },
        "clauses": {
            "ammonia": "Ammonia exports resume.",
            "term": "Three years.",
            "linked instruments": "This memorandum accompanies the Black Sea food corridor.",
        },
    }
    assert world.post("un", f"/api/tracks/{memo}/text/versions", json=text).status_code == 201
    world.post("ru", f"/api/tracks/{memo}/text/answers", json={"version": 1, "kind": "accept"})
    url = f"/api/tracks/{memo}/agreements"
    body = {"effective_date": "2022-07-22", "term_days": 1095, "title": "Memorandum"}
    # the link comes from the article: the form gives no link_ids
    r = world.post("un", url, json=body)
    assert r.status_code == 201, r.text
    side = r.json()
    assert side["links"] == [
        {
            "title": "Black Sea food corridor",
            "terms_hash": first["terms_hash"],
            "relation": "side-instrument",
            "status": "draft",
        }
    ]
    assert side["terms"]["links"][0]["terms_hash"] == first["terms_hash"]
    view = world.get("un", f"/api/agreements/{first['id']}").json()
    assert view["side_instruments"] == [{"id": side["id"], "title": "Memorandum"}]
    # Ukraine signs the corridor agreement but not the memorandum
    assert world.get("ua", f"/api/agreements/{side['id']}").status_code == 404
    titles = [x["title"] for x in world.get("ru", "/api/agreements").json()]
    assert titles == ["Memorandum", "Black Sea food corridor"]


def test_implementation_settings_are_checked_when_the_agreement_is_made(world: World) -> None:
    food = make_ready(world)
    url = f"/api/tracks/{food}/agreements"
    bad = {"effective_date": "2022-07-22", "public": {"voyage": ["item"]}}
    r = world.post("un", url, json=bad)
    assert r.status_code == 422
    assert "unknown event types ['voyage']" in r.json()["detail"]
    bad = {"effective_date": "2022-07-22", "obligations": [{"issue": "inspections per day"}]}
    r = world.post("un", url, json=bad)
    assert r.status_code == 422
    assert "no issue 'inspections per day'" in r.json()["detail"]
    assert world.get("un", "/api/agreements").json() == []


def test_the_title_the_mediators_give_heads_every_instrument(world: World) -> None:
    """The agreement form's title was kept on the register only: each instrument was headed
    with the agenda's name (found walking the demo). Now every instrument, in the bundle that
    is signed, is headed with it; the terms, and so the terms hash, do not change."""
    agreement = create(world, make_ready(world), title="Memorandum on the corridor")
    titles = [i["title"] for i in agreement["instruments"]]
    assert len(titles) == 2
    assert all(t.startswith("Memorandum on the corridor: ") for t in titles), titles
    data = world.get("un", f"/api/agreements/{agreement['id']}/bundle").content
    signed = [i.title for i in Bundle.from_bytes(data).instruments]
    assert signed == titles


def test_an_agreement_signed_with_unconfirmed_keys_says_so(world: World) -> None:
    """An agreement signed with keys no administrator had confirmed showed *in force* while its
    verification page said the bundle failed (found walking the demo, 6 December 2026): the
    agreement's view now names those signers, and no one once the keys are confirmed."""
    aid = create(world, make_ready(world))["id"]
    keys, pending = {}, {}
    for who, org in SIGNERS.items():
        key = generate_private_key()
        url = f"/api/organisations/{world.orgs[org]}/keys"
        r = world.post(who, url, json={"public_key_pem": public_key_pem(key).decode()})
        assert r.status_code == 201, r.text
        if org == "Ukraine":
            pending[org] = r.json()["id"]
        else:
            confirmed = world.post("admin", f"/api/keys/{r.json()['id']}/confirmation")
            assert confirmed.status_code == 200
        keys[who] = key
    view = sign_all(world, aid, keys)
    assert view["status"] == "in_force"
    assert view["keys_unconfirmed"] == ["Ukraine"]
    assert world.post("admin", f"/api/keys/{pending['Ukraine']}/confirmation").status_code == 200
    assert world.get("un", f"/api/agreements/{aid}").json()["keys_unconfirmed"] == []
