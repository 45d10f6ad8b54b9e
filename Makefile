# One command to run the system, one to test it; both set up their own virtual environment.
# Running installs only what the system needs; the test toolchain (the `dev` extra) comes with
# the first `make test`, `make lint` or `make bench`. A stamp file in the environment records
# each install and is remade when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-dev run test lint bench clean

$(RUNTIME_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): $(RUNTIME_STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

run: install
	$(BIN)/intake serve --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install-dev
	$(BIN)/python benchmarks/eval_tcga.py

clean:
	rm -rf $(VENV) .intake .pytest_cache
