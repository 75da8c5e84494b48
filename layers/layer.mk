# Shared by the layer Makefiles that `sam build` runs (BuildMethod: makefile). SAM copies the layer's folder
# to a scratch directory, runs `make build-<LogicalId>` there with ARTIFACTS_DIR set, and zips what lands in
# $(ARTIFACTS_DIR); Lambda puts $(ARTIFACTS_DIR)/python on sys.path.
#
# Wheels are chosen for the target, not for this machine: Lambda python3.13 on arm64 runs Amazon Linux 2023
# (glibc 2.34), so manylinux_2_28 and older aarch64 wheels fit. Every requirements.txt pins its layer's whole
# dependency closure (tests/unit/test_layers.py checks that), hence --no-deps.
PYTHON ?= python3.13
# `make verify-layers` builds the same layers for this machine's architecture, to run them here.
PLATFORMS ?= --platform manylinux_2_28_aarch64 --platform manylinux2014_aarch64
SITE := $(ARTIFACTS_DIR)/python
PIP_INSTALL := $(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --no-compile \
	--only-binary=:all: $(PLATFORMS) --implementation cp --python-version 3.13 --target $(SITE)
# Last step of every layer. Console scripts (bin/) never run in Lambda. /opt is read-only there, so bytecode
# must ship in the layer or every cold start compiles it again; unchecked-hash because the zip rounds file
# times to 2 s, which would invalidate timestamp-checked .pyc files.
FINISH := rm -rf $(SITE)/bin && $(PYTHON) -m compileall -q -j 0 --invalidation-mode unchecked-hash $(SITE)
# The bytecode format is per minor version, so only a 3.13 interpreter may build these layers.
CHECK_PYTHON := $(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else "layers need Python 3.13 to compile bytecode for python3.13")'
