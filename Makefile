# The front door. `make demo` runs the product, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev demo serve test test-fast test-browser lint bench bench-casework chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

## install: create .venv with the `integrering` console script
install: $(STAMP)

install-dev: $(DEV_STAMP)

## demo: migrate the embedded SQLite database, load demo data, serve on http://$(HOST):$(PORT) with a background worker
demo: export INTEGRERING_DEMO = 1
demo: $(STAMP)
	$(BIN)/integrering migrate --no-input
	$(BIN)/integrering demo-data
	$(BIN)/integrering collectstatic --no-input --verbosity 0
	@echo "Integrering kjører på http://$(HOST):$(PORT)/ (brukere: saksbehandler-oslo, saksbehandler-bergen, planlegger, analytiker, statsforvalter-vestland, admin; passord: demo)"
	$(BIN)/integrering db_worker & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn integrering.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -

## chromium: Debian's Chromium for the browser tests (installed with apt when missing)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

## test: the whole suite (unit, integration, browser) on DATABASE_URL or the default SQLite
test: $(DEV_STAMP) chromium
	$(BIN)/pytest

## test-fast: the suite without the browser tests and the API fuzzing (both need a live server)
test-fast: $(DEV_STAMP)
	$(BIN)/pytest -m "not browser and not fuzz"

## lint: ruff, mypy, bandit (security lint; reviewed findings carry `# nosec`) and pip-audit (known vulnerabilities in the pinned dependencies)
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	INTEGRERING_TESTING=1 $(BIN)/mypy integrering tests conftest.py
	$(BIN)/bandit -c pyproject.toml -r integrering benchmarks -q -x 'integrering/*/tests,integrering/*/migrations'
	$(BIN)/pip-audit --progress-spinner off --skip-editable $(PIP_AUDIT_FLAGS)

## bench: the benchmarks under benchmarks/ (each prints its figure)
bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/rules.py

## bench-casework: 100 000 persons in PostgreSQL; p50/p95 of the deadline dashboard and person search
bench-casework: $(DEV_STAMP)
	$(BIN)/python benchmarks/casework.py

## bench-benefit: the monthly benefit run for 5 000 participants in PostgreSQL (goal under 5 s)
.PHONY: bench-benefit
bench-benefit: $(DEV_STAMP)
	$(BIN)/python benchmarks/benefit_run.py

## bench-matcher: the matcher on seeded synthetic instances (200 and 15 000 households x 357 municipalities)
.PHONY: bench-matcher
bench-matcher: $(DEV_STAMP)
	$(BIN)/python benchmarks/matcher.py

## bench-year: the online weekly policy over seeded seasonal years (2 600 x 120 and 15 000 x 357) against the hindsight bound (goal at least 98.5 %, the 2 600-household year under 60 s)
.PHONY: bench-year
bench-year: $(DEV_STAMP)
	$(BIN)/python benchmarks/year.py

## bench-load: gunicorn on PostgreSQL with PERSONS (1 000 000) persons, USERS (200) users for 60 s at 10 s think time; p50/p95/p99, errors and the plan of the slowest query (goal p95 under 200 ms, 0 errors)
.PHONY: bench-load
PERSONS ?= 1000000
USERS ?= 200
bench-load: $(DEV_STAMP)
	$(BIN)/python benchmarks/load.py --persons $(PERSONS) --users $(USERS) $(LOAD_ARGS)

## fuzz: schemathesis on every API operation of a live server: 200 random examples per operation and role, plus the boundary values of every field
.PHONY: fuzz
fuzz: $(DEV_STAMP)
	INTEGRERING_FUZZ_EXAMPLES=$${INTEGRERING_FUZZ_EXAMPLES:-200} INTEGRERING_FUZZ_PHASES=examples,coverage,fuzzing \
	INTEGRERING_FUZZ_RANDOM=1 $(BIN)/pytest tests/fuzz

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
