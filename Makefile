# Two commands: `make run` serves the gateway on the embedded defaults; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Extras for `make test`; CI adds `ml` (local transformer models): EXTRAS=dev,ml make test
EXTRAS ?= dev

.PHONY: run test migrate bench bench-quality clean check-python

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "gateway needs Python 3.11 or newer (set PYTHON=...)")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-$(EXTRAS): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[$(EXTRAS)]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/gateway migrate
	$(BIN)/gateway serve --host $(HOST) --port $(PORT)

migrate: $(VENV)/.installed-run
	$(BIN)/gateway migrate

test: $(VENV)/.installed-$(EXTRAS)
	@$(BIN)/python -c 'import transformers, torch' 2>/dev/null || \
		echo "make test: the ml extra is not installed, so the transformers-model tests skip (EXTRAS=dev,ml make test runs them)"
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-$(EXTRAS)
	$(BIN)/python bench/tokens.py
	$(BIN)/python bench/ratelimit.py

# Independent evaluation (issue #13): our engine vs Presidio on corpora this project did not write.
$(VENV)/.installed-bench-quality: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	@touch $@

bench-quality: $(VENV)/.installed-bench-quality
	PYTHONPATH=. $(BIN)/python bench/independent.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
