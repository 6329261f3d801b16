# mti_nb: one command to run the main job, one to run the tests. Both set themselves up.
SHELL := /bin/bash
comma := ,
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# notebook tests run the studies in their smoke profile and keep their outputs out of results/
TEST_PROFILE ?= smoke
WORKERS ?= 2

# `make demo` trains the main job for real into a fresh folder (REUSE=1: no training, the table made from the committed
# run records as a report, on any CPU, in their precision). Where this machine could not train the committed table
# again bit for bit (tools/demo_mode.py: a CPU without AVX512-BF16/AMX, a GPU) it does as REUSE=1 and says why;
# TRAIN=1 trains anyway. Only 1, yes or true sets REUSE or TRAIN.
ifndef DEMO_OUT
DEMO_OUT := out/demo-$(shell date +%Y%m%d-%H%M%S)
endif
REUSE ?=
TRAIN ?=
is_set = $(filter 1 yes true,$(1))
DEMO_PRECISION = $(shell $(PY) -c "import json; print(json.load(open('results/ablation_scales.json')).get('precision') or 'fp32')" 2>/dev/null || echo fp32)
# the runs train two at a time, one thread each: the committed demo records were made so (results depend on threads)
DEMO_PARALLEL ?= 2

.PHONY: help venv test demo demo-out check-results export clean-nbs check-export check-clean check-imports test-notebooks nbdev-test browser-check

help:
	@echo "make demo   - train the main job (Table 3, nbs/ablation_scales.ipynb, synthetic benchmark) into a fresh"
	@echo "              out/demo-<time>/ and compare it with results/ablation_scales.csv (REUSE=1: from the committed run records, nothing trained;"
	@echo "              so too where this machine could not train it bit for bit, e.g. a CPU without AVX512-BF16: TRAIN=1 trains anyway)"
	@echo "make check-results - make every committed table again from its run records (nothing trained) and compare"
	@echo "              it byte for byte (tools/check_results.py; results/ and results/study/)"
	@echo "make test   - export check, clean-notebook check, import graph (no cycles), and every notebook's tests"
	@echo "make nbdev-test - the same notebook tests through nbdev_test (smoke profile, temporary results)"
	@echo "make export - nbdev_export nbs/ -> mti_nb/ ;  make clean-nbs - strip outputs from nbs/"
	@echo "make browser-check - run nbs/attention_masks.ipynb in JupyterLab + headless Chromium, screenshot (smoke: a temp folder)"

$(STAMP): settings.ini setup.py
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

export: venv
	$(BIN)/nbdev_export

clean-nbs: venv
	$(BIN)/nbdev_clean

check-export: venv
	$(BIN)/python tools/check_project.py export

check-clean: venv
	$(BIN)/python tools/check_project.py clean

# the library's import graph: no cycle (lazy imports included), no module over 400 lines
check-imports:
	$(PY) tools/import_graph.py --quiet --max-lines 400

test-notebooks: venv
	MTI_NB_PROFILE=$(TEST_PROFILE) $(BIN)/python tools/test_notebooks.py --workers $(WORKERS)

test: venv check-export check-clean check-imports test-notebooks

# what an nbdev user types; under nbdev's runner (IN_TEST) studies also run `smoke` into a temporary results folder
nbdev-test: venv
	env -u MTI_NB_RESULTS $(BIN)/nbdev_test --n_workers $(WORKERS)   # a user's results folder is not the tests'

# the folder is checked (and made) before the demo decides anything: a prerequisite runs before a recipe is expanded
demo-out: venv
	@$(BIN)/python tools/demo_out.py $(DEMO_OUT)

demo: demo-out
	$(if $(and $(call is_set,$(REUSE)),$(call is_set,$(TRAIN))),$(error make demo: REUSE=1 (read the committed records) and TRAIN=1 (train) contradict each other: give one))
	$(eval DEMO_MODE := $(if $(call is_set,$(REUSE)),reuse,$(shell $(BIN)/python tools/demo_mode.py results/ablation_scales.csv $(DEMO_OUT) $(if $(call is_set,$(TRAIN)),--train) || echo error)))
	$(if $(and $(filter 1,$(words $(DEMO_MODE))),$(filter reuse train,$(DEMO_MODE))),,$(error make demo: could not tell whether this machine can train the committed table (above); REUSE=1 or TRAIN=1 decides))
	$(eval DEMO_REUSE := $(filter reuse,$(DEMO_MODE)))
	@echo "make demo: nbs/ablation_scales.ipynb -> $(DEMO_OUT)/ ($(if $(DEMO_REUSE),the committed run records read as a report: nothing trained$(comma) any CPU,every run trained: about 6 min on a 2-core CPU with AVX512-BF16$(comma) about 31 min in fp32 without))" >&2
	$(if $(DEMO_REUSE),,$(BIN)/mti_nb_study ablation_scales --profile demo -p out_dir $(abspath $(DEMO_OUT)) \
		--executor local --parallel $(DEMO_PARALLEL) --threads 1)
	$(BIN)/papermill --log-output --no-progress-bar nbs/ablation_scales.ipynb $(DEMO_OUT)/ablation_scales.ipynb \
		-p profile demo -p out_dir $(abspath $(DEMO_OUT))$(if $(DEMO_REUSE), -p reuse True -p train False -p precision $(DEMO_PRECISION))
	@$(BIN)/python tools/compare_results.py $(DEMO_OUT)/ablation_scales.csv results/ablation_scales.csv

# every committed table made again from its records, in a copy, as a report (nothing is trained): byte for byte?
check-results: venv
	$(BIN)/python tools/check_results.py

# a real-browser check of the attention-mask explorer (not part of `make test`: it installs Debian's chromium)
browser-check: venv
	bash tools/browser_check.sh
