# gobetween: the two commands of the README, and the pieces they are made of.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test test-deep check lint typecheck imports pytest bench clean i18n audit sbom

demo: $(STAMP)
	$(BIN)/gobetween demo

test: $(STAMP) check pytest

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test,reference]'
	touch $(STAMP)

check: lint typecheck imports

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

# Three test processes on two cores: with two, the CPU waited on PostgreSQL, chromium and the
# tests' servers; with three it is 85-99% busy (vmstat). pytest 910 s with 2, 811 s with 3 on
# 6 December 2026; the longest tests go first (tests/conftest.py).
# Work stealing: pytest-xdist's default hands out a quarter of the tests at the start, round
# robin, so one process could be given most of the long ones and work alone for minutes at the
# end (on 6 December: 916 s against 621 s and 665 s for the other two); with --dist worksteal a
# process that runs out takes half of the busiest one's queue.
# Bytecode: where the environment sets PYTHONDONTWRITEBYTECODE (this workplace's machines do),
# every process compiled the package and rewrote the tests' asserts afresh: 24 s of each
# process's collection, 10 s with the caches (`pytest --collect-only`).
TEST_PROCESSES ?= 3
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest --dist worksteal
pytest: $(STAMP)
	$(PYTEST) -n $(TEST_PROCESSES) $(PYTEST_ARGS)

# The explorations of the tests marked `deep` again, eight times as far (tests/depth.py); CI runs
# it after `make test`.
test-deep: $(STAMP)
	GOBETWEEN_DEPTH=8 $(PYTEST) -n 2 -m deep $(PYTEST_ARGS)

# Re-extract the interface's strings and merge them into every catalog (docs/dev/i18n.md).
LOCALE_DIR := src/gobetween/locale
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
	  -o $(LOCALE_DIR)/messages.pot src/gobetween
	$(BIN)/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) --no-fuzzy-matching \
	  --ignore-obsolete

# Known vulnerabilities in the installed Python packages and the vendored npm ones, from PyPI and
# the npm registry; fails on one that .ci/audit-ignore.toml does not accept (docs/security.md).
audit: $(STAMP)
	$(BIN)/python -m gobetween.service.dependency_audit --ignore .ci/audit-ignore.toml

# The software bill of materials (CycloneDX 1.5 JSON): the installed Python packages gobetween's
# requirements reach and the vendored npm files with their SHA-256 (docs/security.md).
SBOM ?= build/sbom.cdx.json
sbom: $(STAMP)
	$(BIN)/python -m gobetween.service.sbom $(SBOM)

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis
