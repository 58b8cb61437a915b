# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Both create .venv (if missing) and install flowmap into it first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= out
# The sample inventory's dates are set for this day, so the demo's output is reproducible.
DEMO_AS_OF ?= 2026-11-01

.PHONY: demo test test-fast bench clean check-python

check-python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "flowmap needs Python 3.11 or newer: install it (e.g. apt-get install python3 python3-venv) or run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "flowmap needs Python 3.11 or newer, but $(PYTHON) is $$($(PYTHON) -c 'import platform; print(platform.python_version())'): install 3.11+ and run make PYTHON=python3.11"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "Python's venv module is missing: install it (e.g. apt-get install python3-venv)"; exit 1; }

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	@mkdir -p $(OUT)
	$(BIN)/flowmap validate inventories/sample --as-of $(DEMO_AS_OF) --problems $(OUT)/validation.csv
	$(BIN)/flowmap export inventories/sample --format graphml --out $(OUT)/graph.graphml
	$(BIN)/flowmap analyse inventories/sample --as-of $(DEMO_AS_OF) --out $(OUT) --quiet --formats all
	$(BIN)/flowmap map inventories/sample --out $(OUT)/map.html --as-of $(DEMO_AS_OF)
	$(BIN)/flowmap report inventories/sample --out $(OUT)/report --as-of $(DEMO_AS_OF)
	$(BIN)/flowmap ropa inventories/sample --out $(OUT)/ropa --as-of $(DEMO_AS_OF)
	$(BIN)/flowmap agreements inventories/sample --out $(OUT)/agreements --as-of $(DEMO_AS_OF)
	$(BIN)/flowmap check-flow inventories/sample --out $(OUT)/check-flow --as-of $(DEMO_AS_OF) --quiet
	$(BIN)/flowmap dspt inventories/sample --out $(OUT)/dspt --as-of $(DEMO_AS_OF)
	$(BIN)/flowmap import scan inventories/sample/scans --inventory inventories/sample --out $(OUT)/imported --org RXA --add-unmatched --as-of $(DEMO_AS_OF)
	$(BIN)/flowmap import sheet inventories/sample/registers/ropa-dspt-1.1.2.csv --mapping dspt-1.1.2 --set org=RXA --inventory $(OUT)/imported --out $(OUT)/imported-register --as-of $(DEMO_AS_OF)
	@echo "Demo outputs are in $(OUT)/"

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

# The unit tests only (no browsers, no notebook runs): for quick checks while working.
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -m "not browser and not notebook"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/analyse_process.py --orgs 1000 --repeat 5
	$(BIN)/python benchmarks/read_floor.py --repeat 5
	$(BIN)/python benchmarks/plan_region.py
	$(BIN)/python benchmarks/import_scan.py
	$(BIN)/python benchmarks/import_sheet.py
	$(BIN)/python benchmarks/alert.py --orgs 1000
	$(BIN)/python benchmarks/excel_region.py
	$(BIN)/python benchmarks/report_region.py --orgs 100 --skip pdf

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis
