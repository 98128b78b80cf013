"""Fixtures of the web tests: the demo site on a fresh SQLite database per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.web.site import Site, settings_for


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo process on a fresh database, served in-process."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web')}/gobetween.db"
    built = Site.build(settings_for(url))
    try:
        yield built
    finally:
        built.close()
