# Two commands on a fresh machine with Python 3.11 and make (make ui: the UI and its daemon):
#   make run   — install, then materialize every asset for the week of DEALFLOW_AS_OF (default today)
#   make test  — install, then lint and run the test suite
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export DAGSTER_HOME ?= $(CURDIR)/.dagster
# The Dagster instance file copied into DAGSTER_HOME: local SQLite by default,
# deploy/dagster-postgres.yaml for a shared PostgreSQL instance (docs/deployment.md).
DAGSTER_INSTANCE ?= dagster.yaml

.PHONY: install run test ui sql lint format sample clean instance

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet --python $(PYTHON)
	touch $@

install: $(VENV)/.installed instance .env

# The configuration contract's variables for `make ui` (dagster dev loads .env), all commented out:
# unset means the default (.env.example documents each).
.env:
	cp .env.example .env

# Always the declared file (switching DAGSTER_INSTANCE takes effect whatever the files' dates).
instance:
	@mkdir -p $(DAGSTER_HOME)
	@cmp -s $(DAGSTER_INSTANCE) $(DAGSTER_HOME)/dagster.yaml || cp $(DAGSTER_INSTANCE) $(DAGSTER_HOME)/dagster.yaml

run: install
	$(VENV)/bin/python -m pipelines.cli

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/python -m pytest -q

# The webserver and the daemon (schedule, sensors, queued runs) in one process group: Ctrl-C stops both.
ui: install
	$(VENV)/bin/python -m pipelines.ui --host 127.0.0.1 --port 3000

# The analysts' replica, read-only in harlequin (DB=<path>, else that of DEALFLOW_SOURCES/HOME).
DB ?=
sql: install
	$(VENV)/bin/python -m pipelines.sql $(DB)

lint: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

sample: install
	$(VENV)/bin/python -m sampledata.generate --out data/sample

clean:
	rm -rf $(VENV) $(TOOLS) .dagster data/warehouse .pytest_cache .ruff_cache

# Scale benchmark: pipeline vs bare DuckDB vs pandas on N synthetic companies (data/bench/, git-ignored)
# FORMAT=bulk (default): a Crunchbase bulk export of N organisations; FORMAT=2015: the 2015 export
COMPANIES ?= 100000
FORMAT ?= bulk
.PHONY: bench
bench: install
	$(VENV)/bin/python -m benchmarks.pipeline_scale --companies $(COMPANIES) --format $(FORMAT)

# Incremental weekly run vs full run on N synthetic companies (last line: incremental/full=R)
.PHONY: bench-incremental
bench-incremental: install
	$(VENV)/bin/python -m benchmarks.incremental --companies $(COMPANIES)
