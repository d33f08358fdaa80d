# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
# Everything is installed into the project's own .venv from hashed lock files.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres lint typecheck pytest fix docs bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# uv itself comes from a hashed lock, so the bootstrap is pinned too.
$(UV): requirements/tools.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/tools.lock
	touch $(UV)

$(STAMP): requirements.lock pyproject.toml $(UV)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/briefbot run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Two workers, one per core of the machines we have (each with its own temporary
# folder, databases and session fixtures; a module marked xdist_group stays on one);
# `make test PYTEST_WORKERS=0` runs in one process. The PostgreSQL run below stays in
# one process: its tests share one server.
PYTEST_WORKERS ?= 2

pytest: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

test: lint typecheck pytest

# The storage and exactly-once tests, the four-process week and the bot's simulated
# year, against a real PostgreSQL server, started for the run from Debian's postgresql
# package and removed afterwards.
test-postgres: $(STAMP)
	scripts/with-postgres $(BIN)/python -m pytest tests/test_storage.py tests/test_posting.py \
		tests/test_fleet.py tests/test_bot_briefings.py::test_a_simulated_year_through_the_bot \
		tests/test_factbase.py tests/test_facts_following.py tests/test_watching.py \
		tests/test_watch_items.py \
		tests/test_review.py tests/test_backup.py tests/test_fetching.py::test_two_processes_claim_one_article_once

fix: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The settings table of docs/operating.md, from the settings' descriptions (a test
# fails while the two differ).
docs: $(STAMP)
	$(BIN)/python -m bot.settings_table --write

bench: $(STAMP)
	$(BIN)/python bench/ask_startup.py
	$(BIN)/python bench/bot_latency.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/ingest_quality.py
	$(BIN)/python bench/facts_load.py
	$(BIN)/python bench/glance.py
	$(BIN)/python bench/ingest_speed.py
	$(BIN)/python bench/watch_feeds.py
	$(BIN)/python bench/wake.py

# Regenerate the hashed lock files after changing dependencies in pyproject.toml. The
# container image installs from the runtime and build locks, pinned to the same
# versions as the development lock.
lock: $(UV)
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11 --extra dev pyproject.toml -o requirements.lock
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11 pyproject.toml -c requirements.lock -o requirements/runtime.lock
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11 requirements/build.in -c requirements.lock -o requirements/build.lock
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11 requirements/tools.in -o requirements/tools.lock

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
