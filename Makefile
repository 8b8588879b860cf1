# The two commands: `make run` and `make test`. Everything else is a helper of those two.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint validate coverage bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

## run: install, validate the shipped bank, then start the exam app (SQLite under ./var/)
run: $(STAMP)
	-$(BIN)/qbank validate | tail -n 1
	$(BIN)/qbank serve $(if $(PORT),--port $(PORT),)

## test: install with dev dependencies, run ruff and the whole pytest suite
test: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/validate_bench.py
	$(BIN)/python benchmarks/assembly_bench.py
	$(BIN)/python benchmarks/delivery_bench.py
	$(BIN)/python benchmarks/report_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache benchmarks/out
