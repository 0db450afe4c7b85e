# The few verbs everyone uses. Every target sets the project up first if needed:
# a virtual environment in .venv with the package, its docs, test and bench extras, and
# the JavaScript the site serves itself (KaTeX, Mermaid), pinned in package-lock.json.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of PyTorch where the index has one (about 700 MB, instead of several GB
# for a CUDA build); `make setup TORCH=torch` takes whatever pip picks.
TORCH ?= torch==2.13.0
# Extra pip options for PyTorch, e.g. PyTorch's CPU index on a machine without local wheels
# (the GitHub workflows use TORCH_PIP_FLAGS="--index-url https://download.pytorch.org/whl/cpu").
TORCH_PIP_FLAGS ?=
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test lint bench freeze frozen clean distclean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(TORCH_PIP_FLAGS) "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[docs,test,bench]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

setup: $(BIN)/.installed node_modules/.installed

serve: setup  ## build and serve the site at http://127.0.0.1:8000, rebuilt on every edit
	$(BIN)/mkdocs serve -a 127.0.0.1:8000

build: setup  ## build the site into site/ (fails on any broken block, link or anchor)
	$(BIN)/mkdocs build --strict

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint  ## lint, then every test: the library, the engine, every snippet, the whole site
	$(BIN)/pytest

bench: setup  ## the benchmarks of bench/, one after the other
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

freeze: setup  ## on a machine with CUDA: measure and record every GPU dataset (frozen/)
	@$(BIN)/python -c "import torchao" 2>/dev/null || $(BIN)/python -m pip install --quiet torchao \
		|| echo "torchao could not be installed: the int8/int4 decoding rows will say why"
	$(BIN)/genai-docs freeze

frozen: setup  ## list the GPU datasets: fresh, stale (measuring code changed) or missing
	$(BIN)/genai-docs frozen --check

clean:
	rm -rf site .cache bench/.work .pytest_cache .ruff_cache .hypothesis

distclean: clean  ## also what setup installed
	rm -rf $(VENV) *.egg-info node_modules
