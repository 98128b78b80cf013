"""Security mails over a real SMTP server (aiosmtpd): each event of the security log that the
owner must learn of reaches their own address, in their language and time zone, never with a
secret; at most one mail per kind per account per quarter of an hour; a mail server that is
down never fails the action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import event, select, update
from tests.service.asgi import client as asgi_client
from tests.service.mailbox import Mailbox, mail_settings
from tests.service.world import PASSWORD, World, make_settings

from gobetween import i18n
from gobetween.service import mail, security_log, security_mail, setup, two_factor
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.login_tables import SecurityEvent

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
NEW_PASSWORD = "a long new password 42"


@pytest.fixture
def mworld(database_url: str, box: Mailbox) -> Iterator[World]:
    w = World.build(make_settings(database_url, **mail_settings(box)))
    with w.services.db.unit_of_work() as session:  # as if each had followed a mailed link
        for who in ("ua", "ua2", "ru"):
            setup.mark_verified(session, w.users[who])
    try:
        yield w
    finally:
        w.close()


def _deliver(w: World) -> int:
    return mail.deliver_due(w.services.db, w.services.settings)


def _speak(w: World, who: str, locale: str, zone: str) -> None:
    with w.services.db.unit_of_work() as session:
        session.execute(
            update(t.User).where(t.User.id == w.users[who]).values(locale=locale, time_zone=zone)
        )


def _record(w: World, who: str, kind: str, user_agent: str = FIREFOX) -> None:
    with w.services.db.unit_of_work() as session:
        security_log.record(session, w.users[who], kind, user_agent=user_agent)


def _last_event(w: World, who: str, kind: str) -> dt.datetime:
    with w.services.db.unit_of_work(write=False) as session:
        return session.execute(
            select(SecurityEvent.at)
            .where(SecurityEvent.user_id == w.users[who], SecurityEvent.kind == kind)
            .order_by(SecurityEvent.id.desc())
            .limit(1)
        ).scalar_one()


def _enrol(w: World, who: str) -> list[str]:
    with w.services.db.unit_of_work() as session:
        user = session.get_one(t.User, w.users[who])
        secret = two_factor.start(session, user).secret
        step = int(t.utcnow().timestamp()) // two_factor.PERIOD
        return two_factor.confirm(session, user, two_factor.code_at(secret, step))


def _login(w: World, who: str, code: str) -> int:
    body = {"email": f"{who}@example.org", "password": PASSWORD, "code": code}
    with asgi_client(w.app) as c:
        return c.post("/api/auth/login", json=body).status_code


def test_each_event_mails_what_when_from_what_and_what_to_do(mworld: World, box: Mailbox) -> None:
    for kind in security_mail.MAILED:
        _record(mworld, "ua", kind)
    _record(mworld, "ua", "login")  # an ordinary log-in is not mailed
    _record(mworld, "ua", "token.created")
    assert box.messages == []  # nothing is sent inside the action's transaction
    assert _deliver(mworld) == len(security_mail.MAILED) == 10
    mails = box.to("ua@example.org")
    subjects = [m["Subject"] for m in mails]
    assert subjects == [str(subject) for subject, _what, _advice in security_mail.MAILED.values()]
    told = zip(mails, security_mail.MAILED.items(), strict=True)
    for message, (kind, (_s, what, advice)) in told:
        text = box.body(message)
        assert str(what) in text
        assert str(advice) in text
        assert "From: Firefox on Linux" in text
        assert f"When: {i18n.format_datetime(_last_event(mworld, 'ua', kind), 'en', 'UTC')}" in text
        assert "http" not in text  # no link at all, let alone one that logs in
    assert box.to("ua2@example.org") == []


def test_a_password_change_is_mailed_in_ukrainian_in_the_owners_time_zone(
    mworld: World, box: Mailbox
) -> None:
    _speak(mworld, "ua", "uk", "Europe/Kyiv")
    changed = mworld.post(
        "ua",
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"User-Agent": FIREFOX},
    )
    assert changed.status_code == 204, changed.text
    assert _deliver(mworld) == 1
    (message,) = box.to("ua@example.org")
    text = box.body(message)
    assert message["Subject"] == "Ваш пароль у gobetween змінено"
    assert "Звідки: Firefox на Linux" in text  # the request's browser, not passed by the caller
    at = _last_event(mworld, "ua", "password.changed")
    assert f"Коли: {i18n.format_datetime(at, 'uk', 'Europe/Kyiv')}" in text
    assert "(UTC+2)" in text or "(UTC+3)" in text  # Kyiv's time, not the server's UTC
    assert "Якщо це були не ви" in text
    assert NEW_PASSWORD not in text
    assert PASSWORD not in text


def test_the_right_password_with_a_wrong_code_is_mailed_in_arabic(
    mworld: World, box: Mailbox
) -> None:
    _speak(mworld, "ru", "ar", "Asia/Riyadh")
    codes = _enrol(mworld, "ru")
    assert _login(mworld, "ru", "000000") == 401
    assert _login(mworld, "ru", codes[0]) == 200
    assert _deliver(mworld) == 3
    enabled, failed, recovery = box.to("ru@example.org")
    assert enabled["Subject"] == "تم تفعيل عامل ثانٍ لحسابك في gobetween"
    assert failed["Subject"] == "حاول شخص ما تسجيل الدخول إلى حسابك في gobetween"
    text = box.body(failed)
    assert "بكلمة المرور الصحيحة" in text
    assert "(UTC+3)" in text  # Riyadh
    assert "000000" not in text
    counted = box.body(recovery)
    assert "لديك 9 رموز استرداد غير مستخدمة متبقية." in counted
    assert codes[0] not in counted


def test_the_right_password_with_a_wrong_code_to_delete_the_account_is_mailed_in_ukrainian(
    mworld: World, box: Mailbox
) -> None:
    """Someone holding the owner's session and password tries to delete the account without the
    second factor's code: the account stays, and the owner learns of it by mail."""
    _speak(mworld, "ru", "uk", "Europe/Kyiv")
    _enrol(mworld, "ru")
    body = {"current_password": PASSWORD, "code": "000000"}
    refused = mworld.post("ru", "/api/account/delete", json=body)
    assert refused.status_code == 422, refused.text
    assert mworld.get("ru", "/api/auth/me").status_code == 200  # nothing was deleted
    assert _deliver(mworld) == 2  # the second factor turned on, then the attempt
    _enabled, attempt = box.to("ru@example.org")
    assert attempt["Subject"] == "Хтось намагався видалити ваш обліковий запис gobetween"
    text = box.body(attempt)
    assert "Обліковий запис не видалено." in text
    assert "000000" not in text
    assert PASSWORD not in text


def test_a_recovery_code_mail_says_how_many_are_left(mworld: World, box: Mailbox) -> None:
    codes = _enrol(mworld, "ua2")
    assert _login(mworld, "ua2", codes[3]) == 200
    assert _deliver(mworld) == 2
    text = box.body(box.to("ua2@example.org")[-1])
    assert "One of your recovery codes was used" in text
    assert "You have 9 unused recovery codes left." in text
    assert codes[3] not in text


def test_at_most_one_mail_per_kind_per_account_every_quarter_hour(
    mworld: World, box: Mailbox
) -> None:
    for _ in range(20):  # someone with the password trying codes
        _record(mworld, "ua", "login.code_failed")
    _record(mworld, "ua", "two_factor.disabled")  # another kind still goes
    _record(mworld, "ua2", "login.code_failed")  # another account still gets its own
    assert _deliver(mworld) == 3
    assert len(box.to("ua@example.org")) == 2
    with mworld.services.db.unit_of_work() as session:  # a quarter of an hour later
        for row in session.execute(select(st.MailOutbox)).scalars():
            row.created_at -= security_mail.GAP + dt.timedelta(seconds=1)
    _record(mworld, "ua", "login.code_failed")
    _record(mworld, "ua", "login.code_failed")
    assert _deliver(mworld) == 1
    assert len(box.to("ua@example.org")) == 3


def test_an_unverified_address_gets_nothing(mworld: World, box: Mailbox) -> None:
    _record(mworld, "tr", "password.changed")
    assert _deliver(mworld) == 0
    assert box.messages == []


def test_a_failing_mail_server_does_not_fail_the_password_change(
    mworld: World, box: Mailbox
) -> None:
    box.refuse = True
    changed = mworld.post(
        "ua",
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 204, changed.text
    with asgi_client(mworld.app) as c:  # the new password works
        login = {"email": "ua@example.org", "password": NEW_PASSWORD}
        assert c.post("/api/auth/login", json=login).status_code == 200
    assert _deliver(mworld) == 0
    with mworld.services.db.unit_of_work() as session:
        row = session.execute(
            select(st.MailOutbox).where(st.MailOutbox.kind == "security:password.changed")
        ).scalar_one()
        assert row.sent_at is None
        assert row.failed_at is None
        assert "451" in row.last_error
        row.next_attempt_at = t.utcnow()  # the retry is due
    box.refuse = False
    assert _deliver(mworld) == 1
    (message,) = box.to("ua@example.org")
    assert message["Subject"] == "Your gobetween password was changed"


def test_a_wrong_password_costs_what_a_wrong_code_costs_but_the_mail(
    mworld: World, box: Mailbox
) -> None:
    """The time a failed log-in takes must not tell a guesser that the password was right: a
    wrong password runs the statements of the right one with a wrong code, but for the mail's
    row (written once per quarter of an hour at most)."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()))

    def run(kind: str) -> list[str]:
        statements.clear()
        _record(mworld, "ua", kind)
        return list(statements)

    engine = mworld.services.db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        first_code = run("login.code_failed")
        wrong_password = run("login.failed")
        later_code = run("login.code_failed")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert wrong_password == later_code
    mailed = [s for s in first_code if s.startswith("INSERT INTO mail_outbox")]
    assert len(mailed) == 1
    assert [s for s in first_code if s not in mailed] == wrong_password
    with asgi_client(mworld.app) as c:  # a wrong password through the API: no mail either
        wrong = {"email": "ua2@example.org", "password": "not the password at all"}
        assert c.post("/api/auth/login", json=wrong).status_code == 401
    assert _deliver(mworld) == 1
    assert [m["Subject"] for m in box.messages] == [
        "Someone tried to log in to your gobetween account"
    ]


def test_ending_all_other_sessions_says_from_what_browser_in_ukrainian(
    mworld: World, box: Mailbox
) -> None:
    _speak(mworld, "ua", "uk", "Europe/Kyiv")
    with asgi_client(mworld.app) as c:
        login = {"email": "ua@example.org", "password": PASSWORD}
        started = c.post("/api/auth/login", json=login, headers={"User-Agent": FIREFOX})
        assert started.status_code == 200, started.text
        ended = c.post(
            "/api/account/sessions/end-others",
            headers={"X-CSRF-Token": started.json()["csrf_token"], "User-Agent": FIREFOX},
        )
        assert ended.status_code == 200, ended.text
    assert _deliver(mworld) == 1
    (message,) = box.to("ua@example.org")
    assert message["Subject"] == "Усі інші сеанси вашого облікового запису gobetween завершено"
    assert "Звідки: Firefox на Linux" in box.body(message)


def test_a_password_reset_by_link_is_mailed_without_the_link(mworld: World, box: Mailbox) -> None:
    asked = mworld.client.post("/api/auth/password-reset", json={"email": "ua@example.org"})
    assert asked.status_code == 202
    assert _deliver(mworld) == 1
    link = box.link("ua@example.org", "reset")
    done = mworld.client.post(
        "/api/auth/password-reset/confirm",
        json={"token": link.rsplit("/", 1)[1], "password": NEW_PASSWORD},
    )
    assert done.status_code == 204
    assert _deliver(mworld) == 1
    told = box.to("ua@example.org")[-1]
    assert told["Subject"] == "Your gobetween password was changed"
    text = box.body(told)
    assert "with a reset link sent to this address" in text
    assert link not in text
    assert link.rsplit("/", 1)[1] not in text
