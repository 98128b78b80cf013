"""A second factor: enrolment with a typed key (and an otpauth URI), log-in needing a current
code or a recovery code, codes used once, guesses paused like wrong passwords, turned off only
with the password."""

from __future__ import annotations

import base64
import datetime as dt
import urllib.parse

import httpx
import pytest
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, Clock, World

from gobetween.service import two_factor

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


def _enrol(world: World, clock: Clock) -> tuple[str, list[str]]:
    r = world.post("ua", "/api/account/two-factor")
    assert r.status_code == 201, r.text
    made = r.json()
    uri = urllib.parse.urlparse(made["uri"])
    assert uri.scheme == "otpauth"
    assert uri.netloc == "totp"
    assert urllib.parse.parse_qs(uri.query)["secret"] == [made["secret"]]
    wrong = world.post("ua", "/api/account/two-factor/confirm", json={"code": "000000"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["location"] == "code"
    code = two_factor.code_at(made["secret"], _now(clock))
    done = world.post("ua", "/api/account/two-factor/confirm", json={"code": code})
    assert done.status_code == 200, done.text
    codes = done.json()["recovery_codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    return made["secret"], codes


def _login(world: World, code: str | None = None) -> httpx.Response:
    body = {"email": UA, "password": PASSWORD} | ({"code": code} if code else {})
    with asgi_client(world.app) as c:  # a fresh browser each time: no session, no device
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
