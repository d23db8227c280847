# Two set-up commands: `make run` and `make test`. Both create the virtualenv on first use.
# `make check` is the fast tier a developer runs between changes (tests/README.md, CONTRIBUTING.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
HOST   ?= 127.0.0.1
PORT   ?= 8080

# Python's own bytecode cache, whatever the shell says: every pytest worker would otherwise
# compile the whole service and rewrite every test module's asserts again (~8 s each)
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test check bench clean

# uv (Astral's installer, from PyPI) installs the same packages as pip, downloading and
# unpacking in parallel and compiling their bytecode on every core: on a fresh clone about
# 20 s where pip took 55 s of one core (docs/test-runs.md, "round 4"; decision 0029); pip
# installs them as before wherever uv cannot
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "expertbot needs Python >= 3.11: run make with PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q 'uv>=0.9,<1' && $(BIN)/uv pip install -q --compile-bytecode \
	    --python $(BIN)/python -e '.[dev]' \
	|| { $(BIN)/pip install -q --upgrade pip && $(BIN)/pip install -q -e '.[dev]'; }
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(BIN)/expertbot migrate
	$(BIN)/expertbot demo
	$(BIN)/expertbot serve --host $(HOST) --port $(PORT)

# the bytecode of every module compiled once, on every core, before the test workers start
# (each would otherwise compile the same modules for itself on a fresh clone)
PACKAGES := bench bot config console handlers miniapp_api models sandbox services tests tools web

# mypy (one core, ~15 s of CPU on a fresh clone) runs beside the layout, the unreferenced
# functions, the bytecode and the test modules' rewritten asserts (tests/support/rewritten.py:
# 3 CPU-s once instead of ~7 in every worker), which are one core's work too; the suite
# starts once all pass
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy & mypy=$$!; \
	$(BIN)/python tools/layout.py && $(BIN)/python tools/unreferenced.py \
	    && $(BIN)/python -m compileall -q -j0 $(PACKAGES) >/dev/null \
	    && $(BIN)/python -m tests.support.rewritten; gates=$$?; \
	wait $$mypy && exit $$gates
	$(BIN)/pytest

# ruff, the layout rules (and a warning for what the change touches near their limits: a
# module past 350 lines, a folder past 20 modules), the unreferenced functions, mypy
# (incremental) and every test but those in a browser, in their own processes or marked
# slow; the migrated SQLite template is kept in var/ between runs
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python tools/layout.py
	$(BIN)/python tools/touched.py
	$(BIN)/python tools/unreferenced.py
	$(BIN)/mypy
	EXPERTBOT_TEST_TEMPLATES=var/test-templates $(BIN)/pytest -m "not browser and not process and not slow"

bench: $(STAMP)
	$(BIN)/python -m bench.callback
	$(BIN)/python -m bench.outbox
	$(BIN)/python -m bench.draws
	$(BIN)/python -m bench.mass_notice
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.lists
	$(BIN)/python -m bench.register
	$(BIN)/python -m bench.morning

clean:
	rm -rf $(VENV) var
