"""A pending invitation can be withdrawn by whoever may invite (the process's admins), and one
replaced by a newer invitation to the same seat stops working: each link is then refused in
words that say so and whom to ask (409), its page says it (never a 500), the admins' list shows
each invitation's state, the withdrawal is in the audit chain. Before, an invitation could not
be withdrawn at all, and a replaced one was only made to expire, listed like a pending one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text
from tests.service import links
from tests.service.world import PASSWORD, World

from gobetween.store import tables as t
from gobetween.store.db import Database, upgrade


def _invitations(world: World) -> list[dict[str, object]]:
    listed = world.get("admin", f"/api/processes/{world.process_id}/invitations")
    assert listed.status_code == 200, listed.text
    return list(listed.json())


def _withdraw(world: World, who: str, invitation_id: object) -> object:
    url = f"/api/processes/{world.process_id}/invitations/{invitation_id}/withdraw"
    return world.post(who, url)


def test_an_admin_withdraws_a_pending_invitation_and_its_link_says_so(world: World) -> None:
    token = links.invitation_link(world, "late@example.org")
    (made,) = [i for i in _invitations(world) if i["email"] == "late@example.org"]
    assert made["state"] == "pending"
    done = _withdraw(world, "admin", made["id"])
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "withdrawn"
    assert done.json()["withdrawn_at"]
    account = {"token": token, "name": "Late", "password": PASSWORD}
    refused = world.client.post("/api/invitations/accept", json=account)
    assert refused.status_code == 409, refused.text
    said = refused.json()["detail"]
    assert said == (
        "this invitation was withdrawn by admin <admin@example.org>: ask them if you expected "
        "to take part"
    )
    lookup = world.client.post("/api/invitations/lookup", json={"token": token}).json()
    assert lookup["state"] == "withdrawn"
    page = world.client.get(f"/invitations/{token}")
    assert page.status_code == 200
    assert 'data-state="withdrawn"' in page.text
    assert 'id="invitation-form"' not in page.text
    assert "admin &lt;admin@example.org&gt;" in page.text
    sent = world.client.post(f"/invitations/{token}", data={"name": "Late", "password": PASSWORD})
    assert sent.status_code == 409
    assert 'data-state="withdrawn"' in sent.text
    with world.services.db.unit_of_work(write=False) as session:
        audit = session.execute(
            select(t.AuditEntry.action, t.AuditEntry.actor_id).where(
                t.AuditEntry.object_id == str(made["id"]),
                t.AuditEntry.object_type == "invitation",
            )
        ).all()
    assert ("invitation.withdraw", world.users["admin"]) in [tuple(a) for a in audit]
    again = _withdraw(world, "admin", made["id"])
    assert again.status_code == 409
    assert "this one was withdrawn already" in again.json()["detail"]


def test_a_withdrawn_invitation_leaves_the_invitees_pending_list(world: World) -> None:
    body = {"email": "outsider@example.org", "role": "observer"}
    body["organisation_id"] = world.orgs["Observers"]  # type: ignore[assignment]
    url = f"/api/processes/{world.process_id}/invitations"
    made = world.post("admin", url, json=body).json()
    assert [i["id"] for i in world.get("outsider", "/api/invitations").json()] == [made["id"]]
    assert _withdraw(world, "admin", made["id"]).status_code == 200
    assert world.get("outsider", "/api/invitations").json() == []
    answer = world.post("outsider", f"/api/invitations/{made['id']}/accept")
    assert answer.status_code == 409
    assert "withdrawn by admin" in answer.json()["detail"]


def test_only_who_may_invite_may_withdraw(world: World) -> None:
    links.invitation_link(world, "someone@example.org")
    (made,) = [i for i in _invitations(world) if i["email"] == "someone@example.org"]
    member = _withdraw(world, "ua", made["id"])
    assert member.status_code == 403
    assert member.json()["detail"] == (
        "only the process's admins invite people and withdraw invitations"
    )
    assert _withdraw(world, "outsider", made["id"]).status_code == 404
    assert _withdraw(world, "admin", 999_999).status_code == 404
    assert [i["state"] for i in _invitations(world) if i["id"] == made["id"]] == ["pending"]


def test_a_replaced_invitation_shows_as_replaced_and_its_link_says_so(world: World) -> None:
    first = links.invitation_link(world, "again@example.org")
    second = links.invitation_link(world, "again@example.org")
    states = [i["state"] for i in _invitations(world) if i["email"] == "again@example.org"]
    assert states == ["replaced", "pending"]
    page = world.client.get(f"/invitations/{first}")
    assert page.status_code == 200
    assert 'data-state="replaced"' in page.text
    assert 'id="invitation-form"' not in page.text
    sent = world.client.post(f"/invitations/{first}", data={"name": "A", "password": PASSWORD})
    assert sent.status_code == 409
    assert 'data-state="replaced"' in sent.text
    old_id = next(i["id"] for i in _invitations(world) if i["state"] == "replaced")
    refused = _withdraw(world, "admin", old_id)
    assert refused.status_code == 409
    assert "replaced by a newer invitation: withdraw that one" in refused.json()["detail"]
    assert 'data-state="pending"' not in world.client.get(f"/invitations/{second}").text  # form
    assert 'id="invitation-form"' in world.client.get(f"/invitations/{second}").text


def test_existing_invitations_upgrade_as_they_were(database_url: str) -> None:
    """Revision 0015 adds the columns to a database of 0014 whose invitations keep their
    state: a pending one stays pending, an expired one expired."""
    db = Database(database_url)
    try:
        upgrade(db, "0014")
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
        earlier = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO processes (id, name, description, created_at) "
                    "VALUES (1, 'p', '', :now)"
                ),
                {"now": earlier},
            )
            for n, expires in ((1, later), (2, earlier)):
                conn.execute(
                    text(
                        "INSERT INTO invitations (id, process_id, email, role, token_hash, "
                        "created_at, expires_at) VALUES (:id, 1, :email, 'observer', :hash, "
                        ":now, :expires)"
                    ),
                    {
                        "id": n,
                        "email": f"{n}@x.org",
                        "hash": str(n) * 64,
                        "now": earlier,
                        "expires": expires,
                    },
                )
        upgrade(db)
        from gobetween.service.invitations import invitation_state

        with db.unit_of_work(write=False) as session:
            rows = session.execute(select(t.Invitation).order_by(t.Invitation.id)).scalars()
            assert [invitation_state(r) for r in rows] == ["pending", "expired"]
    finally:
        db.dispose()
