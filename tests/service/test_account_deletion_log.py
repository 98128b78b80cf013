"""A refused deletion of one's account is in one's own security log, as a failed log-in is:
the owner learns that someone holding their session tried (issue 10, review follow-up)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.service.world import PASSWORD, World, make_settings

from gobetween.service import two_factor
from gobetween.store import tables as t

URL = "/api/account/delete"


@pytest.fixture
def dworld(database_url: str) -> Iterator[World]:
    w = World.build(make_settings(database_url))
    try:
        yield w
    finally:
        w.close()


def _kinds(world: World, who: str) -> list[str]:
    r = world.get(who, "/api/account/security-log")
    assert r.status_code == 200, r.text
    return [e["kind"] for e in r.json()]


def test_a_wrong_password_is_in_the_owners_log_and_nobody_elses(dworld: World) -> None:
    before = _kinds(dworld, "ru")
    wrong = dworld.post("ua", URL, json={"current_password": "not my password"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["location"] == "current_password"
    assert _kinds(dworld, "ua")[0] == "account_deletion.failed"
    assert _kinds(dworld, "ru") == before  # another party's log does not move


def test_a_missing_or_wrong_code_is_in_the_owners_log(dworld: World) -> None:
    with dworld.services.db.unit_of_work() as session:
        user = session.get_one(t.User, dworld.users["ru"])
        secret = two_factor.start(session, user).secret
        step = int(t.utcnow().timestamp()) // two_factor.PERIOD
        two_factor.confirm(session, user, two_factor.code_at(secret, step))
    no_code = dworld.post("ru", URL, json={"current_password": PASSWORD, "code": "000000x"})
    assert no_code.status_code == 422
    assert no_code.json()["errors"][0]["location"] == "code"
    kinds = _kinds(dworld, "ru")
    assert kinds[0] == "account_deletion.code_failed"
    assert "account_deletion.failed" not in kinds  # the password was right
    assert dworld.get("ru", "/api/auth/me").status_code == 200  # nothing was deleted
