# GECC Certify. Quick start: `make demo`, then `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/gecc
PYTEST_ARGS ?=

.PHONY: install demo serve test test-sqlite test-postgres lint format messages makemessages bench clean

$(STAMP): pyproject.toml package.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	npm install --no-audit --no-fund --silent
	touch $(STAMP)

install: $(STAMP) messages

# `make makemessages APP=registry` (or APP=project) updates one Thai catalogue.
makemessages: $(STAMP)
	$(MANAGE) app_messages $(APP)

# GNU gettext's msgfmt when installed; otherwise the same catalogues compiled with polib.
messages: $(STAMP)
	@if command -v msgfmt >/dev/null; then \
		cd src/gecc && ../../$(PY) ../../manage.py compilemessages --verbosity 0; \
	else \
		$(PY) scripts/compile_messages.py; \
	fi

demo: install
	mkdir -p data
	$(MANAGE) migrate --noinput
	$(MANAGE) setup_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

serve: install
	DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check src tests bench manage.py
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

test: lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== test suite on SQLite =="
	GECC_DATA_DIR=$$(mktemp -d) $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres:
	@if $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		echo "== test suite on PostgreSQL (127.0.0.1:5432) =="; \
		GECC_DATA_DIR=$$(mktemp -d) DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest $(PYTEST_ARGS); \
	else \
		echo "== PostgreSQL run SKIPPED: nothing answers on 127.0.0.1:5432 =="; \
	fi

format: install
	$(VENV)/bin/ruff check --fix src tests bench manage.py
	$(VENV)/bin/ruff format src tests bench manage.py

# Every benchmark on SQLite, then on PostgreSQL when one answers (each prints its figures).
bench: install
	@for f in bench/bench_*.py; do echo "== $$f (SQLite) =="; DATABASE_URL=sqlite:// $(PY) $$f || exit 1; done
	@if $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		for f in bench/bench_*.py; do echo "== $$f (PostgreSQL) =="; DATABASE_URL=$(PG_URL) $(PY) $$f || exit 1; done; \
	else echo "== PostgreSQL benchmarks SKIPPED: nothing answers on 127.0.0.1:5432 =="; fi

clean:
	rm -rf $(VENV) node_modules staticfiles data test-artifacts
