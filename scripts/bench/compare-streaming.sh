#!/bin/bash
# compare-streaming.sh: `lstmscope compare` against a full trace of a long window, against the
# `trace` that wrote it: time and peak memory (GNU time), for theirs that agrees and for theirs
# with a planted bug (TF1's forget bias +1) that the diagnosis has to find.
#
#   swift build -c release && scripts/bench/compare-streaming.sh [STEPS] [UNITS]
#
# Needs python3 with numpy (for the model and window), GNU time, and ~2 GB of /tmp per 100k
# steps of 256 units. Default: 100,000 steps, LSTM(256) on 64 inputs.
set -euo pipefail
steps=${1:-100000}; units=${2:-256}
B=.build/release/lstmscope
dir=$(mktemp -d /tmp/lstmscope-compare-XXXX)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" "$steps" "$units" <<'PY'
import sys
import numpy as np
d, T, hu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
xu = 64
rng = np.random.default_rng(2)
W = (rng.standard_normal((xu, 4 * hu)) * 0.1).astype(np.float32)
U = (rng.standard_normal((hu, 4 * hu)) * 0.05).astype(np.float32)
b = (rng.standard_normal(4 * hu) * 0.1).astype(np.float32)
Wo = rng.standard_normal((hu, 1)).astype(np.float32)
bo = np.zeros(1, np.float32)
np.savez(f"{d}/model.npz", W=W, U=U, b=b, Wout=Wo, bout=bo)
b2 = b.copy()
b2[hu:2 * hu] += 1
np.savez(f"{d}/tf1.npz", W=W, U=U, b=b2, Wout=Wo, bout=bo)
x = np.sin(0.5 * np.arange(T)[:, None] + np.arange(xu)[None, :]).astype(np.float32)
np.save(f"{d}/x.npy", x)
PY
run() { /usr/bin/time -f "$1: %e s, peak RSS %M KB" "${@:2}" > /dev/null || true; }
run "trace (writes theirs)" $B trace "$dir/model.npz" --input "$dir/x.npy" --format json
$B trace "$dir/model.npz" --input "$dir/x.npy" --format json > "$dir/agree.json"
$B trace "$dir/tf1.npz" --input "$dir/x.npy" --format json > "$dir/tf1.json"
ls -la "$dir/agree.json" | awk '{print "theirs: " $5 " bytes of trace JSON"}'
run "compare, theirs agrees" $B compare "$dir/model.npz" --input "$dir/x.npy" --theirs "$dir/agree.json"
run "compare, forget bias +1 diagnosed" $B compare "$dir/model.npz" --input "$dir/x.npy" --theirs "$dir/tf1.json"
$B compare "$dir/model.npz" --input "$dir/x.npy" --theirs "$dir/tf1.json" | grep -A1 '^diagnosis' || true
