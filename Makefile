# Every target installs what it needs into .venv first, so each works on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
LAKE   ?= demo-lake

.PHONY: install browser axe demo test test-fast lint audit licences bench format clean tools validate build deploy package-size scan verify-arrow verify-layers

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

# axe-core (MPL-2.0) from the npm registry, pinned by version and digest, for the accessibility tests of the
# briefs and the web pages; a test tool, never shipped.
AXE_VERSION ?= 4.14.1
AXE_SHA256  ?= e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745
axe: build/axe/axe.min.js
build/axe/axe.min.js:
	@mkdir -p build/axe && cd build/axe && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && \
		echo "$(AXE_SHA256)  axe-core-$(AXE_VERSION).tgz" | sha256sum --check --quiet && \
		tar -xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js && mv package/axe.min.js . && \
		rm -rf package axe-core-$(AXE_VERSION).tgz

test: $(STAMP) browser axe
	$(BIN)/pytest -n 2 -q

test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not integration and not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports  # the import rules of docs/ARCHITECTURE.md (.importlinter)
	# Each handler is its own module named app: checked one by one.
	for handler in functions/*/app.py; do $(BIN)/mypy --strict --follow-imports=silent $$handler || exit 1; done

# Static security checks (bandit) and known vulnerabilities of the installed dependencies (pip-audit, through
# PyPI's JSON API; where the index answers only per project, scripts/audit_dependencies.py audits the pins
# that are the latest release from that data and lists the others as not audited). Fails on any finding.
audit: $(STAMP)
	@mkdir -p build
	$(BIN)/bandit -q -c pyproject.toml -r layers/core/listening_post functions
	$(BIN)/pip freeze --exclude-editable > build/requirements-frozen.txt
	# pip-audit, then PyPI's project data for the pins it could not audit (mirrors without per-release JSON).
	$(BIN)/python scripts/audit_dependencies.py build/requirements-frozen.txt

# Licences of what each Lambda function ships (layers/*/requirements.txt, their data files) and of everything
# installed, from the distributions' metadata (pip-licenses): fails on a licence outside licences/policy.toml
# that licences/exceptions.toml does not name. Full report: build/licences.md; policy: docs/LICENCES.md.
licences: $(STAMP)
	$(BIN)/python scripts/licences.py --output build/licences.md

# Benchmarks of issue 7 (about 5 minutes on a fresh clone, data generation included; writes bench/results.json). Not part of CI: run on demand.
bench: $(STAMP)
	$(BIN)/python bench/run.py

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# --- AWS: validate, build and deploy the SAM stack (template.yaml) -----------------------------------------
# SAM CLI and cfn-lint live in their own venv: SAM CLI pins libraries (pydantic among them) that would clash
# with the project's. Both run offline.
TOOLS       := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed-1
SAM         := $(TOOLS)/bin/sam
export SAM_CLI_TELEMETRY := 0
# sam build runs the python3.13 of the functions' runtime: pyenv's real interpreter first (its shim loops
# when 3.13 is not a selected version), else whatever python3.13 is on PATH.
PY313 := $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) $(shell command -v python3.13 2>/dev/null))

$(TOOLS_STAMP):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --upgrade pip
	$(TOOLS)/bin/pip install --quiet aws-sam-cli==1.170.0 cfn-lint==1.58.0
	touch $@

tools: $(TOOLS_STAMP)

# Zero findings from cfn-lint (errors, warnings and informational: .cfnlintrc.yaml, which says why its one
# ignored rule is ignored) and from SAM's checks; and the template's copies of infra/ files must be current.
validate: $(TOOLS_STAMP)
	$(PYTHON) scripts/sync_template.py --check
	$(TOOLS)/bin/cfn-lint template.yaml
	$(SAM) validate --lint --template template.yaml
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(SAM) validate --template template.yaml

build: $(TOOLS_STAMP)
	@test -n "$(PY313)" || { echo "sam build needs python3.13 (the functions' runtime) on PATH or under pyenv"; exit 1; }
	PATH="$(dir $(PY313)):$$PATH" $(SAM) build --template template.yaml
	$(TOOLS)/bin/python bench/package_size.py

deploy: build
	$(SAM) deploy

# Unzipped size per function (its code plus its layers) of the last build: issue 7's package_mib.
package-size: $(TOOLS_STAMP)
	$(TOOLS)/bin/python bench/package_size.py

# Security scan of the template (checkov, in a venv of its own); findings and their triage: infra/README.md.
SCAN := .venv-scan
$(SCAN)/.installed-1:
	$(PYTHON) -m venv $(SCAN)
	$(SCAN)/bin/pip install --quiet --upgrade pip
	$(SCAN)/bin/pip install --quiet checkov==3.3.30
	touch $@

scan: $(SCAN)/.installed-1
	$(SCAN)/bin/checkov --quiet --compact --skip-download --framework cloudformation -f template.yaml --config-file .checkov.yaml

# The Arrow layer's pruning, exercised on this machine's own (x86_64) pyarrow wheel in a scratch venv:
# imports, a Parquet round trip, and the lake's append/read/compact on S3 (moto on 127.0.0.1).
verify-arrow: $(STAMP)
	@test -n "$(PY313)" || { echo "needs python3.13"; exit 1; }
	rm -rf build/arrow-verify && $(PY313) -m venv build/arrow-verify
	build/arrow-verify/bin/pip install --quiet "$$(grep '^pyarrow==' layers/arrow/requirements.txt)"
	build/arrow-verify/bin/python layers/arrow/prune.py "$$(build/arrow-verify/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
	PYTHONPATH=layers/core build/arrow-verify/bin/python layers/arrow/verify_pruned.py --moto $(BIN)/moto_server

# Every function's code path on nothing but its layers: the four layers are built by their own Makefiles for
# this machine's architecture, then layers/smoke.py runs collect, brief, compact, api and plan in turn, each
# in a `python3.13 -I -S` that sees only its function's layers (see the script).
HOST_LAYERS := build/layers-host
HOST_PLATFORMS := --platform manylinux_2_28_$(shell uname -m) --platform manylinux2014_$(shell uname -m)
SMOKE = $(PY313) -I -S layers/smoke.py --lake build/smoke-lake --repo . --runtime $(HOST_LAYERS)/runtime --layers
verify-layers:
	@test -n "$(PY313)" || { echo "needs python3.13"; exit 1; }
	rm -rf $(HOST_LAYERS) build/smoke-lake
	$(PY313) -m pip install --quiet --disable-pip-version-check --target $(HOST_LAYERS)/runtime boto3
	for layer in core:CoreLayer collect:CollectLayer arrow:ArrowLayer duckdb:DuckDBLayer; do \
		$(MAKE) --no-print-directory -C layers/$${layer%%:*} build-$${layer##*:} PYTHON=$(PY313) \
			ARTIFACTS_DIR=$(CURDIR)/$(HOST_LAYERS)/$${layer##*:} PLATFORMS="$(HOST_PLATFORMS)" || exit 1; \
	done
	$(SMOKE) $(HOST_LAYERS)/CoreLayer/python $(HOST_LAYERS)/CollectLayer/python $(HOST_LAYERS)/ArrowLayer/python -- collect
	$(SMOKE) $(HOST_LAYERS)/CoreLayer/python $(HOST_LAYERS)/ArrowLayer/python $(HOST_LAYERS)/DuckDBLayer/python -- brief
	$(SMOKE) $(HOST_LAYERS)/CoreLayer/python $(HOST_LAYERS)/ArrowLayer/python -- compact
	$(SMOKE) $(HOST_LAYERS)/CoreLayer/python -- api
	$(SMOKE) $(HOST_LAYERS)/CoreLayer/python -- plan

clean:
	rm -rf $(VENV) $(TOOLS) $(SCAN) demo-lake .pytest_cache .mypy_cache .ruff_cache build *.egg-info .aws-sam
