#!/usr/bin/env bash
# The whole suite: tests (real model included), lint, format check, type check, import rules.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
status=0
$PY -m pytest -q "$@" || status=1
$PY -m ruff check src tests benchmarks || status=1
$PY -m ruff format --check src tests benchmarks || status=1
$PY -m mypy || status=1
.venv/bin/lint-imports || status=1
exit $status
