"""The operator's commands hash passwords before their writing unit of work (docs/security.md,
*Promise 2*): on SQLite that unit holds the write lock of a server running on the same database,
so ``gobetween users create``, ``users set-password`` and ``gobetween demo`` run Argon2 with
nothing held, and refuse a bad password before hashing anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.service.write_units import argon2_calls

from gobetween.cli.main import cli
from gobetween.service import demo, demo_languages

PASSWORD = "long enough password"


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GOBETWEEN_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("GOBETWEEN_ARGON2_MEMORY_KIB", "64")
    return f"sqlite:///{tmp_path}/operator.db"


def _create(url: str, password: str = PASSWORD) -> Result:
    args = ["users", "create", "--database-url", url, "--email", "op@example.org"]
    return CliRunner().invoke(cli, [*args, "--name", "Operator", "--password", password])


def test_users_create_hashes_before_the_write_lock(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    argon2 = argon2_calls(monkeypatch.setattr)
    made = _create(url)
    assert made.exit_code == 0, made.output
    assert argon2 == [("hash", False)]


def test_users_set_password_hashes_before_the_write_lock(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _create(url).exit_code == 0
    argon2 = argon2_calls(monkeypatch.setattr)
    args = ["users", "set-password", "--database-url", url, "--email", "op@example.org"]
    changed = CliRunner().invoke(cli, [*args, "--password", "another long password"])
    assert changed.exit_code == 0, changed.output
    assert argon2 == [("hash", False)]


def test_a_refused_password_or_address_hashes_nothing(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _create(url).exit_code == 0
    argon2 = argon2_calls(monkeypatch.setattr)
    again = _create(url)  # the address is taken
    assert again.exit_code != 0
    assert "exists already" in again.output
    args = ["users", "set-password", "--database-url", url, "--email", "op@example.org"]
    short = CliRunner().invoke(cli, [*args, "--password", "short"])
    assert short.exit_code != 0
    assert "too short" in short.output
    assert argon2 == []


def test_the_demo_hashes_its_logins_before_the_write_lock(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    argon2 = argon2_calls(monkeypatch.setattr)
    built = CliRunner().invoke(cli, ["demo", "--no-serve", "--database-url", url])
    assert built.exit_code == 0, built.output
    logins = len(demo.SEATS) + len(demo_languages.TRANSLATORS)  # one hash per login
    assert argon2 == [("hash", False)] * logins
    # run again on the same database: fresh passwords, again hashed with nothing held
    argon2.clear()
    again = CliRunner().invoke(cli, ["demo", "--no-serve", "--database-url", url])
    assert again.exit_code == 0, again.output
    assert argon2 == [("hash", False)] * logins
