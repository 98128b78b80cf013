"""What finding a request's route costs, by where the route stands in the app's routers.

FastAPI 0.165 keeps an included router as one route of the app that, asked whether a request
is its own, walks every route it holds; a request is asked of each router in turn until one
says yes, and the one that does walks its routes again to handle it. The JSON API's message
routes come first; the pages (``gobetween.web``) come after every API router.

For each path: ``match_us``, the CPU microseconds of asking the app's routes in order until
one matches (what the app does before it handles a request), and ``request_us``, a whole
request through an in-process client (no log-in: an API route answers 401, a page sends the
browser to the log-in page); medians of ``--runs``.

``python -m benchmarks.routing [--runs 500]`` prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time

from starlette.routing import Match
from tests.service.asgi import client

from benchmarks.app_making import cheap_settings
from gobetween.service.app import create_app

#: (what it is, the path): the first API router, the last API router, a page, no route at all.
PATHS = (
    ("api, first router", "/api/channels/1/messages"),
    ("api, last router", "/api/account/sessions"),
    ("page", "/tracks/1/channel"),
    ("no route", "/nowhere/at/all"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=500)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(cheap_settings(folder))
        out: dict[str, object] = {"runs": runs}
        with client(app) as c:
            for name, path in PATHS:
                scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
                scope |= {"app": app, "headers": []}
                matching, requests = [], []
                c.get(path)  # the routers' first walk prepares them
                for _ in range(runs):
                    began = time.process_time()
                    for route in app.router.routes:
                        if route.matches(dict(scope))[0] == Match.FULL:
                            break
                    matching.append(time.process_time() - began)
                    began = time.process_time()
                    status = c.get(path, follow_redirects=False).status_code
                    requests.append(time.process_time() - began)
                out[name] = {
                    "path": path,
                    "status": status,
                    "match_us": round(1e6 * statistics.median(matching)),
                    "request_us": round(1e6 * statistics.median(requests)),
                }
        app.state.services.db.dispose()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
