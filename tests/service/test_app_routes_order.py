"""Issue 10: the busiest routes are matched first, and the routers' order decides nothing else."""

from __future__ import annotations

import re

from starlette.routing import compile_path

from gobetween.service.api import negotiate
from gobetween.service.app import routers


def test_the_message_routes_are_matched_first() -> None:
    assert routers()[0] is negotiate.router
    paths = {(r.path, m) for r in negotiate.router.routes for m in getattr(r, "methods", ())}
    assert ("/api/channels/{channel_id}/messages", "POST") in paths
    assert ("/api/channels/{channel_id}/messages", "GET") in paths


def test_no_route_of_one_router_matches_a_path_of_another() -> None:
    routes = [
        (i, route.path, set(getattr(route, "methods", None) or ()))
        for i, router in enumerate(routers())
        for route in router.routes
    ]
    clashes = []
    for i, path, methods in routes:
        pattern, _, _ = compile_path(path)
        for j, other, other_methods in routes:
            sample = re.sub(r"\{[^}]+\}", "12", other)
            if i != j and methods & other_methods and pattern.match(sample):
                clashes.append((path, other))
    assert not clashes
