#!/usr/bin/env python3
"""Generate Keras 3 test fixtures into Tests/Fixtures/keras/.

Run from the repo root:  python scripts/make_fixtures.py
(needs keras>=3, tensorflow-cpu, h5py, numpy). Deterministic: seeded weights.

Every model is saved as NAME.keras and NAME.h5 (legacy HDF5, model.save),
plain LSTM->Dense models also as NAME.npz (np.savez(path, *get_weights())),
and NAME-trace.json holds Keras's own output and per-step h/c of each LSTM.
Weights are not trained: every weight (biases too) is replaced by seeded
N(0, scale) values so that biases are non-zero.
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_common as fc  # noqa: E402

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
import h5py  # noqa: E402

L = keras.layers
OUT = os.path.join(fc.repo_root(), "Tests", "Fixtures", "keras")
REPORT = []  # human-readable notes, printed at the end


def seq(name, T, xu, layers, dtype=None):
    return keras.Sequential([keras.Input((T, xu), dtype=dtype)] + layers, name=name)


def emit(name, model, x, seed, scale=0.5, scales=None, npz=False, trace=True, h5=True, tol=2e-5,
         extra=None, post=None):
    fc.randomize_weights(model, seed, scale=scale, scales=scales)
    if post:
        post(model)
    model.save(os.path.join(OUT, f"{name}.keras"))
    if h5:
        model.save(os.path.join(OUT, f"{name}.h5"))
    if npz:
        fc.save_npz_positional(model, os.path.join(OUT, f"{name}.npz"))
    if not trace:
        REPORT.append(f"{name}: saved (no trace)")
        return None
    tr = fc.make_trace(model, keras, x, extra=extra)
    res = fc.reference_check(tr, keras_major=3, tol=tol)
    msg = ", ".join(f"{k} dh={v[0]:.1e} dc={v[1]:.1e}" for k, v in res.items())
    REPORT.append(f"{name}: numpy reference agrees ({msg})")
    fc.write_trace(tr, os.path.join(OUT, f"{name}-trace.json"))
    return tr, res


def main():
    fc.limit_threads()
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(11)

    # plain: LSTM(3) -> Dense(1); also named_arrays.npz
    m = seq("plain", 5, 2, [L.LSTM(3, name="lstm"), L.Dense(1, name="dense")])
    emit("plain", m, fc.window(5, 2), seed=101, npz=True)
    W, U, b, Wout, bout = m.get_weights()
    np.savez(os.path.join(OUT, "named_arrays.npz"), W=W, U=U, b=b, Wout=Wout, bout=bout)

    # nobias
    m = seq("nobias", 5, 3, [L.LSTM(4, use_bias=False, name="lstm"), L.Dense(2, use_bias=False, name="dense")])
    emit("nobias", m, fc.window(5, 3), seed=102, npz=True)

    # activations: relu / hard_sigmoid (Keras 3: clip(x/6 + 0.5, 0, 1), linear on |x| < 3)
    m = seq("activations", 6, 3, [
        L.LSTM(5, activation="relu", recurrent_activation="hard_sigmoid", name="lstm"),
        L.Dense(3, activation="softmax", name="dense")])
    _, res = emit("activations", m, fc.window(6, 3), seed=103, scales={"lstm": 2.0, "dense": 0.7}, npz=True)
    pre = res["lstm"][2]
    gates = np.concatenate([pre[:, :5], pre[:, 5:10], pre[:, 15:20]], axis=1)  # i, f, o
    inside = int(np.sum(np.abs(gates) < 3.0))
    below = int(np.sum(gates <= -3.0))
    above = int(np.sum(gates >= 3.0))
    REPORT.append(f"activations: gate pre-activations inside linear region {inside}, <=-3 {below}, >=3 {above}")
    assert inside > 0 and below > 0 and above > 0

    # other activation pairs
    pairs = [("softsign", "sigmoid"), ("elu", "tanh"), ("swish", "linear"), ("gelu", "hard_sigmoid"),
             ("exponential", "sigmoid")]
    for k, (a, r) in enumerate(pairs):
        name = f"act_{a}_{r}"
        m = seq(name, 5, 3, [L.LSTM(4, activation=a, recurrent_activation=r, name="lstm"), L.Dense(2, name="dense")])
        scale = 0.15 if a == "exponential" else (0.4 if r == "linear" else 1.0)
        emit(name, m, fc.window(5, 3), seed=110 + k, scale=scale, npz=True)
        cfg = m.layers[0].get_config()
        REPORT.append(f"  {name}: config.json stores activation={cfg['activation']!r} "
                      f"recurrent_activation={cfg['recurrent_activation']!r}")

    # seq_dense: per-timestep Dense on the h sequence; output flattened row-major (T, 2)
    m = seq("seq_dense", 5, 3, [L.LSTM(4, return_sequences=True, name="lstm"), L.Dense(2, name="dense")])
    emit("seq_dense", m, fc.window(5, 3), seed=120)

    # two_dense
    m = seq("two_dense", 5, 3, [L.LSTM(6, name="lstm"), L.Dense(4, activation="relu", name="dense"),
                                L.Dense(1, name="dense_1")])
    emit("two_dense", m, fc.window(5, 3), seed=121)

    # stacked3
    m = seq("stacked3", 6, 3, [L.LSTM(5, return_sequences=True, name="lstm"),
                               L.LSTM(4, return_sequences=True, name="lstm_1"),
                               L.LSTM(3, name="lstm_2"), L.Dense(1, name="dense")])
    emit("stacked3", m, fc.window(6, 3), seed=122)

    # named
    m = seq("named", 5, 3, [L.LSTM(4, name="encoder"), L.Dense(2, name="head")])
    emit("named", m, fc.window(5, 3), seed=123, npz=True)

    # named_tricky: user names that collide with *other* layers' class-path names. In .keras
    # the weight groups are layers/lstm (this LSTM, user name "dense") and layers/dense
    # (this Dense, user name "lstm"); mapping by user name would swap them.
    m = seq("named_tricky", 5, 3, [L.LSTM(4, name="dense"), L.Dense(2, name="lstm")])
    emit("named_tricky", m, fc.window(5, 3), seed=127, npz=True)

    # functional: the same LSTM -> Dense as a functional Model (config class_name "Functional")
    inp = keras.Input((5, 3), name="series")
    out = L.Dense(2, name="dense")(L.LSTM(4, name="lstm")(inp))
    m = keras.Model(inp, out, name="functional")
    emit("functional", m, fc.window(5, 3), seed=128, npz=True)

    # noinputshape: Input((None, 3)); trace uses T=5
    m = keras.Sequential([keras.Input((None, 3)), L.LSTM(4, name="lstm"), L.Dense(1, name="dense")],
                         name="noinputshape")
    emit("noinputshape", m, fc.window(5, 3), seed=124, npz=True)

    # unsupported: Conv1D -> LSTM -> Dense (no trace)
    m = seq("unsupported", 6, 3, [L.Conv1D(4, 2, name="conv1d"), L.LSTM(3, name="lstm"), L.Dense(1, name="dense")])
    emit("unsupported", m, None, seed=125, trace=False)

    # float64 / float16. NOTE: in Keras 3 keras.config.set_floatx() alone does NOT change
    # the dtype of new layers' weights (the default dtype policy stays float32), so the
    # global dtype policy is set too.
    for fx, tol in (("float64", 1e-12), ("float16", 5e-3)):
        name = fx
        try:
            keras.config.set_floatx(fx)
            keras.config.set_dtype_policy(fx)
            m = keras.Sequential([keras.Input((5, 3), dtype=fx), L.LSTM(4, name="lstm"), L.Dense(2, name="dense")],
                                 name=name)
            wdt = m.layers[0].get_weights()[0].dtype
            tr, _ = emit(name, m, fc.window(5, 3, dtype=fx), seed=126, tol=tol)
            REPORT.append(f"{name}: weights dtype {wdt}, output {tr['output']}")
        except Exception as e:  # report, don't die
            REPORT.append(f"{name}: FAILED/SKIPPED: {type(e).__name__}: {e}")
        finally:
            keras.config.set_floatx("float32")
            keras.config.set_dtype_policy("float32")

    # versions
    with open(os.path.join(OUT, "VERSIONS.txt"), "w") as f:
        f.write(f"keras {keras.__version__}\n")
        f.write(f"tensorflow {tf.__version__}\n")
        f.write(f"numpy {np.__version__}\n")
        f.write(f"h5py {h5py.__version__}\n")
        f.write(f"python {sys.version.split()[0]}\n")
        f.write("generator: python scripts/make_fixtures.py\n")

    print("\n".join(REPORT))


if __name__ == "__main__":
    main()
