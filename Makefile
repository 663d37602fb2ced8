# Two commands do all the set-up themselves on a fresh machine:
#   make run    installs the runtime into .venv and starts the dashboard
#   make test   installs the test tools into .venv and runs lint, layer contracts and tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# axe-core, for the browser test's accessibility check (tests/browser/test_browser.py reads it from here)
AXE := .cache/npm/node_modules/axe-core/axe.min.js

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Installed once from npm; without npm (or offline) the accessibility test skips and says why,
# or fails when RASSO_REQUIRE_BROWSER=1 (CI).
$(AXE):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --no-save --no-audit --no-fund --silent --prefix .cache/npm axe-core@4 \
	    || echo "axe-core could not be installed from npm: the accessibility test will skip"; \
	else echo "npm not found: the accessibility test will skip (apt-get install -y npm)"; fi

# `streamlit run dashboard.py` with the same options, warming the pages before the first visitor
# (components/serve.py; RASSO_WARM_CACHES=0 starts it cold)
run: $(VENV)/.runtime
	$(BIN)/python -m components.serve --server.port $(PORT)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Two workers for every tier but the browser's (2 cores; the suite is over 3,000 tests) and, beside
# them, the browser tests one at a time: each starts a server and Chromium and mostly waits for
# them, so they fill the time the others leave. Their report follows the others' (the file
# .cache/browser-tests.log holds it); the command fails if either run fails.
test: lint $(AXE)
	@mkdir -p .cache
	@$(BIN)/python -m pytest -q -m browser -p no:cacheprovider > .cache/browser-tests.log 2>&1 & browser=$$!; \
	trap 'kill $$browser 2>/dev/null' INT TERM; \
	$(BIN)/python -m pytest -q -n 2 --dist worksteal -m "not browser"; others=$$?; \
	wait $$browser; browsed=$$?; \
	echo; echo "Browser tests (tests/browser, run beside the others):"; cat .cache/browser-tests.log; \
	test $$others -eq 0 && test $$browsed -eq 0

# The full-scale benchmark (2 million cases; minutes): report in benchmarks/report-sqlite-2000000.md
bench: $(VENV)/.dev
	$(BIN)/python -m cli bench

clean:
	rm -rf $(VENV) .cache rasso.sqlite rasso.sqlite-wal rasso.sqlite-shm
