# make run / make test do all the set-up a fresh Debian/Ubuntu machine needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Libraries the Qt wheels load at run time (QtMultimedia needs libpulse even with no sound
# server), plus fonts so offscreen text renders; desktop-file-utils checks the .desktop file.
APT_PACKAGES := libpulse0 libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 \
	libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
	libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core \
	desktop-file-utils

.PHONY: run test lint bench dist dist-test system-deps venv clean

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "note: could not install$$missing (not root, no apt); Qt may fail to load"; fi; \
	fi

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

run: system-deps venv
	$(VENV)/bin/ytdesk

# Style, import order, types and dead code; settings in pyproject.toml (and the reasons for
# vulture's exceptions in vulture_whitelist.py). `make test` runs it first.
lint: venv
	$(VENV)/bin/ruff check --quiet .
	$(VENV)/bin/isort --check-only --diff --quiet .
	$(VENV)/bin/mypy
	$(VENV)/bin/vulture

test: system-deps venv lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: system-deps venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -s tests/benchmarks

# The frozen app (dist/ytdesk/) and the Linux tarball, built from a clean venv in build/venv
# (build_spec/build.py; README "Building installers"). dist-test builds it (or takes a fresh
# one) and runs it: --version, the window offscreen, a download with an ffmpeg merge.
dist:
	$(PYTHON) build_spec/build.py

dist-test: system-deps venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -s -m packaging tests/test_packaging.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .hypothesis
