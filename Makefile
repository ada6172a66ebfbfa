# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := FENGQIAO_DATA_DIR=$(CURDIR)/var

.PHONY: demo test install install-dev lint typecheck pytest serve messages clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamps make a second `make demo` skip the installs when nothing changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Translations: .po and the compiled .mo are committed, so installing needs no gettext tools.
# After changing user-facing strings: `make messages` (needs Debian's gettext), translate the new
# entries in locale/zh_Hans/LC_MESSAGES/django.po, then `make messages` again to compile. msgids are
# English, so English needs no catalog; e2e/test_translations.py fails while an entry is untranslated.
messages: $(VENV)/.installed
	cd src/fengqiao && DJANGO_SETTINGS_MODULE=fengqiao.settings ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --ignore "e2e/*" --ignore "*/tests/*"
	cd src/fengqiao && DJANGO_SETTINGS_MODULE=fengqiao.settings ../../$(BIN)/django-admin compilemessages -l zh_Hans

install: $(VENV)/.installed node_modules/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

demo: install
	$(DEMO_ENV) $(BIN)/fengqiao demo

serve: install
	$(DEMO_ENV) $(BIN)/fengqiao serve

lint: install-dev
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src

# mypy covers the shared kernel and every app's services, workflow and queries.
TYPED_MODULES = $(filter-out src/fengqiao/core/%,$(wildcard src/fengqiao/*/services.py src/fengqiao/*/services src/fengqiao/*/workflow.py src/fengqiao/*/sla.py src/fengqiao/*/queries.py))

typecheck: install-dev
	$(BIN)/mypy src/fengqiao/core $(TYPED_MODULES)

pytest: install-dev
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test: lint typecheck pytest

# The benchmarks write (cases, persons): they get a scratch database of their own, never the demo's.
BENCH_ENV := FENGQIAO_DATA_DIR=$(CURDIR)/var/bench
bench: install-dev
	$(BENCH_ENV) $(BIN)/fengqiao migrate --verbosity 0
	$(BENCH_ENV) $(BIN)/fengqiao bench

clean:
	rm -rf $(VENV) node_modules var
