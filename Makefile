# The two set-up commands of the README: `make run` and `make test`.
# `make run` installs what the bot needs at run time (with the PostgreSQL driver);
# `make test` adds the test and lint tools (pytest, ruff, hypothesis ...) and the benchmarks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench image clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[postgres]"
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres,bench]"
	touch $@

run: $(RUN_STAMP)
	$(BIN)/newsbot run

test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

image:
	scripts/build-image.sh

clean:
	rm -rf $(VENV) .pytest_cache build dist
