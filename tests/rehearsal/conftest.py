"""Fixtures for the rehearse API and page tests: the service's fixture process (``world``) and
the web tests' demo site (``site``, ``browser_site``, ``shots``)."""

from tests.service.conftest import database_url, pg_schema_url, settings, world
from tests.web.conftest import browser_site, shots, site

__all__ = ["browser_site", "database_url", "pg_schema_url", "settings", "shots", "site", "world"]
