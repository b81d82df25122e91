# Every target creates .venv and installs what it needs on first use: `make demo` the project
# alone, every other target the project with its development extras. Both install the exact
# versions of requirements/dev.txt, so a fresh machine tests what CI tests; `make lock`
# refreshes that file deliberately (`pip install marketsim` itself stays unpinned).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_STAMP := $(VENV)/.demo-stamp
STAMP := $(VENV)/.installed-stamp
LOCK := requirements/dev.txt
PIP_VERSION := 26.3

.PHONY: demo test lock fuzz lint update-baseline bench docs site validation robustness calibration crackdown clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet pip==$(PIP_VERSION)

$(DEMO_STAMP): pyproject.toml $(LOCK) | $(PY)
	$(PY) -m pip install --quiet -c $(LOCK) -e .
	touch $(DEMO_STAMP)

$(STAMP): pyproject.toml $(LOCK) | $(PY)
	$(PY) -m pip install --quiet -c $(LOCK) -e ".[dev]"
	touch $(STAMP) $(DEMO_STAMP)

demo: $(DEMO_STAMP)  ## run the baseline for 10 years: summary table, out/baseline.csv, out/baseline.png
	$(VENV)/bin/marketsim demo --out out

test: $(STAMP)  ## the whole test suite (CI runs exactly this)
	$(PY) -m pytest -n 2 -q

lock:  ## resolve the newest versions in a scratch venv and write them to requirements/dev.txt
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet pip==$(PIP_VERSION) && .lock-venv/bin/python -m pip install --quiet -e ".[dev]"
	{ echo "# Exact versions for make demo / make test / CI, written by make lock on $$(date +%F)."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^marketsim'; } > $(LOCK).tmp && mv $(LOCK).tmp $(LOCK)
	rm -rf .lock-venv

fuzz: $(STAMP)  ## the property suite's long profile: FUZZ_EXAMPLES (default 2000) random parameter sets, about half run 156-260 weeks; report in out/fuzz.json
	MARKETSIM_HYPOTHESIS_PROFILE=fuzz FUZZ_REPORT=$${FUZZ_REPORT:-out/fuzz.json} $(PY) -m pytest tests/property -q -p no:xdist --hypothesis-show-statistics

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests experiments benchmarks

update-baseline: $(STAMP)  ## deliberately regenerate tests/regression/baseline.json
	$(PY) tests/regression/update_baseline.py

bench: $(STAMP)  ## speed and memory targets, run on demand (not in CI)
	$(PY) benchmarks/bench_step.py --stages --scaling
	$(PY) benchmarks/bench_memory.py

docs: $(STAMP)  ## regenerate docs/parameters.md from the parameter declarations
	$(VENV)/bin/marketsim params --markdown > docs/parameters.md

site: $(STAMP)  ## build the documentation site into site/ (notebooks executed, warnings are errors)
	$(VENV)/bin/mkdocs build --strict

validation: $(STAMP)  ## rerun the stylized facts; rewrite docs/validation.md and its figures; test them by the report's rules
	$(PY) experiments/validation_report.py
	$(PY) -m pytest tests/behaviour -m slow -q -p no:xdist

robustness: $(STAMP)  ## facts and policy rankings over every declared uncertainty; rewrite docs/robustness.md
	$(PY) experiments/robustness.py

calibration: $(STAMP)  ## calibrate the generic city to the default targets file; rewrite docs/calibration.md
	$(PY) experiments/calibration_report.py

crackdown: $(STAMP)  ## a local crackdown: displacement or diffusion of benefits; rewrite docs/local_crackdown.md
	$(PY) experiments/local_crackdown.py

clean:
	rm -rf $(VENV) out build dist site .cache .pytest_cache .ruff_cache
	find src \( -name '*.nbi' -o -name '*.nbc' \) -delete  # numba's cache of the compiled kernels
