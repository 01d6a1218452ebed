# Two commands set up a fresh machine: `make demo` and `make test`. Both create .venv when missing.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install demo test check docs bench bench-quick eval clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,scale,dev,docs,model]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/monitor demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Format, lint, types (strict, as configured in pyproject.toml) and the import contracts.
check: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick

eval: $(STAMP)
	$(BIN)/monitor eval claims --pairs ../shared/data/mrpc-train/msr_paraphrase_train.txt --folds 5 \
		--sts ../shared/data/sts-headlines --restatements ../shared/data/ecbplus-traindev \
		--seed ../shared/seeds
	$(BIN)/monitor eval stories ../shared/data/ecbplus-traindev/docs.jsonl
	$(BIN)/monitor eval extraction ../shared/data/trafilatura-eval

# The documentation site, built offline into site/ (git-ignored); fails on any warning.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts site
