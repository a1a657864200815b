# Patient-handout pipeline. `make build` on a fresh clone sets everything up.
#
# Installs are reproducible: the virtual environment gets exactly the versions (and
# hashes) of the locks, requirements.lock (what `make build` needs) and
# requirements-test.lock (that plus the test tools), made by `make lock` with uv.
PYTHON    ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
PIP       := $(BIN)/python -m pip --quiet --disable-pip-version-check
LOCK      := requirements.lock
TEST_LOCK := requirements-test.lock
RUNTIME_STAMP := $(VENV)/.runtime-stamp
TEST_STAMP    := $(VENV)/.test-stamp
UV        := uv==0.13.9
ROOT      ?= .
N ?= 200
L ?= 3

.PHONY: setup build test test-latest lint extract update status check publish bench bench-po4a dist lock clean

# `make check` must keep the gate's exit codes (0 pass, 1 a check failed, 2 bad input),
# but make turns any failing recipe into its own 2. In question mode (-q) GNU make runs
# only the `+` lines and passes a recipe's exit status 1 through as its own: so a
# `make check` on its own runs in question mode, and the lines it needs carry `+`.
ifeq ($(MAKECMDGOALS),check)
MAKEFLAGS += -q
endif

$(RUNTIME_STAMP): $(LOCK) pyproject.toml
	+test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	+$(PIP) install --require-hashes -r $(LOCK)
	+$(PIP) install --no-deps -e .
	+touch $@

$(TEST_STAMP): $(TEST_LOCK) $(RUNTIME_STAMP)
	$(PIP) install --require-hashes -r $(TEST_LOCK)
	touch $@

setup: $(TEST_STAMP)

## build: the main job on the shipped content (reads source/ and locales/, writes output/)
build: $(RUNTIME_STAMP)
	$(BIN)/handouts -C $(ROOT) lint
	$(BIN)/handouts -C $(ROOT) build

## test: the whole test suite, with ruff (lint and format) and mypy
test: $(TEST_STAMP)
	$(BIN)/ruff check pipeline tests tools
	$(BIN)/ruff format --check pipeline tests tools
	$(BIN)/mypy pipeline
	$(BIN)/python -m pytest

## test-latest: the drift canary: the suite in a throw-away environment with the newest
##              release of every dependency (pyproject.toml's ranges), not the locks
test-latest:
	@set -e; env=$$(mktemp -d); trap 'rm -rf "$$env"' EXIT; \
	$(PYTHON) -m venv "$$env"; \
	"$$env/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade -e '.[test]'; \
	echo "newest releases:"; "$$env/bin/python" -m pip list --format=freeze --exclude-editable \
	  | grep -iE '^(babel|polib|pyyaml|jinja2|markupsafe|wcwidth|weblate-language-data)=='; \
	"$$env/bin/ruff" check pipeline tests tools; "$$env/bin/ruff" format --check pipeline tests tools; "$$env/bin/mypy" pipeline; "$$env/bin/python" -m pytest -q

## lock: regenerate both locks from pyproject.toml (newest versions its ranges allow)
lock:
	test -x .tools/uv/bin/uv || ($(PYTHON) -m venv .tools/uv && .tools/uv/bin/pip install --quiet $(UV))
	.tools/uv/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
	  --generate-hashes --custom-compile-command "make lock" -o $(LOCK)
	.tools/uv/bin/uv pip compile pyproject.toml --extra test --constraint $(LOCK) --universal \
	  --python-version 3.11 --generate-hashes --custom-compile-command "make lock" -o $(TEST_LOCK)

lint: $(RUNTIME_STAMP)
	$(BIN)/handouts -C $(ROOT) lint

## extract: regenerate locales/handouts.pot from source/ and the templates
extract: $(RUNTIME_STAMP)
	$(BIN)/handouts -C $(ROOT) extract

## update: extract, then merge the template into every catalog
update: extract
	$(BIN)/handouts -C $(ROOT) update

status: $(RUNTIME_STAMP)
	$(BIN)/handouts -C $(ROOT) status

## check: the coverage and quality gate; exits as `handouts check` does (0, 1, 2);
##        `make check JUNIT=reports/check.xml FORMAT=markdown` for CI reports
check: $(RUNTIME_STAMP)
	+$(BIN)/handouts -C $(ROOT) check --format $(or $(FORMAT),table) $(if $(JUNIT),--junit $(JUNIT))

## publish: record the editions published now in editions/ (then commit editions/)
publish: $(RUNTIME_STAMP)
	$(BIN)/handouts -C $(ROOT) publish

## dist: build, then zip each locale's published handouts into dist/ (with SHA256SUMS);
##       byte-reproducible: `SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) make dist`
dist: build
	$(BIN)/handouts -C $(ROOT) bundle

bench: $(TEST_STAMP)
	$(BIN)/python -m pipeline.bench --monographs $(N) --locales $(L)

## bench-po4a: the full build against po4a's translate stage on the same corpus, in
##             alternating runs (needs po4a: apt-get install po4a); output/bench-po4a.json
bench-po4a: $(TEST_STAMP)
	$(BIN)/python -m pipeline.bench.po4a --monographs $(N) --pairs 5

clean:
	rm -rf output dist reports .pytest_cache .ruff_cache .mypy_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
