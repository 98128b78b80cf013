"""New passwords that attackers try first are refused, at sign-up, change and reset, from the
list that ships with the package (no network)."""

from __future__ import annotations

import pytest
from tests.service.world import PASSWORD, World

from gobetween.errors import ValidationFailed
from gobetween.service import identity, passwords
from gobetween.store import tables as t


@pytest.mark.parametrize(
    "common", ["1234567890", "qwertyuiop", "Password123", "baseball2024!", "letmeinletmein"]
)
def test_common_and_breached_passwords_are_recognised(common: str) -> None:
    assert passwords.is_common(common)


@pytest.mark.parametrize("fine", [PASSWORD, "a new long password", "Odesa-grain-2022-July"])
def test_ordinary_long_passwords_pass(fine: str) -> None:
    assert not passwords.is_common(fine)


def test_a_password_change_to_a_common_one_is_refused_naming_the_field(world: World) -> None:
    body = {"current_password": PASSWORD, "new_password": "qwertyuiop"}
    r = world.post("ua", "/api/auth/password", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    error = r.json()["errors"][0]
    assert error["location"] == "password"
    assert "attackers try first" in error["message"]
    fine = {**body, "new_password": "a new long password"}
    ok = world.post("ua", "/api/auth/password", json=fine)
    assert ok.status_code == 204, ok.text


def test_signing_up_through_an_invitation_with_a_common_password_is_refused(world: World) -> None:
    observers = world.orgs["Observers"]
    invite = {"email": "new@example.org", "role": "observer", "organisation_id": observers}
    made = world.post("admin", f"/api/processes/{world.process_id}/invitations", json=invite)
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    body = {"token": token, "name": "New", "password": "1234567890"}
    r = world.client.post("/api/invitations/accept", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["location"] == "password"
    accepted = world.client.post("/api/invitations/accept", json={**body, "password": PASSWORD})
    assert accepted.status_code == 201, accepted.text


def test_a_reset_or_a_cli_set_password_refuses_a_common_one(world: World) -> None:
    """Reset and ``gobetween users set-password`` both go through ``identity.set_password``."""
    with world.services.db.unit_of_work() as session:
        user = session.get_one(t.User, world.users["ua"])
        with pytest.raises(ValidationFailed):
            identity.set_password(session, world.services.hasher, user, "password1234")
