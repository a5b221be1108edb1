#!/usr/bin/env python3
"""Ports of sample-weights/tutorial.keras written in NumPy, one planted bug each, and what
they print, for `lstmscope compare` (README "Porting a model", Tests/EndToEndTests).

Run from the repository root with numpy and h5py (no Keras needed):
    python3 scripts/make_port_fixtures.py
Writes Tests/Fixtures/ports/*.npy, *.csv and *.json. Deterministic.
"""
import io
import json
import zipfile

import h5py
import numpy as np

OUT = "Tests/Fixtures/ports"


def tutorial_arrays():
    """W, U, b, Wout, bout of the bundled tutorial model, read from its .keras archive."""
    archive = zipfile.ZipFile("sample-weights/tutorial.keras")
    weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    arrays = {}
    weights.visititems(lambda name, obj: arrays.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return (arrays["layers/lstm/cell/vars/0"], arrays["layers/lstm/cell/vars/1"], arrays["layers/lstm/cell/vars/2"],
            arrays["layers/dense/vars/0"], arrays["layers/dense/vars/1"])


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def port(x, W, U, b, order="ifco", forget_bias=0.0, reset_state=False):
    """The tutorial's NumPy loop; `order` is how it splits the 4·hu axis."""
    hu = U.shape[0]
    h = np.zeros(hu, np.float32)
    c = np.zeros(hu, np.float32)
    steps = []
    for t in range(len(x)):
        if reset_state:
            h = np.zeros(hu, np.float32)
            c = np.zeros(hu, np.float32)
        z = x[t] @ W + h @ U + b
        blocks = dict(zip(order, np.split(z, 4)))
        i, f, g, o = sigmoid(blocks["i"]), sigmoid(blocks["f"] + forget_bias), np.tanh(blocks["c"]), sigmoid(blocks["o"])
        c = f * c + i * g
        h = o * np.tanh(c)
        steps.append({"i": i, "f": f, "c_tilde": g, "o": o, "c": c, "h": h})
    return steps


def write_csv(path, steps, vectors):
    with open(path, "w") as out:
        out.write("layer,t,vector,unit,value\n")
        for t, step in enumerate(steps):
            for name in vectors:
                for k, v in enumerate(step[name]):
                    out.write(f"lstm,{t},{name},{k},{float(np.float32(v))!r}\n")


def main():
    W, U, b, Wout, bout = tutorial_arrays()
    x = np.load("sample-weights/tutorial-input.npy").reshape(-1, W.shape[0]).astype(np.float32)
    # ONNX's gate order (i, o, f, c) read into a Keras model: h at every step, a (T, hu) matrix.
    onnx = port(x, W, U, b, order="iofc")
    np.save(f"{OUT}/tutorial_onnx_order_h.npy", np.array([s["h"] for s in onnx], np.float32))
    # TF1's LSTMCell adds forget_bias=1 on top of the bias: every vector, as trace CSV.
    write_csv(f"{OUT}/tutorial_forget_bias_trace.csv", port(x, W, U, b, forget_bias=1.0),
              ["i", "f", "c_tilde", "o", "c", "h"])
    # The state not carried from step to step: only c and h, as trace JSON.
    reset = port(x, W, U, b, reset_state=True)
    layers = [{"name": "lstm", "steps": [{"t": t, "c": [float(v) for v in s["c"]], "h": [float(v) for v in s["h"]]}
                                         for t, s in enumerate(reset)]}]
    with open(f"{OUT}/tutorial_state_reset_trace.json", "w") as out:
        json.dump({"layers": layers}, out)
    # A correct port: its output only.
    right = port(x, W, U, b)
    y = right[-1]["h"] @ Wout + bout
    with open(f"{OUT}/tutorial_correct_output.json", "w") as out:
        json.dump([float(v) for v in y], out)


if __name__ == "__main__":
    main()
