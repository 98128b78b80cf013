"""How long the operator's commands hold the write lock (docs/security.md, *Promise 2*):
``gobetween users create``, ``users set-password`` and ``gobetween demo`` run again on its
database, at the default Argon2 cost, SQLite in a temporary folder. Every writing unit of work is
timed from the moment it holds the lock (:class:`tests.service.write_units.WriteUnits`); the
longest of each command is printed, once per round.

Run from the project root::

    .venv/bin/python -m benchmarks.operator_write_lock
    .venv/bin/python -m benchmarks.operator_write_lock --rounds 5
"""

from __future__ import annotations

import argparse
import tempfile

from click.testing import CliRunner
from tests.service.write_units import WriteUnits

from gobetween.cli.main import cli


def _longest(units: WriteUnits, args: list[str]) -> float:
    """The longest writing unit, in ms, of the command ``args``."""
    units.holds.clear()
    done = CliRunner().invoke(cli, args)
    if done.exit_code != 0:
        raise SystemExit(done.output)
    return 1000 * max(units.holds, default=0.0)


def main() -> None:
    """Print the longest writing unit of each command, ``--rounds`` times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    units = WriteUnits().install(setattr)
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/operator.db"
            demo = ["demo", "--no-serve", "--database-url", url]
            _longest(units, demo)  # the database and its demo, first
            who = ["--database-url", url, "--email", "operator@example.org"]
            create = _longest(
                units, ["users", "create", *who, "--name", "Operator", "--password", "x" * 12]
            )
            again = _longest(units, ["users", "set-password", *who, "--password", "y" * 12])
            rebuilt = _longest(units, demo)
            print(
                f"users create {create:.0f} ms, users set-password {again:.0f} ms, "
                f"demo run again {rebuilt:.0f} ms"
            )


if __name__ == "__main__":
    main()
