"""The users command: create a user, issue a token that works against the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.service.asgi import client
from tests.service.world import make_settings

from gobetween.cli.main import cli
from gobetween.service.app import create_app


def test_users_create_and_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOBETWEEN_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("GOBETWEEN_ARGON2_MEMORY_KIB", "64")
    url = f"sqlite:///{tmp_path}/u.db"
    runner = CliRunner()
    made = runner.invoke(
        cli,
        [
            "users",
            "create",
            "--database-url",
            url,
            "--email",
            "Me@Example.org",
            "--name",
            "Me",
            "--password",
            "long enough password",
        ],
    )
    assert made.exit_code == 0, made.output
    token = runner.invoke(
        cli, ["users", "token", "--database-url", url, "--email", "me@example.org"]
    )
    assert token.exit_code == 0, token.output
    changed = runner.invoke(
        cli,
        [
            "users",
            "set-password",
            "--database-url",
            url,
            "--email",
            "me@example.org",
            "--password",
            "another long password",
        ],
    )
    assert changed.exit_code == 0, changed.output
    app = create_app(make_settings(url))
    with client(app) as http:
        me = http.get("/api/auth/me", headers={"Authorization": f"Bearer {token.output.strip()}"})
        assert me.status_code == 401  # a password change revokes every API token (issue 9)
        login = http.post(
            "/api/auth/login", json={"email": "me@example.org", "password": "another long password"}
        )
        assert login.status_code == 200
    app.state.services.db.dispose()
    unknown = runner.invoke(cli, ["users", "token", "--database-url", url, "--email", "x@y.org"])
    assert unknown.exit_code != 0
