# The README's two commands: `make run` (main job on embedded defaults) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test test-quick lint bench eval quality fingerprints corpus-model

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

## Main job: load the demo inbox into its own SQLite store (your own store stays untouched) and
## serve the screener on http://127.0.0.1:8000 (Ctrl-C stops it).
DEMO_DB ?= sqlite:///$(CURDIR)/.demo/kontaktfilter.db
HOST ?= 127.0.0.1
PORT ?= 8000
run: setup
	$(BIN)/kontaktfilter --db $(DEMO_DB) demo
	$(BIN)/kontaktfilter --db $(DEMO_DB) serve --host $(HOST) --port $(PORT)

## Everything CI runs: lint, format check, the layer contract (import-linter), the whole test
## suite (slow tests included: Chromium browser tests with axe-core's accessibility check,
## schemathesis), the store and API tests against SQLite and a throwaway PostgreSQL cluster
## (scripts/with-postgres).
test: setup lint
	scripts/ensure-system-packages
	scripts/ensure-axe
	KONTAKTFILTER_REQUIRE_PG=1 scripts/with-postgres $(BIN)/pytest -q

## A quick local run without the slow suites (and without PostgreSQL unless KONTAKTFILTER_TEST_PG).
test-quick: setup
	$(BIN)/pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## Quality on real text (docs/quality.md): out of fold by source, beside the TF-IDF peer, and
## what the user's learner adds.
quality: setup
	$(BIN)/kontaktfilter eval eval/real/*.jsonl --group-by source \
		--own 'tests/fixtures/dev_*.jsonl' --baseline
	$(BIN)/kontaktfilter eval eval/real/*.jsonl --learning-curve --group-by source \
		--own 'tests/fixtures/dev_*.jsonl'

## Behaviour on the team's own held-out set (not a quality figure).
eval: setup
	$(BIN)/kontaktfilter eval eval/requests.jsonl

bench: setup
	$(BIN)/python bench/bench_scoring.py
	$(BIN)/python bench/bench_templates.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_serve.py
	$(BIN)/python bench/bench_learning.py

## Refit the combiner (the corpus model) on the real labelled requests of eval/real/, with the
## team's own sets at a low weight (after changing lexicons, signals or data;
## tests/test_corpus_model.py says when). eval/requests.jsonl never trains.
corpus-model: setup
	$(BIN)/python -m kontaktfilter.learning.corpus_training eval/real/*.jsonl \
		--own tests/fixtures/dev_*.jsonl --output src/kontaktfilter/data/corpus_model.npz

## Rebuild the shipped known-template fingerprints from corpus/templates.jsonl.
fingerprints: setup
	$(BIN)/kontaktfilter fingerprints export corpus/templates.jsonl --each \
		-o src/kontaktfilter/data/fingerprints.json
