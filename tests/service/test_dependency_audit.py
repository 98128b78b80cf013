"""The dependency audit's own logic (``make audit`` runs it live): the answers of PyPI's JSON API
and of npm's bulk advisory endpoint, in their formats, served by a dictionary instead of the
network; the ignore list; the exit status.

The advisory data below is written in the services' formats (PyPI: ``vulnerabilities`` entries
with ``id``, ``aliases``, ``fixed_in``, ``link``, ``withdrawn``; npm: ``{name: [{id, url,
title, severity, vulnerable_versions}]}``), not recorded: neither answers for versions here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from gobetween.service import dependency_audit as da

TODAY = dt.date(2026, 12, 3)
JINJA_VULN = {
    "id": "GHSA-q2x7-8rv6-6q7h",
    "aliases": ["CVE-2024-56326"],
    "summary": "Jinja has a sandbox breakout through indirect reference to format method",
    "details": "...",
    "fixed_in": ["3.1.5"],
    "link": "https://osv.dev/vulnerability/GHSA-q2x7-8rv6-6q7h",
    "withdrawn": None,
}
WITHDRAWN = {**JINJA_VULN, "id": "PYSEC-0000-1", "aliases": [], "withdrawn": "2025-01-01"}


class Registry:
    """The network: url -> JSON (a missing GET answers 404, a POST to a missing url 405)."""

    def __init__(self, pages: dict[str, Any]) -> None:
        self.pages = pages
        self.asked: list[tuple[str, bytes | None]] = []

    def __call__(self, url: str, body: bytes | None) -> Any:
        self.asked.append((url, body))
        if url in self.pages:
            return self.pages[url]
        if body is not None:
            raise da.AuditFailed(f"{url} answered 405 Method Not Allowed")
        return None


def project(latest: str, vulns: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"info": {"version": latest}, "vulnerabilities": vulns or []}


def npm_pages(deprecated: str = "") -> dict[str, Any]:
    meta = {"name": "htmx.org", "version": "2.0.11"}
    return {
        f"{da.NPM}/htmx.org/2.0.11": {**meta, **({"deprecated": deprecated} if deprecated else {})}
    }


def test_a_vulnerable_latest_release_is_reported_with_its_advisory_and_fix() -> None:
    pages = {f"{da.PYPI}/jinja2/json": project("3.1.4", [JINJA_VULN, WITHDRAWN]), **npm_pages()}
    report = da.audit({"jinja2": "3.1.4"}, {"htmx.org": "2.0.11"}, [], Registry(pages), TODAY)
    assert report.failed
    (advisory,) = report.vulnerable
    line = advisory.line()
    for part in ("jinja2", "3.1.4", "GHSA-q2x7-8rv6-6q7h", "CVE-2024-56326", "fixed: 3.1.5"):
        assert part in line
    assert "PYSEC-0000-1" not in "\n".join(report.lines())  # withdrawn: not an advisory


def test_an_older_installed_version_is_read_from_its_own_page() -> None:
    registry = Registry(
        {
            f"{da.PYPI}/jinja2/json": project("3.1.6"),
            f"{da.PYPI}/jinja2/3.1.4/json": project("3.1.4", [JINJA_VULN]),
            **npm_pages(),
        }
    )
    report = da.audit({"jinja2": "3.1.4"}, {"htmx.org": "2.0.11"}, [], registry, TODAY)
    assert [a.id for a in report.vulnerable] == ["GHSA-q2x7-8rv6-6q7h"]
    assert (f"{da.PYPI}/jinja2/3.1.4/json", None) in registry.asked


def test_what_cannot_be_audited_is_listed_never_passed_as_audited() -> None:
    pages = {f"{da.PYPI}/numpy/json": project("2.5.5"), **npm_pages()}
    report = da.audit(
        {"numpy": "2.4.6", "private-thing": "1.0"},
        {"htmx.org": "2.0.11"},
        [],
        Registry(pages),
        TODAY,
    )
    assert not report.failed
    text = "\n".join(report.lines())
    assert "not audited: PyPI numpy 2.4.6: advisories are served here only for the latest" in text
    assert "not audited: PyPI private-thing 1.0: not on PyPI" in text
    assert "npm htmx.org 2.0.11: advisories not read" in text
    assert report.audited == 0  # neither Python package, and not htmx's advisories


def test_npm_bulk_advisories_are_parsed() -> None:
    answer = {
        "htmx.org": [
            {
                "id": 1099999,
                "github_advisory_id": "GHSA-aaaa-bbbb-cccc",
                "cves": ["CVE-2099-0001"],
                "url": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc",
                "title": "Cross-site scripting in hx-on",
                "severity": "moderate",
                "vulnerable_versions": "<2.0.12",
            }
        ],
        "left-pad": [{"id": 1, "title": "not asked about"}],
    }
    pages = {f"{da.NPM}/-/npm/v1/security/advisories/bulk": answer, **npm_pages()}
    registry = Registry(pages)
    report = da.audit({}, {"htmx.org": "2.0.11"}, [], registry, TODAY)
    (advisory,) = report.vulnerable
    assert (advisory.package, advisory.id, advisory.aliases) == (
        "htmx.org",
        "GHSA-aaaa-bbbb-cccc",
        ("CVE-2099-0001",),
    )
    assert "fixed: versions outside <2.0.12" in advisory.line()
    posted = [json.loads(body) for url, body in registry.asked if body is not None]
    assert posted == [{"htmx.org": ["2.0.11"]}]
    assert report.audited == 1


def test_a_deprecated_vendored_version_fails() -> None:
    pages = npm_pages(deprecated="security fix in 2.0.12, upgrade")
    report = da.audit({}, {"htmx.org": "2.0.11"}, [], Registry(pages), TODAY)
    assert report.failed
    assert report.deprecated == ["npm htmx.org 2.0.11: security fix in 2.0.12, upgrade"]


IGNORES = """
[[ignore]]
package = "Jinja2"
id = "cve-2024-56326"
reason = "no fixed release yet"
added = 2026-12-01
until = 2027-01-01

[[ignore]]
package = "jinja2"
id = "GHSA-old"
reason = "was fixed"
added = 2026-01-01
until = 2026-02-01

[[ignore]]
package = "pyyaml"
id = "GHSA-nothing"
reason = "matches nothing"
added = 2026-12-01
until = 2027-01-01
"""


def test_the_ignore_list_accepts_by_alias_until_it_lapses() -> None:
    ignores = da.load_ignores(IGNORES)
    pages = {f"{da.PYPI}/jinja2/json": project("3.1.4", [JINJA_VULN]), **npm_pages()}
    report = da.audit({"jinja2": "3.1.4"}, {"htmx.org": "2.0.11"}, ignores, Registry(pages), TODAY)
    assert not report.failed
    assert [(a.id, i.until) for a, i in report.accepted] == [
        ("GHSA-q2x7-8rv6-6q7h", dt.date(2027, 1, 1))
    ]
    assert [i.id for i in report.lapsed] == ["GHSA-old"]
    assert [i.id for i in report.unused] == ["GHSA-nothing"]
    text = "\n".join(report.lines())
    assert "accepted until 2027-01-01 (no fixed release yet)" in text
    assert "LAPSED ignore entry jinja2 GHSA-old" in text
    later = da.audit(
        {"jinja2": "3.1.4"}, {"htmx.org": "2.0.11"}, ignores, Registry(pages), dt.date(2027, 1, 2)
    )
    assert later.failed
    assert [a.id for a in later.vulnerable] == ["GHSA-q2x7-8rv6-6q7h"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[ignore]]\npackage = "x"\nid = "y"\nadded = 2026-01-01\nuntil = 2026-02-01',
            "lacks reason",
        ),
        (
            '[[ignore]]\npackage = "x"\nid = "y"\nreason = "z"\nadded = "soon"\nuntil = 2026-02-01',
            "must be dates",
        ),
        ("[[ignore]\n", "not TOML"),
    ],
)
def test_an_ignore_entry_without_why_or_dates_is_refused(text: str, message: str) -> None:
    with pytest.raises(da.AuditFailed, match=message):
        da.load_ignores(text, "audit-ignore.toml")


def test_the_project_ignore_list_loads_and_the_vendored_versions_are_named() -> None:
    root = Path(__file__).resolve().parents[2]
    assert da.load_ignores((root / ".ci/audit-ignore.toml").read_text()) is not None
    vendored = da.vendored_npm(Path(da.__file__).resolve().parent.parent)
    assert set(vendored) == {"htmx.org", "swagger-ui-dist"}
    assert all(v[0].isdigit() for v in vendored.values())


def test_an_unreachable_source_fails_the_audit_with_status_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def down(url: str, body: bytes | None) -> Any:
        raise da.AuditFailed(f"{url}: [Errno 111] Connection refused")

    monkeypatch.setattr(da, "http_fetch", down)
    monkeypatch.setattr(da, "installed_python", lambda: {"jinja2": "3.1.6"})
    ignore = tmp_path / "ignore.toml"
    ignore.write_text("")
    assert da.main(["--ignore", str(ignore)]) == 2
    assert "audit failed: https://pypi.org/pypi/jinja2/json: [Errno 111]" in capsys.readouterr().err


def test_main_exits_1_on_a_vulnerability(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = {f"{da.PYPI}/jinja2/json": project("3.1.4", [JINJA_VULN])}
    monkeypatch.setattr(da, "http_fetch", Registry(pages))
    monkeypatch.setattr(da, "installed_python", lambda: {"jinja2": "3.1.4"})
    monkeypatch.setattr(da, "vendored_npm", lambda _root: {})
    ignore = tmp_path / "ignore.toml"
    ignore.write_text("")
    assert da.main(["--ignore", str(ignore)]) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE PyPI jinja2 3.1.4: GHSA-q2x7-8rv6-6q7h" in out
    assert out.rstrip().endswith("audit: FAILED")
