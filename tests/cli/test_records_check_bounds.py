"""``gobetween records check`` applies the agreement's party and date rules offline.

A tester found that a file the server's import refused row by row ("'Venus' is not a party of
the agreement", a date in the future or before the entry into force) passed the offline check
clean: the CLI could not know the agreement's parties and days. ``--agreement BUNDLE`` (the
signed bundle the agreement page offers) or ``--party ... --in-force DAY`` now give them, and
the same :class:`~gobetween.monitoring.bounds.RecordBounds` as the service's applies them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gobetween.agreements import (
    Bundle,
    OperativeTerms,
    Renewal,
    RenewalRule,
    Signatory,
    mirror_instruments,
)
from gobetween.cli.main import cli
from gobetween.model import OrganisationKind as K
from gobetween.monitoring.bounds import RecordBounds

HEADER = "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by\n"
FUTURE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=9)).date().isoformat()
ROWS = (
    "EX-1,2022-09-21,Chernihiv region,Russian Federation,Ukraine,civilians,2,ICRC\n"
    "EX-2,2022-09-21,Chernihiv region,Venus,Ukraine,civilians,2,ICRC\n"
    f"EX-3,{FUTURE},Sumy,Russian Federation,Ukraine,civilians,2,ICRC\n"
    "EX-4,2022-08-01,Sumy,Russian Federation,Ukraine,civilians,2,ICRC\n"
)


def _bundle() -> Bundle:
    terms = OperativeTerms(
        "returns", {"x": "1"}, {"x": "One."}, 120, Renewal(RenewalRule.NONE), dt.date(2022, 9, 1)
    )
    parties = [Signatory("Ukraine", K.PARTY), Signatory("Russian Federation", K.PARTY)]
    return Bundle.create(mirror_instruments(terms, parties, [Signatory("UAE", K.MEDIATOR)]))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "returns.csv"
    data.write_text(HEADER + ROWS, encoding="utf-8")
    bundle = tmp_path / "agreement.gbz"
    bundle.write_bytes(_bundle().to_bytes())
    return data, bundle


def _check(*args: str) -> Result:
    return CliRunner().invoke(cli, ["records", "check", "exchanges", *args])


def _problems(result: Result) -> list[str]:
    return [line.strip() for line in result.output.splitlines() if line.startswith("  row ")]


def test_the_bundle_gives_the_parties_and_days(files: tuple[Path, Path]) -> None:
    data, bundle = files
    offline = _check(str(data))
    assert offline.exit_code == 0, offline.output  # as before: the rules cannot be known
    checked = _check(str(data), "--agreement", str(bundle))
    assert checked.exit_code == 2, checked.output
    assert "checked against the agreement's parties (Ukraine, Russian Federation)" in (
        checked.output
    )
    problems = _problems(checked)
    assert problems[0].startswith("row 3, Released by: 'Venus' is not a party of the agreement")
    assert problems[1].startswith(f"row 4, Date: the date {FUTURE} is in the future")
    assert problems[2].startswith(
        "row 5, Date: the date 2022-08-01 is before the agreement entered into force"
    )
    assert len(problems) == 3
    explicit = _check(
        str(data), "--party", "Ukraine", "--party", "Russian Federation", "--in-force", "2022-09-01"
    )
    assert explicit.exit_code == 2, explicit.output
    assert _problems(explicit) == problems


def test_the_offline_bounds_are_the_services(files: tuple[Path, Path]) -> None:
    """One rule: the service makes its bounds from the agreement's bundle the same way."""
    now = dt.datetime(2026, 12, 6, 11, tzinfo=dt.UTC)
    bounds = RecordBounds.of_bundle(_bundle(), now)
    assert bounds == RecordBounds(
        ("Ukraine", "Russian Federation"), dt.date(2022, 9, 1), dt.date(2026, 12, 7)
    )


def test_the_options_are_refused_when_they_do_not_fit(files: tuple[Path, Path]) -> None:
    data, bundle = files
    both = _check(str(data), "--agreement", str(bundle), "--in-force", "2022-09-01")
    assert both.exit_code == 2
    assert "not both" in both.output
    alone = _check(str(data), "--party", "Ukraine")
    assert alone.exit_code == 2
    assert "--party and --in-force go together" in alone.output
    junk = data.with_name("junk.gbz")
    junk.write_bytes(b"not a bundle")
    refused = _check(str(data), "--agreement", str(junk))
    assert refused.exit_code == 2
    assert "the bundle cannot be used" in refused.output
