"""Every protocol is registered in one place, and the registry knows it before anything else is
imported: no registration (nor a protocol's settings source) by the side effect of importing a
service or page module."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import gobetween
from gobetween.protocols import registry
from gobetween.protocols.base import Machine

SRC = Path(gobetween.__file__).parent

#: Run in a fresh interpreter: what the registry and the service's one settings table know
#: with nothing else imported, then after importing every module of the package.
_PROBE = """
import importlib, json, pkgutil, sys
import gobetween
from gobetween.protocols import registry
from gobetween.service import protocol_steps
before = {"names": [p.name for p in registry.protocols()],
          "apart": sorted(protocol_steps._KEPT_APART)}
failed = []
for info in pkgutil.walk_packages(gobetween.__path__, "gobetween."):
    if ".migrations" in info.name or info.name.endswith("__main__"):
        continue
    try:
        importlib.import_module(info.name)
    except Exception as exc:  # reported, so a module that cannot be imported is seen
        failed.append(f"{info.name}: {exc!r}")
after = {"names": [p.name for p in registry.protocols()],
         "apart": sorted(protocol_steps._KEPT_APART)}
declared = sorted(
    f"{name}.PROTOCOL" for name, module in sys.modules.items()
    if name.startswith("gobetween.protocols.") and hasattr(module, "PROTOCOL")
    and all(module.PROTOCOL is not p for p in registry.protocols())
)
print(json.dumps({"before": before, "after": after, "unregistered": declared,
                  "failed": failed}))
"""


def test_the_registry_knows_every_protocol_before_anything_else_is_imported() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=300
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["failed"] == []
    assert seen["before"] == seen["after"]  # nothing registered by being imported
    assert seen["unregistered"] == []  # a declared PROTOCOL registered nowhere
    assert set(seen["before"]["names"]) >= {"single_text", "relay", "blind_bidding", "poll"}


def test_every_declared_protocol_is_registered() -> None:
    """Each ``PROTOCOL`` a module of :mod:`gobetween.protocols` declares is in the registry."""
    registered = {id(p) for p in registry.protocols()}
    for path in sorted((SRC / "protocols").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declares = any(
            isinstance(node, ast.AnnAssign | ast.Assign)
            and "PROTOCOL"
            in [
                t.id
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(t, ast.Name)
            ]
            for node in tree.body
        )
        if not declares:
            continue
        module = __import__(f"gobetween.protocols.{path.stem}", fromlist=["PROTOCOL"])
        assert isinstance(module.PROTOCOL, Machine), path.name
        assert id(module.PROTOCOL) in registered, (
            f"{path.name} declares a PROTOCOL never registered"
        )


def test_only_the_registry_registers() -> None:
    """``register(...)`` is called in ``protocols/registry.py`` and nowhere else in the source
    (a registration in a service or page module would happen only once that is imported)."""
    calls = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "protocols" / "registry.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "gobetween.protocols.registry"
            for alias in node.names
            if alias.name == "register"
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            via_module = (
                isinstance(func, ast.Attribute)
                and func.attr == "register"
                and isinstance(func.value, ast.Name)
                and func.value.id == "registry"
            )
            if via_module or (isinstance(func, ast.Name) and func.id in imported):
                calls.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert calls == []
