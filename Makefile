# n64c: the two commands the README documents.
#   make demo   compile and run the bundled example, beside onnxruntime
#   make test   the whole test suite (lit + FileCheck, pytest)
# Both prepare the machine first (scripts/setup.sh).

VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint bench examples

setup:
	@bash scripts/setup.sh

examples: setup
	$(BIN)/python examples/make_examples.py

DEMO := examples/mlp_digits
demo: setup
	$(BIN)/n64c compile $(DEMO).onnx -o out/mlp_digits --calibration $(DEMO)_calib.npy
	$(BIN)/n64c report out/mlp_digits
	$(BIN)/n64c run $(DEMO).onnx --input $(DEMO)_input.npy --calibration $(DEMO)_calib.npy --engine sim --reference

test: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/lit -sv tests/filecheck
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest -q -n 2 tests/unit examples/n64c_example_passes/tests

lint: setup
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/pyright

bench: setup
	cd benchmarks && ../$(BIN)/asv machine --yes >/dev/null && ../$(BIN)/asv run --python=same --quick
