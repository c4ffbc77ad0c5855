# The README's two commands are `make demo` and `make test`; each sets up .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test run notebooks notebooks-html lab serve bench bench-crawl bench-merge bench-serve lint clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,notebooks]'
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project with its test extra

demo: $(STAMP)  ## crawl the bundled sample site on 127.0.0.1, extract, store in data/news.db
	$(BIN)/python pipeline.py demo

test: $(STAMP)  ## the test suite (tests that need ../shared skip without it)
	$(BIN)/python -m pytest

run: $(STAMP)  ## crawl the real sources and process what is new
	$(BIN)/python pipeline.py run

notebooks: $(STAMP)  ## run every notebook top to bottom on the database (make demo first); fails on any error
	@test -f $${NEWS_DB:-data/news.db} || $(BIN)/python pipeline.py demo -q
	$(BIN)/python notebooks/run_all.py --db $${NEWS_DB:-data/news.db}

notebooks-html: $(STAMP)  ## run the notebooks on the demo database and write their rendered copies to docs/notebooks
	@test -f $${NEWS_DB:-data/news.db} || $(BIN)/python pipeline.py demo -q
	$(BIN)/python notebooks/run_all.py --db $${NEWS_DB:-data/news.db} --figures docs/img --html docs/notebooks

lab: $(STAMP)  ## open the notebooks in JupyterLab (builds the demo database first when there is none)
	@test -f $${NEWS_DB:-data/news.db} || $(BIN)/python pipeline.py demo -q
	cd notebooks && NEWS_DB=$${NEWS_DB:-$(CURDIR)/data/news.db} ../$(BIN)/jupyter lab

serve: $(STAMP)  ## browse data/news.db in Datasette (read-only) at http://127.0.0.1:8001/
	$(BIN)/python pipeline.py serve

bench: $(STAMP)  ## processing benchmark: word_tokenize vs ner vs pipeline.py process on 1,000 articles, 1×/2×/4× (bench/README.md)
	$(BIN)/python -m bench.process_bench --articles 1000 --scales 1,2,4 --out bench/results.json

bench-crawl: $(STAMP)  ## crawl benchmark: 2,000-page fixture site on 127.0.0.1, throttling off (bench/README.md)
	$(BIN)/python -m bench.crawl_bench --pages 2000 --out bench/crawl_results.json

bench-merge: $(STAMP)  ## merge benchmark: shards of 10,000 crawled articles folded into the main database (docs/SCALE.md)
	$(BIN)/python -m bench.merge_bench --articles 10000 --processed 1000 --out bench/merge_results.json

bench-serve: $(STAMP)  ## serving benchmark: Datasette's pages on one database of 1,000 to 300,000 articles (docs/SCALE.md)
	$(BIN)/python -m bench.serve_bench --base 1000 --sizes 10000,100000,300000 --out bench/serve_results.json

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
