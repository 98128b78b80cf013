"""The service's docs keep up: every setting and every endpoint is documented."""

from __future__ import annotations

from pathlib import Path

from gobetween.service.app import create_app
from gobetween.service.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_documented() -> None:
    guide = (DOCS / "guide" / "service.md").read_text(encoding="utf-8")
    missing = [name for name, _, _ in Settings.describe() if f"`{name}`" not in guide]
    assert not missing


def test_every_endpoint_is_documented() -> None:
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    app = create_app(Settings(database_url="sqlite://"))
    missing = [
        f"{method.upper()} {path}"
        for path, ops in app.openapi()["paths"].items()
        for method in ops
        if f"| `{method.upper()}` | `{path}` |" not in api
    ]
    app.state.services.db.dispose()
    assert not missing
