# Two commands: `make run` and `make test`. Everything else is a helper for them.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MO := locales/nl/LC_MESSAGES/instap.mo locales/en/LC_MESSAGES/instap.mo

.PHONY: run test lint fmt extract update compile check bench clean

run: $(STAMP) compile
	$(BIN)/instap run --demo-data

test: $(STAMP) compile
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: lint test

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Translations: extract the msgids from the code, merge them into the catalogs, compile.
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ --no-location --sort-output \
		--project=instap --copyright-holder="Instap" -o locales/instap.pot .

update: extract
	$(BIN)/pybabel update -D instap -i locales/instap.pot -d locales --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python locales/copy_source.py
	@echo "Now translate the new empty entries in locales/en/LC_MESSAGES/instap.po"

compile: $(STAMP) $(MO)

locales/%/LC_MESSAGES/instap.mo: locales/%/LC_MESSAGES/instap.po
	$(BIN)/pybabel compile -D instap -d locales -l $*

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
