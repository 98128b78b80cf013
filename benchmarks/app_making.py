"""What making an app costs: ``create_app`` on an up-to-date SQLite database, then its first
request (which walks the routers), in CPU milliseconds, the median of ``--runs``. Argon2 is
set as cheap as the tests set it: with the default costs, the dummy hash a new app makes (so
that a log-in with an unknown address takes as long as one with a known address) is about
0.1 s more.

``python -m benchmarks.app_making [--runs 20]`` prints one JSON line. Each server process makes
one app; the test suite makes one per test, so this is most of what a short test costs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from tests.service.asgi import client

from gobetween.service.app import create_app
from gobetween.service.settings import Settings


def cheap_settings(folder: str) -> Settings:
    """A SQLite database in ``folder``, Argon2 as cheap as the tests set it."""
    return Settings(
        database_url=f"sqlite:///{Path(folder) / 'g.db'}",
        argon2_time_cost=1,
        argon2_memory_kib=64,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        settings = cheap_settings(folder)
        create_app(settings).state.services.db.dispose()  # migrated once
        made, first = [], []
        for _ in range(runs):
            began = time.process_time()
            app = create_app(settings)
            made.append(time.process_time() - began)
            with client(app) as c:
                began = time.process_time()
                assert c.get("/api/channels/1/messages").status_code == 401
                first.append(time.process_time() - began)
            app.state.services.db.dispose()
    print(
        json.dumps(
            {
                "runs": runs,
                "create_app_ms": round(1000 * statistics.median(made), 1),
                "first_request_ms": round(1000 * statistics.median(first), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
