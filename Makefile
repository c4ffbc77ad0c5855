# The README's two commands are `make demo` and `make test`; each sets up .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test run lint clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project with its test extra

demo: $(STAMP)  ## crawl the bundled sample site on 127.0.0.1, extract, store in data/news.db
	$(BIN)/python pipeline.py demo

test: $(STAMP)  ## the test suite (tests that need ../shared skip without it)
	$(BIN)/python -m pytest

run: $(STAMP)  ## crawl the real sources and process what is new
	$(BIN)/python pipeline.py run

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
