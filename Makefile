# The two set-up commands of the README: `make run` and `make test`.
# `make run` installs what the bot needs at run time (with the PostgreSQL driver);
# `make test` adds the test and lint tools (pytest, ruff, hypothesis ...) and the benchmarks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench image translations clean

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

# After changing reply strings: extract them, merge them into each language's .po (then
# translate the new entries there), and compile the .mo files that ship in the wheel.
translations: $(TEST_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
		--project newsbot -o bot/locale/newsbot.pot bot
	$(BIN)/pybabel update -i bot/locale/newsbot.pot -d bot/locale -D newsbot \
		--width 100 --ignore-obsolete
	$(BIN)/pybabel compile -d bot/locale -D newsbot --statistics

clean:
	rm -rf $(VENV) .pytest_cache build dist
