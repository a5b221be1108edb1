#!/usr/bin/env bash
# Runs scan.py in the venv compare.sh keeps outside the repo (numpy, onnx, onnxruntime).
# Usage: scripts/bench/scan.sh [scan.py options…]   e.g. --size 16,64,100 --windows 6400 --rounds 5
set -euo pipefail
venv="${LSTMSCOPE_BENCH_VENV:-$HOME/.cache/lstmscope-bench-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy onnx onnxruntime
exec "$venv/bin/python" "$(dirname "$0")/scan.py" "$@"
