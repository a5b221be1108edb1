#!/usr/bin/env python3
"""Generate Keras 2 (tf_keras) legacy-HDF5 fixtures into Tests/Fixtures/keras2/.

Run from the repo root:  python scripts/make_keras2_fixtures.py
(needs tf-keras, tensorflow-cpu, h5py, numpy; uses `import tf_keras as keras`).
Deterministic: seeded weights. Every weight (biases too) is replaced by seeded
N(0, scale) values; NAME-trace.json holds Keras's own output and per-step h/c.
"""
import os
import sys

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_common as fc  # noqa: E402

import numpy as np  # noqa: E402
import tf_keras as keras  # noqa: E402
import tensorflow as tf  # noqa: E402
import h5py  # noqa: E402

L = keras.layers
OUT = os.path.join(fc.repo_root(), "Tests", "Fixtures", "keras2")
REPORT = []


def emit(name, model, x, seed, scale=0.5, scales=None):
    fc.randomize_weights(model, seed, scale=scale, scales=scales)
    path = os.path.join(OUT, f"{name}.h5")
    model.save(path)
    with h5py.File(path, "r") as f:
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items() if k != "model_config"}
    REPORT.append(f"{name}: h5 root attrs {attrs}")
    tr = fc.make_trace(model, keras, x)
    res = fc.reference_check(tr, keras_major=2)
    REPORT.append(f"{name}: numpy reference agrees ("
                  + ", ".join(f"{k} dh={v[0]:.1e} dc={v[1]:.1e}" for k, v in res.items()) + ")")
    fc.write_trace(tr, os.path.join(OUT, f"{name}-trace.json"))
    return tr, res


def main():
    fc.limit_threads()
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(13)

    m = keras.Sequential([keras.Input((4, 3)), L.LSTM(5, name="lstm"), L.Dense(1, name="dense")], name="k2_tutorial")
    emit("k2_tutorial", m, fc.window(4, 3), seed=201)

    # Keras 2 hard_sigmoid = clip(0.2 x + 0.5, 0, 1): linear for |x| < 2.5
    m = keras.Sequential([keras.Input((6, 3)), L.LSTM(4, recurrent_activation="hard_sigmoid", name="lstm"),
                          L.Dense(1, name="dense")], name="k2_hardsig")
    _, res = emit("k2_hardsig", m, fc.window(6, 3), seed=202, scales={"lstm": 2.0, "dense": 0.5})
    pre = res["lstm"][2]
    gates = np.concatenate([pre[:, :4], pre[:, 4:8], pre[:, 12:16]], axis=1)  # i, f, o
    inside = int(np.sum(np.abs(gates) < 2.5))
    below = int(np.sum(gates <= -2.5))
    above = int(np.sum(gates >= 2.5))
    # Where Keras 3's hard_sigmoid (x/6 + 0.5) would differ noticeably:
    differ = int(np.sum(np.abs(np.clip(0.2 * gates + 0.5, 0, 1) - np.clip(gates / 6 + 0.5, 0, 1)) > 1e-3))
    REPORT.append(f"k2_hardsig: gate pre-activations inside (-2.5,2.5) {inside}, <=-2.5 {below}, >=2.5 {above}; "
                  f"{differ} of {gates.size} would differ under Keras 3's x/6+0.5")
    assert inside > 0 and below > 0 and above > 0

    m = keras.Sequential([keras.Input((5, 3)), L.LSTM(4, return_sequences=True, name="lstm"),
                          L.LSTM(3, name="lstm_1"), L.Dense(2, name="dense")], name="k2_stacked")
    emit("k2_stacked", m, fc.window(5, 3), seed=203)

    with open(os.path.join(OUT, "VERSIONS.txt"), "w") as f:
        f.write(f"tf_keras {keras.__version__}\n")
        f.write(f"tensorflow {tf.__version__}\n")
        f.write(f"numpy {np.__version__}\n")
        f.write(f"h5py {h5py.__version__}\n")
        f.write(f"python {sys.version.split()[0]}\n")
        f.write("generator: python scripts/make_keras2_fixtures.py (in a venv with tf-keras)\n")
    print("\n".join(REPORT))


if __name__ == "__main__":
    main()
