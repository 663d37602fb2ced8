# Two commands do all the set-up themselves on a fresh machine:
#   make run    installs the runtime into .venv and starts the dashboard
#   make test   installs the test tools into .venv and runs lint, layer contracts and tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

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

run: $(VENV)/.runtime
	$(BIN)/streamlit run dashboard.py --server.port $(PORT)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

bench: $(VENV)/.runtime
	$(BIN)/python -m benchmarks.core

clean:
	rm -rf $(VENV) rasso.sqlite rasso.sqlite-wal rasso.sqlite-shm
