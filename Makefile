# Pavé: `make run` serves the app, `make test` runs the whole suite; both set everything up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 4
BOUNDARIES_FILE ?= $(abspath ../shared/data/be-municipalities-2025.geojson)
export BOUNDARIES_FILE
POPULATION_FILE ?= $(abspath ../shared/data/be-population-2020-by-2025-commune.csv)
export POPULATION_FILE

# Use DATABASE_URL when it is set; otherwise start the project's own cluster under var/.
# (A plain assignment, then export: `export X=$$(cmd)` would hide the failure of cmd.)
WITH_DB = DATABASE_URL="$${DATABASE_URL:-$$($(BIN)/python scripts/localdb.py ensure)}" && \
  export DATABASE_URL &&
FLASK = $(BIN)/flask --app app

PWA := pwa

.PHONY: help venv lock db pwa chromium deploy-tools run stop test bench lint types fmt

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	@python3 -m venv $(VENV) 2>/dev/null || { \
	  echo "installing python3-venv"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; \
	  python3 -m venv $(VENV); }

# Exactly the versions CI tested (requirements/lock.txt, with hashes), then the project itself.
LOCK := requirements/lock.txt

$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps -e .
	@# A requirement in pyproject.toml that the lock does not satisfy: run `make lock`.
	$(BIN)/python -m pip check
	touch $@

venv: $(VENV)/.installed ## Create .venv and install the project

# Keeps the locked versions that still fit pyproject.toml; `make lock UPGRADE=1` takes the
# newest each range allows.
lock: | $(BIN)/python ## Rewrite requirements/lock.txt after a change to pyproject.toml
	@$(BIN)/python -m pip install -q -e '.[lock]'
	$(BIN)/pip-compile --quiet $(if $(UPGRADE),--upgrade) --generate-hashes --extra dev --strip-extras \
	  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
	  --output-file $(LOCK) pyproject.toml

$(PWA)/node_modules/.installed: $(PWA)/package.json $(PWA)/package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	cd $(PWA) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

pwa: $(PWA)/node_modules/.installed ## Build the resident app into pwa/dist
	@cd $(PWA) && node build.mjs

chromium: ## Install Debian's chromium for the browser tests, if missing
	@test -x /usr/bin/chromium || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# tests/deploy runs Debian's nginx in front of gunicorn with deploy/nginx/pave.conf (openssl
# makes its certificate) and checks deploy/systemd/ with systemd-analyze (Debian's systemd
# package; installed, it starts nothing in a container). In a container, policy-rc.d keeps
# the nginx package from starting its own nginx; on a host with systemd it starts one on
# port 80, which the tests never use.
deploy-tools: ## Install Debian's nginx, openssl and systemd-analyze for tests/deploy, if missing
	@test -x /usr/sbin/nginx -a -x /usr/bin/openssl -a -x /usr/bin/systemd-analyze || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  nginx openssl systemd; }

db: venv ## Start the local PostGIS (unless DATABASE_URL is set), migrate, load seed data
	@$(WITH_DB) $(FLASK) db upgrade && $(FLASK) fixtures load && $(FLASK) boundaries load-default && \
	  $(FLASK) population load

# Links in emails and printed by the CLI start with PUBLIC_BASE_URL: unset, the server make runs.
WITH_PUBLIC_URL = PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}" && \
  export PUBLIC_BASE_URL &&

run: db pwa ## Serve the app at http://127.0.0.1:$(PORT) (gunicorn) with the email worker beside it
	@$(WITH_DB) $(WITH_PUBLIC_URL) echo "Pavé at http://127.0.0.1:$(PORT)/ (API docs: /api/v1/docs); Ctrl-C stops it" && \
	  WORKERS=$(WORKERS) exec $(BIN)/honcho start --port $(PORT) --procfile Procfile

stop: ## Stop the local PostgreSQL cluster
	@python3 scripts/localdb.py stop

# pytest-xdist: one process per core (at most 4: each holds its own databases and servers), a
# test module's tests on one process; PYTEST_WORKERS=0 runs them all in this one.
PYTEST_WORKERS ?= auto

# The fast checks first: a lint or type error fails before any database or browser starts.
test: lint types db pwa chromium deploy-tools ## Lint (Python, JS), type-check, then the JS unit tests and the whole pytest suite
	@cd $(PWA) && node --test tests/*.test.mjs
	@$(WITH_DB) $(BIN)/pytest -q -n $(PYTEST_WORKERS) --maxprocesses 4 --dist loadfile $(PYTEST_ARGS)

# pygeoapi, beside which the read-side benchmark measures the OGC API: its own virtualenv (it
# pins its own Flask and SQLAlchemy), never the project's lock. 0.21.0: PyPI's newest here.
PYGEOAPI_VENV := var/pygeoapi
$(PYGEOAPI_VENV)/.installed:
	python3 -m venv $(PYGEOAPI_VENV)
	$(PYGEOAPI_VENV)/bin/pip install -q --disable-pip-version-check 'pygeoapi==0.21.0' \
	  gunicorn psycopg2-binary GeoAlchemy2 'pygeofilter[backend-sqlalchemy]'
	touch $@

# Reports in the read-side benchmark's database (issue 14: 2,000,000; 100000 for a quick run).
BENCH_REPORTS ?= 2000000

bench: venv pwa chromium $(PYGEOAPI_VENV)/.installed ## Run the benchmarks and print their tables
	@# libvips (Debian) + pyvips: the speed reference of the photo benchmark.
	@dpkg -s libvips42 >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvips42 >/dev/null; }
	@# wrk (Debian): the HTTP load generator of the intake benchmark (python -m bench).
	@command -v wrk >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@$(BIN)/python -c 'import pyvips' 2>/dev/null || $(BIN)/python -m pip install -q -e '.[bench]'
	@$(WITH_DB) $(BIN)/python -m bench
	@$(WITH_DB) $(BIN)/python -m bench.pwa
	@$(WITH_DB) $(BIN)/python -m bench.lighthouse
	@$(WITH_DB) $(BIN)/python -m bench.tickets
	@$(WITH_DB) $(BIN)/python -m bench.opendata
	@$(WITH_DB) $(BIN)/python -m bench.readside --size $(BENCH_REPORTS)

lint: venv $(PWA)/node_modules/.installed ## ruff check, ruff format --check, and Biome over pwa/
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd $(PWA) && npm run --silent lint

types: venv ## mypy over app/ (settings in pyproject.toml: strict on the core modules)
	$(BIN)/mypy

fmt: venv ## Format and fix what ruff can
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .
