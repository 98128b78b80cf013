"""Deleting one's own account (ASVS 8.3.2, the deletion half): the person is pseudonymised and
can no longer log in, what only concerns them goes, what they wrote stays under the pseudonym,
the audit chain still verifies; password (and code) first; the administrators are alerted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from tests.service.mailbox import Mailbox, mail_settings
from tests.service.world import PASSWORD, World, make_settings

from gobetween.service import mail, setup, two_factor
from gobetween.store import audit
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.login_tables import SecurityEvent

URL = "/api/account/delete"


@pytest.fixture
def dworld(database_url: str, box: Mailbox) -> Iterator[World]:
    w = World.build(make_settings(database_url, **mail_settings(box)))
    with w.services.db.unit_of_work() as session:
        session.add(st.Installation(id=1, admin_id=w.users["outsider"]))
        setup.mark_verified(session, w.users["outsider"])
        setup.mark_verified(session, w.users["ua"])
    try:
        yield w
    finally:
        w.close()


def test_a_member_deletes_their_account_and_is_pseudonymised(dworld: World, box: Mailbox) -> None:
    s = dworld.services
    ch = dworld.channels[("food", "ua")]
    said = dworld.post("ua", f"/api/channels/{ch}/messages", json={"text": "three ports"})
    assert said.status_code == 201
    wrong = dworld.post("ua", URL, json={"current_password": "not my password"})
    assert wrong.status_code == 422
    assert dworld.post("ua", URL, json={"current_password": PASSWORD}).status_code == 204
    assert dworld.get("ua", "/api/auth/me").status_code == 401  # its tokens are gone
    login = {"email": "ua@example.org", "password": PASSWORD}
    assert dworld.client.post("/api/auth/login", json=login).status_code == 401
    uid = dworld.users["ua"]
    with s.db.unit_of_work(write=False) as session:
        user = session.get_one(t.User, uid)
        assert user.name.startswith("deleted user ")
        assert user.email.endswith("@deleted.invalid")
        assert user.password_hash is None
        assert not user.active
        for table in (t.ApiToken, t.WebSession, SecurityEvent, st.MailSettings):
            count = select(func.count()).select_from(table).where(table.user_id == uid)
            assert session.execute(count).scalar_one() == 0, table
        outbox = select(func.count()).where(st.MailOutbox.to_address == "ua@example.org")
        assert session.execute(outbox).scalar_one() == 0
        kept = session.execute(select(t.Message.text).where(t.Message.author_id == uid))
        assert kept.scalars().all() == ["three ports"]  # the record stays, under the pseudonym
        assert (
            session.execute(
                select(func.count()).select_from(t.Membership).where(t.Membership.user_id == uid)
            ).scalar_one()
            == 1
        )
        audit.verify(session)  # the chain still holds
        actions = session.scalars(select(t.AuditEntry.action)).all()
        assert "user.delete" in actions
    # the channel shows the pseudonym to the mediators, never the old name or address
    seen = dworld.get("un", f"/api/channels/{ch}/messages").text
    assert "ua@example.org" not in seen
    assert mail.deliver_due(s.db, s.settings) == 1
    (alert,) = box.to("outsider@example.org")
    assert alert["Subject"] == "gobetween: an account was deleted"
    assert f"The account was number {uid}" in box.body(alert)


def test_the_code_is_needed_when_the_second_factor_is_on(dworld: World) -> None:
    with dworld.services.db.unit_of_work() as session:
        user = session.get_one(t.User, dworld.users["ru"])
        secret = two_factor.start(session, user).secret
        step = int(t.utcnow().timestamp()) // two_factor.PERIOD
        two_factor.confirm(session, user, two_factor.code_at(secret, step))
    no_code = dworld.post("ru", URL, json={"current_password": PASSWORD})
    assert no_code.status_code == 422
    assert no_code.json()["errors"][0]["location"] == "code"
    assert dworld.get("ru", "/api/auth/me").status_code == 200  # nothing was deleted
    with dworld.services.db.unit_of_work(write=False) as session:
        failures = select(func.count()).where(
            t.LoginFailure.key == f"password:{dworld.users['ru']}"
        )
        assert session.execute(failures).scalar_one() == 1  # paused like a wrong password


def test_administrators_cannot_delete_themselves_out_of_a_process_or_installation(
    dworld: World,
) -> None:
    only = dworld.post("admin", URL, json={"current_password": PASSWORD})
    assert only.status_code == 409
    assert "Black Sea talks" in only.json()["detail"]
    site = dworld.post("outsider", URL, json={"current_password": PASSWORD})
    assert site.status_code == 409
