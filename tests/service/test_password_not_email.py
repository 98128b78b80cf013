"""A password that is the account's own e-mail address is refused wherever one is chosen: an
invitation accepted (the demo's tester chose "arabulucu@example.org" for that very account and
was let in), a password reset or changed, the command line's set-password."""

from __future__ import annotations

import pytest
from tests.service.world import PASSWORD, World

from gobetween.errors import ValidationFailed
from gobetween.service.identity import check_password


def test_an_invitation_refuses_the_address_as_the_password(world: World) -> None:
    body = {
        "email": "Arabulucu.Ofisi@Example.org",
        "role": "party_member",
        "organisation_id": world.orgs["Ukraine"],
    }
    r = world.post("admin", f"/api/processes/{world.process_id}/invitations", json=body)
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    for password in (
        "arabulucu.ofisi@example.org",
        "ARABULUCU.OFISI@EXAMPLE.ORG ",
        "arabulucu.ofisi",
    ):
        refused = world.client.post(
            "/api/invitations/accept", json={"token": token, "name": "A", "password": password}
        )
        assert refused.status_code == 422, (password, refused.text)
        (problem,) = refused.json()["errors"]
        assert problem["location"] == "password"
        assert "e-mail address" in problem["message"], problem
    made = world.client.post(
        "/api/invitations/accept", json={"token": token, "name": "A", "password": PASSWORD}
    )
    assert made.status_code == 201, made.text


@pytest.mark.parametrize(
    "password", ["ana.kovalenko@un.org", "Ana.Kovalenko@UN.org", "ana.kovalenko"]
)
def test_the_check_refuses_the_address_and_its_name_part(password: str) -> None:
    with pytest.raises(ValidationFailed, match="e-mail address"):
        check_password(password, "ana.kovalenko@un.org")
    check_password("a good long passphrase", "ana.kovalenko@un.org")
