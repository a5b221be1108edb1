#!/usr/bin/env bash
# Runs compare.py in a venv kept outside the repo (numpy, onnx, onnxruntime, h5py from PyPI).
# Usage: scripts/bench/compare.sh [compare.py options…]   e.g. --quick, --sizes "16,64,1000"
set -euo pipefail
venv="${LSTMSCOPE_BENCH_VENV:-$HOME/.cache/lstmscope-bench-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy onnx onnxruntime h5py
exec "$venv/bin/python" "$(dirname "$0")/compare.py" "$@"
