"""The key registry: which key speaks for whom, confirmed by whom, revoked when; verification
against it in the service, in the exported registry file and in ``gobetween agreement verify``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy import select
from tests.service.agree_helpers import SIGNERS, create, make_ready, register_keys, sign_all
from tests.service.world import World

from gobetween.agreements import fingerprint, generate_private_key, public_key_pem
from gobetween.agreements.registry import KeyRegistry
from gobetween.cli.main import cli, main
from gobetween.service import signing_keys
from gobetween.store import agreement_tables as at
from gobetween.store import tables as t
from gobetween.store import team_tables as tt
from gobetween.store.audit import change_digest
from gobetween.store.db import Database, upgrade


def _register(world: World, who: str, org: str, *, origin: str = "browser") -> tuple[Any, int]:
    key = generate_private_key()
    r = world.post(
        who,
        f"/api/organisations/{world.orgs[org]}/keys",
        json={"public_key_pem": public_key_pem(key).decode(), "origin": origin},
    )
    assert r.status_code == 201, r.text
    return key, int(r.json()["id"])


def test_a_key_is_registered_pending_then_confirmed_by_the_process_admin(world: World) -> None:
    _, key_id = _register(world, "ua", "Ukraine")
    listed = world.get("ua", f"/api/organisations/{world.orgs['Ukraine']}/keys").json()
    assert [(k["id"], k["status"], k["holder"], k["origin"]) for k in listed] == [
        (key_id, "pending", "ua", "browser")
    ]
    # another party, a mediator, an outsider: no such key (404, as for a missing one)
    for who in ("ru", "un", "outsider"):
        assert world.post(who, f"/api/keys/{key_id}/confirmation").status_code == 404
        assert world.post(who, f"/api/keys/{key_id}/revocation", json={}).status_code == 404
    assert world.post("ua", f"/api/keys/{999}/confirmation").status_code == 404
    # the holder's colleague sees it but may neither confirm nor revoke it
    assert world.post("ua2", f"/api/keys/{key_id}/confirmation").status_code == 403
    assert world.post("ua2", f"/api/keys/{key_id}/revocation", json={}).status_code == 403
    assert world.post("ua", f"/api/keys/{key_id}/confirmation").status_code == 403
    confirmed = world.post("admin", f"/api/keys/{key_id}/confirmation").json()
    assert confirmed["status"] == "confirmed"
    assert confirmed["confirmed_by"] == "admin"
    # the admin sees every key of the process; a member only their organisation's
    assert [k["id"] for k in world.get("admin", f"/api/processes/{world.process_id}/keys").json()]
    assert world.get("ru", f"/api/processes/{world.process_id}/keys").json() == []
    assert world.get("outsider", f"/api/processes/{world.process_id}/keys").status_code == 404


def test_the_same_key_twice_and_a_bad_key_are_refused_with_the_field_named(world: World) -> None:
    key = generate_private_key()
    url = f"/api/organisations/{world.orgs['Ukraine']}/keys"
    pem = public_key_pem(key).decode()
    assert world.post("ua", url, json={"public_key_pem": pem}).status_code == 201
    again = world.post("ua2", url, json={"public_key_pem": pem})
    assert again.status_code == 409
    bad = world.post("ua", url, json={"public_key_pem": "-----BEGIN PUBLIC KEY-----\nAAAA"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "public_key_pem" in bad.text


def test_a_revoked_key_cannot_sign_and_an_unconfirmed_one_is_reported(world: World) -> None:
    aid = create(world, make_ready(world))["id"]
    keys = register_keys(world)  # confirmed
    ua_keys = world.get("ua", f"/api/organisations/{world.orgs['Ukraine']}/keys").json()
    revoked = world.post(
        "ua", f"/api/keys/{ua_keys[0]['id']}/revocation", json={"reason": "laptop stolen"}
    ).json()
    assert revoked["status"] == "revoked"
    assert revoked["revocation_reason"] == "laptop stolen"
    assert world.post("admin", f"/api/keys/{revoked['id']}/confirmation").status_code == 409
    request = world.get(
        "ua",
        f"/api/agreements/{aid}/signing-request",
        params={"party": "Ukraine", "signer": "Ukraine"},
    ).json()
    assert request["key_fingerprint"] is None  # no usable key left
    refused = world.post(
        "ua",
        f"/api/agreements/{aid}/signatures",
        json={"party": "Ukraine", "signer": "Ukraine", "signature": {
            "format": "gobetween-signature-v1", "algorithm": "Ed25519",
            "instrument_party": "Ukraine", "signer": "Ukraine",
            "instrument_hash": "0" * 64, "key_fingerprint": revoked["fingerprint"],
            "signature": "A" * 86 + "==",
        }},
    )  # fmt: skip
    assert refused.status_code == 409, refused.text
    assert "was revoked" in refused.text
    # a new key, made in the browser and not yet confirmed, signs: the report says so
    keys["ua"], new_id = _register(world, "ua", "Ukraine")
    view = sign_all(world, aid, keys)
    assert view["status"] == "in_force"
    report = world.get("ru", f"/api/agreements/{aid}/verification").json()
    assert report["registry_checked"]
    assert not report["ok"]
    assert {f["code"] for f in report["findings"]} == {"key-unconfirmed"}
    assert all("'Ukraine'" in f["message"] for f in report["findings"])
    world.post("admin", f"/api/keys/{new_id}/confirmation")
    assert world.get("ru", f"/api/agreements/{aid}/verification").json()["ok"]
    # revoked after signing: what it signed still stands
    world.post("ua", f"/api/keys/{new_id}/revocation", json={})
    assert world.get("ru", f"/api/agreements/{aid}/verification").json()["ok"]


def _cli_verify(bundle: Path, registry: dict[str, Any], tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(registry), encoding="utf-8")
    result = CliRunner().invoke(cli, ["agreement", "verify", str(bundle), "--registry", str(path)])
    return result.exit_code, result.output


def test_cli_verify_checks_the_exported_registry(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aid = create(world, make_ready(world))["id"]
    sign_all(world, aid, register_keys(world))
    bundle = tmp_path / "agreement.gbb"
    bundle.write_bytes(world.get("tr", f"/api/agreements/{aid}/bundle").content)
    registry = world.get("ua", f"/api/agreements/{aid}/registry").json()
    assert world.get("outsider", f"/api/agreements/{aid}/registry").status_code == 404
    parsed = KeyRegistry.from_dict(registry)
    assert {k.organisation for k in parsed.keys} == set(SIGNERS.values())
    assert len(parsed.signed_at) == 6
    code, out = _cli_verify(bundle, registry, tmp_path)
    assert code == 0, out
    assert "VALID" in out
    # Ukraine's key left out of the registry: its signature is unregistered
    without = {**registry, "keys": [k for k in registry["keys"] if k["organisation"] != "Ukraine"]}
    code, out = _cli_verify(bundle, without, tmp_path)
    assert code == 1, out
    assert out.count("[key-unregistered]") == 1, out
    # the Russian Federation's key revoked an hour before its signature: reported
    signed = {(s["party"], s["signer"]): s["signed_at"] for s in registry["signatures"]}
    at = dt.datetime.fromisoformat(signed[("Russian Federation", "Russian Federation")])
    keys = []
    for k in registry["keys"]:
        if k["organisation"] == "Russian Federation":
            k = {**k, "revoked_at": (at - dt.timedelta(hours=1)).isoformat(), "revoked_by": "x"}
        keys.append(k)
    code, out = _cli_verify(bundle, {**registry, "keys": keys}, tmp_path)
    assert code == 1, out
    assert out.count("[key-revoked]") == 1, out
    assert "before it was signed" in out
    # a malformed registry file is a one-line error naming the file
    bad = tmp_path / "registry.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["agreement", "verify", str(bundle), "--registry", str(bad)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "registry.json" in err
    assert "not a key registry" in err
    assert "Traceback" not in err


_OLD_PROCESSES = sa.table(
    "processes",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("created_at", t.UTCDateTime()),
)
_OLD_ORGANISATIONS = sa.table(
    "organisations",
    sa.column("id", sa.Integer),
    sa.column("process_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
)


def test_keys_registered_before_the_registry_keep_what_they_could_do(tmp_path: Path) -> None:
    """Migration 0009 records every existing key: the newest (active) key still signs, held by
    whoever registered it; a key a newer one had replaced is recorded as revoked."""
    db = Database(f"sqlite:///{tmp_path}/old.db")
    upgrade(db, "0008")
    with db.unit_of_work() as session:
        user = t.User(email="ua@example.org", name="ua")
        session.add(user)
        session.flush()
        # the process and its organisation as revision 0008 has them, by plain inserts (their
        # rows have columns of later revisions: the names in other languages, 0017)
        made = t.utcnow()
        session.execute(
            _OLD_PROCESSES.insert().values(id=1, name="talks", description="", created_at=made)
        )
        session.execute(
            _OLD_ORGANISATIONS.insert().values(id=1, process_id=1, name="Ukraine", kind="party")
        )
        org_id = 1
        old, new = (generate_private_key() for _ in range(2))
        for key, active in ((old, False), (new, True)):
            session.add(
                at.SigningKey(
                    organisation_id=org_id,
                    public_key_pem=public_key_pem(key).decode(),
                    fingerprint=fingerprint(key),
                    active=active,
                    created_by=user.id,
                )
            )
        user_id = user.id
    upgrade(db)
    with db.unit_of_work(write=False) as session:
        found = {k.fingerprint: k for k in session.execute(select(at.SigningKey)).scalars()}
        rows = [found[fingerprint(old)], found[fingerprint(new)]]  # their ids are random
        records = [session.get(tt.KeyRecord, row.id) for row in rows]
        assert [(r.owner_id, r.origin, r.revoked_at is None) for r in records if r] == [
            (user_id, "upload", False),
            (user_id, "upload", True),
        ]
        newest = signing_keys.active_key(session, org_id)
        assert newest is not None
        assert newest.id == rows[1].id
        assert signing_keys.usable_key(session, org_id, rows[0].fingerprint) is None
    db.dispose()


def test_registering_confirming_and_revoking_a_key_are_on_the_audit_chain(world: World) -> None:
    key, key_id = _register(world, "ua", "Ukraine")
    assert world.post("admin", f"/api/keys/{key_id}/confirmation").status_code == 200
    revoked = world.post("ua", f"/api/keys/{key_id}/revocation", json={"reason": "lost"})
    assert revoked.status_code == 200, revoked.text
    with world.services.db.unit_of_work(write=False) as session:
        links = session.execute(
            select(t.AuditEntry.action, t.AuditEntry.actor_id, t.AuditEntry.digest)
            .where(t.AuditEntry.object_type == "signing_key", t.AuditEntry.object_id == str(key_id))
            .order_by(t.AuditEntry.seq)
        ).all()
    held = {"organisation": world.orgs["Ukraine"], "fingerprint": fingerprint(key.public_key())}
    assert [tuple(link) for link in links] == [
        ("key.register", world.users["ua"], change_digest({**held, "origin": "browser"})),
        ("key.confirm", world.users["admin"], change_digest(held)),
        ("key.revoke", world.users["ua"], change_digest({**held, "reason": "lost"})),
    ]
