#!/usr/bin/env python3
"""Generate Keras 2 (tf_keras) GRU / SimpleRNN / Bidirectional / Masking fixtures into
Tests/Fixtures/rnn-keras2/ (legacy .h5 only).

Run from the repo root:  /work/venv/tfkeras/bin/python scripts/make_rnn_keras2_fixtures.py
(needs tf-keras, tensorflow-cpu, h5py, numpy; uses `import tf_keras as keras`).
Deterministic: seeded weights. Every weight (biases too) is replaced by seeded N(0, scale)
values; NAME-trace.json holds Keras's own output and per-step states plus the NumPy
reference's gate vectors (format: see rnn_common.py). Every .h5 is loaded back and must
give the traced output again. Also writes param-counts.json and VERSIONS.txt.
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_common as fc  # noqa: E402
import rnn_common as rc  # noqa: E402

import numpy as np  # noqa: E402
import tf_keras as keras  # noqa: E402
import tensorflow as tf  # noqa: E402
import h5py  # noqa: E402
import logging  # noqa: E402

tf.get_logger().setLevel(logging.ERROR)

L = keras.layers
OUT = os.path.join(fc.repo_root(), "Tests", "Fixtures", "rnn-keras2")
REPORT = []
COUNTS = {}
T, XU = 7, 3


def fresh():
    keras.backend.clear_session()


def seq(name, layers):
    return keras.Sequential([keras.Input((T, XU))] + layers, name=name)


def emit(name, model, x, seed, scale=0.5, mask_value=None):
    fc.randomize_weights(model, seed, scale=scale)
    path = os.path.join(OUT, f"{name}.h5")
    model.save(path)
    with h5py.File(path, "r") as f:
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items() if k != "model_config"}
    tr = rc.make_trace(model, keras, x, keras_major=2, mask_value=mask_value)
    m = keras.models.load_model(path, compile=False)
    got = np.asarray(m.predict(x[None], verbose=0)).reshape(-1)
    assert np.allclose(got, tr["output"], atol=1e-7), (path, got, tr["output"])
    COUNTS[os.path.relpath(path, fc.repo_root())] = int(m.count_params())
    REPORT.append(f"{name}: h5 root attrs {attrs}; numpy reference agrees ({rc.summary(tr)}); "
                  f"params {model.count_params()}")
    rc.write_trace(tr, os.path.join(OUT, f"{name}-trace.json"))
    return tr


def main():
    fc.limit_threads()
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(19)

    fresh()
    m = seq("k2_gru", [L.GRU(4, name="gru"), L.Dense(1, name="dense")])
    REPORT.append(f"k2_gru: tf_keras GRU default reset_after={m.layers[0].get_config()['reset_after']}")
    emit("k2_gru", m, fc.window(T, XU), seed=401)
    fresh()
    m = seq("k2_gru_reset_before", [L.GRU(4, reset_after=False, name="gru"), L.Dense(1, name="dense")])
    emit("k2_gru_reset_before", m, fc.window(T, XU, phase=0.4), seed=402)
    fresh()
    m = seq("k2_simplernn", [L.SimpleRNN(4, name="simple_rnn"), L.Dense(1, name="dense")])
    emit("k2_simplernn", m, fc.window(T, XU, phase=0.8), seed=403)
    fresh()
    m = seq("k2_bidi", [L.Bidirectional(L.LSTM(4, name="lstm"), name="bidirectional"), L.Dense(1, name="dense")])
    emit("k2_bidi", m, fc.window(T, XU, phase=1.2), seed=404)
    fresh()
    x = fc.window(T, XU, phase=0.5)
    x[[2, 3, 6]] = 0.0
    m = seq("k2_mask_lstm", [L.Masking(mask_value=0.0, name="masking"), L.LSTM(4, name="lstm"),
                             L.Dense(1, name="dense")])
    emit("k2_mask_lstm", m, x, seed=405, mask_value=0.0)

    with open(os.path.join(OUT, "param-counts.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "counts": COUNTS}, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(OUT, "VERSIONS.txt"), "w") as f:
        f.write(f"tf_keras {keras.__version__}\n")
        f.write(f"tensorflow {tf.__version__}\n")
        f.write(f"numpy {np.__version__}\n")
        f.write(f"h5py {h5py.__version__}\n")
        f.write(f"python {sys.version.split()[0]}\n")
        f.write("generator: python scripts/make_rnn_keras2_fixtures.py (in a venv with tf-keras)\n")
    print("\n".join(REPORT))


if __name__ == "__main__":
    main()
