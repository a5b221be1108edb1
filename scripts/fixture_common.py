"""Shared helpers for the lstmscope fixture/sample generators.

Works with both Keras 3 (`import keras`) and the Keras 2 API (`import tf_keras`):
every function takes the keras module it should use.

A "trace" is what Keras itself computes for one input window:
  {"keras_version", "input": [[...] per step], "output": [... flattened],
   "layers": [{"name", "h": [[...] per step], "c": [[...] per step]}, ...]}
h per step comes from a probe LSTM with return_sequences=True; c per step
comes from running the probe (return_state=True) on every prefix input[:t].
Floats are written as float(x) of the stored dtype, so float32 values
round-trip exactly.
"""
import json
import math
import os
import sys

# Quiet, deterministic, and gentle on a 2-core machine. Must run before TF import.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def limit_threads():
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass
    try:
        tf.config.experimental.enable_op_determinism()
    except Exception:
        pass


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def to_list(a):
    """Nested python lists of python floats (exact for float16/32/64)."""
    a = np.asarray(a)
    if a.ndim == 0:
        return float(a)
    return [to_list(x) for x in a]


def window(T, xu, phase=0.0, scale=1.0, dtype="float32"):
    """Deterministic smooth input window of shape (T, xu)."""
    t = np.arange(T, dtype=np.float64)[:, None]
    j = np.arange(xu, dtype=np.float64)[None, :]
    x = np.sin(0.7 * t + 1.3 * j + phase) * 0.8 + 0.1 * np.cos(0.3 * t * (j + 1))
    return (x * scale).astype(dtype)


def randomize_weights(model, seed, scale=0.5, scales=None):
    """Replace every weight (incl. biases) with N(0, scale) from a seeded RNG.

    `scales` may map a layer name to its own scale.
    """
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        ws = layer.get_weights()
        if not ws:
            continue
        s = (scales or {}).get(layer.name, scale)
        layer.set_weights([(rng.standard_normal(w.shape) * s).astype(w.dtype) for w in ws])


def lstm_layers(model, keras):
    return [l for l in model.layers if isinstance(l, keras.layers.LSTM)]


def _probe(keras, layer, T, xu):
    cfg = dict(layer.get_config())
    cfg["return_sequences"] = True
    cfg["return_state"] = True
    cfg["name"] = layer.name + "_probe"
    for k in ("stateful", "go_backwards", "unroll"):
        cfg.pop(k, None)
    probe_layer = keras.layers.LSTM.from_config(cfg)
    dtype = getattr(layer, "compute_dtype", None) or layer.dtype
    inp = keras.Input((None, xu), dtype=dtype)
    outs = probe_layer(inp)
    probe = keras.Model(inp, outs)
    probe_layer.set_weights(layer.get_weights())
    return probe


def make_trace(model, keras, x, extra=None):
    """Run `model` and probes of each of its LSTM layers on window x (T, xu)."""
    x = np.asarray(x)
    T = x.shape[0]
    output = np.asarray(model.predict(x[None], verbose=0))[0]
    assert np.all(np.isfinite(output)), output
    layers = []
    seq = x
    for layer in lstm_layers(model, keras):
        xu = seq.shape[1]
        probe = _probe(keras, layer, T, xu)
        full = probe.predict(seq[None], verbose=0)
        hs = np.asarray(full[0])[0]
        cs = []
        for t in range(1, T + 1):
            out = probe.predict(seq[None, :t], verbose=0)
            h_t, c_t = np.asarray(out[1])[0], np.asarray(out[2])[0]
            # Prefix run must agree with the full sequence run.
            tol = 1e-2 if h_t.dtype == np.float16 else 1e-5
            assert np.allclose(h_t, hs[t - 1], atol=tol, rtol=1e-4), (layer.name, t, h_t, hs[t - 1])
            cs.append(c_t)
        cs = np.stack(cs)
        layers.append({"name": layer.name, "units": int(layer.units), "h": to_list(hs), "c": to_list(cs),
                       "_h": hs, "_c": cs, "_x": seq, "_layer": layer})
        seq = hs
    trace = {
        "keras_version": keras.__version__,
        "input": to_list(x),
        "output": to_list(output.reshape(-1)),
        "output_shape": list(output.shape),
    }
    if extra:
        trace.update(extra)
    trace["layers"] = layers
    return trace


def write_trace(trace, path):
    clean = dict(trace)
    clean["layers"] = [{k: v for k, v in l.items() if not k.startswith("_")} for l in trace["layers"]]
    with open(path, "w") as f:
        json.dump(clean, f, separators=(",", ":"))
        f.write("\n")


# ---------------------------------------------------------------- reference
def activation_fn(name, keras_major):
    a = {
        "tanh": np.tanh,
        "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
        "relu": lambda z: np.maximum(z, 0.0),
        "linear": lambda z: z,
        "softsign": lambda z: z / (1.0 + np.abs(z)),
        "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
        "selu": lambda z: 1.0507009873554805 * np.where(z > 0, z, 1.6732632423543772 * np.expm1(np.minimum(z, 0))),
        "silu": lambda z: z / (1.0 + np.exp(-z)),
        "swish": lambda z: z / (1.0 + np.exp(-z)),
        "gelu": lambda z: 0.5 * z * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0))),
        "exponential": np.exp,
    }
    if name == "hard_sigmoid":
        if keras_major >= 3:
            return lambda z: np.clip(z / 6.0 + 0.5, 0.0, 1.0)
        return lambda z: np.clip(0.2 * z + 0.5, 0.0, 1.0)
    return a[name]


def reference_check(trace, keras_major, tol=2e-5):
    """Recompute each LSTM layer in float64 numpy and compare to Keras's h/c.

    Returns dict layer -> (max |dh|, max |dc|, preactivation gate values).
    """
    res = {}
    for L in trace["layers"]:
        layer = L["_layer"]
        ws = layer.get_weights()
        W = ws[0].astype(np.float64)
        U = ws[1].astype(np.float64)
        b = ws[2].astype(np.float64) if layer.use_bias else np.zeros(W.shape[1])
        act = activation_fn(layer.get_config()["activation"], keras_major)
        ract = activation_fn(layer.get_config()["recurrent_activation"], keras_major)
        hu = U.shape[0]
        h = np.zeros(hu)
        c = np.zeros(hu)
        xs = L["_x"].astype(np.float64)
        dh = dc = 0.0
        pre = []
        for t in range(xs.shape[0]):
            z = xs[t] @ W + h @ U + b
            pre.append(z)
            i = ract(z[:hu])
            f = ract(z[hu:2 * hu])
            g = act(z[2 * hu:3 * hu])
            o = ract(z[3 * hu:])
            c = f * c + i * g
            h = o * act(c)
            dh = max(dh, float(np.max(np.abs(h - L["_h"][t]))))
            dc = max(dc, float(np.max(np.abs(c - L["_c"][t]))))
        scale = max(1.0, float(np.max(np.abs(L["_c"]))), float(np.max(np.abs(L["_h"]))))
        assert dh <= tol * scale and dc <= tol * scale, (L["name"], dh, dc)
        res[L["name"]] = (dh, dc, np.array(pre))
    return res


def save_npz_positional(model, path):
    np.savez(path, *model.get_weights())


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def write_counts_and_versions(out, counts, generator, libraries):
    """param-counts.json (Keras's count_params() per file) and VERSIONS.txt in `out`.

    `libraries` is [(name, module)] of the libraries that made the fixtures, keras first."""
    with open(os.path.join(out, "param-counts.json"), "w") as f:
        json.dump({"keras_version": libraries[0][1].__version__, "counts": counts}, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(out, "VERSIONS.txt"), "w") as f:
        for name, module in libraries:
            f.write(f"{name} {module.__version__}\n")
        f.write(f"python {sys.version.split()[0]}\n")
        f.write(f"generator: {generator}\n")
