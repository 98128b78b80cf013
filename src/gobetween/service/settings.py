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

from gobetween.errors import N_, ConfigurationError

__all__ = ["TWO_FACTOR_RULES", "Settings"]

#: The values of ``require_two_factor``.
TWO_FACTOR_RULES = ("off", "admins", "everyone")


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Everything the service can be configured with; env name = ``GOBETWEEN_`` + upper name."""

    database_url: str = _setting(
        "sqlite:///gobetween.db",
        N_("SQLAlchemy URL: sqlite:///file.db (default) or postgresql://user@host/db"),
    )
    migrate: bool = _setting(True, N_("apply Alembic migrations when the app starts"))
    secure_cookies: bool = _setting(True, N_("mark session cookies Secure (HTTPS only)"))
    session_hours: int = _setting(12, N_("how long a browser session lasts"))
    session_idle_minutes: int = _setting(
        30,
        N_(
            "minutes a browser session may go unused before it ends (the next request must log in "
            "again; 0: only GOBETWEEN_SESSION_HOURS ends it)"
        ),
    )
    max_attachment_bytes: int = _setting(5_000_000, N_("largest attachment accepted, in bytes"))
    attachment_types: str = _setting(
        "application/pdf,image/png,image/jpeg,text/plain,text/csv,"
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        N_("comma-separated content types accepted for attachments"),
    )
    clamd: str = _setting(
        "",
        N_(
            "the ClamAV daemon that scans every attachment before it is stored: "
            "unix:/path/to/socket or tcp:host:port (empty: attachments are not scanned)"
        ),
    )
    clamd_timeout_seconds: int = _setting(
        30, N_("longest wait for the ClamAV daemon to scan one attachment (then 503)")
    )
    login_max_failures: int = _setting(
        5, N_("failed logins for one account from one client before pauses begin")
    )
    login_client_max_failures: int = _setting(
        50, N_("failed logins from one client (address), all accounts together, in the window")
    )
    login_account_max_failures: int = _setting(
        100,
        N_(
            "failed logins for one account from clients that never logged in to it, in the window "
            "(its known devices are not affected)"
        ),
    )
    login_window_seconds: int = _setting(900, N_("the window in which failed logins are counted"))
    login_max_delay_seconds: int = _setting(
        300,
        N_(
            "longest pause after repeated failed logins for one account from one client (the "
            "pause doubles with each failure); a device that logged in before is never paused by "
            "failures from elsewhere"
        ),
    )
    max_auth_body_bytes: int = _setting(
        8_192, N_("largest request body to log in or accept an invitation, in bytes (more: 413)")
    )
    max_body_bytes: int = _setting(
        1_000_000, N_("largest JSON or form request body (messages, offers, preferences), in bytes")
    )
    max_upload_bytes: int = _setting(
        25_000_000, N_("largest upload body (attachments, imports, agreement bundles), in bytes")
    )
    hsts_seconds: int = _setting(
        0,
        N_(
            "send Strict-Transport-Security with this max-age (0: not sent); set it only when "
            "every request reaches gobetween over HTTPS"
        ),
    )
    require_two_factor: str = _setting(
        "off",
        N_(
            "who must log in with a second factor (TOTP): off (each user chooses; a process's "
            "convener may still require it of the process's members), admins (process "
            "administrators and the installation's administrator) or everyone"
        ),
    )
    argon2_time_cost: int = _setting(3, N_("Argon2id iterations"))
    argon2_memory_kib: int = _setting(65536, N_("Argon2id memory, in KiB"))
    sse_poll_seconds: float = _setting(1.0, N_("how often an event stream looks for news"))
    kept_state_tracks: int = _setting(
        16,
        N_(
            "how many tracks (the newest) each server process keeps the protocol states of in "
            "memory, so that a step replays nothing another party wrote"
        ),
    )
    kept_state_track_mb: int = _setting(
        128,
        N_(
            "most stored events, in MB, whose states one process keeps per track (memory: about "
            "1.1 times this, times the tracks kept); a larger stream is replayed before each step"
        ),
    )
    server_timing: bool = _setting(
        False,
        N_(
            "send each page's server time in a Server-Timing header, for measuring (it gives "
            "every reader a precise clock of the server's work, which other parties' activity "
            "can move: leave it off in production)"
        ),
    )
    streams_per_user: int = _setting(
        8, N_("event streams one user may hold open at once (per worker); more answer 429")
    )
    streams_total: int = _setting(
        100, N_("event streams open at once in one worker, all users together; more answer 429")
    )
    analysis_max_values: int = _setting(
        20_000,
        N_(
            "largest analysis: parties x options summed over the issues (one utility per value); "
            "a larger track's analysis answers 422"
        ),
    )
    analysis_max_frontier: int = _setting(
        100_000,
        N_(
            "most Pareto-frontier points (and 20 times as many candidates) the merge may hold at "
            "any step; beyond, the analysis answers 422"
        ),
    )
    analysis_seconds: float = _setting(
        20.0, N_("wall-clock limit of one analysis; its worker process is killed after it (422)")
    )
    analysis_memory_mb: int = _setting(
        1024, N_("address-space limit of an analysis worker process, in MB (beyond: 422)")
    )
    analyses_running: int = _setting(
        2,
        N_(
            "analyses computed at once in one worker (one per user), each in its own process; "
            "more answer 429"
        ),
    )
    documents_running: int = _setting(
        2,
        N_(
            "document exports (DOCX and PDF of the text, instruments, track archives) made at "
            "once in one worker (one per user); more answer 429"
        ),
    )
    pool_size: int = _setting(10, N_("database connections per worker (PostgreSQL)"))
    loop_connections: int = _setting(
        1,
        N_(
            "PostgreSQL connections per worker for the requests served on the event loop "
            "(posting and reading messages); each sends the statements of all waiting requests "
            "in one pipeline, so one is usually enough"
        ),
    )
    threads: int = _setting(8, N_("threads per worker running the database work of requests"))
    smtp_host: str = _setting(
        "",
        N_(
            "SMTP server for invitations, password resets and notifications; empty: no e-mail is "
            "sent and an invitation's link is shown to the administrator instead"
        ),
    )
    smtp_port: int = _setting(587, N_("SMTP port (587 for STARTTLS, 465 for TLS, 25 plain)"))
    smtp_security: str = _setting(
        "starttls", N_("starttls, tls (TLS from the first byte) or none (a local relay only)")
    )
    smtp_user: str = _setting("", N_("SMTP user name (empty: no login)"))
    smtp_password: str = _setting("", N_("SMTP password"))
    smtp_ca_file: str = _setting(
        "", N_("PEM file of the certificate authorities to trust for SMTP (empty: the system's)")
    )
    mail_from: str = _setting(
        "gobetween <gobetween@localhost>", N_("the From address of the e-mails gobetween sends")
    )
    public_url: str = _setting(
        "",
        N_(
            "the address people open gobetween at (https://talks.example.org), for the links in "
            "e-mails; empty: the address of the request that caused the e-mail"
        ),
    )
    mail_poll_seconds: float = _setting(
        10.0, N_("how often the background sender looks for e-mails to send and events to notify")
    )
    mail_max_attempts: int = _setting(
        6, N_("attempts to send one e-mail (waiting 1, 2, 4, ... minutes between) before giving up")
    )
    digest_hour: int = _setting(7, N_("the hour (UTC, 0-23) after which daily digests are sent"))
    import_max_rows: int = _setting(
        50_000, N_("most data rows in one imported record file (voyages, exchanges...); more: 422")
    )
    import_max_problems: int = _setting(
        200, N_("problems listed for one import (the first by row); the rest are only counted")
    )
    purge_every_minutes: int = _setting(
        60,
        N_(
            "how often the server deletes what is past its retention period (0: never; "
            "`gobetween db purge` still does)"
        ),
    )
    purge_batch: int = _setting(10_000, N_("most rows of one table deleted by one purge"))
    keep_security_log_days: int = _setting(
        365, N_("days the security log keeps an event (it never keeps one longer than 365)")
    )
    keep_sent_mail_days: int = _setting(
        90, N_("days a sent or given-up e-mail's record (address, subject, outcome) is kept")
    )
    keep_links_days: int = _setting(
        30, N_("days a used or expired one-time e-mail link, and a sent digest line, are kept")
    )
    keep_invitations_days: int = _setting(
        90, N_("days an invitation never accepted is kept after it expired or was declined")
    )
    keep_analyses_days: int = _setting(
        30, N_("days a computed analysis is cached (computed again when asked after)")
    )
    alert_mail_to: str = _setting(
        "",
        N_(
            "comma-separated addresses that receive the administrators' alerts besides the "
            "installation administrator's verified address"
        ),
    )
    alert_failed_logins: int = _setting(
        200,
        N_(
            "failed log-ins, all accounts together, within the log-in window that alert the "
            "administrators (password spraying; 0: no alert)"
        ),
    )
    audit_check_hours: int = _setting(
        24, N_("how often the server verifies the audit chain and alerts on a break (0: never)")
    )

    def __post_init__(self) -> None:
        if self.require_two_factor not in TWO_FACTOR_RULES:
            raise ConfigurationError(
                f"GOBETWEEN_REQUIRE_TWO_FACTOR={self.require_two_factor!r} is not one of "
                + ", ".join(TWO_FACTOR_RULES)
            )
        if self.session_idle_minutes == 1 or self.session_idle_minutes < 0:
            raise ConfigurationError(
                f"GOBETWEEN_SESSION_IDLE_MINUTES={self.session_idle_minutes} is not 0 or at least"
                " 2 (a session's last use is written at most once a minute)"
            )
        if self.clamd and not self.clamd.startswith(("unix:", "tcp:")):
            raise ConfigurationError(
                f"GOBETWEEN_CLAMD={self.clamd!r} is not unix:/path/to/socket or tcp:host:port"
            )

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
