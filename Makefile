# lianyun: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LIANYUN_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
DEMO_DIR := var/demo
PYTEST := $(BIN)/pytest -p no:cacheprovider


.PHONY: demo test install dev widgets lint unit unit-postgres browser browser-cluster chromium axe messages screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed widgets

dev: $(VENV)/.dev-installed widgets

# The ALTCHA proof-of-work widget, pinned in vendor/package-lock.json, served by the app itself
# (config/settings.py STATICFILES_DIRS): no CDN on a closed network.
widgets: vendor/node_modules/altcha/dist/external/altcha.min.js

vendor/node_modules/altcha/dist/external/altcha.min.js: vendor/package.json vendor/package-lock.json
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --prefix vendor --no-audit --no-fund --ignore-scripts --silent
	touch $@

# The whole demo county in its own SQLite database under var/demo, reloaded on every run.
demo: install
	mkdir -p $(DEMO_DIR)
	LIANYUN_DATA_DIR=$(DEMO_DIR) $(BIN)/lianyun migrate --noinput -v0
	LIANYUN_DATA_DIR=$(DEMO_DIR) $(BIN)/lianyun load_demo --reset
	@echo "Serving the demo county on http://127.0.0.1:8000 (Ctrl-C stops it)"
	LIANYUN_DATA_DIR=$(DEMO_DIR) $(BIN)/lianyun runserver 127.0.0.1:8000

# The two databases' suites run side by side (they share nothing: in-memory SQLite, the
# PostgreSQL test database, files under each test's own directory), then the journeys.
test: dev chromium axe lint
	$(MAKE) --no-print-directory -j2 --output-sync=target unit unit-postgres
	$(MAKE) --no-print-directory browser
	$(MAKE) --no-print-directory browser-cluster

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy lianyun config
	$(BIN)/lint-imports

unit: dev
	$(PYTEST) -m "not browser"

unit-postgres: dev
	DATABASE_URL=$(LIANYUN_TEST_DATABASE_URL) $(PYTEST) -m "not browser"

browser: dev chromium axe
	$(PYTEST) -m browser tests/e2e

# The same journeys on two application servers and two task workers over one PostgreSQL
# database (made fresh on the test server) and one Redis, behind a round-robin front.
browser-cluster: dev chromium axe
	LIANYUN_E2E_CLUSTER=$(LIANYUN_TEST_DATABASE_URL) $(PYTEST) -m browser tests/e2e

# Debian's Chromium drives the browser journeys; Playwright never downloads a browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser journeys"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# axe-core, pinned in tests/e2e/package-lock.json, checks the public pages' accessibility in
# the browser journeys; it is injected from this folder, never fetched by the page.
axe: tests/e2e/node_modules/axe-core/axe.min.js

tests/e2e/node_modules/axe-core/axe.min.js: tests/e2e/package.json tests/e2e/package-lock.json
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --prefix tests/e2e --no-audit --no-fund --ignore-scripts --silent
	touch $@

# Regenerate the translation catalogue after changing strings (needs GNU gettext).
messages: dev
	$(BIN)/lianyun makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests \
	  --ignore=bench --add-location=file --no-obsolete
	$(BIN)/lianyun compilemessages --ignore=.venv

# README screenshots; CJK fonts make the Chinese legible in headless Chromium.
screenshots: dev chromium
	@fc-list :lang=zh | grep -q . || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; }
	$(BIN)/python docs/make_screenshots.py

# Each bench prints its figures beside an anchor measured in the same run (bench/*.py say how).
bench: dev
	$(BIN)/pip install -q -e '.[dev,bench]'
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/demo_load.py
	$(BIN)/python bench/import_payouts.py --rows 1000000 --runs 1
	$(BIN)/python bench/import_payouts.py --rows 1000000 --runs 1 --postgres $(LIANYUN_TEST_DATABASE_URL)
	$(BIN)/python bench/import_payouts.py --rows 200000 --runs 1 --xlsx
	$(BIN)/python bench/lookup.py --postgres $(LIANYUN_TEST_DATABASE_URL)
	$(BIN)/python bench/lookup_load.py --postgres $(LIANYUN_TEST_DATABASE_URL)
	$(BIN)/python bench/board_rps.py
	REDIS_URL=redis://127.0.0.1:6379/5 $(BIN)/python bench/load_public.py \
	  --postgres $(LIANYUN_TEST_DATABASE_URL) --import-rows 1000000
	$(BIN)/python bench/partitions.py --postgres $(LIANYUN_TEST_DATABASE_URL)
	$(BIN)/python bench/rotation.py --postgres $(LIANYUN_TEST_DATABASE_URL)
	$(BIN)/python bench/crosscheck.py --rows 10000000 --runs 3

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
