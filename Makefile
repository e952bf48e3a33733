# Puente: every set-up step a fresh machine needs (only Python 3.11 is assumed).
#   make demo   - the demo tenants' DAGs against the vendor sandboxes, then a summary
#   make test   - the whole test suite
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

export AIRFLOW_HOME := $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__EXECUTOR := LocalExecutor
export PUENTE_TENANTS_DIR := $(CURDIR)/include/tenants
# airflow standalone starts its components as `airflow ...` subprocesses: they must find the venv.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install demo test up validate lint bench lock clean

$(BIN)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

install: $(BIN)/.installed

$(AIRFLOW_HOME)/.migrated: $(BIN)/.installed
	mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/migrate.log 2>&1 || (tail -20 $(AIRFLOW_HOME)/migrate.log; exit 1)
	touch $@

demo: $(AIRFLOW_HOME)/.migrated
	$(BIN)/puente validate
	$(BIN)/puente demo --report demo-report.json --settings airflow_settings.yaml

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

up: $(AIRFLOW_HOME)/.migrated
	$(BIN)/puente settings load airflow_settings.yaml
	$(BIN)/python -m puente_sandbox serve --vendor all & \
	trap "kill $$!" EXIT; $(BIN)/airflow standalone

validate: install
	$(BIN)/puente validate

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/run_all.py

lock:
	$(BIN)/uv pip compile requirements.txt --python-version 3.11 -q --no-header -o requirements.lock

clean:
	rm -rf $(VENV) $(AIRFLOW_HOME) demo-report.json
