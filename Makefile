# pqpay task runner. `make demo` and `make test` are the two commands the README gives.
PYTHON ?= python3
PIP := $(PYTHON) -m pip
export PQPAY_SHARED_VECTORS ?= $(abspath ../shared/vectors)
# The built liboqs peer (cross-checks and benchmarks), when it is beside the repository.
ifneq ($(wildcard ../shared/peers/liboqs-0.16.0/lib/liboqs.so),)
export OQS_INSTALL_PATH ?= $(abspath ../shared/peers/liboqs-0.16.0)
endif

.PHONY: help system-demo system-test install install-dev demo test lint rust-check python-check docs pytest bench fuzz fuzz-rust fuzz-python stress ct

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

system-demo: ## the Debian packages the demo needs (C toolchain, SoftHSM2), if missing
	bash .ci/system-packages demo

system-test: ## the Debian packages the tests need (also PostgreSQL, libssl3), if missing
	bash .ci/system-packages test

# One editable install (one release build of the extension) with the extras a target needs.
MATURIN := $(PIP) install -q "maturin>=1.16,<2"
EDITABLE := $(PIP) install -q --no-build-isolation -e

install: ## build the release extension and install pqpay (editable)
	$(MATURIN)
	$(EDITABLE) .

install-dev: ## install pqpay plus every test, lint and benchmark dependency
	$(MATURIN)
	$(EDITABLE) ".[dev]"

demo: system-demo ## install pqpay with its PKCS#11 extra, then walk through the whole flow
	$(MATURIN)
	$(EDITABLE) ".[hsm]"
	pqpay demo

test: system-test install-dev lint docs pytest ## install, then run every check: fmt, clippy, cargo test, ruff, mypy, stubtest, the API reference, pytest

lint: rust-check python-check

rust-check:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo test --workspace --locked

python-check:
	$(PYTHON) -m ruff check python tests benches vectors docs
	$(PYTHON) -m ruff format --check python tests benches vectors docs
	$(PYTHON) -m mypy
	$(PYTHON) -m mypy.stubtest pqpay._native --allowlist .mypy-stubtest-allowlist

docs: ## the API reference from the docstrings, into docs/_build/html (after make install-dev); any warning fails
	$(PYTHON) -m sphinx -W --keep-going -b html docs docs/_build/html

pytest:
	$(PYTHON) -m pytest tests

bench: install-dev ## pqpay against its peers, in one run, with ratios
	$(PYTHON) -m pytest benches --benchmark-only --benchmark-group-by=group -q
	cargo bench -p pqpay-core

# Issue 12: the Python fuzz targets (atheris; tests/fuzz) and the stress run (tests/stress).
# Neither is collected by `make pytest`. PYTHONPATH points at this tree's package (what the
# editable install of `make install-dev` points at too).
FUZZ_SECONDS ?= 60
STRESS_ARGS ?=
RUN_HERE := PYTHONPATH=$(CURDIR)/python$${PYTHONPATH:+:$$PYTHONPATH}

fuzz-python: ## every Python fuzz target for FUZZ_SECONDS seconds each; crashes in target/fuzz-python
	$(RUN_HERE) $(PYTHON) -m tests.fuzz.run all $(FUZZ_SECONDS)

stress: ## 8 threads x 10,000 mixed ops (HSM too), ledger writers SIGKILLed, memory pressure
	$(RUN_HERE) $(PYTHON) -m tests.stress.run $(STRESS_ARGS)

# Coverage-guided fuzzing of the Rust parsers and verifiers (rust/fuzz, its own workspace):
# seeds the corpora from the vectors, builds every target once, runs each for FUZZ_SECONDS
# (or FUZZ_RUNS executions), prints executions and coverage per target.
fuzz-rust: ## fuzz every Rust target for FUZZ_SECONDS each (cargo-fuzz; installs it if missing)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) PYTHON=$(PYTHON) bash rust/fuzz/run.sh

fuzz: fuzz-rust fuzz-python ## every fuzz target, Rust and Python, FUZZ_SECONDS seconds each

# Constant time, measured (rust/ct): dudect's Welch t-test between two input classes drawn at
# random, per target; PASS when max |t| < 4.5. The evidence is a run of at least 10^6
# measurements per target (the default, about an hour on a quiet 2-core machine); CT_CHECK=
# (empty) only prints, for the short smoke run in .ci/run, which is no timing assertion.
CT_MEASUREMENTS ?= 1000000
CT_CHECK ?= --check
CT := target/release/pqpay-ct

ct: ## constant-time measurements of every target (CT_MEASUREMENTS each), max |t| per target
	cargo build --release -p pqpay-ct --locked
	$(CT) --measurements $(CT_MEASUREMENTS) $(CT_CHECK)
	for case in any-hex-match compare-digest; do \
		$(PYTHON) benches/ct_webhook.py $$case --measurements $(CT_MEASUREMENTS) > target/ct-webhook.txt && \
		$(CT) --samples webhook-$$case $(CT_CHECK) < target/ct-webhook.txt || exit 1; \
	done
