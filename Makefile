# Patient-handout pipeline. `make build` on a fresh clone sets everything up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
N ?= 200
L ?= 3

.PHONY: setup build test lint extract update status check bench dist clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## build: the main job on the shipped content (reads source/ and locales/, writes output/)
build: $(STAMP)
	$(BIN)/handouts lint
	$(BIN)/handouts build

## test: the whole test suite, with ruff
test: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/handouts lint

## extract: regenerate locales/handouts.pot from source/ and the templates
extract: $(STAMP)
	$(BIN)/handouts extract

## update: extract, then merge the template into every catalog
update: extract
	$(BIN)/handouts update

status: $(STAMP)
	$(BIN)/handouts status

## check: coverage and quality gate (exit 1 when a required locale misses handouts.yaml);
##        `make check JUNIT=output/check.xml FORMAT=markdown` for CI reports
check: $(STAMP)
	$(BIN)/handouts check --format $(or $(FORMAT),table) $(if $(JUNIT),--junit $(JUNIT))

## dist: build, then zip each locale's published handouts into dist/ (with SHA256SUMS);
##       byte-reproducible: `SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) make dist`
dist: build
	$(BIN)/handouts bundle

bench: $(STAMP)
	$(BIN)/python -m pipeline.bench --monographs $(N) --locales $(L)

clean:
	rm -rf output dist .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
