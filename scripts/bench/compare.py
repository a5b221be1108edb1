#!/usr/bin/env python3
"""Compare lstmscope's LSTM replay with NumPy, onnxruntime and (optionally) RTNeural, and time its start-up.

Speed (one table row per size X, H, T; one thread, batch 1, float32). For every size one set of
seeded weights W (X,4H), U (H,4H), b (4H,), Wout (H,1), bout (1,) in Keras layout (gate blocks
i, f, c~, o) and one input window (T, X) are made, and the same model is run three ways (four with RTNeural):

  NumPy loop     the tutorial ("Keras LSTM weights demystified") loop: per step and per gate
                 sigmoid(x·W_gate + h·U_gate + b_gate) (tanh for c~), c = f*c + i*c~,
                 h = o*tanh(c); after the last step y = h·Wout + bout. OpenBLAS/OMP/MKL are
                 limited to one thread before NumPy is imported.
  onnxruntime    a graph with one ONNX `LSTM` operator (weights reordered to ONNX's i, o, f, c
                 and transposed; Keras b in Wb, zeros in Rb) followed by a Gemm for the Dense
                 layer; one intra-op and one inter-op thread, sequential execution. Only
                 `session.run` on the (T, 1, X) window is timed.
  lstmscope      `lstmscope bench MODEL.npz --steps T --format json --streaming`: the binary
                 times itself (replay: outputs only; trace: every gate of every step kept;
                 streaming: one input a call through LSTMStream, as a plug-in calls it) and we
                 report its numbers as printed.
  RTNeural       with --rtneural DIR (or $RTNEURAL_DIR, a checkout of
                 github.com/jatinchowdhury18/RTNeural; its Eigen is bundled): rtneural_bench.cpp,
                 its compile-time ModelT<LSTMLayerT<X, H>, DenseT<H, 1>> built per size with
                 g++ -O3 -march=native (Eigen backend), one forward() per step from reset(), timed
                 in the same rounds. Sizes above RTNEURAL_MAX_UNITS units are not built (its
                 fixed-size matrices are for real-time models; compile time grows with them).

NumPy and onnxruntime are timed here as whole-window calls: one warm-up call, then at least 9
calls and 1 s of them (more calls for short windows), at most 10 s (at least 3 calls) so that the
big sizes stay quick; --quick: 3 calls. They are all measured in --rounds interleaved rounds
(default 3), each with its share of that budget, because load on a shared machine changes over
seconds. Rates are medians over all calls (steps/s = T / median seconds); each "vs" ratio is the
median of the ratios within a round, with their range. Correctness is checked once per size: `lstmscope trace MODEL.npz
--input WINDOW.npy --format json` must give the same output as both (max |Δ| <= 1e-4).

Start-up (--startup, on by default): median wall time of `lstmscope inspect` on the bundled
sample-weights/tutorial.keras (with /bin/true as the cost of spawning a process at all), and on a
~66 MB Keras 3 `.keras` archive written here with h5py + zipfile in Keras 3's own layout (no
TensorFlow needed), plus that run's peak RSS relative to the size of the weights.

Run it through compare.sh, which makes a venv with numpy, onnx, onnxruntime and h5py.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SIZES = "3,5,1000;16,64,1000;64,256,1000;256,1024,200;1024,1024,100"
# The sizes real-time users run (one input a sample, 8-64 units), for --realtime.
REALTIME_SIZES = "1,8,1000;1,16,1000;1,32,1000;1,64,1000;3,5,1000;16,64,1000;64,256,1000"
RTNEURAL_MAX_UNITS = 256
TOLERANCE = 1e-4
BIG_KERAS_SIZE = (512, 1792, 10)  # X, H, look-back T: 16.5 M parameters, ~66 MB of float32
TARGET_SAMPLE_MS = 20.0
TARGET_BIG_MS = 300.0
TARGET_RSS_RATIO = 2.0


# ---------------------------------------------------------------------------------------------
# Command line


def parse_sizes(text):
    """`"3,5,1000;16,64,1000"` -> [(3, 5, 1000), (16, 64, 1000)]."""
    sizes = []
    for part in text.split(";"):
        fields = [int(v) for v in part.split(",")]
        if len(fields) != 3 or min(fields) < 1:
            raise argparse.ArgumentTypeError(f"size {part!r} is not X,H,T with positive integers")
        sizes.append(tuple(fields))
    return sizes


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lstmscope", type=Path, metavar="PATH", help="the lstmscope binary (default: <repo>/.build/release/"
                   "lstmscope, built with `swift build -c release` when missing)")
    p.add_argument("--sizes", type=parse_sizes, default=None,
                   help=f'"X,H,T;X,H,T…" (default: {DEFAULT_SIZES})')
    p.add_argument("--realtime", action="store_true",
                   help=f"the real-time sizes RTNeural is made for: {REALTIME_SIZES}")
    p.add_argument("--rtneural", type=Path, metavar="DIR", default=os.environ.get("RTNEURAL_DIR"),
                   help="an RTNeural checkout to build and time too (default: $RTNEURAL_DIR)")
    p.add_argument("--seed", type=int, default=0, help="seed of the weights and windows (default 0)")
    p.add_argument("--quick", action="store_true", help="fewer repeats: a smoke run, not a measurement")
    p.add_argument("--rounds", type=int, default=None, metavar="N",
                   help="interleaved rounds of them all per size (default 3; 1 with --quick)")
    p.add_argument("--startup", action=argparse.BooleanOptionalAction, default=True,
                   help="also time `lstmscope inspect` on the sample and on a 64 MB .keras (default on)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write every raw number to FILE")
    args = p.parse_args(argv)
    if args.realtime and args.sizes is not None:
        p.error("--realtime picks the sizes itself; give --sizes or --realtime, not both")
    if args.sizes is None:
        args.sizes = parse_sizes(REALTIME_SIZES if args.realtime else DEFAULT_SIZES)
    return args


# ---------------------------------------------------------------------------------------------
# Model and input


def make_weights(x, h, seed):
    """Seeded Keras-layout weights, scaled by 1/sqrt(fan-in) so the gates are not saturated."""
    rng = np.random.default_rng([seed, x, h])

    def uniform(shape, scale):
        return rng.uniform(-scale, scale, size=shape).astype(np.float32)

    return {
        "W": uniform((x, 4 * h), 1 / np.sqrt(x)),
        "U": uniform((h, 4 * h), 1 / np.sqrt(h)),
        "b": uniform((4 * h,), 0.3),
        "Wout": uniform((h, 1), 1 / np.sqrt(h)),
        "bout": uniform((1,), 0.3),
    }


def make_window(t, x, seed):
    """A seeded (T, X) float32 input window."""
    return np.random.default_rng([seed, t, x, 1]).uniform(-1, 1, size=(t, x)).astype(np.float32)


def weight_bytes(weights):
    return sum(a.nbytes for a in weights.values())


# ---------------------------------------------------------------------------------------------
# The implementations (RTNeural's is a C++ file: rtneural_bench.cpp)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def numpy_loop(weights, window):
    """The tutorial loop: four separate gate computations per step, Keras gate order i, f, c~, o."""
    W, U, b = weights["W"], weights["U"], weights["b"]
    n = U.shape[0]
    W_i, W_f, W_c, W_o = (W[:, k * n:(k + 1) * n] for k in range(4))
    U_i, U_f, U_c, U_o = (U[:, k * n:(k + 1) * n] for k in range(4))
    b_i, b_f, b_c, b_o = (b[k * n:(k + 1) * n] for k in range(4))
    h = np.zeros(n, dtype=np.float32)
    c = np.zeros(n, dtype=np.float32)
    for x in window:
        i = sigmoid(np.dot(x, W_i) + np.dot(h, U_i) + b_i)
        f = sigmoid(np.dot(x, W_f) + np.dot(h, U_f) + b_f)
        c_tilde = np.tanh(np.dot(x, W_c) + np.dot(h, U_c) + b_c)
        o = sigmoid(np.dot(x, W_o) + np.dot(h, U_o) + b_o)
        c = f * c + i * c_tilde
        h = o * np.tanh(c)
    return np.dot(h, weights["Wout"]) + weights["bout"]


def keras_to_onnx_gates(m):
    """Reorders the last axis from Keras's gate blocks (i, f, c, o) to ONNX's (i, o, f, c)."""
    i, f, c, o = np.split(m, 4, axis=-1)
    return np.concatenate([i, o, f, c], axis=-1)


def onnx_model(weights, t):
    """LSTM (seq T, batch 1) then Gemm for the Dense layer; input "x" (T, 1, X), output "y" (1, 1)."""
    x_size, h4 = weights["W"].shape
    h = h4 // 4
    initializers = [
        numpy_helper.from_array(keras_to_onnx_gates(weights["W"]).T[None], "W"),
        numpy_helper.from_array(keras_to_onnx_gates(weights["U"]).T[None], "R"),
        numpy_helper.from_array(np.concatenate([keras_to_onnx_gates(weights["b"]),
                                                np.zeros(4 * h, np.float32)])[None], "B"),
        numpy_helper.from_array(np.array([1, h], dtype=np.int64), "h_shape"),
        numpy_helper.from_array(weights["Wout"], "Wout"),
        numpy_helper.from_array(weights["bout"], "bout"),
    ]
    nodes = [
        helper.make_node("LSTM", ["x", "W", "R", "B"], ["", "Y_h"], hidden_size=h),
        helper.make_node("Reshape", ["Y_h", "h_shape"], ["h"]),
        helper.make_node("Gemm", ["h", "Wout", "bout"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "keras_lstm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [t, 1, x_size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


def onnx_session(model):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def run_lstmscope_json(binary, *args):
    """Runs `lstmscope ARGS…` and parses its JSON; (None, error text) when it fails."""
    proc = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True)
    if proc.returncode != 0:
        first_line = (proc.stderr.strip() or f"exit status {proc.returncode}").splitlines()[0]
        return None, first_line
    try:
        return json.loads(proc.stdout), None
    except json.JSONDecodeError as error:
        return None, f"not JSON: {error}"


# ---------------------------------------------------------------------------------------------
# RTNeural


def rtneural_binary(rtneural_dir, x, h, workdir):
    """rtneural_bench.cpp built for X, H against the checkout (cached per size); (path, None) or
    (None, why not)."""
    if h > RTNEURAL_MAX_UNITS:
        return None, f"not built above {RTNEURAL_MAX_UNITS} units"
    binary = workdir / f"rtneural-{x}-{h}"
    if binary.exists():
        return binary, None
    source = Path(__file__).resolve().parent / "rtneural_bench.cpp"
    cmd = ["g++", "-O3", "-march=native", "-std=c++17", "-DNDEBUG", "-DRTNEURAL_USE_EIGEN=1",
           "-DRTNEURAL_DEFAULT_ALIGNMENT=32",
           "-DEIGEN_STACK_ALLOCATION_LIMIT=0", f"-DBENCH_X={x}", f"-DBENCH_H={h}", "-w",
           f"-I{rtneural_dir}", f"-I{rtneural_dir / 'modules' / 'Eigen'}", str(source), "-o", str(binary)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return None, "g++ failed: " + (proc.stderr.strip().splitlines() or ["?"])[0]
    return binary, None


def write_raw(weights, window, directory):
    """The weights and window as raw float32 files, what rtneural_bench.cpp reads."""
    directory.mkdir(exist_ok=True)
    for name, array in (*weights.items(), ("x", window)):
        np.ascontiguousarray(array, dtype=np.float32).tofile(directory / f"{name}.f32")
    return directory


def run_rtneural(binary, raw_dir, t, timing):
    """One round of RTNeural's calls: (seconds of each call, output) or raises with its stderr."""
    repeats, min_s, budget_s = timing
    proc = subprocess.run([str(binary), str(raw_dir), str(t), str(repeats), str(min_s), str(budget_s)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip() or f"exit status {proc.returncode}")
    result = json.loads(proc.stdout)
    return result["times_s"], result["output"]


# ---------------------------------------------------------------------------------------------
# Timing and checking one size


def time_calls(fn, repeats, min_s, budget_s):
    """One warm-up call, then timed calls until there are `repeats` of them and `min_s` seconds
    are spent (so that short calls are repeated more), stopping early once `budget_s` is spent
    but never before 3 calls; returns the seconds of each timed call."""
    fn()
    times = []
    spent = 0.0
    while len(times) < 3 or (spent < budget_s and (len(times) < repeats or spent < min_s)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        spent += times[-1]
    return times


def rate_summary(times, t):
    median = statistics.median(times)
    return {"median_s": median, "steps_per_s": t / median, "repeats": len(times), "times_s": times}


def measure_size(binary, size, seed, quick, rounds, workdir, rtneural_dir=None):
    """Everything for one row of the table: timings, lstmscope's own numbers, and the output check.

    They are measured in `rounds` interleaved rounds (NumPy, onnxruntime, RTNeural, lstmscope, then
    again), because load from other tenants of a shared machine comes and goes over seconds:
    back-to-back measurements of one tool each can land in different weather. Rates are the
    median over all calls; the ratios are the median of the per-round ratios."""
    x, h, t = size
    repeats, min_s, budget_s = (3, 0.1, 2.0) if quick else (9, 1.0, 10.0)
    timing = (max(3, repeats // rounds), min_s / rounds, budget_s / rounds)
    weights = make_weights(x, h, seed)
    window = make_window(t, x, seed)
    model_path = workdir / f"lstm-{x}-{h}-{t}.npz"
    window_path = workdir / f"window-{x}-{h}-{t}.npy"
    np.savez(model_path, **weights)
    np.save(window_path, window)

    session = onnx_session(onnx_model(weights, t))
    feed = {"x": window[:, None, :]}
    y_numpy = numpy_loop(weights, window)
    y_onnx = session.run(None, feed)[0].reshape(-1)

    row = {"x": x, "h": h, "t": t, "weight_bytes": weight_bytes(weights), "rounds": rounds}
    numpy_times, onnx_times, rtn_times, scope_runs = [], [], [], []
    paired = {"numpy": [], "onnxruntime": [], "rtneural": [], "streaming_vs_rtneural": [],
              "streaming_vs_onnxruntime": []}
    row["lstmscope_error"] = None
    rtn, row["rtneural_error"], y_rtneural = None, None, None
    if rtneural_dir:
        rtn, row["rtneural_error"] = rtneural_binary(rtneural_dir, x, h, workdir)
        raw_dir = write_raw(weights, window, workdir / f"raw-{x}-{h}-{t}") if rtn else None
    for _ in range(rounds):
        numpy_round = time_calls(lambda: numpy_loop(weights, window), *timing)
        onnx_round = time_calls(lambda: session.run(None, feed), *timing)
        numpy_times += numpy_round
        onnx_times += onnx_round
        rtn_round = None
        if rtn:
            try:
                rtn_round, y_rtneural = run_rtneural(rtn, raw_dir, t, timing)
                rtn_times += rtn_round
            except (RuntimeError, OSError, KeyError, json.JSONDecodeError) as error:
                row["rtneural_error"], rtn = str(error).splitlines()[0], None
        scope, error = run_lstmscope_json(binary, "bench", model_path, "--steps", t, "--format", "json",
                                          "--streaming", "--time", f"{max(0.2, 0.5 / rounds):.2f}")
        if scope is None:
            row["lstmscope_error"] = error
            break
        scope_runs.append(scope)
        replay = scope["replay"]["steps_per_s"]
        streaming = (scope.get("streaming") or {}).get("steps_per_s")
        onnx_rate = t / statistics.median(onnx_round)
        paired["numpy"].append(replay / (t / statistics.median(numpy_round)))
        paired["onnxruntime"].append(replay / onnx_rate)
        if streaming:
            paired["streaming_vs_onnxruntime"].append(streaming / onnx_rate)
        if rtn_round:
            rtn_rate = t / statistics.median(rtn_round)
            paired["rtneural"].append(replay / rtn_rate)
            if streaming:
                paired["streaming_vs_rtneural"].append(streaming / rtn_rate)
    row["numpy"] = rate_summary(numpy_times, t)
    row["onnxruntime"] = rate_summary(onnx_times, t)
    row["rtneural"] = rate_summary(rtn_times, t) if rtn_times else None
    row["lstmscope"] = None
    if scope_runs and not row["lstmscope_error"]:
        # lstmscope's own report of the first round, with the medians over all rounds.
        merged = dict(scope_runs[0])
        for mode in ("replay", "trace", "streaming"):
            if not all(r.get(mode) for r in scope_runs):
                continue
            merged[mode] = dict(merged[mode])
            merged[mode]["steps_per_s"] = statistics.median(r[mode]["steps_per_s"] for r in scope_runs)
            merged[mode]["rounds_steps_per_s"] = [r[mode]["steps_per_s"] for r in scope_runs]
        row["lstmscope"] = merged
        row["ratio"] = {k: statistics.median(v) for k, v in paired.items() if v}
        row["ratio_rounds"] = paired
    trace, row["trace_error"] = run_lstmscope_json(
        binary, "trace", model_path, "--input", window_path, "--format", "json")
    row["diff"] = {"numpy_vs_onnxruntime": max_abs_diff(y_numpy, y_onnx)}
    if trace is not None:
        y_scope = np.asarray(trace["output"], dtype=np.float32).reshape(-1)
        row["diff"]["lstmscope_vs_numpy"] = max_abs_diff(y_scope, y_numpy)
        row["diff"]["lstmscope_vs_onnxruntime"] = max_abs_diff(y_scope, y_onnx)
        if y_rtneural is not None:
            row["diff"]["lstmscope_vs_rtneural"] = max_abs_diff(y_scope, [y_rtneural])
    return row


def max_abs_diff(a, b):
    a, b = np.asarray(a, np.float64).reshape(-1), np.asarray(b, np.float64).reshape(-1)
    return float(np.max(np.abs(a - b))) if a.shape == b.shape else float("inf")


# ---------------------------------------------------------------------------------------------
# Start-up: a Keras 3 archive without Keras


def dtype_policy(shared_id):
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
            "registered_name": None, "shared_object_id": shared_id}


def initializer(class_name, config, shared_id=None):
    serialized = {"module": "keras.initializers", "class_name": class_name, "config": config,
                  "registered_name": None}
    if shared_id is not None:
        serialized["shared_object_id"] = shared_id
    return serialized


def keras_config(x, h, t, name):
    """config.json of an uncompiled Sequential(InputLayer, LSTM(h), Dense(1)) as Keras 3 writes it."""
    glorot = {"seed": None, "input_axes": None, "output_axes": None}
    input_layer = {
        "module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
        "config": {"batch_shape": [None, t, x], "dtype": "float32", "sparse": False, "ragged": False,
                   "name": "input_layer", "optional": False},
    }
    lstm = {
        "module": "keras.layers", "class_name": "LSTM", "registered_name": None,
        "config": {
            "name": "lstm", "trainable": True, "dtype": dtype_policy(1001),
            "return_sequences": False, "return_state": False, "go_backwards": False, "stateful": False,
            "unroll": False, "zero_output_for_mask": False, "units": h, "activation": "tanh",
            "recurrent_activation": "sigmoid", "use_bias": True,
            "kernel_initializer": initializer("GlorotUniform", glorot, 1002),
            "recurrent_initializer": initializer("Orthogonal", {"seed": None, "gain": 1.0}, 1003),
            "bias_initializer": initializer("Zeros", {}, 1004),
            "unit_forget_bias": True, "kernel_regularizer": None, "recurrent_regularizer": None,
            "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
            "recurrent_constraint": None, "bias_constraint": None, "dropout": 0.0,
            "recurrent_dropout": 0.0, "seed": None,
        },
        "build_config": {"input_shape": [None, t, x]},
    }
    dense = {
        "module": "keras.layers", "class_name": "Dense", "registered_name": None,
        "config": {
            "name": "dense", "trainable": True, "dtype": dtype_policy(1001), "units": 1,
            "activation": "linear", "use_bias": True,
            "kernel_initializer": initializer("GlorotUniform", glorot),
            "bias_initializer": initializer("Zeros", {}),
            "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None, "quantization_config": None,
        },
        "build_config": {"input_shape": [None, h]},
    }
    return {
        "module": "keras", "class_name": "Sequential", "registered_name": None,
        "config": {"name": name, "trainable": True, "dtype": dtype_policy(1001),
                   "layers": [input_layer, lstm, dense], "build_input_shape": [None, t, x]},
        "build_config": {"input_shape": [None, t, x]},
    }


def write_weights_h5(path, weights, name):
    """model.weights.h5 with Keras 3's groups: layers/<layer>/[cell/]vars/<index>, each vars
    group carrying its object's name, and an empty top-level vars group for the model."""
    with h5py.File(path, "w") as f:
        layers = f.create_group("layers")
        dense_vars = layers.create_group("dense").create_group("vars")
        dense_vars.attrs["name"] = "dense"
        dense_vars["0"], dense_vars["1"] = weights["Wout"], weights["bout"]
        lstm = layers.create_group("lstm")
        cell_vars = lstm.create_group("cell").create_group("vars")
        cell_vars.attrs["name"] = "lstm_cell"
        cell_vars["0"], cell_vars["1"], cell_vars["2"] = weights["W"], weights["U"], weights["b"]
        lstm.create_group("vars").attrs["name"] = "lstm"
        f.create_group("vars").attrs["name"] = name


def write_keras_archive(path, weights, t, name="bench"):
    """A Keras 3 `.keras` file: an uncompressed zip of metadata.json, config.json, model.weights.h5."""
    x, h4 = weights["W"].shape
    h5_path = Path(path).with_suffix(".weights.h5")
    write_weights_h5(h5_path, weights, name)
    metadata = {"keras_version": "3.15.1",
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(zipfile.ZipInfo("metadata.json"), json.dumps(metadata))
        archive.writestr(zipfile.ZipInfo("config.json"), json.dumps(keras_config(x, h4 // 4, t, name)))
        archive.write(h5_path, "model.weights.h5")
    h5_path.unlink()


# ---------------------------------------------------------------------------------------------
# Start-up: measuring processes


def wall_times(cmd, runs):
    """Wall seconds of `runs` runs of cmd (after one warm-up), output discarded; raises on failure."""
    times = []
    for k in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, cmd))}: exit {proc.returncode}: {proc.stderr.strip()}")
        if k > 0:
            times.append(elapsed)
    return times


def peak_rss_bytes(cmd):
    """Peak resident set size of one run of cmd: GNU time's %M, else getrusage in a fresh child."""
    if Path("/usr/bin/time").exists():
        with tempfile.NamedTemporaryFile("r") as out:
            subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *map(str, cmd)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            return int(out.read().split()[-1]) * 1024
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
             "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    kib = subprocess.run([sys.executable, "-c", probe, *map(str, cmd)], capture_output=True,
                         text=True, check=True).stdout
    return int(kib) * 1024


def measure_startup(binary, seed, quick, workdir):
    runs = 5 if quick else 20
    sample = REPO / "sample-weights" / "tutorial.keras"
    x, h, t = BIG_KERAS_SIZE
    weights = make_weights(x, h, seed)
    big = workdir / "big.keras"
    write_keras_archive(big, weights, t)
    result = {"runs": runs, "true_s": statistics.median(wall_times(["/bin/true"], runs)),
              "big_keras": {"x": x, "h": h, "file_bytes": big.stat().st_size,
                            "weight_bytes": weight_bytes(weights)}}
    try:
        result["sample_s"] = statistics.median(wall_times([binary, "inspect", sample], runs))
        result["big_keras"]["inspect_s"] = statistics.median(wall_times([binary, "inspect", big], runs))
        result["big_keras"]["peak_rss_bytes"] = peak_rss_bytes([binary, "inspect", big])
    except (RuntimeError, subprocess.CalledProcessError) as error:
        result["error"] = str(error)
    return result


# ---------------------------------------------------------------------------------------------
# Report


def fmt_rate(v):
    """67k, 4.7M, 350."""
    if v is None:
        return "n/a"
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= scale:
            return f"{v / scale:.1f}{suffix}" if v < 10 * scale else f"{v / scale:.0f}{suffix}"
    return f"{v:.0f}"


def fmt_ratio(a, b):
    """a / b as 71× or 1.3×."""
    if a is None or b is None:
        return "n/a"
    r = a / b
    return f"{r:.0f}×" if r >= 10 else f"{r:.2f}×" if r < 1 else f"{r:.1f}×"


def fmt_diff(v):
    if v is None:
        return "n/a"
    return f"{v:.1e} ⚠" if v > TOLERANCE else f"{v:.1e}"


def machine_info():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cpu": cpu, "cores": os.cpu_count(), "onnxruntime": ort.__version__, "numpy": np.__version__,
            "python": platform.python_version(), "date": datetime.datetime.now().isoformat(timespec="seconds")}


def print_machine(info, binary):
    print(f"machine: {info['cpu']}, {info['cores']} cores; onnxruntime {info['onnxruntime']}, "
          f"numpy {info['numpy']}, Python {info['python']}; {info['date']}")
    print(f"lstmscope: {binary} (kernel built for {info.get('isa', '?')})")
    if "rtneural" in info:
        print(f"RTNeural: {info['rtneural']}, -O3 -march=native, Eigen backend")
    print()


def scope_rate(row, mode):
    return row["lstmscope"][mode]["steps_per_s"] if row["lstmscope"] and row["lstmscope"].get(mode) else None


def scope_diff(row):
    diffs = [row["diff"].get(k) for k in ("lstmscope_vs_numpy", "lstmscope_vs_onnxruntime")]
    if "lstmscope_vs_rtneural" in row["diff"]:
        diffs.append(row["diff"]["lstmscope_vs_rtneural"])
    return max(diffs) if None not in diffs else None


def fmt_paired(row, anchor):
    """The median per-round ratio under `anchor` (replay or streaming against another), with its range."""
    if anchor not in row.get("ratio", {}):
        return "–"
    values = row["ratio_rounds"][anchor]
    text = f"{row['ratio'][anchor]:.2g}×" if row["ratio"][anchor] < 10 else f"{row['ratio'][anchor]:.0f}×"
    if len(values) > 1:
        low, high = min(values), max(values)
        text += f" ({low:.2g}–{high:.2g})" if high < 10 else f" ({low:.0f}–{high:.0f})"
    return text


def print_speed_table(rows, with_rtneural):
    rtn_head = " RTNeural | vs RTNeural | streaming vs RTNeural |" if with_rtneural else ""
    print("| X, H, T | NumPy loop | onnxruntime | lstmscope replay | lstmscope trace | lstmscope streaming "
          f"| vs NumPy | vs onnxruntime | streaming vs onnxruntime |{rtn_head} trace/replay time | max \\|Δ\\| |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|" + ("--:|--:|--:|" if with_rtneural else "") + "--:|--:|")
    for row in rows:
        replay, trace = scope_rate(row, "replay"), scope_rate(row, "trace")
        streaming = scope_rate(row, "streaming")
        numpy_rate, onnx_rate = row["numpy"]["steps_per_s"], row["onnxruntime"]["steps_per_s"]
        rtn_cells = ""
        if with_rtneural:
            rtn_rate = row["rtneural"]["steps_per_s"] if row.get("rtneural") else None
            rtn_cells = (f" {fmt_rate(rtn_rate)} | {fmt_paired(row, 'rtneural')} "
                         f"| {fmt_paired(row, 'streaming_vs_rtneural')} |")
        print(f"| {row['x']}, {row['h']}, {row['t']} | {fmt_rate(numpy_rate)} | {fmt_rate(onnx_rate)} "
              f"| {fmt_rate(replay)} | {fmt_rate(trace)} | {fmt_rate(streaming)} | {fmt_paired(row, 'numpy')} "
              f"| {fmt_paired(row, 'onnxruntime')} | {fmt_paired(row, 'streaming_vs_onnxruntime')} |{rtn_cells} "
              f"{fmt_ratio(replay, trace)} | {fmt_diff(scope_diff(row))} |")
    rounds = rows[0]["rounds"] if rows else 1
    print(f"\nsteps/s (median of whole-window runs over {rounds} interleaved round(s), one thread); vs = median of "
          "the per-round ratios; max |Δ| = largest difference of "
          f"lstmscope trace's output from NumPy's, onnxruntime's and RTNeural's (⚠ above {TOLERANCE:g}).")
    for row in rows:
        size = f"{row['x']}, {row['h']}, {row['t']}"
        if row["lstmscope_error"]:
            print(f"  {size}: lstmscope bench failed: {row['lstmscope_error']}")
        elif row["lstmscope"].get("threads", 1) != 1:
            print(f"  {size}: lstmscope bench used {row['lstmscope']['threads']} threads")
        if row["trace_error"]:
            print(f"  {size}: lstmscope trace failed: {row['trace_error']}")
        if row.get("rtneural_error"):
            print(f"  {size}: RTNeural: {row['rtneural_error']}")
        if row["diff"]["numpy_vs_onnxruntime"] > TOLERANCE:
            print(f"  {size}: NumPy and onnxruntime differ by {row['diff']['numpy_vs_onnxruntime']:.1e}")


def check(value, target):
    return "n/a" if value is None else "ok" if value < target else "MISSED"


def print_startup_table(s):
    big = s["big_keras"]
    ms = {k: (v * 1e3 if v is not None else None) for k, v in
          (("sample", s.get("sample_s")), ("big", big.get("inspect_s")), ("true", s["true_s"]))}
    rss = big.get("peak_rss_bytes")
    ratio = rss / big["weight_bytes"] if rss else None

    def ms_text(v):
        return "n/a" if v is None else f"{v:.1f} ms"

    print(f"\nStart-up (median of {s['runs']} runs, wall time including process spawn)\n")
    print("| measurement | value | target | |")
    print("|---|--:|--:|---|")
    print(f"| `inspect sample-weights/tutorial.keras` | {ms_text(ms['sample'])} | < {TARGET_SAMPLE_MS:.0f} ms "
          f"| {check(ms['sample'], TARGET_SAMPLE_MS)} |")
    print(f"| `/bin/true` (cost of a process) | {ms_text(ms['true'])} | | |")
    print(f"| `inspect` {big['file_bytes'] / 1e6:.0f} MB .keras (X={big['x']}, H={big['h']}) "
          f"| {ms_text(ms['big'])} | < {TARGET_BIG_MS:.0f} ms | {check(ms['big'], TARGET_BIG_MS)} |")
    rss_text = "n/a" if ratio is None else f"{rss / 2**20:.0f} MiB = {ratio:.2f}× weights"
    print(f"| peak RSS of that | {rss_text} | < {TARGET_RSS_RATIO:g}× weights "
          f"| {check(ratio, TARGET_RSS_RATIO)} |")
    if "error" in s:
        print(f"\nlstmscope inspect failed: {s['error']}")


# ---------------------------------------------------------------------------------------------


def lstmscope_binary(explicit):
    """The binary to measure: --lstmscope, else the release build, built first when missing."""
    if explicit:
        if not explicit.exists():
            sys.exit(f"compare.py: {explicit} does not exist")
        return explicit.resolve()
    binary = REPO / ".build" / "release" / "lstmscope"
    if not binary.exists():
        print(f"compare.py: {binary} is missing; running swift build -c release", file=sys.stderr)
        subprocess.run(["swift", "build", "-c", "release", "--product", "lstmscope"], cwd=REPO, check=True)
    return binary


def main(argv):
    args = parse_args(argv)
    binary = lstmscope_binary(args.lstmscope)
    info = machine_info()
    rtneural_dir = args.rtneural.resolve() if args.rtneural else None
    if rtneural_dir and not (rtneural_dir / "RTNeural" / "RTNeural.h").exists():
        sys.exit(f"compare.py: {rtneural_dir} is not an RTNeural checkout (no RTNeural/RTNeural.h)")
    if not rtneural_dir:
        print("compare.py: RTNeural not timed; to add it: git clone "
              "https://github.com/jatinchowdhury18/RTNeural /tmp/RTNeural, then RTNEURAL_DIR=/tmp/RTNeural "
              "(g++ needed)", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="lstmscope-bench-") as tmp:
        workdir = Path(tmp)
        rows = []
        for size in args.sizes:
            print(f"measuring X, H, T = {size} …", file=sys.stderr)
            rounds = args.rounds or (1 if args.quick else 3)
            rows.append(measure_size(binary, size, args.seed, args.quick, max(1, rounds), workdir, rtneural_dir))
        startup = measure_startup(binary, args.seed, args.quick, workdir) if args.startup else None
    info["isa"] = next((r["lstmscope"]["isa"] for r in rows if r["lstmscope"] and "isa" in r["lstmscope"]), "?")
    if rtneural_dir:
        info["rtneural"] = f"{rtneural_dir}, " + subprocess.run(
            ["g++", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    print_machine(info, binary)
    print_speed_table(rows, rtneural_dir is not None)
    if startup:
        print_startup_table(startup)
    if args.json:
        report = {"machine": info, "lstmscope": str(binary), "seed": args.seed, "quick": args.quick,
                  "sizes": rows, "startup": startup}
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
