# Two commands do all the set-up: `make run` starts the app, `make test` passes the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-reading bench-load bench-store clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python app.py

# The real app against the local fake Slack and Zoom, in a page that looks like Slack.
.PHONY: demo
demo: $(STAMP)
	$(BIN)/python demo/run.py $(DEMO_ARGS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -rs $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python bench/reading.py
	$(BIN)/python bench/store.py
	$(BIN)/python bench/load.py

bench-reading: $(STAMP)
	$(BIN)/python bench/reading.py

bench-load: $(STAMP)
	$(BIN)/python bench/load.py

bench-store: $(STAMP)
	$(BIN)/python bench/store.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
