# Newsroom — every command a newcomer or CI needs. `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The page checkers the test suite runs (Nu HTML Checker, axe-core): tools/.
CHECKERS := tools/node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests need a key because debug is off under test; never used in production.
TEST_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-insecure-test-only-key}

.PHONY: install checkers run serve test lint format migrations-check check messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime; the
# machine's own Java runs vnu.jar. Without npm the checker tests say so and skip.
checkers: $(CHECKERS)

$(CHECKERS): tools/package.json tools/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tools --ignore-scripts --no-audit --no-fund --loglevel=error \
		&& touch $(CHECKERS); \
	else echo "npm not found: the HTML and accessibility checker tests will skip"; fi

messages: install
	$(PY) scripts/compile_messages.py

# The checkout's own settings, written once: debug on and a secret key of its
# own. newsroom/settings.py reads .env (git-ignored) whenever it exists, so
# every manage.py command works as typed; variables in the environment win.
ENV_FILE ?= .env
$(ENV_FILE): | $(STAMP)
	@$(PY) -c 'import secrets; print("DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "Wrote $@: DJANGO_DEBUG=1 and a new DJANGO_SECRET_KEY for this checkout."

run: install messages $(ENV_FILE)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_admin --site-url http://$(HOST):$(PORT)
	@# The job worker (purges, scheduled stories, view counts, feeds, image
	@# renditions) beside the development server, stopped with it.
	@$(PY) manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production path on this machine: debug off, hashed and compressed static
# files served by whitenoise, then edge/serve.py runs, until Ctrl-C stops them
# all: Varnish (edge/default.vcl) on $(HOST):$(PORT) in front of gunicorn
# (gunicorn.conf.py) on 127.0.0.1:$(BACKEND_PORT) (PORT + 1 unless set), a
# second gunicorn for the view-count includes on 127.0.0.1:$(COUNTING_PORT)
# (BACKEND_PORT + 1 unless set), and the job worker. EDGE=0 serves through
# gunicorn alone on $(HOST):$(PORT).
# DEMO=0 skips the demo content; a secret key is generated for the run unless
# one is set.
DEMO ?= 1
EDGE ?= 1
BACKEND_PORT ?=
COUNTING_PORT ?=
serve: install messages
	@if [ "$(EDGE)" != 0 ] && ! command -v varnishd >/dev/null && [ ! -x /usr/sbin/varnishd ]; then \
		echo "make serve: varnishd not found. Install Varnish and its modules (apt-get install varnish varnish-modules), or serve through gunicorn alone: EDGE=0 make serve"; \
		exit 1; fi
	@set -e; \
	export DJANGO_DEBUG=0; \
	export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}"; \
	$(PY) manage.py collectstatic --noinput --verbosity 0; \
	$(PY) manage.py migrate --noinput; \
	if [ "$(DEMO)" = 1 ]; then $(PY) manage.py load_demo; fi; \
	HOST=$(HOST) PORT=$(PORT) EDGE=$(EDGE) BACKEND_PORT=$(BACKEND_PORT) COUNTING_PORT=$(COUNTING_PORT) exec $(PY) -m edge.serve

test: install messages checkers
	$(TEST_ENV) $(PY) manage.py check --fail-level WARNING
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrations-check: install
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* media staticfiles .pytest_cache

# Benchmark (issue 10): readers' pages through Varnish (BENCH_VCL) in front of
# gunicorn and the job worker, against nginx serving files of the same size
# and the Django ceiling; the long tail, a mix under edits, freshness. wrk at
# 16 connections; writes bench/results/. SQLite in bench/bench.sqlite3 unless
# DATABASE_URL is set. BENCH_ARTICLES=100000 BENCH_DURATION=10 (seconds);
# README "Benchmark" lists the rest.
.PHONY: bench
bench: install messages
	$(PY) -m bench.run

# Load run (issue 5): `make serve` on a free loopback port with the demo content
# (its own SQLite unless DATABASE_URL is set), then wrk (apt-get install wrk)
# with 50 connections for 60 s round the public pages. Fails on any socket
# error, timeout or non-2xx/3xx answer. LOADTEST_DURATION, _CONNECTIONS, _THREADS.
.PHONY: loadtest
loadtest: install messages
	$(PY) loadtest/run.py
