#!/usr/bin/env python3
"""Generate lstmscope's sample models into sample-weights/ with real Keras 3.

Run from the repo root:  python scripts/make_samples.py
(needs keras>=3, tensorflow-cpu, h5py, numpy). Deterministic: seeded, single-threaded.
"""
import os
import sys

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_common as fc  # noqa: E402  (sets TF env vars before TF import)

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(fc.repo_root(), "sample-weights")
SEED = 7


def series(n, xu, yu, seed_phase=0.0):
    """Deterministic multi-sine series; target = next step of the first yu features."""
    t = np.arange(n + 1, dtype=np.float64)[:, None]
    j = np.arange(xu, dtype=np.float64)[None, :]
    s = np.sin(0.1 * t * (1.0 + 0.3 * j) + 0.5 * j + seed_phase) * (1.0 / (1.0 + 0.2 * j))
    return s.astype("float32")


def windows(s, look_back, yu):
    X = np.stack([s[i:i + look_back] for i in range(len(s) - look_back)])
    Y = np.stack([s[i + look_back, :yu] for i in range(len(s) - look_back)])
    return X.astype("float32"), Y.astype("float32")


def train(model, X, Y, epochs):
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    h = model.fit(X, Y, epochs=epochs, batch_size=32, shuffle=False, verbose=0)
    fc.log(f"  loss {h.history['loss'][0]:.4f} -> {h.history['loss'][-1]:.4f}")


def finish(name, model, x, h5=False, npz=False, extra_inputs=False):
    model.save(os.path.join(OUT, f"{name}.keras"))
    if h5:
        model.save(os.path.join(OUT, f"{name}.h5"))
    if npz:
        fc.save_npz_positional(model, os.path.join(OUT, f"{name}.npz"))
    np.save(os.path.join(OUT, f"{name}-input.npy"), x)
    trace = fc.make_trace(model, keras, x)
    res = fc.reference_check(trace, keras_major=3)
    for k, (dh, dc, _) in res.items():
        fc.log(f"  {name}/{k}: numpy reference max|dh|={dh:.2e} max|dc|={dc:.2e}")
    expected = np.asarray(model.predict(x[None], verbose=0))[0].astype("float32")
    np.save(os.path.join(OUT, f"{name}-expected.npy"), expected)
    fc.write_trace(trace, os.path.join(OUT, f"{name}-trace.json"))
    if extra_inputs:
        import json

        T, xu = x.shape
        with open(os.path.join(OUT, f"{name}-input.csv"), "w") as f:
            f.write(",".join(f"x{j}" for j in range(xu)) + "\n")
            for row in x:
                f.write(",".join(repr(float(v)) for v in row) + "\n")
        with open(os.path.join(OUT, f"{name}-input.json"), "w") as f:
            json.dump(fc.to_list(x), f)
            f.write("\n")


def main():
    fc.limit_threads()
    os.makedirs(OUT, exist_ok=True)

    # ---- tutorial: look_back=4, xu=3, hu=5, yu=1
    fc.log("tutorial")
    keras.utils.set_random_seed(SEED)
    s = series(300, 3, 1)
    X, Y = windows(s, 4, 1)
    model = keras.Sequential(
        [keras.Input((4, 3)), keras.layers.LSTM(5, name="lstm"), keras.layers.Dense(1, name="dense")],
        name="tutorial",
    )
    train(model, X, Y, epochs=20)
    finish("tutorial", model, X[100], h5=True, npz=True, extra_inputs=True)

    # ---- wide: window 50, xu=12, hu=32, yu=3
    fc.log("wide")
    keras.utils.set_random_seed(SEED)
    s = series(300, 12, 3)
    X, Y = windows(s, 50, 3)
    model = keras.Sequential(
        [keras.Input((50, 12)), keras.layers.LSTM(32, name="lstm"), keras.layers.Dense(3, name="dense")],
        name="wide",
    )
    train(model, X, Y, epochs=3)
    finish("wide", model, X[60])

    # ---- stacked: LSTM(8, rs) -> LSTM(6) -> Dense(2), xu=4, window 10
    fc.log("stacked")
    keras.utils.set_random_seed(SEED)
    s = series(300, 4, 2)
    X, Y = windows(s, 10, 2)
    model = keras.Sequential(
        [
            keras.Input((10, 4)),
            keras.layers.LSTM(8, return_sequences=True, name="lstm"),
            keras.layers.LSTM(6, name="lstm_1"),
            keras.layers.Dense(2, name="dense"),
        ],
        name="stacked",
    )
    train(model, X, Y, epochs=10)
    finish("stacked", model, X[100], h5=True)

    fc.log(f"keras {keras.__version__} tensorflow {tf.__version__} numpy {np.__version__}")


if __name__ == "__main__":
    main()
