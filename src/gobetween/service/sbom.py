"""``make sbom``: a software bill of materials (CycloneDX 1.5 JSON; ASVS 14.2.5).

Run as ``python -m gobetween.service.sbom OUT``. The document lists

- every Python distribution installed here that gobetween needs: the requirement graph walked
  from gobetween's own metadata (``importlib.metadata``), each requirement's environment marker
  evaluated here, each with its name, version, purl ``pkg:pypi/NAME@VERSION``, its licence where
  its metadata declares one, and the groups that reach it (property ``gobetween:groups``:
  ``runtime``, or the extras ``test``, ``reference``, ...; scope ``required`` for runtime,
  ``optional`` for the rest). A requirement not installed here is not listed;
- the vendored npm packages (the folders of :data:`dependency_audit.VENDOR_DIRS`, read by
  :func:`dependency_audit.vendored_source`), each with its purl ``pkg:npm/NAME@VERSION`` and,
  as components of type ``file``, the SHA-256 of every file vendored from it;
- gobetween itself as the metadata component, and the graph (``dependencies``).

The output is deterministic: components sorted, no serial number, and a timestamp only when
``SOURCE_DATE_EPOCH`` gives one. Exit 0 when written, 2 when it could not be made.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from packaging.requirements import InvalidRequirement, Requirement

from gobetween.service.dependency_audit import (
    VENDOR_DIRS,
    AuditFailed,
    normalise,
    vendored_source,
)

__all__ = ["ROOT", "SbomFailed", "bill", "main", "python_graph", "render"]

ROOT = "gobetween"
RUNTIME = "runtime"
#: files in the vendored folders that are gobetween's own, not the npm package's (SOURCE.txt)
OWN_FILES = frozenset({"SOURCE.txt", "service/static/swagger-ui/init.js"})


class SbomFailed(Exception):
    """The bill of materials could not be made."""


@dataclass
class Found:
    """One installed distribution reached from gobetween's requirements."""

    dist: importlib.metadata.Distribution
    groups: set[str] = field(default_factory=set)
    needs: set[str] = field(default_factory=set)


def _requirements(
    dist: importlib.metadata.Distribution, extras: frozenset[str]
) -> list[Requirement]:
    """The requirements of ``dist`` that apply here with ``extras`` asked for."""
    out = []
    for line in dist.requires or ():
        try:
            req = Requirement(line)
        except InvalidRequirement as exc:
            name = dist.metadata["Name"]
            raise SbomFailed(f"{name}: unreadable requirement {line!r}: {exc}") from exc
        if req.marker is None or any(
            req.marker.evaluate({"extra": extra}) for extra in ("", *sorted(extras))
        ):
            out.append(req)
    return out


def _distribution(name: str) -> importlib.metadata.Distribution | None:
    try:
        return importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def python_graph(root: str = ROOT) -> tuple[importlib.metadata.Distribution, dict[str, Found]]:
    """``root``'s distribution and every installed one its requirements reach, by normalised
    name, with the groups that reach each: ``runtime``, else the extras of ``root``."""
    top = _distribution(root)
    if top is None:
        raise SbomFailed(f"{root} is not installed in this environment (pip install -e .)")
    found: dict[str, Found] = {}
    extras = sorted(set(top.metadata.get_all("Provides-Extra") or ()))
    for group in (RUNTIME, *extras):
        extra = "" if group == RUNTIME else group
        todo: list[tuple[str, frozenset[str]]] = []
        for line in top.requires or ():
            parsed = Requirement(line)
            if parsed.marker is None or parsed.marker.evaluate({"extra": extra}):
                todo.append((parsed.name, frozenset(parsed.extras)))
        seen: set[tuple[str, frozenset[str]]] = set()
        while todo:
            name, asked = todo.pop()
            key = normalise(name)
            if (key, asked) in seen:
                continue
            seen.add((key, asked))
            dist = found[key].dist if key in found else _distribution(name)
            if dist is None:
                continue
            entry = found.setdefault(key, Found(dist))
            entry.groups.add(group)
            for req in _requirements(dist, asked):
                entry.needs.add(normalise(req.name))
                todo.append((req.name, frozenset(req.extras)))
    found.pop(normalise(root), None)
    for entry in found.values():
        entry.needs &= found.keys()
        if RUNTIME in entry.groups:  # an extra needs it too, but so does every installation
            entry.groups = {RUNTIME}
    return top, found


def _pypi_purl(name: str, version: str) -> str:
    return f"pkg:pypi/{normalise(name)}@{quote(version, safe='')}"


def _npm_purl(name: str, version: str) -> str:
    if name.startswith("@"):
        scope, _, bare = name.partition("/")
        return f"pkg:npm/{quote(scope, safe='')}/{quote(bare, safe='')}@{quote(version, safe='')}"
    return f"pkg:npm/{quote(name, safe='')}@{quote(version, safe='')}"


def _first(meta: importlib.metadata.PackageMetadata, key: str) -> str:
    return next(iter(meta.get_all(key) or ()), "").strip()


def _licences(meta: importlib.metadata.PackageMetadata) -> list[dict[str, Any]]:
    """The licence a distribution's metadata declares: its SPDX expression (PEP 639), else a
    one-line ``License`` field, else its ``License ::`` classifiers; none when it declares none."""
    expression = _first(meta, "License-Expression")
    if expression:
        return [{"expression": expression}]
    text = _first(meta, "License")
    if text and "\n" not in text and len(text) <= 100 and text.upper() != "UNKNOWN":
        return [{"license": {"name": text}}]
    names = sorted(
        {
            c.split("::")[-1].strip()
            for c in meta.get_all("Classifier") or ()
            if c.startswith("License ::") and c.count("::") >= 2
        }
    )
    return [{"license": {"name": n}} for n in names]


def _python_component(entry: Found) -> dict[str, Any]:
    name = entry.dist.metadata["Name"]
    version = entry.dist.version
    purl = _pypi_purl(name, version)
    component: dict[str, Any] = {
        "type": "library",
        "bom-ref": purl,
        "name": normalise(name),
        "version": version,
        "purl": purl,
        "scope": "required" if RUNTIME in entry.groups else "optional",
        "properties": [
            {"name": "gobetween:groups", "value": ",".join(sorted(entry.groups))},
            {"name": "gobetween:ecosystem", "value": "PyPI"},
        ],
    }
    licences = _licences(entry.dist.metadata)
    if licences:
        component["licenses"] = licences
    return component


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def npm_components(package_dir: Path) -> list[dict[str, Any]]:
    """The vendored npm packages, each with its vendored files and their SHA-256."""
    out = []
    for folder in VENDOR_DIRS:
        try:
            name, version = vendored_source(package_dir / folder)
        except (AuditFailed, OSError) as exc:
            raise SbomFailed(str(exc)) from exc
        purl = _npm_purl(name, version)
        files = []
        for path in sorted((package_dir / folder).rglob("*")):
            where = path.relative_to(package_dir).as_posix()
            if not path.is_file() or path.name in OWN_FILES or where in OWN_FILES:
                continue
            files.append(
                {
                    "type": "file",
                    "bom-ref": f"{purl}#{where}",
                    "name": f"src/gobetween/{where}",
                    "hashes": [{"alg": "SHA-256", "content": _sha256(path)}],
                }
            )
        if not files:
            raise SbomFailed(f"{package_dir / folder}: no vendored file")
        out.append(
            {
                "type": "library",
                "bom-ref": purl,
                "name": name,
                "version": version,
                "purl": purl,
                "scope": "required",
                "properties": [
                    {"name": "gobetween:groups", "value": RUNTIME},
                    {"name": "gobetween:ecosystem", "value": "npm"},
                    {"name": "gobetween:vendored", "value": f"src/gobetween/{folder}"},
                ],
                "components": files,
            }
        )
    return out


def bill(package_dir: Path | None = None, timestamp: dt.datetime | None = None) -> dict[str, Any]:
    """The CycloneDX 1.5 document (a dict, ready for :func:`render`)."""
    if package_dir is None:
        package_dir = Path(__file__).resolve().parent.parent
    top, found = python_graph()
    root_purl = _pypi_purl(ROOT, top.version)
    root: dict[str, Any] = {
        "type": "application",
        "bom-ref": root_purl,
        "name": ROOT,
        "version": top.version,
        "purl": root_purl,
    }
    licences = _licences(top.metadata)
    if licences:
        root["licenses"] = licences
    python = sorted((_python_component(e) for e in found.values()), key=lambda c: c["bom-ref"])
    npm = npm_components(package_dir)
    components = sorted(python + npm, key=lambda c: c["bom-ref"])
    ref = {key: _pypi_purl(e.dist.metadata["Name"], e.dist.version) for key, e in found.items()}
    named = {normalise(Requirement(r).name) for r in top.requires or ()}
    direct = sorted({ref[n] for n in named if n in ref} | {c["bom-ref"] for c in npm})
    dependencies: list[dict[str, Any]] = [{"ref": root_purl, "dependsOn": direct}]
    dependencies += [
        {"ref": ref[key], "dependsOn": sorted(ref[n] for n in found[key].needs)}
        for key in sorted(found, key=lambda k: ref[k])
    ]
    dependencies += [{"ref": c["bom-ref"], "dependsOn": []} for c in npm]
    dependencies.sort(key=lambda d: str(d["ref"]))
    metadata: dict[str, Any] = {"component": root}
    if timestamp is not None:
        metadata["timestamp"] = timestamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": metadata,
        "components": components,
        "dependencies": dependencies,
    }


def render(document: Mapping[str, Any]) -> str:
    """The document as JSON text, the same bytes for the same document."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _timestamp(environ: Mapping[str, str]) -> dt.datetime | None:
    given = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not given:
        return None
    try:
        return dt.datetime.fromtimestamp(int(given), dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise SbomFailed(f"SOURCE_DATE_EPOCH={given!r}: not a whole number of seconds") from exc


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Write the bill of materials to OUT (its folder made if missing); 2 when it cannot be."""
    parser = argparse.ArgumentParser(prog="python -m gobetween.service.sbom", description=__doc__)
    parser.add_argument("out", type=Path, help="where to write the CycloneDX JSON document")
    args = parser.parse_args(argv)
    try:
        document = bill(timestamp=_timestamp(os.environ if environ is None else environ))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(render(document), encoding="utf-8")
    except (SbomFailed, OSError) as exc:
        print(f"sbom: {exc}", file=sys.stderr)
        return 2
    print(f"sbom: {len(document['components'])} packages written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
