"""`gobetween demo` includes the signed corridor agreement, its whole life (the disputed
renewal of March 2023, the end of 17 July 2023) and its joint record from the JCC's voyages."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from tests.service.asgi import client
from tests.service.world import make_settings

from gobetween.agreements import verify_bundle
from gobetween.cli.main import cli
from gobetween.service.app import create_app


def test_the_demo_agreement_is_signed_lived_and_recorded(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOBETWEEN_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("GOBETWEEN_ARGON2_MEMORY_KIB", "64")
    result = CliRunner().invoke(
        cli, ["demo", "--no-serve", "--database-url", database_url], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "signed agreement" in x)
    aid = int(line.split("signed agreement ")[1].split()[0])
    password = next(line.split()[-1] for line in result.output.splitlines() if "russia@" in line)
    app = create_app(make_settings(database_url))
    with client(app) as c:
        login = {"email": "russia@demo.gobetween.org", "password": password}
        assert c.post("/api/auth/login", json=login).status_code == 200
        agreement = c.get(f"/api/agreements/{aid}").json()
        assert agreement["status"] == "expired"
        assert agreement["unsigned"] == []
        types = [e["type"] for e in agreement["log"]]
        assert types.count("signed") == 6
        assert types.count("renewed") == 3
        assert types[-1] == "expired"
        assert verify_bundle(c.get(f"/api/agreements/{aid}/bundle").content).ok
        record = c.get(f"/api/agreements/{aid}/record").json()
        terms = record["term_clock"]["rows"]
        assert [(r[3], r[5]) for r in terms] == [(120, 0), (120, 0), (60, 1), (60, 0)]
        summary = dict(map(tuple, record["figures"]["summary"]["rows"]))
        assert summary["voyages"] == 981
        assert [e["type"] for e in record["events"]][:2] == ["registration", "decision"]
        (obligation,) = record["obligations"]
        assert obligation["describe"].endswith("at least 9 per day")
        assert obligation["missed"] > 0
    with client(app) as anonymous:
        public = anonymous.get(f"/api/public/agreements/{aid}/record").json()
    assert public["figures"]["summary"]
    assert {e["type"] for e in public["events"]} <= {"registration", "departure", "inspection"}
    assert all("team" not in e for e in public["events"])
    # building it again keeps the one agreement
    again = CliRunner().invoke(cli, ["demo", "--no-serve", "--database-url", database_url])
    assert f"signed agreement {aid} " in again.output
    app.state.services.db.dispose()
