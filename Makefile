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

.PHONY: install lock system-packages demo serve test test-sqlite test-postgres lint format messages makemessages bench load clean

# Installs exactly what the lock files name: requirements.lock (hashes checked) and
# package-lock.json (npm ci). `make lock` refreshes both after a dependency changes.
$(STAMP): pyproject.toml requirements.lock package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

# Re-resolve the Python dependencies of pyproject.toml (with the dev extra) and the npm
# packages of package.json, writing requirements.lock (with hashes) and package-lock.json.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --upgrade \
		--python-version 3.11 --python-platform linux --quiet \
		--custom-compile-command "make lock" -o requirements.lock
	npm install --package-lock-only --no-audit --no-fund --silent

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

# The demo runs as production does, with DEBUG off: the real Thai error pages (never Django's
# debug 404 listing every URL), static files served by WhiteNoise. Its SECRET_KEY is random,
# made once and kept in data/demo-secret-key (sessions survive a restart); SITE_URL is the
# demo's own address, so links in its e-mails open from a mail client (docs/deploy.md).
DEMO_KEY := data/demo-secret-key
DEMO_ENV = SECRET_KEY="$$(cat $(DEMO_KEY))" SITE_URL=http://$(HOST):$(PORT)
demo: install
	mkdir -p data
	test -s $(DEMO_KEY) || (umask 077; $(PY) -c "import secrets; print(secrets.token_urlsafe(64))" > $(DEMO_KEY))
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) setup_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(DEMO_ENV) $(MANAGE) runserver $(HOST):$(PORT)

# Development: DEBUG on (tracebacks, Django's debug 404), e-mail links to this server.
serve: install
	DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(MANAGE) runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check src tests bench manage.py
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# Chromium, Poppler, Thai fonts and gettext: installed when missing and possible,
# otherwise the exact command is printed and the suite does not start.
system-packages:
	@scripts/system-packages

test: system-packages lint
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

# The deadline-rush load scenario (docs/load.md): gunicorn, PostgreSQL, Redis and a Celery
# worker of its own, 200 locust users, about eight minutes; not part of `make bench`.
# Options through LOAD_ARGS, e.g. `make load LOAD_ARGS="--users 40 --duration 60"`.
load: install
	$(PY) bench/load_deadline.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles data test-artifacts
