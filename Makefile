# Spotify ML Workbook. Two commands: `make lab` (open the course) and `make test` (run every test).
# Both create .venv with Python 3.11 if it is missing and install the pinned requirements.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
PORT   ?= 8888
export SPOTIFY_ML_RESULTS ?= $(CURDIR)/results

.PHONY: lab test run student bench clean-results help

help:
	@echo "make lab     open JupyterLab on notebooks/ (installs .venv first if needed)"
	@echo "make test    unit tests + every notebook under nbval (set SPOTIFY_ML_DATA to use a local data folder)"
	@echo "make run     execute every notebook headless with papermill into output/"
	@echo "make student write student copies (solutions removed) into student/"
	@echo "make bench   run every notebook once, recording wall time and metrics in results/benchmark.json"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11 is needed; set PYTHON=/path/to/python3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade "pip>=24"
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --port=$(PORT)

test: $(STAMP)
	rm -rf $(SPOTIFY_ML_RESULTS) && mkdir -p $(SPOTIFY_ML_RESULTS)
	$(BIN)/python -m pytest

run: $(STAMP)
	mkdir -p output
	for nb in notebooks/[0-9][0-9]_*.ipynb; do \
	  $(BIN)/papermill --cwd notebooks "$$nb" "output/$$(basename $$nb)" || exit 1; \
	done

student: $(STAMP)
	$(BIN)/python tools/make_student.py notebooks student

bench: $(STAMP)
	$(BIN)/python tools/benchmark.py

clean-results:
	rm -rf results output student
