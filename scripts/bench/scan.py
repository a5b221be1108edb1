#!/usr/bin/env python3
"""Time `lstmscope scan` against onnxruntime's LSTM on the same set of windows.

One seeded LSTM(H) on X inputs with a Dense(1) head (Keras layout, as compare.py makes it) and one
set of N windows (N, T, X) in float32. Timed, in --rounds interleaved rounds:

  lstmscope scan --threads 1 and --threads 2   the whole command (load, mapping the set, every
                 window replayed with every vector kept, the statistics, the JSON report to
                 /dev/null); windows/s = N / wall seconds.
  onnxruntime    one `LSTM` + `Gemm` graph, one intra-op and one inter-op thread, `session.run`
                 on batches of 1 and of 64 windows (outputs only: no statistics); windows/s = N /
                 the seconds of all the runs.

Medians over the rounds, and per-round ratios (their median and range). Correctness first:
scan's outputs must equal onnxruntime's within 1e-4. Run it through scan.sh (numpy, onnx,
onnxruntime in a venv outside the repo), with a release build: swift build -c release.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def model(x, h, seed=1):
    rng = np.random.default_rng(seed)
    # Past 64 units the weights shrink as 1/sqrt(H): unscaled, 1,024 units saturate into chaos,
    # where float rounding alone moves the output by whole units and no two runtimes agree.
    scale = min(1.0, (64 / h) ** 0.5)
    w = (rng.standard_normal((x, 4 * h)) * 0.3 * scale).astype(np.float32)
    u = (rng.standard_normal((h, 4 * h)) * 0.2 * scale).astype(np.float32)
    b = (rng.standard_normal(4 * h) * 0.1).astype(np.float32)
    wout = (rng.standard_normal((h, 1)) * 0.3).astype(np.float32)
    bout = np.zeros(1, np.float32)
    return w, u, b, wout, bout


def onnx_session(weights, x, h, batch):
    w, u, b, wout, bout = weights
    order = [0, 3, 1, 2]  # Keras i, f, c, o -> ONNX i, o, f, c
    reorder = lambda m: np.concatenate([m[..., k * h:(k + 1) * h] for k in order], axis=-1)
    W = reorder(w).T[None]
    R = reorder(u).T[None]
    B = np.concatenate([reorder(b[None])[0], np.zeros(4 * h, np.float32)])[None]
    nodes = [
        helper.make_node("LSTM", ["x", "W", "R", "B"], ["Y", "Y_h"], hidden_size=h),
        helper.make_node("Squeeze", ["Y_h", "axes"], ["h_last"]),
        helper.make_node("Gemm", ["h_last", "Wout", "bout"], ["y"]),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in ((W, "W"), (R, "R"), (B, "B"), (wout, "Wout"), (bout, "bout"))]
    inits.append(numpy_helper.from_array(np.array([0], np.int64), "axes"))
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, batch, x])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 1])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(m.SerializeToString(), options, providers=["CPUExecutionProvider"])


def run_onnx(session, windows, batch):
    """All windows through `session` `batch` at a time (time-major (T, batch, X)); outputs and seconds."""
    outputs = []
    start = time.perf_counter()
    for k in range(0, len(windows), batch):
        chunk = windows[k:k + batch]
        outputs.append(session.run(None, {"x": np.ascontiguousarray(chunk.transpose(1, 0, 2))})[0])
    return np.concatenate(outputs).reshape(-1), time.perf_counter() - start


def run_scan(binary, model_path, set_path, threads):
    start = time.perf_counter()
    r = subprocess.run(
        [binary, "scan", model_path, "--input", set_path, "--threads", str(threads), "--format", "json"],
        capture_output=True, text=True, check=True)
    return r.stdout, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="16,64,100", help="X,H,T (default 16,64,100)")
    parser.add_argument("--windows", type=int, default=6400, help="N (default 6400)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--binary", default=str(REPO / ".build/release/lstmscope"))
    args = parser.parse_args()
    x, h, t = (int(v) for v in args.size.split(","))
    n = args.windows - args.windows % 64
    weights = model(x, h)
    windows = np.random.default_rng(2).standard_normal((n, t, x)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        model_path, set_path = os.path.join(tmp, "m.npz"), os.path.join(tmp, "x.npy")
        np.savez(model_path, *weights)
        np.save(set_path, windows)
        sessions = {batch: onnx_session(weights, x, h, batch) for batch in (1, 64)}
        # Correctness: scan's outputs are onnxruntime's.
        report = json.loads(run_scan(args.binary, model_path, set_path, 1)[0])
        ours = np.zeros(n, np.float32)
        for w in report["window_results"]:
            ours[w["window"]] = w["output"][0]
        for batch, session in sessions.items():
            theirs, _ = run_onnx(session, windows, batch)
            worst = float(np.max(np.abs(ours - theirs)))
            assert worst <= 1e-4, f"scan differs from onnxruntime batch {batch} by {worst}"
        names = ["scan 1 thread", "scan 2 threads", "onnxruntime batch 1", "onnxruntime batch 64"]
        rates = {name: [] for name in names}
        for _ in range(args.rounds):
            for threads in (1, 2):
                rates[names[threads - 1]].append(n / run_scan(args.binary, model_path, set_path, threads)[1])
            for batch, name in ((1, names[2]), (64, names[3])):
                rates[name].append(n / run_onnx(sessions[batch], windows, batch)[1])
    print(f"scan vs onnxruntime: X={x} H={h} T={t}, N={n} windows, {args.rounds} interleaved rounds, "
          f"{platform.processor() or platform.machine()}, onnxruntime {ort.__version__}")
    print(f"{'':24}{'windows/s':>12}   vs ort batch 1    vs ort batch 64")
    for name in names:
        med = statistics.median(rates[name])
        row = f"{name:24}{med:12,.0f}"
        for base in names[2:]:
            ratios = [a / b for a, b in zip(rates[name], rates[base])]
            row += f"   {statistics.median(ratios):5.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"
        print(row)


if __name__ == "__main__":
    main()
