"""E-mail over a real SMTP server (aiosmtpd): invitations, password reset, verification,
notifications that never carry another party's words, bounded retries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from tests.service.mailbox import Mailbox, mail_settings, smtp_server
from tests.service.world import PASSWORD, World, make_settings

from gobetween.service import mail, notifications, setup
from gobetween.service.settings import Settings
from gobetween.store import setup_tables as st
from gobetween.store import tables as t

UA_WORDS = "Ukraine insists on three ports"


@pytest.fixture
def mworld(database_url: str, box: Mailbox) -> Iterator[World]:
    w = World.build(make_settings(database_url, **mail_settings(box)))
    try:
        yield w
    finally:
        w.close()


def _settings(w: World) -> Settings:
    return w.services.settings


def _drain(w: World) -> None:
    notifications.run_once(w.services.db, _settings(w))
    mail.deliver_due(w.services.db, _settings(w))


def test_an_invitation_goes_by_e_mail_with_what_it_is_for(mworld: World, box: Mailbox) -> None:
    body = {"email": "new@example.org", "role": "party_member"}
    body["organisation_id"] = mworld.orgs["Ukraine"]  # type: ignore[assignment]
    made = mworld.post("admin", f"/api/processes/{mworld.process_id}/invitations", json=body)
    assert made.status_code == 201
    assert made.json()["token"] is None
    assert made.json()["mailed"]
    assert box.messages == []  # nothing is sent inside the request
    assert mail.deliver_due(mworld.services.db, _settings(mworld)) == 1
    (message,) = box.to("new@example.org")
    text = box.body(message)
    assert "Black Sea talks" in message["Subject"]
    for part in ("Black Sea talks", "admin <admin@example.org>", "Ukraine", "delegation"):
        assert part in text
    link = box.link("new@example.org", "invitations")
    assert "https://talks.example.org/invitations/" in text
    joined = mworld.client.post(
        link, data={"name": "New", "password": PASSWORD}, follow_redirects=False
    )
    assert joined.status_code == 303
    with mworld.services.db.unit_of_work(write=False) as session:
        user = session.execute(select(t.User).where(t.User.email == "new@example.org")).scalar_one()
        assert session.get_one(st.MailSettings, user.id).verified_at is not None


def test_a_password_is_reset_by_e_mail_once(mworld: World, box: Mailbox) -> None:
    asked = mworld.client.post("/api/auth/password-reset", json={"email": "ua@example.org"})
    assert asked.status_code == 202
    mworld.client.post("/api/auth/password-reset", json={"email": "nobody@example.org"})
    assert mail.deliver_due(mworld.services.db, _settings(mworld)) == 1
    assert box.to("nobody@example.org") == []
    token = box.link("ua@example.org", "reset").rsplit("/", 1)[1]
    new = "a brand new password"
    done = mworld.client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": new}
    )
    assert done.status_code == 204
    again = mworld.client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "another one!!"}
    )
    assert again.status_code == 404
    login = {"email": "ua@example.org"}
    ok = mworld.client.post("/api/auth/login", json={**login, "password": new})
    assert ok.status_code == 200
    mworld.client.cookies.clear()
    old = mworld.client.post("/api/auth/login", json={**login, "password": PASSWORD})
    assert old.status_code == 401


def _verify_everyone(w: World, mode: str = "immediate") -> None:
    with w.services.db.unit_of_work() as session:
        for user_id in w.users.values():
            session.add(st.MailSettings(user_id=user_id, verified_at=t.utcnow(), notify=mode))


def _post(w: World, who: str, party: str, text: str) -> None:
    channel = w.channels[("food", party)]
    answer = w.post(who, f"/api/channels/{channel}/messages", json={"text": text})
    assert answer.status_code == 201, answer.text


def _mails(box: Mailbox, who: str) -> list[str]:
    return [box.body(m) for m in box.to(f"{who}@example.org")]


def test_notifications_tell_only_what_the_recipient_may_read(mworld: World, box: Mailbox) -> None:
    _verify_everyone(mworld)
    notifications.run_once(mworld.services.db, _settings(mworld))  # the cursor starts now
    _post(mworld, "ua", "ua", UA_WORDS)
    _drain(mworld)
    assert all(UA_WORDS not in m.get_content() for m in box.messages)  # type: ignore[attr-defined]
    (to_un,) = _mails(box, "un")
    assert "channel of Ukraine" in to_un
    assert "/tracks/" in to_un
    (to_ua2,) = _mails(box, "ua2")  # the other member of the Ukrainian delegation
    assert "your channel" in to_ua2
    assert _mails(box, "ua") == []  # not about one's own message
    assert _mails(box, "ru") == []
    assert _mails(box, "obs") == []
    assert _mails(box, "outsider") == []


def test_a_partys_mail_does_not_depend_on_the_other_partys_activity(
    tmp_path: Path, box: Mailbox
) -> None:
    """Two worlds that differ only in whether Ukraine talks: Russia's mails are the same."""
    seen: list[list[tuple[str, str]]] = []
    for ukraine_talks in (False, True):
        box.messages.clear()
        url = f"sqlite:///{tmp_path}/world-{ukraine_talks}.db"
        w = World.build(make_settings(url, **mail_settings(box)))
        try:
            _verify_everyone(w)
            notifications.run_once(w.services.db, _settings(w))
            if ukraine_talks:
                _post(w, "ua", "ua", UA_WORDS)
            _post(w, "un", "ru", "A question for Russia")
            _drain(w)
            seen.append([(m["Subject"], box.body(m)) for m in box.to("ru@example.org")])
        finally:
            w.close()
    assert seen[0] == seen[1]
    assert len(seen[0]) == 1
    assert "your channel" in seen[0][0][1]


def test_a_text_version_and_the_daily_digest(mworld: World, box: Mailbox) -> None:
    _verify_everyone(mworld, mode="daily")
    notifications.run_once(mworld.services.db, _settings(mworld))
    _post(mworld, "un", "ru", "For Russia only")
    early = t.utcnow().replace(hour=0)
    notifications.run_once(mworld.services.db, _settings(mworld), now=early)
    mail.deliver_due(mworld.services.db, _settings(mworld))
    assert box.messages == []  # daily: nothing before the digest hour
    late = t.utcnow().replace(hour=23)
    notifications.run_once(mworld.services.db, _settings(mworld), now=late)
    mail.deliver_due(mworld.services.db, _settings(mworld))
    (digest,) = _mails(box, "ru")
    assert "daily summary" in box.to("ru@example.org")[0]["Subject"]
    assert "For Russia only" not in digest
    assert "your channel" in digest
    notifications.run_once(mworld.services.db, _settings(mworld), now=late)
    mail.deliver_due(mworld.services.db, _settings(mworld))
    assert len(_mails(box, "ru")) == 1  # once a day


def test_sending_is_retried_a_bounded_number_of_times(mworld: World, box: Mailbox) -> None:
    box.refuse = True
    mworld.client.post("/api/auth/password-reset", json={"email": "ua@example.org"})
    db, settings = mworld.services.db, _settings(mworld)
    for _attempt in range(settings.mail_max_attempts):
        assert mail.deliver_due(db, settings) == 0
        with db.unit_of_work() as session:  # the retry is due now (instead of in minutes)
            session.execute(update(st.MailOutbox).values(next_attempt_at=t.utcnow()))
    with db.unit_of_work(write=False) as session:
        (row,) = session.execute(select(st.MailOutbox)).scalars()
        assert row.attempts == settings.mail_max_attempts
        assert row.failed_at is not None
        assert "451" in row.last_error
    box.refuse = False
    assert mail.deliver_due(db, settings) == 0  # given up: not sent again


def _last_error(db: Any, *, due_now: bool) -> str:
    """The outbox's one row's last error; made due at once for the next attempt."""
    with db.unit_of_work() as session:
        (row,) = session.execute(select(st.MailOutbox)).scalars()
        if due_now:
            row.next_attempt_at = t.utcnow()
        return str(row.last_error)


def test_starttls_with_the_operators_certificate_authority(
    database_url: str, tmp_path: Path
) -> None:
    with smtp_server(tls_folder=tmp_path) as box:
        secure = {**mail_settings(box), "smtp_security": "starttls"}
        w = World.build(make_settings(database_url, **secure, smtp_ca_file=box.ca_file))
        try:
            db, settings = w.services.db, _settings(w)
            w.client.post("/api/auth/password-reset", json={"email": "ua@example.org"})
            # the server requires STARTTLS: a sender without it fails, and retries later
            assert mail.deliver_due(db, dataclasses.replace(settings, smtp_security="none")) == 0
            assert "STARTTLS" in _last_error(db, due_now=True)
            # a sender that does not trust the server's certificate fails too
            assert mail.deliver_due(db, dataclasses.replace(settings, smtp_ca_file="")) == 0
            assert "CERTIFICATE_VERIFY_FAILED" in _last_error(db, due_now=True)
            assert mail.deliver_due(db, settings) == 1
            assert "/reset/" in box.body(box.to("ua@example.org")[0])
        finally:
            w.close()


def test_a_deadline_near_is_told_once(mworld: World, box: Mailbox) -> None:
    _verify_everyone(mworld)
    notifications.run_once(mworld.services.db, _settings(mworld))
    food = mworld.tracks["food"]
    due = t.utcnow() + dt.timedelta(hours=12)
    package = {"ports": "Odesa+Chornomorsk", "inspection": "Istanbul JCC", "term": "120"}
    body = {"package": package, "deadline": due.isoformat()}
    assert mworld.post("un", f"/api/tracks/{food}/text/versions", json=body).status_code == 201
    for _round in range(2):
        _drain(mworld)
        with mworld.services.db.unit_of_work() as session:  # no pause between "at once" mails
            session.execute(update(st.MailSettings).values(notified_at=None))
    (to_ru,) = _mails(box, "ru")
    assert f"due by {due:%Y-%m-%d %H:%M} UTC" in to_ru
    assert "Version 1 of the negotiating text" in to_ru


def test_at_once_means_one_mail_per_pause_not_one_per_message(mworld: World, box: Mailbox) -> None:
    _verify_everyone(mworld)
    db, settings = mworld.services.db, _settings(mworld)
    notifications.run_once(db, settings)
    now = t.utcnow()
    _post(mworld, "un", "ru", "First question")
    notifications.run_once(db, settings, now=now)
    _post(mworld, "un", "ru", "Second question")
    notifications.run_once(db, settings, now=now + dt.timedelta(minutes=1))
    mail.deliver_due(db, settings)
    assert len(_mails(box, "ru")) == 1
    notifications.run_once(db, settings, now=now + dt.timedelta(minutes=6))
    mail.deliver_due(db, settings)
    first, second = _mails(box, "ru")
    assert first.count("your channel") == 1
    assert second.count("your channel") == 1


def test_reset_links_are_limited_per_hour(mworld: World, box: Mailbox) -> None:
    answers = [
        mworld.client.post("/api/auth/password-reset", json={"email": "ua@example.org"})
        for _ in range(5)
    ]
    assert {a.status_code for a in answers} == {202}
    assert len({a.text for a in answers}) == 1
    mail.deliver_due(mworld.services.db, _settings(mworld))
    assert len(_mails(box, "ua")) == setup.MAX_LINKS_PER_HOUR


def test_accepting_a_mailed_link_through_the_api_proves_the_address(
    mworld: World, box: Mailbox
) -> None:
    body = {"email": "api@example.org", "role": "observer"}
    body["organisation_id"] = mworld.orgs["Observers"]  # type: ignore[assignment]
    mworld.post("admin", f"/api/processes/{mworld.process_id}/invitations", json=body)
    mail.deliver_due(mworld.services.db, _settings(mworld))
    token = box.link("api@example.org", "invitations").rsplit("/", 1)[1]
    accepted = mworld.client.post(
        "/api/invitations/accept", json={"token": token, "name": "Api", "password": PASSWORD}
    )
    assert accepted.status_code == 201
    with mworld.services.db.unit_of_work(write=False) as session:
        user = session.execute(select(t.User).where(t.User.email == "api@example.org")).scalar_one()
        assert session.get_one(st.MailSettings, user.id).verified_at is not None


def test_a_sent_mail_leaves_no_link_in_the_database(mworld: World, box: Mailbox) -> None:
    mworld.client.post("/api/auth/password-reset", json={"email": "ua@example.org"})
    with mworld.services.db.unit_of_work(write=False) as session:
        (row,) = session.execute(select(st.MailOutbox)).scalars()
        assert "/reset/" in row.body  # waiting to be sent
    mail.deliver_due(mworld.services.db, _settings(mworld))
    token = box.link("ua@example.org", "reset").rsplit("/", 1)[1]
    with mworld.services.db.unit_of_work(write=False) as session:
        (row,) = session.execute(select(st.MailOutbox)).scalars()
        assert row.sent_at is not None
        assert row.body == ""
        assert row.subject == "Choose a new password"
        stored = session.execute(select(st.MailToken.token_hash)).scalars().all()
        assert token not in stored  # only its digest is kept
