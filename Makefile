# jifen — the two commands: `make run` and `make test`.
VENV   := .venv
BIN    := $(VENV)/bin
JIFEN  := $(BIN)/jifen
PYTHON ?= python3

.PHONY: fuzz-api run test test-sqlite test-postgres lint check-deploy install system-deps system-deps-test bench bench-micro clean

run: system-deps install .env
	$(JIFEN) migrate --no-input
	$(JIFEN) demo
	@echo "打开 http://127.0.0.1:8000 ，用上面的演示账号登录。"
	$(JIFEN) runserver 127.0.0.1:8000

# Two workers by default (the CI machines have two cores); `make test PYTEST_ARGS=` runs serially.
PYTEST_ARGS ?= -n 2
test: system-deps-test install
	$(BIN)/pytest $(PYTEST_ARGS)

# Fuzz the REST API from its OpenAPI schema (schemathesis), bounded to FUZZ_SECONDS.
FUZZ_SECONDS ?= 90
fuzz-api: install
	bin/fuzz-api $(FUZZ_SECONDS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy --strict jifen/engine

# Production settings with throwaway keys and an empty database (the seed-password check looks at
# data): the deploy checks must pass with only documented silences.
check-deploy: install
	DEBUG=False SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	JIFEN_FIELD_KEY="$$($(BIN)/python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
	ALLOWED_HOSTS=jifen.example.edu.cn DATABASE_URL=sqlite://:memory: \
	$(JIFEN) check --deploy --fail-level WARNING
	DEBUG=True $(JIFEN) makemigrations --check --dry-run

# Benchmarks, run by hand: figures, never pass/fail unit tests.
# `make bench`: the scale report (bench/scale.py) on PostgreSQL — a synthetic province per size,
# the raw aggregate against `jifen recompute`, and wrk against the main pages under gunicorn.
# About 10 minutes on two cores with the defaults; the report lands in bench/results/.
# `make bench BENCH_ARGS="--sizes 1000000 --duration 30s"` for the issue's full size.
BENCH_ARGS ?= --sizes 10000,100000
bench: install
	bin/system-deps bench
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

# The micro benchmarks on SQLite: the engine alone, a branch's ledger pages, imports.
bench-micro: install
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/ledger.py
	$(BIN)/python bench/imports.py

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

system-deps:
	bin/system-deps run

system-deps-test:
	bin/system-deps test

# Local settings for `make run`: debug mode and fresh random keys, written once.
.env:
	@$(PYTHON) -c 'import base64, os, secrets; print("DEBUG=True\nSECRET_KEY=" + secrets.token_urlsafe(50) + "\nJIFEN_FIELD_KEY=" + base64.b64encode(os.urandom(32)).decode())' > $@
	@echo "已生成 .env（本地开发用的随机密钥）。"

clean:
	rm -rf $(VENV) node_modules data/test
