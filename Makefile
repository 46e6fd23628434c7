# `make test` and `make demo` do all the set-up themselves: they create .venv when it is absent and
# install the project into it; the stamp makes a second run skip the install (seconds, not minutes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := grader,dist,exports

.PHONY: install test demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[$(EXTRAS)]'
	touch $(STAMP)

test: install
	$(BIN)/python -m pytest

demo: install
	$(BIN)/cnn-grade demo

bench: install
	$(BIN)/python benchmarks/bench_ref.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
