# mti_nb: one command to run the main job, one to run the tests. Both set themselves up.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# notebook tests run the studies in their smoke profile and keep their outputs out of results/
TEST_PROFILE ?= smoke
WORKERS ?= 2

.PHONY: help venv test demo export clean-nbs check-export check-clean test-notebooks browser-check

help:
	@echo "make demo   - run the main job (nbs/ablation_scales.ipynb on the synthetic benchmark)"
	@echo "make test   - export check, clean-notebook check, and every notebook's tests"
	@echo "make export - nbdev_export nbs/ -> mti_nb/ ;  make clean-nbs - strip outputs from nbs/"
	@echo "make browser-check - run nbs/attention_masks.ipynb in JupyterLab + headless Chromium, screenshot to results/"

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

test-notebooks: venv
	MTI_NB_PROFILE=$(TEST_PROFILE) $(BIN)/python tools/test_notebooks.py --workers $(WORKERS)

test: venv check-export check-clean test-notebooks

demo: venv
	@test -f nbs/ablation_scales.ipynb || { echo "nbs/ablation_scales.ipynb does not exist yet: the studies (issue 'Studies') have not landed. Nothing to run." >&2; exit 1; }
	$(BIN)/papermill nbs/ablation_scales.ipynb out.ipynb

# a real-browser check of the attention-mask explorer (not part of `make test`: it installs Debian's chromium)
browser-check: venv
	bash tools/browser_check.sh
