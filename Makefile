# Two commands do everything on a fresh machine: `make run` and `make test`.
# Both create .venv with a Python 3.10-3.12 when it is missing (durable_rules
# does not import on 3.13) and install the project into it.

VENV   := .venv
PY     := $(VENV)/bin/python
CLI    := $(VENV)/bin/imr-rules
STAMP  := $(VENV)/.installed

# First interpreter found that is 3.10, 3.11 or 3.12. pyenv shims for versions
# that are not active fail to run, so every candidate is actually executed.
find_python = $(shell for p in $$PYTHON python3.12 python3.11 python3.10 python3 python \
	$$(ls -d $$HOME/.pyenv/versions/3.1[012]*/bin/python 2>/dev/null); do \
	[ -n "$$p" ] && "$$p" -c 'import sys; sys.exit(not ((3,10) <= sys.version_info[:2] <= (3,12)))' \
	>/dev/null 2>&1 && { echo "$$p"; break; }; done)

.PHONY: run test bench clean chromium

$(STAMP): pyproject.toml
	@set -e; if [ ! -x "$(PY)" ]; then \
		base="$(find_python)"; \
		if [ -z "$$base" ]; then echo "error: no Python 3.10-3.12 found (set PYTHON=/path/to/python3.12)" >&2; exit 2; fi; \
		echo "creating $(VENV) with $$base"; "$$base" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,test-serve]'
	@touch $(STAMP)

run: $(STAMP)
	$(CLI) evaluate examples/*.yaml

# The browser tests drive Debian's chromium through Playwright (browsers
# cannot be downloaded here, so `playwright install` is never run). CI runs
# as root on Debian: install the package when it is missing.
CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing Debian's chromium for the browser tests"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; \
		else \
			echo "error: $(CHROMIUM) is missing: install Debian's chromium (apt-get install chromium) or set CHROMIUM=" >&2; \
			exit 2; \
		fi; \
	fi

# The rule base's own checks first (fast, and what a policy editor runs),
# then the whole pytest suite, whose summary closes the output.
test: $(STAMP) chromium
	$(CLI) validate
	$(CLI) lint
	$(CLI) test
	$(CLI) backtest tests/historical --min-agreement 1.0
	IMR_RULES_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/bench_evaluate.py
	$(PY) benchmarks/bench_backtest.py
	$(PY) benchmarks/bench_serve.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
