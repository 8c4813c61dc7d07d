# Sharewell: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every check.
# Both need only Python 3.11+ (the system `python3`); `make test` also installs Debian's
# chromium for the browser tests when it is missing.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Written after a successful install; older than pyproject.toml means "install again".
INSTALLED := $(VENV)/.sharewell-installed
CHROMIUM := /usr/bin/chromium
# Two processes (pytest-xdist) by default: on two cores the whole suite, browser journeys and
# the real Celery worker included, took 15.5 minutes against PostgreSQL with `-n 2` and about
# twice that in one process. Tests that share a resource are grouped with xdist_group.
# Test ids must be the same in every process, so no parametrize value may be random.
PYTEST_WORKERS ?= 2
XDIST := $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadgroup,)
PYTEST_ARGS ?=

LOCAL := DJANGO_SETTINGS_MODULE=config.settings.local
TESTING := DJANGO_SETTINGS_MODULE=config.settings.test

.PHONY: help install run test lint format assets clean chromium dirs

help:
	@echo "make run     install, migrate, load the demo data and serve on http://127.0.0.1:8000"
	@echo "             with a Celery worker and beat in the background (no services needed)"
	@echo "make test    lint, format check, migrations check and the whole test suite"
	@echo "make lint    ruff check and ruff format --check"
	@echo "make format  ruff check --fix and ruff format"
	@echo "make assets  rebuild static/css and static/vendor from the npm packages"
	@echo "make clean   remove .venv, var/ and caches"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Sharewell needs Python 3.11 or newer as '$(PYTHON)'." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

install: $(INSTALLED)

# The SQLite file, uploaded files, collected static files and the on-disk Celery broker
# (kombu's filesystem transport, used when REDIS_URL is unset) live under var/.
dirs:
	@mkdir -p var/media var/staticfiles var/log var/celery-broker/queue var/celery-broker/processed var/celery-broker/control

run: install dirs
	$(LOCAL) $(PY) manage.py migrate --noinput
	$(LOCAL) $(PY) manage.py seed_demo
	$(LOCAL) bash scripts/run_dev.sh

# Debian's chromium, for the Playwright browser tests (Playwright cannot download its own here).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
		echo "Installing Debian chromium for the browser tests"; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium fonts-liberation >/dev/null; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install chromium dirs lint
	$(TESTING) $(PY) manage.py makemigrations --check --dry-run
	$(TESTING) $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

assets:
	npm install
	npm run build

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache test-results
	find . -name __pycache__ -type d -not -path './node_modules/*' -prune -exec rm -rf {} +
