# 换届通. `make run` serves the demo; `make test` runs ruff and the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)

.PHONY: run test test-fast lint fmt bench migrate seed worker beat

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

migrate: $(STAMP)
	DEBUG=$${DEBUG-1} $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=$${DEBUG-1} $(PY) manage.py seed_demo

run: seed
	@echo "换届通已启动：http://127.0.0.1:8000 （Ctrl+C 停止）"
	DEBUG=$${DEBUG-1} $(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# pytest-xdist: one process per CPU core, each with a test database of its own; a module's
# tests stay in one process. PYTEST_ARGS="-n 0" runs everything in a single process.
PYTEST_PARALLEL ?= -n auto --dist loadscope

# The real-worker tests use the machine's Redis when REDIS_URL is not set (as CI sets it).
test test-fast: export REDIS_URL ?= redis://127.0.0.1:6379/7
# The read-replica test reads a streaming replica of the test server; bin/pg-replica starts
# it (making it the first time), for the machine's PostgreSQL or for the embedded one.
test: lint
	bin/pg-replica
	$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# For local runs: keep the test databases from one run to the next (--reuse-db: new migrations
# are applied; after editing an existing one, add PYTEST_ARGS=--create-db once). `make test`
# and CI always build them afresh.
test-fast: lint
	bin/pg-replica
	$(PY) -m pytest $(PYTEST_PARALLEL) --reuse-db $(PYTEST_ARGS)

# BENCH_ARGS="--only province --units 50000 --candidacies 4" measures the province demo.
bench: $(STAMP)
	$(PY) bin/bench.py $(BENCH_ARGS)

# One worker for every queue (config/settings.py WORKER_QUEUES); in production each queue
# can have workers of its own (`-Q exports`), see README.md「省级部署」.
worker: $(STAMP)
	$(VENV)/bin/celery -A config worker -l info -Q rollup,exports,imports,default

beat: $(STAMP)
	$(VENV)/bin/celery -A config beat -l info
