# The two commands of the README: `make run` and `make test`. Both create the virtualenv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: set up and start the panel on the embedded default (SQLite + in-process workers) with demo data
run: $(STAMP)
	$(BIN)/panel migrate
	$(BIN)/panel serve --demo

## lint: ruff, the import-linter layer contract, mypy --strict over every package, the compose file
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	scripts/check-compose

## test: set up, make sure PostgreSQL and Redis run, lint, then the whole test suite
test: $(STAMP)
	scripts/ensure-services
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis panel.db panel.db-*
