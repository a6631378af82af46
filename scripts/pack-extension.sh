#!/usr/bin/env bash
# Build the browser extension's zip (dist/xxai-extension-VERSION.zip): xxai extension pack.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m xxai extension pack "$@"
