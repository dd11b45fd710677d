# Run `make` to list the targets. Everything installs into .venv; nothing is global.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MODELS ?= models
DATA := training_data
TRAIN_FLAGS ?= --rollup lead --strict --stored-labels

.DEFAULT_GOAL := help
.PHONY: help install lock train model tag serve test test-fast mutation lint format check-data bench bench-quick clean cluster cluster-stop
HOST ?= 127.0.0.1
PORT ?= 8000

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(BIN)/.installed  ## create .venv: exact versions from requirements.lock, then the project

lock:  ## regenerate requirements.lock (exact versions with hashes) from pyproject.toml's ranges
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet "pip-tools==7.7.*"
	.venv-lock/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras \
		--extra test --extra bench --extra archive -o requirements.lock pyproject.toml

train: install  ## train on training_data/ and publish the model as current
	$(BIN)/topic-tagger train $(DATA)/train --test $(DATA)/test --taxonomy $(DATA)/taxonomy.json --out $(MODELS) $(TRAIN_FLAGS)

$(MODELS)/CURRENT:
	$(MAKE) train

model: install $(MODELS)/CURRENT  ## train the default model only if none exists yet

tag: model  ## tag FILE (default: examples/sample-article.txt) from the command line
	$(BIN)/topic-tagger tag --model $(MODELS) $(or $(FILE),examples/sample-article.txt)

serve: model  ## set up, train the default model if none exists, and serve it on HOST:PORT
	$(BIN)/topic-tagger serve --host $(HOST) --port $(PORT) --model $(MODELS)

test: install  ## run the whole test suite (says why anything was skipped)
	$(BIN)/python -m pytest -q -rs

test-fast: install  ## the tests that need no full-size model, on two processes (under 30 s)
	$(BIN)/python -m pytest -q -rs -m "not slow" -n 2

mutation: install  ## mutants of the decision modules against the fast tests (mutmut; slow)
	$(BIN)/mutmut run
	$(BIN)/mutmut results

lint: install  ## ruff (lint and format check) and mypy
	$(BIN)/ruff check classifier service tests bench training_data
	$(BIN)/ruff format --check classifier service tests bench training_data
	$(BIN)/mypy classifier service

format: install  ## apply ruff's formatting and safe fixes
	$(BIN)/ruff format classifier service tests bench
	$(BIN)/ruff check --fix classifier service tests bench

check-data: install  ## validate training_data/: labels, formats, coverage, openings, near-duplicates
	$(BIN)/topic-tagger check-data $(DATA) --table $(DATA)/coverage/table.md

bench: model   ## every benchmark, rivals included (about an hour, then a 20-minute soak); figures to BENCHMARKS.md
	bash bench/rivals/setup.sh
	bench/.rivals/venv/bin/python bench/rivals/run_rivals.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/compare.py
	$(BIN)/python bench/real_news.py --model $(MODELS) --curve
	$(BIN)/python bench/real_pages.py --model $(MODELS)
	$(BIN)/python bench/levels.py --model $(MODELS)
	$(BIN)/python bench/agreement.py
	$(BIN)/python bench/batch.py --model $(MODELS)
	$(BIN)/python bench/workers.py --model $(MODELS)
	$(BIN)/python bench/rollup.py
	$(BIN)/python bench/swap.py --model $(MODELS)
	$(BIN)/python bench/scaling.py
	$(BIN)/python bench/archive.py
	$(BIN)/python bench/active_learning.py --model $(MODELS)
	$(BIN)/python bench/soak.py --model $(MODELS)

bench-quick: model   ## a short subset (about two minutes): our speed and BBC quality, no rivals
	$(BIN)/python bench/speed.py --quick
	$(BIN)/python bench/quality.py --quick

CLUSTER_DIR := data/cluster
SCHEDULER := tcp://127.0.0.1:8786

cluster: install  ## start a Dask scheduler and two workers here, in the background
	mkdir -p $(CLUSTER_DIR)
	$(BIN)/dask scheduler --host 127.0.0.1 --port 8786 --no-dashboard >$(CLUSTER_DIR)/scheduler.log 2>&1 & echo $$! >$(CLUSTER_DIR)/scheduler.pid
	for n in 1 2; do $(BIN)/dask worker $(SCHEDULER) --nworkers 1 --nthreads 1 --no-dashboard >$(CLUSTER_DIR)/worker-$$n.log 2>&1 & echo $$! >$(CLUSTER_DIR)/worker-$$n.pid; done
	@echo "scheduler at $(SCHEDULER): topic-tagger tag-archive ... --scheduler $(SCHEDULER); make cluster-stop ends it"

cluster-stop:  ## stop the scheduler and workers that make cluster started
	-kill $$(cat $(CLUSTER_DIR)/*.pid)
	rm -f $(CLUSTER_DIR)/*.pid

clean:  ## remove the virtualenv, trained models and caches
	rm -rf $(VENV) .venv-lock $(MODELS) .pytest_cache .ruff_cache .mypy_cache *.egg-info
