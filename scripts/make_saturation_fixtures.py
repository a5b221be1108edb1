#!/usr/bin/env python3
"""Generate the saturated-gate fixtures into Tests/Fixtures/saturation/.

Run from the repo root:  /work/venv/keras/bin/python scripts/make_saturation_fixtures.py
(needs keras>=3, tensorflow-cpu, numpy).

Two 1-unit models whose gates sit far out in σ's tails while an unbounded (linear)
activation makes the value they gate huge, so a σ with an absolute error floor (a gate of
1.2e-7 instead of 4e-8) is visible in the output:
  lstm_linear: i = σ(-17) = 4.1e-8 lets c̃ = 1e8 through: c = h = 4.14 (not 11.9).
  gru_linear:  z = σ(17) rounds to 1 in float32, so (1 − z)·h̃ = 0 (not 11.9).
Found by checking long windows against Keras (a GRU/LSTM with linear activation).
Each model is saved as NAME.keras with NAME-input.npy (the window) and NAME-expected.npy
(Keras's model.predict on it).
"""
import os
import sys

sys.dont_write_bytecode = True
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402

L = keras.layers
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "saturation")


def main():
    os.makedirs(OUT, exist_ok=True)
    x = np.array([[1.0]], np.float32)  # one step: nothing else in the output but the tail
    lstm = keras.Sequential([keras.Input((None, 1)), L.LSTM(1, activation="linear", name="lstm"), L.Dense(1, name="dense")],
                            name="lstm_linear")
    # kernel columns i, f, c̃, o; no recurrence, no bias.
    lstm.layers[0].set_weights([np.array([[-17.0, 0.0, 1e8, 30.0]], np.float32), np.zeros((1, 4), np.float32), np.zeros(4, np.float32)])
    lstm.layers[1].set_weights([np.ones((1, 1), np.float32), np.zeros(1, np.float32)])
    gru = keras.Sequential([keras.Input((None, 1)), L.GRU(1, activation="linear", name="gru"), L.Dense(1, name="dense")],
                           name="gru_linear")
    # kernel columns z, r, h̃ (reset_after: bias rows b and b').
    gru.layers[0].set_weights([np.array([[17.0, 0.0, 1e8]], np.float32), np.zeros((1, 3), np.float32), np.zeros((2, 3), np.float32)])
    gru.layers[1].set_weights([np.ones((1, 1), np.float32), np.zeros(1, np.float32)])
    for name, model in [("lstm_linear", lstm), ("gru_linear", gru)]:
        model.save(os.path.join(OUT, name + ".keras"))
        y = model.predict(x[None], verbose=0)[0].astype(np.float32)
        np.save(os.path.join(OUT, name + "-input.npy"), x)
        np.save(os.path.join(OUT, name + "-expected.npy"), y)
        print(name, "keras:", y)
    with open(os.path.join(OUT, "VERSIONS.txt"), "w") as f:
        f.write(f"keras {keras.__version__}\n")


if __name__ == "__main__":
    main()
