# Every target installs what it needs into .venv first, so each works on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
LAKE   ?= demo-lake

.PHONY: install browser demo test test-fast lint format clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/listening-post demo --lake $(LAKE)

# Debian's chromium and chromedriver for the page tests (installed when apt-get can; skipped otherwise).
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null; }; \
	else echo "note: chromium and chromium-driver are not installed; the browser tests will be skipped"; fi

test: $(STAMP) browser
	$(BIN)/pytest -n 2 -q

test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not integration and not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	# Each handler is its own module named app: checked one by one.
	for handler in functions/*/app.py; do $(BIN)/mypy --strict --follow-imports=silent $$handler || exit 1; done

# Benchmarks of issue 7 (about 10 minutes; writes bench/results.json). Not part of CI: run on demand.
bench: $(STAMP)
	$(BIN)/python bench/run.py

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) demo-lake .pytest_cache .mypy_cache .ruff_cache build *.egg-info
