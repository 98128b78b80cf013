"""The Black Sea demo: built through the service, every printed login works, analysis runs."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from tests.service.asgi import client
from tests.service.world import make_settings

from gobetween.cli.main import cli
from gobetween.service.settings import Settings


def test_demo_builds_and_logins_work(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOBETWEEN_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("GOBETWEEN_ARGON2_MEMORY_KIB", "64")
    result = CliRunner().invoke(
        cli, ["demo", "--no-serve", "--database-url", database_url], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    logins = [line.split() for line in result.output.splitlines() if "@demo.gobetween.org" in line]
    assert {row[0] for row in logins} == {
        "admin",
        "mediator",
        "party_member",
        "observer",
        "translator",
    }
    from gobetween.service.app import create_app

    settings: Settings = make_settings(database_url)
    app = create_app(settings)
    with client(app) as c:
        seen = {}
        for row in logins:
            email, password = row[-2], row[-1]
            r = c.post("/api/auth/login", json={"email": email, "password": password})
            assert r.status_code == 200, (email, r.text)
            tracks = c.get("/api/processes/1/tracks").json()
            seen[email.split("@")[0]] = {tr["name"]: tr["id"] for tr in tracks}
            if email.startswith("un@"):
                food = seen["un"]["food corridor"]
                analysis = c.get(f"/api/tracks/{food}/analysis")
                assert analysis.status_code == 200, analysis.text
                assert analysis.json()["parties"] == ["Ukraine", "Russian Federation"]
            c.cookies.clear()
    assert set(seen["un"]) == {"food corridor"}
    assert set(seen["qatar"]) == {"energy facilities"}
    assert set(seen["ukraine"]) == {"food corridor", "energy facilities", "prisoner return"}
    assert set(seen["icrc"]) == {"prisoner return"}
    # running it again resets the passwords and keeps one process
    again = CliRunner().invoke(cli, ["demo", "--no-serve", "--database-url", database_url])
    assert "process 1 " in again.output
    app.state.services.db.dispose()
