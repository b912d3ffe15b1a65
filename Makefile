# One-word commands. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench install docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## demo: synthetic national data -> indicators -> the web application with demo users and
## answers on http://127.0.0.1:8000 (data and SQLite database in data/demo). Scale 1.0 is the
## real national volume (about 12 million contacts a year); the demo uses a fifth of Denmark
## (DEMO_SCALE) so that it stays within a few minutes: `make demo DEMO_SCALE=1.0` for all of it.
DEMO_SCALE ?= 0.2
demo: $(STAMP)
	NAERSUND_DEMO=1 NAERSUND_DATA_DIR=data/demo $(BIN)/naersund demo --out data/demo \
		--scale $(DEMO_SCALE)

## test: lint, type check and the whole test suite on SQLite, then the web tests again on a
## throwaway PostgreSQL (installs Java for Spark and PostgreSQL if missing; skips the
## PostgreSQL run with a message when it cannot start one, unless NAERSUND_REQUIRE_POSTGRES=1).
## Both passes include the schemathesis pass against the served API on that database
## (tests/web/test_security_schemathesis.py, marked slow).
test: $(STAMP)
	scripts/ensure-java
	scripts/ensure-chromium
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadfile
	scripts/ensure-postgres run $(BIN)/pytest -n 2 --dist loadfile -p no:cacheprovider tests/web \
		--ignore=tests/web/test_web_cli.py  # CLI subprocesses make their own SQLite database

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

## bench: performance against baselines measured in the same run (writes BENCHMARKS.md)
bench: $(STAMP)
	$(BIN)/python bench/run.py
	nice -n 10 $(BIN)/python bench/suppression.py
	nice -n 10 $(BIN)/python bench/suppression_monthly.py

## docs: regenerate docs/indicators.md, docs/input-formats.md and docs/areas.md from the code
docs: $(STAMP)
	$(BIN)/naersund docs --out docs

## lock: re-pin dependencies (needs network)
lock: $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
