# Two commands do everything on a fresh machine: `make run` and `make test`.
# Both create the venv (.venv, or VENV=...) with a Python 3.10-3.13 when it is
# missing and install the project into it. On 3.13+ durable-rules is first
# built from its sdist with patches/durable-rules-2.0.28-py313.patch
# (tools/build_durable_rules.py): the release does not import there.
#   make test PYTHON=~/.pyenv/versions/3.13.0/bin/python VENV=.venv-3.13

VENV   ?= .venv
PY     := $(VENV)/bin/python
CLI    := $(VENV)/bin/imr-rules
STAMP  := $(VENV)/.installed
DURABLE_BUILD := tools/build_durable_rules.py patches/durable-rules-2.0.28-py313.patch

# An explicit PYTHON=... may be 3.10-3.13 and is used or refused, never
# replaced. Otherwise the first 3.10-3.12 found (they take durable-rules from
# the index as is), then a 3.13. pyenv shims for versions that are not active
# fail to run, so every candidate is actually executed.
ok_python = "$$p" -c 'import sys; sys.exit(not ((3,10) <= sys.version_info[:2] <= (3,$(1))))' >/dev/null 2>&1
find_python = $(shell if [ -n "$(PYTHON)" ]; then p="$(PYTHON)"; $(call ok_python,13) && echo "$$p"; exit 0; fi; \
	for p in python3.12 python3.11 python3.10 python3 python \
		$$(ls -d $$HOME/.pyenv/versions/3.1[012]*/bin/python 2>/dev/null); do \
		$(call ok_python,12) && { echo "$$p"; exit 0; }; done; \
	for p in python3.13 python3 $$(ls -d $$HOME/.pyenv/versions/3.13*/bin/python 2>/dev/null); do \
		$(call ok_python,13) && { echo "$$p"; exit 0; }; done)

.PHONY: run test bench clean chromium

$(STAMP): pyproject.toml $(DURABLE_BUILD)
	@set -e; if [ ! -x "$(PY)" ]; then \
		base="$(find_python)"; \
		if [ -z "$$base" ]; then echo "error: $(if $(PYTHON),PYTHON=$(PYTHON) is not a Python 3.10-3.13,no Python 3.10-3.13 found)" >&2; \
			echo "  hint: set PYTHON=/path/to/python3.12 (or 3.10, 3.11, 3.13)" >&2; exit 2; fi; \
		echo "creating $(VENV) with $$base"; "$$base" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	@if $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 13))'; then \
		echo "$(PY) tools/build_durable_rules.py"; $(PY) tools/build_durable_rules.py; fi
	$(PY) -m pip install --quiet -e '.[test,test-serve]'
	@touch $(STAMP)

run: $(STAMP)
	$(CLI) evaluate examples/*.yaml

# The browser tests drive Debian's chromium through Playwright (browsers
# cannot be downloaded here, so `playwright install` is never run). CI runs
# as root on Debian: install the package when it is missing.
CHROMIUM ?= /usr/bin/chromium
# Exported rather than prefixed to the pytest line: a plain recipe line is run
# without a shell, and the CLI's shell-completion test looks at its parents.
export IMR_RULES_CHROMIUM := $(CHROMIUM)
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

# The rule base's own checks first (fast, and what a policy editor runs):
# the historical backtest must agree except where the reviewed baseline says
# why, and on the 116 published letters the rule base must meet issue 9's
# gates (coverage, agreement, overturned items caught, basis agreement; the
# summary and the gates are printed, the whole report when a gate fails). Then the whole pytest suite, whose
# summary closes the output.
test: $(STAMP) chromium
	$(CLI) validate
	$(CLI) lint
	$(CLI) test
	$(CLI) backtest tests/historical --baseline tests/historical/_baseline.yaml --min-agreement 1.0
	@echo "$(CLI) backtest tests/historical/real --min-coverage 0.7 --min-agreement 0.92 --min-overturned-caught 0.6 --min-basis-agreement 0.8"
	@$(CLI) backtest tests/historical/real --jobs 2 --min-coverage 0.7 --min-agreement 0.92 \
		--min-overturned-caught 0.6 --min-basis-agreement 0.8 > $(VENV)/real-letters-backtest.txt 2>&1 \
		&& sed -n '/^coverage/,/^basis/p;/^gates/,$$p' $(VENV)/real-letters-backtest.txt \
		|| { cat $(VENV)/real-letters-backtest.txt; exit 1; }
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/bench_evaluate.py
	$(PY) benchmarks/bench_backtest.py
	$(PY) benchmarks/bench_backtest.py --pdf
	$(PY) benchmarks/bench_letter_reading.py
	$(PY) benchmarks/bench_serve.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
