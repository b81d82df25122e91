# Every target creates .venv and installs what it needs on first use: `make demo` the project
# alone, every other target the project with its development extras.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_STAMP := $(VENV)/.demo-stamp
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test fuzz lint update-baseline bench docs site validation crackdown clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $(DEMO_STAMP)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP) $(DEMO_STAMP)

demo: $(DEMO_STAMP)  ## run the baseline for 10 years: summary table, out/baseline.csv, out/baseline.png
	$(VENV)/bin/marketsim demo --out out

test: $(STAMP)  ## the whole test suite (CI runs exactly this)
	$(PY) -m pytest -n 2 -q

fuzz: $(STAMP)  ## the property suite's long profile: FUZZ_EXAMPLES (default 2000) random parameter sets
	MARKETSIM_HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/property -q -p no:xdist --hypothesis-show-statistics

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests experiments benchmarks

update-baseline: $(STAMP)  ## deliberately regenerate tests/regression/baseline.json
	$(PY) tests/regression/update_baseline.py

bench: $(STAMP)  ## speed targets, run on demand (not in CI)
	$(PY) benchmarks/bench_step.py

docs: $(STAMP)  ## regenerate docs/parameters.md from the parameter declarations
	$(VENV)/bin/marketsim params --markdown > docs/parameters.md

site: $(STAMP)  ## build the documentation site into site/ (notebooks executed, warnings are errors)
	$(VENV)/bin/mkdocs build --strict

validation: $(STAMP)  ## rerun the stylized facts; rewrite docs/validation.md and its figures
	$(PY) experiments/validation_report.py

crackdown: $(STAMP)  ## a local crackdown: displacement or diffusion of benefits; rewrite docs/local_crackdown.md
	$(PY) experiments/local_crackdown.py

clean:
	rm -rf $(VENV) out build dist site .cache .pytest_cache .ruff_cache
