#!/usr/bin/env bash
# The exported C against keras2c and lstmscope's replay, side by side (export_vs_keras2c.py).
#
#   KERAS2C_DIR=/path/to/keras2c scripts/bench/export-vs-keras2c.sh [VENV]
#
# KERAS2C_DIR is a checkout of github.com/PlasmaControl/keras2c (its include/ folder holds the C
# the generated code needs). VENV (default /tmp/keras2c-venv, outside the repo) is made when
# missing: keras2c 2.0, pydantic<2 (keras2c needs v1), tensorflow-cpu and keras, from pip.
# Without KERAS2C_DIR the script says how to get it, and times the exported C and the replay
# only (on .npz models written with the system's python3-numpy).
# LSTMSCOPE=path uses that binary; else a release build is made. Say which CPU you ran on.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${1:-/tmp/keras2c-venv}
work=$(mktemp -d /tmp/lstmscope-keras2c.XXXXXX)
if [ -z "${LSTMSCOPE:-}" ]; then
    swift build -c release --product lstmscope >&2
    LSTMSCOPE=$(swift build -c release --show-bin-path)/lstmscope
fi
python=python3
args=()
if [ -n "${KERAS2C_DIR:-}" ]; then
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q keras2c "pydantic<2" tensorflow-cpu keras
    fi
    python="$venv/bin/python"
    args=(--keras2c-include "$KERAS2C_DIR/include")
else
    echo "KERAS2C_DIR is not set: get keras2c with" >&2
    echo "  git clone https://github.com/PlasmaControl/keras2c /tmp/keras2c" >&2
    echo "and run KERAS2C_DIR=/tmp/keras2c $0; timing the exported C and the replay only." >&2
fi
grep -m1 "model name" /proc/cpuinfo >&2 || true
grep -qw avx512f /proc/cpuinfo && echo "AVX-512: yes" >&2 || echo "AVX-512: no (AVX2 at most)" >&2
"$python" scripts/bench/export_vs_keras2c.py --lstmscope "$LSTMSCOPE" --work "$work" "${args[@]}" \
    --rounds "${ROUNDS:-5}"
