"""Alerts to the installation's administrators over a real SMTP server (aiosmtpd): many failed
log-ins across accounts, the audit chain broken; at most one of a kind per address every 15
minutes; only a verified administrator address and the configured alert addresses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select, update
from tests.service.asgi import client as asgi_client
from tests.service.mailbox import Mailbox, mail_settings
from tests.service.world import World, make_settings

from gobetween.service import admin_alerts, mail, setup, two_factor
from gobetween.store import setup_tables as st
from gobetween.store import tables as t

OPS = "ops@example.net"


@pytest.fixture
def aworld(database_url: str, box: Mailbox) -> Iterator[World]:
    settings = make_settings(
        database_url,
        alert_failed_logins=6,
        alert_mail_to=f" {OPS.upper()} , not-an-address",
        **mail_settings(box),
    )
    w = World.build(settings)
    with w.services.db.unit_of_work() as session:
        session.add(st.Installation(id=1, admin_id=w.users["admin"]))
        setup.mark_verified(session, w.users["admin"])
    try:
        yield w
    finally:
        w.close()


def _fail_logins(w: World, accounts: list[str]) -> None:
    with asgi_client(w.app) as c:
        for who in accounts:
            body = {"email": f"{who}@example.org", "password": "a wrong password 1"}
            assert c.post("/api/auth/login", json=body).status_code == 401


def _deliver(w: World) -> int:
    return mail.deliver_due(w.services.db, w.services.settings)


def test_password_spraying_alerts_the_administrators_once_a_quarter_hour(
    aworld: World, box: Mailbox
) -> None:
    s = aworld.services
    _fail_logins(aworld, ["ua", "ru", "un", "tr", "nobody"])
    assert admin_alerts.check_failed_logins(s.db, s.settings) is False  # 5 < 6
    _fail_logins(aworld, ["obs"])
    assert admin_alerts.check_failed_logins(s.db, s.settings) is True
    assert _deliver(aworld) == 2
    (alert,) = box.to("admin@example.org")
    assert box.to(OPS) != []
    assert alert["Subject"] == "gobetween: many failed log-ins across accounts"
    text = box.body(alert)
    assert "Failed log-ins in the last 15 minutes: 6, against 6 accounts" in text
    assert "from 1 client addresses" in text
    assert "a wrong password" not in text
    _fail_logins(aworld, ["ua", "ru"])
    assert admin_alerts.check_failed_logins(s.db, s.settings) is False  # within 15 minutes
    assert _deliver(aworld) == 0


def test_the_alert_is_in_the_administrators_language(aworld: World, box: Mailbox) -> None:
    s = aworld.services
    with s.db.unit_of_work() as session:
        session.execute(
            update(t.User).where(t.User.id == aworld.users["admin"]).values(locale="uk")
        )
    _fail_logins(aworld, ["ua", "ru", "un", "tr", "obs", "icrc"])
    assert admin_alerts.check_failed_logins(s.db, s.settings) is True
    _deliver(aworld)
    (alert,) = box.to("admin@example.org")
    assert alert["Subject"] == "gobetween: багато невдалих входів у різні облікові записи"
    (ops,) = box.to(OPS)  # no language known: English
    assert ops["Subject"] == "gobetween: many failed log-ins across accounts"


def test_an_unverified_administrator_address_gets_no_alert(aworld: World, box: Mailbox) -> None:
    s = aworld.services
    with s.db.unit_of_work() as session:
        session.execute(
            update(st.MailSettings)
            .where(st.MailSettings.user_id == aworld.users["admin"])
            .values(verified_at=None)
        )
        assert admin_alerts.recipients(session, s.settings) == [(OPS, None)]


def test_a_broken_audit_chain_alerts(aworld: World, box: Mailbox) -> None:
    s = aworld.services
    assert admin_alerts.check_audit_chain(s.db, s.settings) is True
    assert _deliver(aworld) == 0
    with s.db.unit_of_work() as session:
        seq = session.scalars(select(t.AuditEntry.seq).order_by(t.AuditEntry.seq).limit(1)).one()
        session.execute(update(t.AuditEntry).where(t.AuditEntry.seq == seq).values(action="forged"))
    assert admin_alerts.check_audit_chain(s.db, s.settings) is False
    assert _deliver(aworld) == 2
    (alert,) = box.to("admin@example.org")
    assert alert["Subject"] == "gobetween: the audit chain failed verification"
    assert f"The first broken link is number {seq}." in box.body(alert)


def test_the_administrator_removes_a_lost_second_factor_and_the_owner_is_told(
    aworld: World, box: Mailbox
) -> None:
    s = aworld.services
    with s.db.unit_of_work() as session:
        setup.mark_verified(session, aworld.users["ua"])
        user = session.get_one(t.User, aworld.users["ua"])
        secret = two_factor.start(session, user).secret
        step = int(t.utcnow().timestamp()) // two_factor.PERIOD
        two_factor.confirm(session, user, two_factor.code_at(secret, step))
    _deliver(aworld)
    box.messages.clear()
    url = "/api/admin/two-factor/reset"
    refused = aworld.post("un", url, json={"email": "ua@example.org"})
    assert refused.status_code == 403  # a mediator is not the installation's administrator
    assert aworld.post("admin", url, json={"email": "ru@example.org"}).status_code == 404
    assert aworld.post("admin", url, json={"email": "admin@example.org"}).status_code == 404
    done = aworld.post("admin", url, json={"email": " UA@example.org "})
    assert done.status_code == 204, done.text
    with s.db.unit_of_work(write=False) as session:
        assert not two_factor.enabled(session, aworld.users["ua"])
        assert two_factor.recovery_codes_left(session, aworld.users["ua"]) == 0
        link = session.scalars(select(t.AuditEntry).order_by(t.AuditEntry.seq.desc())).first()
        assert link is not None
        assert (link.action, link.object_id) == ("user.two_factor.reset", str(aworld.users["ua"]))
    assert aworld.post("admin", url, json={"email": "ua@example.org"}).status_code == 404
    assert _deliver(aworld) == 3
    (owner,) = box.to("ua@example.org")
    assert owner["Subject"] == "Your gobetween second factor was removed by an administrator"
    (alert,) = box.to("admin@example.org")
    assert alert["Subject"] == "gobetween: a second factor was removed by an administrator"
    assert f"The account is number {aworld.users['ua']}" in box.body(alert)
    assert len(box.to(OPS)) == 1
    log = aworld.get("ua", "/api/account/security-log").json()
    assert log[0]["kind"] == "two_factor.reset"
