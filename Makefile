# The two commands: `make run` and `make test`. Everything else is a helper of those two.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lock bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs come only from the locks (exact versions, sha256 hashes); the project itself is
# installed editable without dependencies, so nothing unlocked can slip in.
$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(DEV_STAMP): requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@ $(STAMP)

## lock: re-resolve requirements.lock and requirements-dev.lock from pyproject.toml (uv)
lock: $(DEV_STAMP)
	$(BIN)/python tools/lock.py

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
