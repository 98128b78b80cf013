"""Service settings: one table of fields, read from the environment (``GOBETWEEN_*``).

The table feeds :meth:`Settings.from_env`, the ``gobetween serve --help`` text and the settings
reference in ``docs/guide/service.md`` (a test checks that every setting is documented).

>>> s = Settings.from_env({"GOBETWEEN_DATABASE_URL": "sqlite:///x.db",
...                        "GOBETWEEN_SECURE_COOKIES": "false"})
>>> s.database_url, s.secure_cookies
('sqlite:///x.db', False)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gobetween.errors import ConfigurationError

__all__ = ["Settings"]


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Everything the service can be configured with; env name = ``GOBETWEEN_`` + upper name."""

    database_url: str = _setting(
        "sqlite:///gobetween.db",
        "SQLAlchemy URL: sqlite:///file.db (default) or postgresql://user@host/db",
    )
    migrate: bool = _setting(True, "apply Alembic migrations when the app starts")
    secure_cookies: bool = _setting(True, "mark session cookies Secure (HTTPS only)")
    session_hours: int = _setting(12, "how long a browser session lasts")
    max_attachment_bytes: int = _setting(5_000_000, "largest attachment accepted, in bytes")
    attachment_types: str = _setting(
        "application/pdf,image/png,image/jpeg,text/plain,text/csv,"
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "comma-separated content types accepted for attachments",
    )
    login_max_failures: int = _setting(5, "failed logins per e-mail or address before a pause")
    login_window_seconds: int = _setting(900, "the window in which failed logins are counted")
    argon2_time_cost: int = _setting(3, "Argon2id iterations")
    argon2_memory_kib: int = _setting(65536, "Argon2id memory, in KiB")
    sse_poll_seconds: float = _setting(1.0, "how often an event stream looks for news")
    pool_size: int = _setting(10, "database connections per worker (PostgreSQL)")
    loop_connections: int = _setting(
        1,
        "PostgreSQL connections per worker for the requests served on the event loop "
        "(posting and reading messages); each sends the statements of all waiting requests "
        "in one pipeline, so one is usually enough",
    )
    threads: int = _setting(8, "threads per worker running the database work of requests")

    @property
    def allowed_types(self) -> frozenset[str]:
        """The accepted attachment content types."""
        return frozenset(t.strip() for t in self.attachment_types.split(",") if t.strip())

    @classmethod
    def env_name(cls, name: str) -> str:
        """The environment variable of a field."""
        return "GOBETWEEN_" + name.upper()

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(env name, default, help) of every setting."""
        return [
            (cls.env_name(f.name), str(f.default), f.metadata["help"])
            for f in dataclasses.fields(cls)
        ]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``environ`` (default ``os.environ``), then ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(cls.env_name(f.name))
            if raw is None:
                continue
            values[f.name] = _parse(cls.env_name(f.name), raw, type(f.default))
        values.update(overrides)
        return cls(**values)


def _parse(name: str, raw: str, kind: type) -> Any:
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ConfigurationError(f"{name}={raw!r} is not a boolean (use true or false)")
    if kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            raise ConfigurationError(f"{name}={raw!r} is not a number") from None
    return raw
