"""A person downloads what gobetween holds about them (ASVS 8.3.2, the export half): their own
account, sessions, log, memberships, tokens without secrets, keys' public parts and the
messages they wrote; nothing of any other person or party."""

from __future__ import annotations

import json

from tests.service.world import PASSWORD, World

from gobetween.service import data_export


def test_the_export_holds_the_callers_data_and_nobody_elses(world: World) -> None:
    ua_ch = world.channels[("food", "ua")]
    ru_ch = world.channels[("food", "ru")]
    mine = world.post("ua", f"/api/channels/{ua_ch}/messages", json={"text": "three ports, UA"})
    assert mine.status_code == 201, mine.text
    theirs = world.post("ru", f"/api/channels/{ru_ch}/messages", json={"text": "secret RU line"})
    assert theirs.status_code == 201, theirs.text
    colleague = world.post("ua2", f"/api/channels/{ua_ch}/messages", json={"text": "UA2 note"})
    assert colleague.status_code == 201, colleague.text
    mediator = world.post("un", f"/api/channels/{ua_ch}/messages", json={"text": "UN reply"})
    assert mediator.status_code == 201, mediator.text
    world.client.post("/api/auth/login", json={"email": "ua@example.org", "password": "wrong pw 1"})

    r = world.get("ua", "/api/account/data")
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"].startswith(
        'attachment; filename="gobetween-personal-data-'
    )
    doc = r.json()
    assert doc["format"] == data_export.FORMAT
    assert doc["account"]["email"] == "ua@example.org"
    assert doc["account"]["second_factor"] is False
    assert [m["text"] for m in doc["messages"]] == ["three ports, UA"]
    assert doc["memberships"] == [
        {"process": "Black Sea talks", "organisation": "Ukraine", "role": "party_member"}
    ]
    assert [tok["name"] for tok in doc["api_tokens"]] == ["test"]
    assert "login.failed" in [e["kind"] for e in doc["security_log"]]
    text = json.dumps(doc)
    for foreign in ("secret RU line", "UA2 note", "UN reply", "ru@example.org", "ua2@example.org"):
        assert foreign not in text, foreign  # another party's, a colleague's, the mediator's
    for secret in (world.tokens["ua"], PASSWORD, "argon2", "token_hash", "session_hash"):
        assert secret not in text, secret


def test_another_users_export_is_theirs_alone(world: World) -> None:
    a = world.get("ua", "/api/account/data").json()
    b = world.get("ru", "/api/account/data").json()
    assert a["account"]["email"] == "ua@example.org"
    assert b["account"]["email"] == "ru@example.org"
    assert world.client.get("/api/account/data").status_code == 401  # no credentials
