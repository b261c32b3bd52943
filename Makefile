# Two commands on a fresh machine: `make serve` and `make test`.
SHELL := /bin/bash
export NO_MKDOCS_2_WARNING := 1
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install build serve dev test bench chromium graphviz clean

$(PY_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(PY_STAMP) $(NODE_STAMP)

# Debian's Chromium for Playwright (it cannot download its own browser here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "chromium missing: run 'sudo apt-get install -y chromium'" >&2; exit 1; fi; \
	fi

# Debian's Graphviz: `dot` draws the rules flowcharts at build time (py_tools/publications/flowchart.py).
graphviz:
	@if ! command -v dot >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q graphviz; \
	  else echo "graphviz missing: run 'sudo apt-get install -y graphviz'" >&2; exit 1; fi; \
	fi

# mkdocs build --strict; the build hook validates the trees, writes the engine
# bundle and copies the Pyodide runtime from node_modules into site/.
build: install graphviz
	$(PY) -m mkdocs build --strict --quiet

serve: build
	@echo "Serving on http://$(HOST):$(PORT)/"
	$(PY) -m py_tools serve --dir site --host $(HOST) --port $(PORT)

# Live editing: MkDocs' live-reload server over docs/, decision_trees/ and overrides/;
# slow build steps skipped (no boot snapshot, no .gz copies); rule errors with file:line
# in the terminal and on the page. Not for publishing: use `make build` / `make serve`.
dev: install graphviz
	DA_DEV=1 $(PY) -m mkdocs serve --livereload -a $(HOST):$(PORT) -w decision_trees -w overrides

test: install chromium graphviz
	$(PY) -m pytest

bench: install chromium graphviz build
	$(PY) tests/bench.py

clean:
	rm -rf site .pytest_cache
