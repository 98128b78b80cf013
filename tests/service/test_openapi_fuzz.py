"""Every endpoint validates its input: schemathesis generates valid and invalid requests from the
OpenAPI description; no answer is a 5xx, every error is problem+json in the one shape, and a 422
names the field at fault."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from tests import depth
from tests.service.world import World

REAL_IDS = ("process_id", "track_id", "channel_id", "party_id", "offer", "version")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=repr)


def _flat(values: dict[str, Any]) -> dict[str, Any]:
    """Query or form values as strings (lists as lists of strings)."""
    return {
        k: [_text(x) for x in v] if isinstance(v, list) else _text(v) for k, v in values.items()
    }


def _send(world: World, who: str, case: Any, ids: dict[str, int], real: bool) -> Any:
    params = dict(case.path_parameters or {})
    if real:
        params.update({k: v for k, v in ids.items() if k in params})
    path = case.path
    for name, value in params.items():
        path = path.replace("{" + name + "}", str(value))
    kwargs: dict[str, Any] = {"params": _flat(case.query or {}) or None}
    body = case.body
    media = case.media_type or ""
    if media.startswith("multipart/") and isinstance(body, dict):
        files = {
            k: ("f.txt", v if isinstance(v, bytes) else str(v).encode())
            for k, v in body.items()
            if k in ("file", "files")
        }
        data = _flat({k: v for k, v in body.items() if k not in files})
        kwargs.update(files=files or None, data=data or None)
    elif media == "application/json" and not isinstance(body, schemathesis.core.NotSet):
        raw = body if isinstance(body, bytes) else json.dumps(body, default=repr).encode()
        kwargs["content"] = raw
        kwargs["headers"] = {"content-type": "application/json"}
    return world.request(who, case.method.upper(), path, **kwargs)


@pytest.mark.deep
@pytest.mark.parametrize("half", [0, 1])
def test_no_5xx_and_problem_json(world: World, half: int) -> None:
    """Every operation (in two halves that the workers share) answers no 5xx and problem+json."""
    schema = schemathesis.openapi.from_dict(world.app.openapi())
    ids = {
        "process_id": world.process_id,
        "track_id": world.tracks["food"],
        "channel_id": world.channels[("food", "ua")],
        "party_id": world.orgs["Ukraine"],
        "offer": 1,
        "version": 1,
    }
    examples = int(os.environ.get("GOBETWEEN_FUZZ_EXAMPLES", "8")) * depth.depth()
    checked = 0
    for number, result in enumerate(schema.get_all_operations()):
        if number % 2 != half:
            continue
        operation = result.ok()
        if operation.path.endswith("/events"):
            continue  # a stream; covered by its own tests with follow=false
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @given(case=strategy, who=st.sampled_from(["admin", "un", "ua"]), real=st.booleans())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def probe(case: Any, who: str, real: bool) -> None:
            r = _send(world, who, case, ids, real)
            where = f"{case.method.upper()} {case.path}"
            assert r.status_code < 500, (where, r.status_code, r.text)
            if r.status_code >= 400:
                assert r.headers["content-type"] == "application/problem+json", (where, r.text)
                body = r.json()
                assert set(body) == {"type", "title", "status", "detail", "errors"}, where
                assert body["status"] == r.status_code
                if r.status_code == 422:
                    assert body["errors"], (where, body)
                    assert all(e["location"] for e in body["errors"]), (where, body)

        probe()
        checked += 1
    assert checked >= 15


#: Strings that broke the service before (issue 9): a lone surrogate crashed the audit
#: canonicaliser; NUL bytes cannot be stored by PostgreSQL; bidi overrides, right-to-left and
#: astral characters must be stored and answered unharmed.
HOSTILE = ("\ud800", "a\udfffb", "nul\x00byte", "invoice\u202egpj.exe", "مرحبا", "Київ 😀", "")


def _poison(value: Any, rng: Any) -> Any:
    """``value`` with every string replaced by one of :data:`HOSTILE` or kept (JSON bodies)."""
    if isinstance(value, str):
        return rng.choice([*HOSTILE, value])
    if isinstance(value, dict):
        return {
            _poison(k, rng) if rng.random() < 0.2 else k: _poison(v, rng) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_poison(v, rng) for v in value]
    return value


@pytest.mark.deep
def test_no_5xx_with_surrogates_nul_and_non_ascii(world: World) -> None:
    schema = schemathesis.openapi.from_dict(world.app.openapi())
    ids = {
        "process_id": world.process_id,
        "track_id": world.tracks["food"],
        "channel_id": world.channels[("food", "ua")],
        "party_id": world.orgs["Ukraine"],
        "offer": 1,
        "version": 1,
    }
    examples = max(3, int(os.environ.get("GOBETWEEN_FUZZ_EXAMPLES", "8")) // 3) * depth.depth()
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        body = operation.definition.raw.get("requestBody", {}).get("content", {})
        if "application/json" not in body:
            continue

        @given(
            case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            who=st.sampled_from(["admin", "un", "ua"]),
            rng=st.randoms(use_true_random=False),
        )
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def probe(case: Any, who: str, rng: Any) -> None:
            if not isinstance(case.body, schemathesis.core.NotSet):
                case.body = _poison(case.body, rng)
            r = _send(world, who, case, ids, True)
            where = f"{case.method.upper()} {case.path}"
            assert r.status_code < 500, (where, r.status_code, r.text)
            if r.status_code >= 400:
                assert r.headers["content-type"] == "application/problem+json", (where, r.text)
            assert r.headers["cache-control"] == "no-store", where

        probe()
        checked += 1
    assert checked >= 15
