# `make demo` runs the main job on the seeds; `make test` runs every check.
# Both work on a fresh machine with Python 3.11: the venv is created when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint notebooks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/policykg build seeds --out out
	$(BIN)/policykg view --graph out/graph.ttl --out out/graph.html
	$(BIN)/policykg query policy-projects-money --graph out/graph.ttl
	@echo "graph: out/graph.ttl (also out/graph.trig, out/graph.nt, out/graph.jsonld); view: out/graph.html"

# mypy follows import names, not setuptools' package-dir: it checks the package `policykg` in a tree of
# links that puts loaders/, graph/ and ontology/ where their import names say (policykg/loaders, …).
MYPY_TREE := $(VENV)/mypy-tree
lint: $(STAMP)
	$(BIN)/ruff check policykg loaders graph ontology tests bench
	rm -rf $(MYPY_TREE) && mkdir -p $(MYPY_TREE)/policykg
	for f in policykg/*; do ln -s "$(CURDIR)/$$f" $(MYPY_TREE)/policykg/; done
	for d in loaders graph ontology; do ln -s "$(CURDIR)/$$d" $(MYPY_TREE)/policykg/$$d; done
	cd $(MYPY_TREE) && $(CURDIR)/$(BIN)/mypy --strict --ignore-missing-imports --cache-dir $(CURDIR)/.mypy_cache -p policykg

# JupyterLab on the notebooks (installs the notebooks extra first)
notebooks: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	$(BIN)/jupyter lab notebooks

# The browser test drives Debian's chromium (never a downloaded browser); CI runs as root.
test: $(STAMP) lint
	command -v chromium || (apt-get update && apt-get install -y chromium)
	# OCR of scans (Tesseract with its Simplified Chinese data) and a CJK font to draw the test scans
	(command -v tesseract && tesseract --list-langs | grep -qx chi_sim && fc-list | grep -qi wqy) || \
		(apt-get update && apt-get install -y tesseract-ocr tesseract-ocr-chi-sim fonts-wqy-microhei)
	$(BIN)/pytest

clean:
	rm -rf out .pytest_cache
