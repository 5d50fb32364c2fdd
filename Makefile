# Ventanilla Virtual: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
EMPLEADORES ?= 300
PYTEST_ARGS ?=

.PHONY: run test install lint typecheck pytest security worker beat check-deploy lock clean

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Se necesita $(PYTHON)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate, load demo data, print demo logins, serve on 127.0.0.1:8000
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --empleadores $(EMPLEADORES)
	@echo ""
	@echo "Portal:      http://$(HOST):$(PORT)/"
	@echo "Back office: http://$(HOST):$(PORT)/admin/"
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: lint, type-check and the whole suite (services used when reachable)
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

## security: bandit over the code (findings fixed or marked `nosec` with a reason) and
## pip-audit over the locks (see scripts/pip_audit.py for what happens offline)
security: $(STAMP)
	$(VENV)/bin/bandit -q -c pyproject.toml -r core cartera coactiva tramites ventanilla scripts
	$(PY) scripts/pip_audit.py

typecheck: $(STAMP)
	$(VENV)/bin/mypy core cartera coactiva tramites ventanilla

pytest: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## worker / beat: a real Celery worker and scheduler (needs CELERY_BROKER_URL)
worker: $(STAMP)
	$(VENV)/bin/celery -A ventanilla worker --loglevel INFO --concurrency 2 -Q ventanilla,correo,documentos,lotes

beat: $(STAMP)
	$(VENV)/bin/celery -A ventanilla beat --loglevel INFO --schedule var/celerybeat-schedule

check-deploy: $(STAMP)
	DJANGO_ENV=production SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=ventanilla.iess.gob.ec $(PY) manage.py check --deploy --fail-level WARNING

## lock: regenerate the pinned versions from pyproject.toml
lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	var/lockenv/bin/pip install --quiet . && var/lockenv/bin/pip freeze --exclude-editable | grep -v '^ventanilla' > var/runtime.txt
	var/lockenv/bin/pip install --quiet '.[dev]' && var/lockenv/bin/pip freeze --exclude-editable | grep -v '^ventanilla' > var/all.txt
	{ echo "# Runtime dependencies, exact versions. Regenerate with: make lock"; cat var/runtime.txt; } > requirements.lock
	{ echo "# Development and test dependencies on top of requirements.lock. Regenerate with: make lock"; \
	  echo "-r requirements.lock"; comm -13 <(sort var/runtime.txt) <(sort var/all.txt); } > requirements-dev.lock
	rm -rf var/lockenv

clean:
	rm -rf $(VENV) var
