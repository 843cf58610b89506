# Cadence — `make run` starts everything with the demo; `make test` runs every test tier.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
PACKAGES := libs/contracts libs/platform libs/demo libs/cli $(sort $(wildcard services/*)) gateway
PYPROJECTS := $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
STATE_DIR ?= .run
export CADENCE_DATA_DIR ?= $(abspath ../shared/data)
export CADENCE_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/cadence
export CADENCE_NATS_URL ?= nats://127.0.0.1:4222

.DEFAULT_GOAL := help
.PHONY: help install run test unit integration e2e lint protos protos-check servers bench dev

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements/lock.txt $(PYPROJECTS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps $(addprefix -e ,$(PACKAGES))
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install every package (pinned by requirements/lock.txt)

run: install ## start PostgreSQL/NATS if needed, every service, the gateway and the demo; Ctrl-C stops
	$(BIN)/cadence dev up

servers: install ## start PostgreSQL and nats-server unless they already answer
	$(BIN)/python -m cadence_cli.servers ensure --database-url $(CADENCE_DATABASE_URL) --nats-url $(CADENCE_NATS_URL) --state-dir $(STATE_DIR)

test: install protos-check servers ## everything CI runs: drift check, unit, integration and e2e tests
	$(BIN)/python -m pytest -q

unit: install ## unit tests only (no servers)
	$(BIN)/python -m pytest -q -m "not integration and not e2e"

integration: install servers ## integration tests on real PostgreSQL and NATS
	$(BIN)/python -m pytest -q -m integration

e2e: install servers ## end-to-end tests through the gateway
	$(BIN)/python -m pytest -q -m e2e

lint: install ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy libs/platform/src libs/cli/src services/*/src gateway/src

protos: install ## regenerate libs/contracts from protos/
	$(BIN)/python scripts/gen_protos.py

protos-check: install ## fail when libs/contracts differs from what protos/ generates
	$(BIN)/python scripts/gen_protos.py --check

bench: install servers ## benchmarks, printed as a table
	$(BIN)/python -m bench

dev: ## build images and deploy the chart with skaffold (needs a cluster)
	skaffold dev
