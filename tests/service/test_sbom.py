"""ASVS 14.2.5: ``make sbom`` writes a CycloneDX 1.5 bill of materials of the installed Python
dependencies (walked from gobetween's metadata) and the vendored npm files, with their hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import re
from pathlib import Path
from typing import Any

import pytest

import gobetween
from gobetween.service import sbom

PACKAGE = Path(gobetween.__file__).resolve().parent


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return sbom.bill()


def _by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in document["components"]}


def _groups(component: dict[str, Any]) -> str:
    props = {p["name"]: p["value"] for p in component["properties"]}
    return props["gobetween:groups"]


def test_the_document_is_structurally_cyclonedx_1_5(document: dict[str, Any]) -> None:
    assert document["bomFormat"] == "CycloneDX"
    assert document["specVersion"] == "1.5"
    assert document["version"] == 1
    root = document["metadata"]["component"]
    assert root["name"] == "gobetween"
    assert root["version"] == importlib.metadata.version("gobetween")
    assert root["purl"] == f"pkg:pypi/gobetween@{root['version']}"
    assert "timestamp" not in document["metadata"]
    refs: list[str] = [root["bom-ref"]]
    for component in document["components"]:
        assert component["type"] == "library"
        for key in ("name", "version", "purl", "bom-ref"):
            assert isinstance(component[key], str), (key, component)
            assert component[key], (key, component)
        assert component["purl"] == component["bom-ref"]
        assert re.fullmatch(r"pkg:(pypi|npm)/[^@]+@\S+", component["purl"]), component["purl"]
        assert component["scope"] in ("required", "optional")
        refs.append(component["bom-ref"])
        refs += [f["bom-ref"] for f in component.get("components", [])]
    assert len(refs) == len(set(refs)), "bom-refs must be unique"
    ordered = [c["bom-ref"] for c in document["components"]]
    assert ordered == sorted(ordered)
    # the graph names only listed components, each once
    listed = set(refs)
    deps = document["dependencies"]
    assert len({d["ref"] for d in deps}) == len(deps)
    for entry in deps:
        assert entry["ref"] in listed
        assert set(entry["dependsOn"]) <= listed


def test_the_document_is_valid_under_cyclonedx_1_5_s_own_schema(document: dict[str, Any]) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    validator = JsonStrictValidator(SchemaVersion.V1_5)
    assert validator.validate_str(sbom.render(document)) is None
    broken = json.loads(sbom.render(document))
    broken["components"][0]["scope"] = "sometimes"
    assert validator.validate_str(json.dumps(broken)) is not None


def test_the_runtime_dependencies_are_listed_as_runtime(document: dict[str, Any]) -> None:
    found = _by_name(document)
    for name in ("fastapi", "sqlalchemy", "pydantic", "starlette", "jinja2", "alembic"):
        component = found[name]
        assert component["version"] == importlib.metadata.version(name)
        assert component["purl"] == f"pkg:pypi/{name}@{component['version']}"
        assert component["scope"] == "required"
        assert _groups(component) == "runtime"
    # pydantic is not named by gobetween: it is reached through fastapi's requirements
    fastapi = next(d for d in document["dependencies"] if d["ref"] == found["fastapi"]["purl"])
    assert found["pydantic"]["purl"] in fastapi["dependsOn"]
    # licences, where the metadata declares one
    assert found["fastapi"]["licenses"] == [{"expression": "MIT"}]


def test_test_and_reference_dependencies_are_told_apart(document: dict[str, Any]) -> None:
    found = _by_name(document)
    assert found["pytest"]["scope"] == "optional"
    assert "test" in _groups(found["pytest"]).split(",")
    assert "runtime" not in _groups(found["pytest"])
    if "negmas" in found:  # the reference extra, when installed
        assert _groups(found["negmas"]) == "reference"
    # only what gobetween's requirements reach: pip is installed here but needed by nothing
    assert "pip" not in found


def test_the_vendored_npm_files_are_listed_with_their_hashes(document: dict[str, Any]) -> None:
    found = _by_name(document)
    htmx, swagger = found["htmx.org"], found["swagger-ui-dist"]
    assert htmx["purl"] == f"pkg:npm/htmx.org@{htmx['version']}"
    assert swagger["purl"] == f"pkg:npm/swagger-ui-dist@{swagger['version']}"
    assert _groups(htmx) == _groups(swagger) == "runtime"
    names = set()
    for component in (htmx, swagger):
        for file in component["components"]:
            path = PACKAGE.parent.parent / file["name"]
            assert file["hashes"] == [
                {"alg": "SHA-256", "content": hashlib.sha256(path.read_bytes()).hexdigest()}
            ]
            names.add(path.name)
    assert {"htmx.min.js", "swagger-ui-bundle.js", "swagger-ui.css"} <= names
    # gobetween's own files in those folders are not the npm packages'
    assert "init.js" not in names
    assert "SOURCE.txt" not in names
    # the digests SOURCE.txt records are the ones listed
    source = (PACKAGE / "service/static/swagger-ui/SOURCE.txt").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"^\s+(\S+)\s+sha256 ([0-9a-f]{64})$", source, re.M))
    listed = {Path(f["name"]).name: f["hashes"][0]["content"] for f in swagger["components"]}
    assert recorded
    assert all(listed[name] == digest for name, digest in recorded.items())


def test_a_changed_vendored_file_changes_its_hash(tmp_path: Path) -> None:
    for folder in ("web/static/vendor/htmx", "service/static/swagger-ui"):
        (tmp_path / folder).mkdir(parents=True)
        for path in (PACKAGE / folder).iterdir():
            (tmp_path / folder / path.name).write_bytes(path.read_bytes())
    (tmp_path / "web/static/vendor/htmx/htmx.min.js").write_text("changed", encoding="utf-8")
    htmx = _by_name(sbom.bill(tmp_path))["htmx.org"]
    file = next(f for f in htmx["components"] if f["name"].endswith("htmx.min.js"))
    assert file["hashes"][0]["content"] == hashlib.sha256(b"changed").hexdigest()
    (tmp_path / "web/static/vendor/htmx/SOURCE.txt").write_text("nothing", encoding="utf-8")
    with pytest.raises(sbom.SbomFailed, match=r"SOURCE\.txt"):
        sbom.bill(tmp_path)


def test_made_twice_it_is_the_same_and_a_given_time_is_kept(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "sbom.cdx.json", tmp_path / "b.json"
    assert sbom.main([str(first)], environ={}) == 0
    assert sbom.main([str(second)], environ={}) == 0
    assert first.read_bytes() == second.read_bytes()
    assert json.loads(first.read_text(encoding="utf-8"))["specVersion"] == "1.5"
    stamped = tmp_path / "stamped.json"
    assert sbom.main([str(stamped)], environ={"SOURCE_DATE_EPOCH": "1767225600"}) == 0
    at = json.loads(stamped.read_text(encoding="utf-8"))["metadata"]["timestamp"]
    assert at == "2026-01-01T00:00:00Z"
    assert dt.datetime.fromisoformat(at) == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_it_fails_plainly_when_it_cannot_be_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sbom.main([str(tmp_path / "x.json")], environ={"SOURCE_DATE_EPOCH": "soon"}) == 2
    assert "SOURCE_DATE_EPOCH" in capsys.readouterr().err
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    assert sbom.main([str(blocked / "sbom.json")], environ={}) == 2
    assert not (blocked / "sbom.json").exists()
