# make run  — install what is missing, migrate, load a demo city, serve on 127.0.0.1:$(PORT)
# make test — install test needs, start PostgreSQL, Redis and the replica pair
#             (scripts/standby.sh), run the suite on SQLite and PostgreSQL

PORT ?= 5000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_WORKERS ?= 2

.PHONY: run test lint system venv migrate demo clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

# The Chinese catalogue is kept by hand as .po; the .mo is built, never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
translations: $(MO_FILES)
translations/%.mo: translations/%.po | $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

system:
	scripts/system-packages.sh

migrate: venv
	$(BIN)/flask --app wsgi db upgrade

demo: migrate
	$(BIN)/creditsvc demo-signing-key
	$(BIN)/creditsvc demo --if-empty
	$(BIN)/creditsvc rescore
	$(BIN)/creditsvc statistics refresh --all

# gunicorn's control socket (gunicornc) defaults to one path per user, which a second
# instance on the same host would take over (issue 17): each port gets its own.
# The demo prints the address it serves on in every QR code and document; outside the
# demo (CREDITSVC_DEMO unset) a loopback PUBLIC_BASE_URL is refused (issue 18).
run demo: export CREDITSVC_DEMO = 1
run demo: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
run: system demo translations
	@echo "serving on http://127.0.0.1:$(PORT); documents print $(PUBLIC_BASE_URL)"
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 \
		--control-socket instance/gunicorn-$(PORT).ctl --access-logfile - wsgi:app

lint: venv
	$(BIN)/ruff check creditsvc scoring notices tests
	$(BIN)/ruff format --check creditsvc scoring notices tests
	$(BIN)/mypy scoring notices

test: venv translations
	scripts/system-packages.sh test  # includes Debian's chromium for the browser tests
	scripts/services.sh
	scripts/standby.sh  # the primary and hot standby pair of tests/replica
	$(MAKE) lint
	@echo "== suite on SQLite =="
	$(BIN)/pytest -q -n $(PYTEST_WORKERS)
	@echo "== suite on PostgreSQL =="
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -n $(PYTEST_WORKERS)

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
