# polterm: `make run` opens the UI on the demo district, `make test` runs everything CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= .data/demo.db
PACKAGES := -e '.[test]' -e 'plugins/clinton_6310[test]' -e 'plugins/p1471_conferences[test]'

.PHONY: run test lint bench install clean

$(STAMP): pyproject.toml plugins/clinton_6310/pyproject.toml plugins/p1471_conferences/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PACKAGES)
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@mkdir -p $(dir $(DEMO_DB))
	@test -f $(DEMO_DB) || $(BIN)/polterm --db $(DEMO_DB) demo --no-tui
	$(BIN)/polterm --db $(DEMO_DB)

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest -n 2

# ~25 min on 2 cores once benchmarks/out/ holds the demo districts (built once, ~10 min more);
# one part: $(BIN)/python -m benchmarks --only search,import,walk --sizes 100000,1000000
bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .data
