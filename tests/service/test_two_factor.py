"""A second factor: enrolment with a typed key (and an otpauth URI), log-in needing a current
code or a recovery code, codes used once, guesses paused like wrong passwords, turned off only
with the password."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import urllib.parse

import httpx
import pytest
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, Clock, World

from gobetween.errors import ConfigurationError
from gobetween.service import enrolment, identity, setup, two_factor
from gobetween.store import tables as t

UA = "ua@example.org"
START = dt.datetime(2027, 3, 1, 12, 0, 0, tzinfo=dt.UTC)


def test_the_rfc_6238_test_vectors() -> None:
    secret = base64.b32encode(b"12345678901234567890").decode()
    # RFC 6238 appendix B, SHA-1: 94287082 at 59 s, 07081804 at 1111111109 s (last 6 digits)
    assert two_factor.code_at(secret, 59 // 30) == "287082"
    assert two_factor.code_at(secret, 1111111109 // 30) == "081804"
    assert two_factor.code_at(secret, 20000000000 // 30) == "353130"


def _now(clock: Clock) -> int:
    return int(clock.now.timestamp()) // two_factor.PERIOD


def _link_token(world: World, who: str) -> str:
    """An enrolment link's token for ``who``, as if mailed to them (tests/service/
    test_enrolment.py follows the mailed one)."""
    with world.services.db.unit_of_work() as session:
        user = session.get_one(t.User, world.users[who])
        return setup._token(session, user, enrolment.PURPOSE, dt.timedelta(hours=1))


def _enrol(
    world: World, clock: Clock, who: str = "ua", *, link: bool = False
) -> tuple[str, list[str]]:
    """Set up ``who``'s second factor; ``link``: as one who must, with an enrolment link."""
    if link:
        refused = world.post(who, "/api/account/two-factor")
        assert refused.status_code == 409, refused.text  # the password alone is not enough
    body = {"token": _link_token(world, who)} if link else None
    r = world.post(who, "/api/account/two-factor", json=body)
    assert r.status_code == 201, r.text
    made = r.json()
    uri = urllib.parse.urlparse(made["uri"])
    assert uri.scheme == "otpauth"
    assert uri.netloc == "totp"
    assert urllib.parse.parse_qs(uri.query)["secret"] == [made["secret"]]
    wrong = world.post(who, "/api/account/two-factor/confirm", json={"code": "000000"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["location"] == "code"
    code = two_factor.code_at(made["secret"], _now(clock))
    done = world.post(who, "/api/account/two-factor/confirm", json={"code": code})
    assert done.status_code == 200, done.text
    codes = done.json()["recovery_codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    return made["secret"], codes


def _login(
    world: World, code: str | None = None, *, password: str = PASSWORD, device: str = ""
) -> httpx.Response:
    body = {"email": UA, "password": password} | ({"code": code} if code else {})
    with asgi_client(world.app) as c:  # a fresh browser each time: no session, no device
        if device:  # ... unless it brings the device cookie of an earlier log-in
            c.cookies.set(identity.DEVICE_COOKIE, device)
        return c.post("/api/auth/login", json=body)


def test_enrolment_then_log_in_needs_the_current_code(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(START)
    clock.install(monkeypatch)
    assert world.get("ua", "/api/account/two-factor").json()["enabled"] is False
    assert _login(world).status_code == 200  # not on yet: the password is enough
    secret, _codes = _enrol(world, clock)
    assert world.get("ua", "/api/account/two-factor").json() == {
        "enabled": True,
        "recovery_codes_left": 10,
    }
    assert world.post("ua", "/api/account/two-factor").status_code == 409
    clock.set(START + dt.timedelta(minutes=5))
    assert _login(world).status_code == 401  # the password alone no longer logs in
    assert _login(world, "123456").status_code == 401
    code = two_factor.code_at(secret, _now(clock))
    assert _login(world, code).status_code == 200
    assert _login(world, code).status_code == 401  # a code works once
    clock.set(START + dt.timedelta(minutes=5, seconds=30))  # the next step, within drift
    early = two_factor.code_at(secret, _now(clock) + 1)  # a phone clock 30 s ahead
    assert _login(world, early).status_code == 200
    kinds = [e["kind"] for e in world.get("ua", "/api/account/security-log").json()]
    assert "two_factor.enabled" in kinds
    assert "login.code_failed" in kinds  # the owner learns that the password is known


def test_a_recovery_code_logs_in_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(START)
    clock.install(monkeypatch)
    _secret, codes = _enrol(world, clock)
    assert _login(world, codes[3].upper()).status_code == 200
    assert _login(world, codes[3]).status_code == 401
    assert world.get("ua", "/api/account/two-factor").json()["recovery_codes_left"] == 9


def test_guessing_codes_is_paused_like_guessing_passwords(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(START)
    clock.install(monkeypatch)
    _enrol(world, clock)
    statuses = [_login(world, f"{n:06d}").status_code for n in range(8)]
    assert statuses[:5] == [401] * 5
    assert 429 in statuses[5:]


def test_turning_it_off_needs_the_password(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(START)
    clock.install(monkeypatch)
    _enrol(world, clock)
    wrong = world.post(
        "ua", "/api/account/two-factor/disable", json={"current_password": "not it at all"}
    )
    assert wrong.status_code == 422
    assert world.get("ua", "/api/account/two-factor").json()["enabled"] is True
    off = world.post("ua", "/api/account/two-factor/disable", json={"current_password": PASSWORD})
    assert off.status_code == 204, off.text
    assert _login(world).status_code == 200


def test_only_a_device_that_logged_in_before_learns_that_the_password_was_right(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(START)
    clock.install(monkeypatch)
    first = _login(world)  # before the second factor: this laptop becomes a known device
    device = first.cookies[identity.DEVICE_COOKIE]
    secret, _codes = _enrol(world, clock)
    clock.set(START + dt.timedelta(minutes=5))
    # a stranger (no device cookie): a wrong password, the right one without a code and the
    # right one with a wrong code all get the same answer
    answers = [
        _login(world, password="a wrong guess"),
        _login(world),
        _login(world, "123456"),
        _login(world, "123456", password="a wrong guess"),
    ]
    assert {r.status_code for r in answers} == {401}
    assert len({r.json()["detail"] for r in answers}) == 1
    assert "a missing or wrong code" in answers[0].json()["detail"]
    # the owner's own laptop is told plainly what is missing
    missing = _login(world, device=device)
    assert missing.status_code == 401
    assert missing.json()["detail"].startswith("The password is right. This account also needs")
    wrong = _login(world, "123456", device=device)
    assert "the code is wrong or was used already" in wrong.json()["detail"]
    guessed = _login(world, "123456", password="a wrong guess", device=device)
    assert guessed.json()["detail"] == answers[0].json()["detail"]  # a wrong password: as ever
    # a right code with a wrong password is not used up: it still logs in afterwards
    code = two_factor.code_at(secret, _now(clock))
    assert _login(world, code, password="a wrong guess", device=device).status_code == 401
    assert _login(world, code, device=device).status_code == 200


def _problem(r: httpx.Response) -> str:
    assert r.status_code == 403, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["title"] == "TwoFactorRequired"
    return str(r.json()["detail"])


def test_a_process_that_requires_a_second_factor_sends_its_members_to_set_one_up(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(START)
    clock.install(monkeypatch)
    rule = f"/api/processes/{world.process_id}/two-factor"
    assert world.get("ua", rule).json() == {"required": False, "members_without": 8}
    assert world.put("ua", rule, json={"required": True}).status_code == 403  # admins only
    assert world.get("outsider", rule).status_code == 404
    refused = world.put("admin", rule, json={"required": True})
    assert refused.status_code == 409  # the convener's own second factor first
    assert "your own second factor" in refused.json()["detail"]
    _enrol(world, clock, "admin")
    assert world.put("admin", rule, json={"required": True}).json() == {
        "required": True,
        "members_without": 7,
    }
    ch = world.channels[("food", "ua")]
    # a member without a second factor: every other route answers 403 naming what to do, the
    # fast message path too, with an API token as with a browser session
    detail = _problem(world.get("ua", f"/api/processes/{world.process_id}"))
    assert "/account/security" in detail
    assert "POST /api/account/two-factor" in detail
    _problem(world.post("ua", f"/api/channels/{ch}/messages", json={"text": "three ports"}))
    _problem(world.get("ua", f"/api/channels/{ch}/messages"))
    _problem(world.get("ua", "/api/auth/me"))
    with asgi_client(world.app) as browser:
        r = browser.post("/api/auth/login", json={"email": UA, "password": PASSWORD})
        assert r.status_code == 200  # the password is enough to log in and set it up
        _problem(browser.get("/api/processes"))
        assert browser.get("/api/account/two-factor").status_code == 200
        assert browser.get("/api/account/sessions").status_code == 200
        out = browser.post("/api/auth/logout", headers={"X-CSRF-Token": r.json()["csrf_token"]})
        assert out.status_code == 204
    assert world.get("outsider", "/api/processes").status_code == 200  # not a member: as ever
    _enrol(world, clock, "ua", link=True)
    assert world.get("ua", f"/api/processes/{world.process_id}").status_code == 200
    sent = world.post("ua", f"/api/channels/{ch}/messages", json={"text": "three ports"})
    assert sent.status_code == 201, sent.text
    assert world.get("admin", rule).json()["members_without"] == 6
    # nor may a member turn it off while the process requires it
    off = world.post("ua", "/api/account/two-factor/disable", json={"current_password": PASSWORD})
    assert off.status_code == 409
    assert "Black Sea talks" in off.json()["detail"]
    assert world.put("admin", rule, json={"required": False}).json()["required"] is False
    off = world.post("ua", "/api/account/two-factor/disable", json={"current_password": PASSWORD})
    assert off.status_code == 204
    assert world.get("ru", f"/api/processes/{world.process_id}").status_code == 200


def test_the_installation_requires_it_of_administrators_or_of_everyone(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(START)
    clock.install(monkeypatch)
    base = world.services.settings
    world.services.settings = dataclasses.replace(base, require_two_factor="admins")
    _problem(world.get("admin", "/api/processes"))  # the process's convener
    assert world.get("ua", "/api/processes").status_code == 200
    assert world.get("outsider", "/api/processes").status_code == 200
    world.services.settings = dataclasses.replace(base, require_two_factor="everyone")
    _problem(world.get("ua", "/api/processes"))
    _problem(world.get("outsider", "/api/processes"))
    _enrol(world, clock, "outsider", link=True)
    assert world.get("outsider", "/api/processes").status_code == 200
    off = world.post(
        "outsider", "/api/account/two-factor/disable", json={"current_password": PASSWORD}
    )
    assert off.status_code == 409
    assert "this installation (for everyone)" in off.json()["detail"]
    with pytest.raises(ConfigurationError):
        dataclasses.replace(base, require_two_factor="sometimes")
