"""Direct object references on every agreement and joint-record endpoint: an agreement one
does not sign for, or another organisation's keys, answer exactly like ones that do not exist
(same status, same body up to the number), and never with success."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from tests.service.agree_helpers import create, make_ready, register_keys, sign_all
from tests.service.world import World

MISSING = 2_000_000_000
ID_PARAMS = {"agreement_id", "organisation_id"}


def _bodies() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        ("post", "/api/organisations/{organisation_id}/keys"): {
            "json": {"public_key_pem": "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----"}
        },
        ("post", "/api/agreements/{agreement_id}/signatures"): {
            "json": {"party": "Ukraine", "signer": "Ukraine", "signature": "AAAA"}
        },
        ("post", "/api/agreements/{agreement_id}/signed-bundle"): {"content": b"bundle"},
        ("post", "/api/agreements/{agreement_id}/acts"): {
            "json": {"act": "suspend", "organisation": "Ukraine"}
        },
        ("post", "/api/agreements/{agreement_id}/record/events"): {
            "json": {
                "type": "departure",
                "at": "2022-08-01T08:00:00+00:00",
                "item": "v1",
                "port": "Odesa",
            }
        },
        ("post", "/api/agreements/{agreement_id}/provisions/{key}/assessments"): {
            "json": {"level": "minimal"}
        },
        ("put", "/api/agreements/{agreement_id}/record/kinds"): {"json": {"kinds": ["voyages"]}},
        ("post", "/api/agreements/{agreement_id}/incidents"): {
            "json": {
                "alleged_by": "Ukraine",
                "accused": "Russian Federation",
                "date": "2022-08-01",
                "place": "Odesa",
                "facility": "port",
                "description": "d",
            }
        },
        ("post", "/api/agreements/{agreement_id}/incidents/{key}/assessment"): {
            "json": {"assessment": "verified"}
        },
        ("post", "/api/agreements/{agreement_id}/publications"): {"json": {"scope": "voyages"}},
        ("post", "/api/agreements/{agreement_id}/record/kinds/{kind}/imports"): {
            "files": {"file": ("v.csv", io.BytesIO(b"Status,#\n"), "text/csv")}
        },
        ("post", "/api/agreements/{agreement_id}/record/imports"): {
            "files": {"file": ("v.csv", io.BytesIO(b"Status,#\n"), "text/csv")}
        },
    }


FILL = {
    "number": "1",
    "fmt": "pdf",
    "table": "summary",
    "key": "art-1",
    "kind": "voyages",
    "publication_id": "1",
}
QUERY = {"/api/agreements/{agreement_id}/signing-request": "?party=Ukraine&signer=Ukraine"}


def _normal(text: str) -> str:
    return re.sub(r"\d+", "N", text)


@pytest.mark.parametrize("intruder", ["outsider", "icrc", "obs"])
def test_agreements_of_others_look_missing(world: World, intruder: str) -> None:
    aid = create(world, make_ready(world), public={}, public_figures=False)["id"]
    sign_all(world, aid, register_keys(world))
    ids = {"agreement_id": aid, "organisation_id": world.orgs["Ukraine"]}
    bodies = _bodies()
    checked = 0
    for path, ops in world.app.openapi()["paths"].items():
        params = set(re.findall(r"{(\w+)}", path))
        if not params & ID_PARAMS:
            continue
        if params - ID_PARAMS - FILL.keys():  # a process's organisation (its names):
            continue  # tests/service/test_object_references.py, test_names_in_languages.py
        for method in ops:
            kwargs = bodies.get((method, path), {})
            fill = {p: FILL[p] for p in params - ID_PARAMS}
            query = QUERY.get(path, "")
            real = path.format(**fill, **{p: ids[p] for p in params & ID_PARAMS}) + query
            missing = path.format(**fill, **dict.fromkeys(params & ID_PARAMS, MISSING)) + query
            a = world.request(intruder, method.upper(), real, **kwargs)
            if "files" in kwargs:
                kwargs["files"]["file"][1].seek(0)
            b = world.request(intruder, method.upper(), missing, **kwargs)
            assert a.status_code == b.status_code == 404, (method, path, a.text, b.text)
            assert _normal(a.text) == _normal(b.text), (method, path)
            checked += 1
    assert checked >= 15


def test_a_record_with_nothing_public_looks_missing_to_the_public(world: World) -> None:
    aid = create(world, make_ready(world), public={}, public_figures=False)["id"]
    real = world.client.get(f"/api/public/agreements/{aid}/record")
    missing = world.client.get(f"/api/public/agreements/{MISSING}/record")
    assert real.status_code == missing.status_code == 404
    assert _normal(real.text) == _normal(missing.text)
    signatory = world.get("ru", f"/api/agreements/{aid}/record")
    assert signatory.status_code == 200
    assert signatory.json()["view"] == "signatory"
