# The two commands of the README: `make figures` and `make test`.
# Both create .venv, install vizlib with its extras, and make sure a Chromium exists.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The committed figures draw the control areas of their date from the local mirror of DeepStateMap's
# archive beside the checkout when it is there (never copied into the project); elsewhere
# `--frontline auto` fetches them once into the per-user cache, or says the front line is not drawn.
MIRROR := $(abspath ../shared/data/frontline)
FRONTLINE_MIRROR := $(if $(wildcard $(MIRROR)/archive),VIZLIB_DEEPSTATE_ARCHIVE_URL=$(MIRROR)/archive VIZLIB_DEEPSTATE_EXPORT_URL=$(MIRROR))

.PHONY: figures test notebooks data bench chromium lint clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

chromium:
	@scripts/ensure_chromium.sh

## Regenerate the article figures into figures/.
figures: $(STAMP) chromium
	$(FRONTLINE_MIRROR) $(BIN)/vizlib figures --out figures --frontline auto

## Run every test, notebooks included (strict nbval), after the linter.
test: $(STAMP) chromium
	$(BIN)/ruff check vizlib tests scripts benchmarks
	$(BIN)/python -m pytest

## Re-execute every notebook in place (stored outputs are what nbval checks).
notebooks: $(STAMP)
	$(BIN)/python scripts/run_notebooks.py notebooks

## Rebuild data/regions.geojson, data/locator.geojson and data/places.csv from their sources.
data: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[build]'
	$(BIN)/python scripts/build_data.py

## Measure performance against the obvious alternatives; writes benchmarks/results.md.
bench: $(STAMP) chromium
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check vizlib tests scripts benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
