# pusleplan: `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint texts clean cluster

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	test -f pusleplan.db || $(BIN)/pusleplan init-demo
	$(BIN)/pusleplan serve

# The multi-team set on one machine: Redis and PostgreSQL (Debian's packages, temporary directories), 2 API
# processes and 2 solve workers (docs/deploy.md). Ctrl-C stops it all.
cluster: $(STAMP)
	BIN=$(BIN) scripts/cluster

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pytest -q -m bench tests/benchmarks -p no:cacheprovider -s

# The checks that keep the house standing: style, types, and the layers (api → planner → solver).
lint: $(STAMP)
	$(BIN)/ruff check solver planner api tests
	$(BIN)/ruff format --check solver planner api tests
	$(BIN)/mypy solver planner api
	$(BIN)/lint-imports

# Every text of the code and templates (babel.cfg) into the Danish catalogue: new ones arrive with an
# empty (or a fuzzy, guessed) msgstr for a maintainer to write; removed ones are dropped.
texts: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -c Translators: --project=pusleplan -w 100 -o $(VENV)/pusleplan.pot .
	$(BIN)/pybabel update -i $(VENV)/pusleplan.pot -d planner/locale -D pusleplan -l da -w 100 --ignore-obsolete

clean:
	rm -rf $(VENV) out .pytest_cache
