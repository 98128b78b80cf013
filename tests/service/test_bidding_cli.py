"""``gobetween bidding``: open, bid, release and show on a database, as the users they name."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from tests.service.world import World

from gobetween.cli.main import cli


def run(world: World, *args: str) -> str:
    url = world.services.settings.database_url
    result = CliRunner().invoke(cli, ["bidding", *args, "--database-url", url])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_a_whole_bidding_from_the_shell(world: World) -> None:
    track = str(world.tracks["food"])
    opened = run(
        world, "open", track, "--as", "un@example.org", "--payer", "Russian Federation",
        "--payee", "Ukraine", "--issue", "term", "--rounds", "2", "--band-share", "0.1",
    )  # fmt: skip
    assert "term: Russian Federation offers, Ukraine demands" in opened
    run(world, "bid", track, "--as", "ru@example.org", "--round", "1", "--amount", "110")
    mine = run(world, "bid", track, "--as", "ua@example.org", "--round", "1", "--amount", "120")
    assert "round 1: you bid 120: waiting for the mediators" in mine
    held = run(world, "show", track, "--as", "un@example.org")
    assert "round 1: offer 110, demand 120: settles at 115 (not yet released)" in held
    run(world, "release", track, "--as", "un@example.org")
    seen = json.loads(run(world, "show", track, "--as", "ua@example.org", "--json"))
    assert seen["status"] == "settled"
    assert seen["agreed"] == {"issue": "term", "amount": 115.0, "option": "120"}
    assert "110" not in json.dumps(seen)


def test_the_shell_obeys_the_policy(world: World) -> None:
    track = str(world.tracks["food"])
    url = world.services.settings.database_url
    result = CliRunner().invoke(
        cli,
        ["bidding", "open", track, "--as", "ua@example.org", "--payer", "Russian Federation",
         "--payee", "Ukraine", "--database-url", url],
    )  # fmt: skip
    assert result.exit_code == 2  # a refusal: one line on standard error, status 2
    assert "error: " in result.output
    assert "may not open bidding" in result.output


def test_an_unknown_user_is_refused_by_e_mail(world: World) -> None:
    url = world.services.settings.database_url
    result = CliRunner().invoke(
        cli,
        ["bidding", "show", str(world.tracks["food"]), "--as", "no@example.org",
         "--database-url", url],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.output.strip() == "error: no user with e-mail no@example.org"


@pytest.mark.parametrize(
    ("payer", "payee", "expected"),
    [
        ("truthful:70", "truthful:50", "round 1: offer 70, demand 50: settled at 60"),
        ("stubborn:40:70", "conceding:90:50", "failed"),
    ],
)
def test_simulate(payer: str, payee: str, expected: str) -> None:
    result = CliRunner().invoke(cli, ["bidding", "simulate", "--payer", payer, "--payee", payee])
    assert result.exit_code == 0, result.output
    assert expected in result.output
    bad = CliRunner().invoke(cli, ["bidding", "simulate", "--payer", "greedy:1", "--payee", payee])
    assert bad.exit_code != 0
