#!/usr/bin/env python3
"""Make Tests/Fixtures/scan/: sets of windows, (N, T, xu), and Keras's own outputs for them, for
`lstmscope scan` (ScanTests).

Run from the repo root:  python scripts/make_scan_fixtures.py   (needs keras 3 and numpy; a venv
outside the repo). Deterministic: seeded windows.

  tutorial-x.npy, tutorial-y.npy   200 windows for sample-weights/tutorial.keras and
                                   model.predict of them (float32)
  tutorial.npz                     the same as x_test, y_test (np.savez, stored) and
  tutorial-compressed.npz          (np.savez_compressed)
  gru-x.npy, gru-y.npy             64 windows for Tests/Fixtures/rnn/gru.keras
"""
import os

import numpy as np
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "scan")


def windows(rng, n, t, xu):
    # Mostly small inputs, some large (saturating), so the statistics have something to find.
    x = rng.standard_normal((n, t, xu)).astype(np.float32)
    x[: n // 4] *= 4
    return x


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    for name, path, n in (("tutorial", "sample-weights/tutorial.keras", 200), ("gru", "Tests/Fixtures/rnn/gru.keras", 64)):
        model = keras.saving.load_model(os.path.join(ROOT, path))
        t, xu = model.input_shape[1], model.input_shape[2]
        x = windows(rng, n, t, xu)
        y = model.predict(x, verbose=0).astype(np.float32)
        np.save(os.path.join(OUT, f"{name}-x.npy"), x)
        np.save(os.path.join(OUT, f"{name}-y.npy"), y)
        if name == "tutorial":
            np.savez(os.path.join(OUT, "tutorial.npz"), x_test=x, y_test=y)
            np.savez_compressed(os.path.join(OUT, "tutorial-compressed.npz"), x_test=x, y_test=y)
        print(name, x.shape, y.shape, f"keras {keras.__version__}")
    with open(os.path.join(OUT, "VERSIONS.txt"), "w") as f:
        f.write(f"keras {keras.__version__}\nnumpy {np.__version__}\ngenerator: python scripts/make_scan_fixtures.py\n")


if __name__ == "__main__":
    main()
