# Spotify ML Workbook. Two commands: `make lab` (open the course) and `make test` (run every test).
# Both create .venv with Python 3.11 if it is missing and install the pinned requirements.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
PORT   ?= 8888
# make test runs tests on two processes (pytest-xdist); TEST_WORKERS=0 runs them in one
TEST_WORKERS ?= 2
export SPOTIFY_ML_RESULTS ?= $(CURDIR)/results

.PHONY: lab test run site student bench wheels clean-results help spark lessons

help:
	@echo "make lab     open JupyterLab on notebooks/ (installs .venv first if needed)"
	@echo "make test    unit tests + every notebook under nbval (set SPOTIFY_ML_DATA to use a local data folder)"
	@echo "make run     execute every notebook headless with papermill into output/"
	@echo "make site    the lessons with their outputs as a static website in site/ (open site/index.html)"
	@echo "make student write student copies (solutions removed) into student/"
	@echo "make bench   run every notebook once, recording wall time and metrics in results/benchmark.json"
	@echo "make lessons write README's lesson table from notebooks/lessons.toml"
	@echo "make spark   check PySpark and Java 17/21 for the optional Spark companion (notebooks/extras/)"
	@echo "make wheels  download every pinned package into WHEELS (for offline installs and workshops)"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11 is needed; set PYTHON=/path/to/python3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip==25.3
	$(BIN)/python -m pip install -r requirements.txt
	PYTHON=$(BIN)/python bash postBuild   # tinysoundfont and the course package (Binder runs it too)
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --port=$(PORT) $(if $(filter 0,$(shell id -u)),--allow-root)

test: $(STAMP)
	mkdir -p $(SPOTIFY_ML_RESULTS) && rm -f $(SPOTIFY_ML_RESULTS)/[0-9][0-9]_*.json  # fresh metrics each run
	$(BIN)/python -m pytest -n $(TEST_WORKERS)  # tests/conftest.py: how tests share the workers

run: $(STAMP)
	mkdir -p output
	for nb in notebooks/[0-9][0-9]_*.ipynb; do \
	  $(BIN)/papermill --cwd notebooks "$$nb" "output/$$(basename $$nb)" || exit 1; \
	done

# The lessons as a website (offline; Sphinx + MyST-NB + the book theme, docs/site/): runs each lesson into
# output/ unless a fresh run of it is there (demo account only), then builds site/ without executing.
# Launch buttons (off by default): make site LAUNCH="repo=https://github.com/ORG/REPO binder=https://mybinder.org"
site: $(STAMP)
	$(if $(LAUNCH),SPOTIFY_ML_LAUNCH="$(LAUNCH)") $(BIN)/python tools/build_site.py --executed output --out site

student: $(STAMP)
	$(BIN)/python tools/make_student.py notebooks student

# README's lesson table is generated from notebooks/lessons.toml (the one list of lessons).
lessons: $(STAMP)
	$(BIN)/python tools/lessons.py --write

bench: $(STAMP)
	$(BIN)/python tools/benchmark.py

# The optional Spark companion (notebooks/extras/01_recommender_spark.ipynb): PySpark is pinned in
# requirements.txt; this checks it and Java 17/21, and prints the install commands when Java is missing.
spark: $(STAMP)
	$(BIN)/python -m helpers.spark

# Offline installs: `make wheels` once with network, then `PIP_NO_INDEX=1 PIP_FIND_LINKS=$(WHEELS) make lab`.
WHEELS ?= $(HOME)/.cache/spotify-ml-wheels
wheels:
	$(PYTHON) -m pip download -d $(WHEELS) -r requirements.txt pip==25.3 setuptools==80.9.0 wheel
	$(PYTHON) -m pip download --no-deps -d $(WHEELS) tinysoundfont==0.3.7

clean-results:
	rm -rf results output student
