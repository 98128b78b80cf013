"""Direct object references: for every endpoint with an id in its path, an object the caller may
not see answers exactly like an object that does not exist (same status, same body up to the
number), and never with success."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, World, food_preferences

MISSING = 2_000_000_000
TEXT = {"package": {"ports": "Odesa", "inspection": "Istanbul JCC", "term": "60"}}


def _bodies(world: World) -> dict[tuple[str, str], dict[str, Any]]:
    o = world.orgs
    return {
        ("post", "/api/channels/{channel_id}/messages"): {"json": {"text": "x"}},
        ("post", "/api/channels/{channel_id}/attachments"): {
            "files": {"file": ("a.txt", b"abc", "text/plain")}
        },
        ("patch", "/api/processes/{process_id}/members/{membership_id}"): {
            "json": {"role": "observer", "organisation_id": o["Observers"]}
        },
        ("post", "/api/processes/{process_id}/organisations"): {
            "json": {"name": "Z", "kind": "party"}
        },
        ("patch", "/api/processes/{process_id}"): {"json": {"names": {}}},
        ("patch", "/api/processes/{process_id}/organisations/{organisation_id}"): {
            "json": {"names": {}}
        },
        ("patch", "/api/tracks/{track_id}"): {"json": {"names": {}}},
        ("post", "/api/processes/{process_id}/members"): {
            "json": {
                "email": "outsider@example.org",
                "role": "observer",
                "organisation_id": o["Observers"],
            }
        },
        ("post", "/api/processes/{process_id}/invitations"): {
            "json": {
                "email": "n@example.org",
                "role": "observer",
                "organisation_id": o["Observers"],
            }
        },
        ("post", "/api/processes/{process_id}/tracks"): {
            "json": {
                "name": "t",
                "agenda": {"issues": [{"name": "a", "options": [{"name": "x"}]}]},
                "organisation_ids": [o["Ukraine"], o["United Nations"]],
            }
        },
        ("post", "/api/processes/{process_id}/tracks/import"): {
            "data": {
                "name": "t",
                "organisation_ids": [str(o["Ukraine"]), str(o["United Nations"])],
            },
            "files": {"files": ("s.yaml", b"x: 1", "text/yaml")},
        },
        ("put", "/api/tracks/{track_id}/agenda"): {
            "json": {"agenda": {"issues": [{"name": "a", "options": [{"name": "x"}]}]}}
        },
        ("put", "/api/tracks/{track_id}/preferences"): {"json": food_preferences("ua")},
        ("post", "/api/tracks/{track_id}/text/versions"): {"json": TEXT},
        ("post", "/api/tracks/{track_id}/text/drafts"): {"json": {"package": TEXT["package"]}},
        ("put", "/api/tracks/{track_id}/text/drafts/{draft_id}"): {
            "json": {"package": TEXT["package"]}
        },
        ("post", "/api/tracks/{track_id}/text/drafts/{draft_id}/publication"): {
            "json": {"confirm": True}
        },
        ("put", "/api/tracks/{track_id}/text/rules"): {"json": {}},
        ("put", "/api/tracks/{track_id}/languages"): {"json": {"languages": ["en"]}},
        ("put", "/api/processes/{process_id}/languages"): {"json": {"languages": ["en"]}},
        ("post", "/api/tracks/{track_id}/text/answers"): {"json": {"version": 1, "kind": "accept"}},
        ("post", "/api/tracks/{track_id}/offers"): {"json": {"message": "m"}},
        ("post", "/api/tracks/{track_id}/offers/{offer}/forward"): {"json": {}},
        ("post", "/api/tracks/{track_id}/offers/{offer}/decline"): {"json": {}},
        ("post", "/api/tracks/{track_id}/analysis/improve"): {"json": {"package": TEXT["package"]}},
        ("post", "/api/tracks/{track_id}/scores"): {"json": {"package": TEXT["package"]}},
        ("post", "/api/tracks/{track_id}/agreements"): {"json": {"effective_date": "2022-07-22"}},
        ("post", "/api/tracks/{track_id}/bidding"): {
            "json": {"payer": o["Russian Federation"], "payee": o["Ukraine"]}
        },
        ("post", "/api/tracks/{track_id}/bidding/bids"): {"json": {"round": 1, "amount": 5}},
        ("post", "/api/tracks/{track_id}/bidding/close"): {"json": {}},
        ("post", "/api/tracks/{track_id}/notes"): {"json": {"text": "x"}},
        ("put", "/api/processes/{process_id}/two-factor"): {"json": {"required": False}},
        ("post", "/api/tracks/{track_id}/assignments"): {
            "json": {"channel_id": world.channels[("food", "ua")], "user_id": world.users["un"]}
        },
        ("post", "/api/tracks/{track_id}/meetings"): {
            "json": {
                "held_at": "2022-07-14T10:00:00+03:00",
                "place": "Istanbul",
                "party_ids": [o["Ukraine"]],
            }
        },
    }


def _example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A value that a schema accepts (the first choice of each), so the route checks the ids."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[1]], components)
    if "enum" in schema:
        return schema["enum"][0]
    for choice in ("anyOf", "oneOf", "allOf"):
        if choice in schema:
            return _example(schema[choice][0], components)
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _example(props[k], components) for k in schema.get("required", [])}
    if kind == "array":
        return [_example(schema["items"], components)] * schema.get("minItems", 0)
    return {"string": "x", "integer": 1, "number": 1.0, "boolean": False}.get(kind)


def _protocol_bodies(world: World) -> dict[tuple[str, str], dict[str, Any]]:
    """A valid body for each action of the generic protocol routes (made from its schema)."""
    spec = world.app.openapi()
    components = spec["components"]["schemas"]
    bodies = {}
    for path, ops in spec["paths"].items():
        if "/protocols/" not in path or "post" not in ops:
            continue
        content = ops["post"].get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = _example(content["application/json"]["schema"], components)
            bodies[("post", path)] = {"json": body}
    return bodies


def _targets(world: World) -> dict[str, int]:
    """Ids of Ukraine's objects in the food track (and of the process and track themselves)."""
    food = world.tracks["food"]
    ch = world.channels[("food", "ua")]
    msg = world.post("ua", f"/api/channels/{ch}/messages", json={"text": "UA only"}).json()
    att = world.post(
        "ua", f"/api/channels/{ch}/attachments", files={"file": ("n.txt", b"UA", "text/plain")}
    ).json()
    assert world.post("ua", f"/api/tracks/{food}/offers", json={"message": "UA"}).status_code == 201
    assert world.post("un", f"/api/tracks/{food}/text/versions", json=TEXT).status_code == 201
    draft = world.post("un", f"/api/tracks/{food}/text/drafts", json={"package": TEXT["package"]})
    bidding = {"payer": world.orgs["Russian Federation"], "payee": world.orgs["Ukraine"]}
    assert world.post("un", f"/api/tracks/{food}/bidding", json=bidding).status_code == 201
    bid = {"round": 1, "amount": 7}
    assert world.post("ua", f"/api/tracks/{food}/bidding/bids", json=bid).status_code == 200
    token = world.post("ua", "/api/auth/tokens", json={"name": "x"}).json()["id"]
    members = world.get("admin", f"/api/processes/{world.process_id}/members").json()
    membership = next(m["id"] for m in members if m["user"]["email"] == "ua@example.org")
    with asgi_client(world.app) as browser:  # a browser session of ua's, named in its list
        login = {"email": "ua@example.org", "password": PASSWORD}
        assert browser.post("/api/auth/login", json=login).status_code == 200
        session_id = browser.get("/api/account/sessions").json()[0]["id"]
    return {
        "process_id": world.process_id,
        "track_id": food,
        "channel_id": ch,
        "message_id": msg["id"],
        "attachment_id": att["attachments"][0]["id"],
        "party_id": world.orgs["Ukraine"],
        "membership_id": membership,
        "token_id": token,
        "session_id": session_id,
        "offer": 1,
        "version": 1,
        "draft_id": draft.json()["id"],  # a mediators' draft: hidden from parties and observers
    }


#: Who intrudes, and on which kinds of id (the others they may legitimately see).
INTRUDERS = {
    "outsider": None,  # every id
    "icrc": {"track_id", "channel_id", "message_id", "attachment_id", "party_id", "draft_id"},
    "ru": {
        "channel_id",
        "message_id",
        "attachment_id",
        "party_id",
        "membership_id",
        "token_id",
        "session_id",
        "draft_id",
    },
}


def _normal(text: str) -> str:
    return re.sub(r"\d+", "N", text)


@pytest.mark.parametrize("intruder", sorted(INTRUDERS))
def test_hidden_objects_look_missing(world: World, intruder: str) -> None:
    ids = _targets(world)
    bodies = _bodies(world) | _protocol_bodies(world)
    checked = 0
    for path, ops in world.app.openapi()["paths"].items():
        params = re.findall(r"{(\w+)}", path)
        kinds = INTRUDERS[intruder]
        if not params or (kinds is not None and not set(params) & kinds):
            continue
        if not set(params) <= set(ids):
            continue  # agreement ids: tests/service/test_agree_references.py
        for method in ops:
            kwargs = bodies.get((method, path), {})
            real = path.format(**{p: ids[p] for p in params})
            missing = path.format(
                **{p: MISSING if kinds is None or p in kinds else ids[p] for p in params}
            )
            a = world.request(intruder, method.upper(), real + "?follow=false", **kwargs)
            b = world.request(intruder, method.upper(), missing + "?follow=false", **kwargs)
            assert a.status_code == b.status_code, (method, path, a.text, b.text)
            assert a.status_code in (403, 404), (method, path, a.status_code, a.text)
            assert _normal(a.text) == _normal(b.text), (method, path)
            checked += 1
    assert checked >= 10
