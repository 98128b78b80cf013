"""``make audit``: known vulnerabilities in the installed Python packages and the vendored npm ones.

Run as ``python -m gobetween.service.dependency_audit [--ignore FILE]``. It prints every
finding (package, version, advisory, fixed versions) and exits

- 0: nothing known is vulnerable (what could not be audited is still listed, see below);
- 1: a known vulnerability that the ignore list does not accept, or a vendored npm version its
  maintainers deprecated;
- 2: the audit itself failed (PyPI or the npm registry unreachable, an ignore list that does
  not say why or until when).

Sources. Python: PyPI's JSON API. ``/pypi/NAME/json`` carries the advisories of the project's
latest release; an installed version older than that is looked up at ``/pypi/NAME/VERSION/json``,
and where that page is not served (some mirrors and proxies answer 404) the package is listed as
*not audited*, never passed as clean. npm: the registry's bulk advisory endpoint (the one
``npm audit`` posts to) with the versions named in each vendored folder's ``SOURCE.txt``; where
the registry refuses it (a read-only proxy answers 405), the versions' deprecation notices are
read instead and the advisories are listed as not read.

The ignore list (``.ci/audit-ignore.toml``) accepts a known vulnerability that has no fix yet
or cannot be upgraded at once: each entry names the package, the advisory (its id or an alias),
why, the day it was added and the day it lapses; a lapsed entry accepts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import re
import sys
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Advisory",
    "AuditFailed",
    "Ignore",
    "Report",
    "load_ignores",
    "main",
    "npm_advisories",
    "pypi_advisories",
    "vendored_npm",
    "vendored_source",
]

PYPI = "https://pypi.org/pypi"
NPM = "https://registry.npmjs.org"
TIMEOUT = 30.0
#: the folders of vendored npm packages, each with a SOURCE.txt naming "package version"
VENDOR_DIRS = ("web/static/vendor/htmx", "service/static/swagger-ui")
_SOURCE = re.compile(r"^(?P<name>[@\w./-]+) (?P<version>\d+\.\d+\.\d+\S*) from the npm registry")

Fetch = Callable[[str, bytes | None], Any]


class AuditFailed(Exception):
    """The audit could not be done (a source unreachable, a bad ignore list)."""


@dataclass(frozen=True, slots=True)
class Advisory:
    """One known vulnerability of one installed or vendored package."""

    ecosystem: str  # "PyPI" or "npm"
    package: str
    version: str
    id: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    fixed: str = ""  # fixed versions, or the vulnerable range (npm)
    link: str = ""

    def names(self) -> set[str]:
        """The advisory's id and aliases, upper-cased."""
        return {self.id.upper(), *(a.upper() for a in self.aliases)}

    def line(self) -> str:
        """One line for the report."""
        names = ", ".join([self.id, *self.aliases])
        fixed = self.fixed or "no fixed version yet"
        text = f"{self.ecosystem} {self.package} {self.version}: {names}: {self.summary}"
        return f"{text} (fixed: {fixed}) {self.link}".rstrip()


@dataclass(frozen=True, slots=True)
class Ignore:
    """An accepted known vulnerability: until ``until``, for ``reason``."""

    package: str
    id: str
    reason: str
    added: dt.date
    until: dt.date

    def covers(self, advisory: Advisory) -> bool:
        """Whether this entry names ``advisory`` (package and id or alias)."""
        return normalise(self.package) == normalise(advisory.package) and (
            self.id.upper() in advisory.names()
        )


@dataclass
class Report:
    """What the audit found."""

    vulnerable: list[Advisory] = field(default_factory=list)
    accepted: list[tuple[Advisory, Ignore]] = field(default_factory=list)
    lapsed: list[Ignore] = field(default_factory=list)
    unused: list[Ignore] = field(default_factory=list)
    deprecated: list[str] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)
    audited: int = 0

    @property
    def failed(self) -> bool:
        """Whether the audit must fail the build."""
        return bool(self.vulnerable or self.deprecated)

    def lines(self) -> list[str]:
        """The report, for people."""
        out = [f"audited: {self.audited} packages"]
        out += [f"VULNERABLE {a.line()}" for a in self.vulnerable]
        out += [f"DEPRECATED {d}" for d in self.deprecated]
        for a, entry in self.accepted:
            out.append(f"accepted until {entry.until} ({entry.reason}): {a.line()}")
        out += [f"LAPSED ignore entry {i.package} {i.id} (until {i.until})" for i in self.lapsed]
        out += [f"unused ignore entry {i.package} {i.id}: remove it" for i in self.unused]
        out += [f"not audited: {n}" for n in self.not_audited]
        return out


def normalise(name: str) -> str:
    """A package name as PyPI compares them (PEP 503).

    >>> normalise("Jsonschema_RS")
    'jsonschema-rs'
    """
    return re.sub(r"[-_.]+", "-", name).lower()


def load_ignores(text: str, where: str = "ignore list") -> list[Ignore]:
    """The entries of an ignore list (TOML ``[[ignore]]`` tables); :class:`AuditFailed` when
    an entry lacks a field or its dates are not dates."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AuditFailed(f"{where}: not TOML: {exc}") from exc
    entries = []
    for number, raw in enumerate(data.get("ignore", []), start=1):
        missing = [k for k in ("package", "id", "reason", "added", "until") if not raw.get(k)]
        if missing:
            raise AuditFailed(f"{where}: entry {number} lacks {', '.join(missing)}")
        if not all(isinstance(raw[k], dt.date) for k in ("added", "until")):
            raise AuditFailed(
                f"{where}: entry {number}: added and until must be dates (2027-01-31)"
            )
        entries.append(
            Ignore(
                str(raw["package"]), str(raw["id"]), str(raw["reason"]), raw["added"], raw["until"]
            )
        )
    return entries


def judge(advisories: Iterable[Advisory], ignores: Sequence[Ignore], today: dt.date) -> Report:
    """Sort ``advisories`` into vulnerable and accepted by the ``ignores`` in force ``today``."""
    report = Report()
    live = [i for i in ignores if i.until >= today]
    report.lapsed = [i for i in ignores if i.until < today]
    used: set[int] = set()
    for advisory in advisories:
        entry = next((i for i in live if i.covers(advisory)), None)
        if entry is None:
            report.vulnerable.append(advisory)
        else:
            used.add(id(entry))
            report.accepted.append((advisory, entry))
    report.unused = [i for i in live if id(i) not in used]
    return report


def _pypi_entry(name: str, version: str, raw: Mapping[str, Any]) -> Advisory:
    return Advisory(
        "PyPI",
        name,
        version,
        str(raw.get("id", "")),
        tuple(str(a) for a in raw.get("aliases") or ()),
        " ".join(str(raw.get("summary") or raw.get("details") or "").split())[:200],
        ", ".join(str(v) for v in raw.get("fixed_in") or ()),
        str(raw.get("link") or ""),
    )


def pypi_advisories(
    installed: Mapping[str, str], fetch: Fetch
) -> tuple[list[Advisory], list[str], int]:
    """The advisories of the ``installed`` versions (name -> version), what could not be
    audited (with why), and how many were audited. ``fetch(url, None)`` answers the parsed JSON,
    ``None`` for 404, and raises :class:`AuditFailed` when the service cannot be reached."""

    def one(item: tuple[str, str]) -> tuple[list[Advisory], str]:
        name, version = item
        project = fetch(f"{PYPI}/{name}/json", None)
        if project is None:
            return [], f"PyPI {name} {version}: not on PyPI"
        latest = str(project.get("info", {}).get("version", ""))
        entries = project.get("vulnerabilities")
        if latest != version:
            page = fetch(f"{PYPI}/{name}/{version}/json", None)
            if page is None:
                why = f"PyPI {name} {version}: advisories are served here only for the latest"
                return [], f"{why} release ({latest})"
            entries = page.get("vulnerabilities")
        if not isinstance(entries, list):
            return [], f"PyPI {name} {version}: the answer has no list of vulnerabilities"
        live = [e for e in entries if isinstance(e, Mapping) and not e.get("withdrawn")]
        return [_pypi_entry(name, version, e) for e in live], ""

    advisories, missing = [], []
    with ThreadPoolExecutor(8) as pool:
        for found, why in pool.map(one, sorted(installed.items())):
            advisories += found
            if why:
                missing.append(why)
    return advisories, missing, len(installed) - len(missing)


def npm_advisories(
    vendored: Mapping[str, str], fetch: Fetch
) -> tuple[list[Advisory], list[str], list[str]]:
    """The advisories of the ``vendored`` npm versions (name -> version), the deprecation
    notices of those versions, and what could not be audited.

    The bulk endpoint answers ``{name: [{id, url, title, severity, vulnerable_versions}]}``
    for the versions it was asked about; where the registry refuses it (``fetch`` raises
    :class:`AuditFailed`), only the deprecations are read."""
    body = json.dumps({name: [version] for name, version in vendored.items()}).encode()
    advisories: list[Advisory] = []
    missing: list[str] = []
    try:
        answer = fetch(f"{NPM}/-/npm/v1/security/advisories/bulk", body) or {}
    except AuditFailed as exc:
        answer = None
        missing += [f"npm {n} {v}: advisories not read ({exc})" for n, v in vendored.items()]
    for name, entries in (answer or {}).items():
        for raw in entries if name in vendored else ():
            advisories.append(
                Advisory(
                    "npm",
                    name,
                    vendored[name],
                    str(raw.get("github_advisory_id") or raw.get("id", "")),
                    tuple(str(c) for c in raw.get("cves") or ()),
                    f"{raw.get('severity', '')}: {raw.get('title', '')}",
                    f"versions outside {raw.get('vulnerable_versions', '?')}",
                    str(raw.get("url") or ""),
                )
            )
    deprecated = []
    for name, version in vendored.items():
        meta = fetch(f"{NPM}/{name}/{version}", None)
        if meta is None:
            missing.append(f"npm {name} {version}: not in the registry")
        elif meta.get("deprecated"):
            deprecated.append(f"npm {name} {version}: {meta['deprecated']}")
    return advisories, deprecated, missing


def vendored_npm(package_dir: Path) -> dict[str, str]:
    """The npm package and version of each vendored folder, from its ``SOURCE.txt``."""
    return dict(vendored_source(package_dir / folder) for folder in VENDOR_DIRS)


def vendored_source(folder: Path) -> tuple[str, str]:
    """The npm package and version that a vendored folder's ``SOURCE.txt`` names."""
    source = folder / "SOURCE.txt"
    match = _SOURCE.match(source.read_text(encoding="utf-8"))
    if match is None:
        raise AuditFailed(f"{source}: does not begin with 'PACKAGE VERSION from the npm registry'")
    return match["name"], match["version"]


def installed_python(skip: Iterable[str] = ("gobetween",)) -> dict[str, str]:
    """Every distribution installed in this interpreter's environment, but ``skip``."""
    skipped = {normalise(s) for s in skip}
    found = {}
    for dist in importlib.metadata.distributions():
        name = normalise(dist.metadata["Name"] or "")
        if name and name not in skipped:
            found[name] = dist.version
    return found


def http_fetch(url: str, body: bytes | None) -> Any:
    """GET (or POST ``body`` as JSON) ``url``: its JSON, ``None`` for 404."""
    headers = {"Accept": "application/json", "User-Agent": "gobetween-audit"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as exc:
        if exc.code == 404 and body is None:
            return None
        raise AuditFailed(f"{url} answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise AuditFailed(f"{url}: {exc}") from exc


def audit(
    installed: Mapping[str, str],
    vendored: Mapping[str, str],
    ignores: Sequence[Ignore],
    fetch: Fetch,
    today: dt.date,
) -> Report:
    """The whole audit over ``fetch``."""
    py, py_missing, py_count = pypi_advisories(installed, fetch)
    js, deprecated, js_missing = npm_advisories(vendored, fetch)
    report = judge([*py, *js], ignores, today)
    report.deprecated = deprecated
    report.not_audited = [*py_missing, *js_missing]
    report.audited = py_count + len(vendored) - len(js_missing)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: print the report, answer the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--ignore", type=Path, default=Path(".ci/audit-ignore.toml"))
    args = parser.parse_args(argv)
    try:
        ignores = load_ignores(args.ignore.read_text(encoding="utf-8"), str(args.ignore))
        vendored = vendored_npm(Path(__file__).resolve().parent.parent)
        report = audit(installed_python(), vendored, ignores, http_fetch, dt.date.today())
    except (AuditFailed, OSError) as exc:
        print(f"audit failed: {exc}", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    print("audit: FAILED" if report.failed else "audit: no known vulnerability")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
