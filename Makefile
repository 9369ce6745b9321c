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

.PHONY: ready figures test test-fast notebooks docs lab data bench bench-figures chromium bytecode lint clean i18n

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -c constraints.txt pip -e '.[dev]'
	touch $@

chromium:
	@scripts/ensure_chromium.sh

# On a fresh machine the two installs overlap: uv downloads and compiles the Python packages while apt
# installs Chromium: 65-71 s one after the other, 46-49 s together (empty caches).
ready:
	@$(MAKE) --no-print-directory -j2 $(STAMP) chromium
	@$(MAKE) --no-print-directory bytecode

# An editable install leaves vizlib uncompiled, and where PYTHONDONTWRITEBYTECODE is set no process
# keeps what it compiles: each CLI run, kernel and test worker compiled vizlib again (0.13 s a process).
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q vizlib

## Regenerate the article figures into figures/, and their Ukrainian edition into figures/uk/.
figures: ready
	$(FRONTLINE_MIRROR) $(BIN)/vizlib figures --out figures --frontline auto
	$(FRONTLINE_MIRROR) $(BIN)/vizlib figures --lang uk --out figures/uk --frontline auto

## Run every test, notebooks included (strict nbval), after the linter and the type checker.
test: ready lint
	$(FRONTLINE_MIRROR) $(BIN)/python -m pytest

## The quick loop while editing (under a minute): no browser, no notebooks, no kernels.
test-fast: lint
	$(BIN)/python -m pytest -p no:nbval -o addopts="-q --doctest-modules -n auto" -m "not browser and not slow" \
		--ignore=tests/test_offline.py --ignore=notebooks -k "not notebooks" tests vizlib

## Re-execute every notebook in place, stored as JupyterLab saves them (the outputs strict nbval checks).
notebooks: ready
	$(FRONTLINE_MIRROR) $(BIN)/python scripts/run_notebooks.py notebooks

## The notebooks as a static site that opens offline, with a PDF of each: build/docs/index.html.
docs: $(STAMP) chromium
	$(BIN)/python scripts/build_docs.py --out build/docs --pdf

## JupyterLab on the notebooks, also as root and with no display: open the http://127.0.0.1 URL it prints.
lab: $(STAMP)
	$(BIN)/jupyter lab --allow-root --ip 127.0.0.1 --no-browser --ServerApp.root_dir=notebooks $(LAB_ARGS)

## Extract every string marked for translation into vizlib/locale/vizlib.pot and merge it into each
## catalog (vizlib/locale/<lang>/LC_MESSAGES/vizlib.po): new strings arrive untranslated, gone ones leave.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F pyproject.toml --ignore-dirs '.*' --add-location file --sort-output \
		--project vizlib --omit-header -o vizlib/locale/vizlib.pot vizlib
	$(BIN)/pybabel update -i vizlib/locale/vizlib.pot -d vizlib/locale -D vizlib -N --ignore-obsolete

## Rebuild data/regions.geojson, data/locator.geojson and data/places.csv from their sources.
data: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[build]'
	$(BIN)/python scripts/build_data.py

## Measure performance against the obvious alternatives; writes benchmarks/results.md.
bench: ready
	$(FRONTLINE_MIRROR) $(BIN)/python benchmarks/run.py

## Each figure's build (cold, warm) and JSON, a season's layers, a big user layer; writes benchmarks/figures.md.
bench-figures: $(STAMP) bytecode
	$(FRONTLINE_MIRROR) $(BIN)/python benchmarks/figures_bench.py

lint: $(STAMP)
	$(BIN)/ruff check vizlib tests scripts benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
