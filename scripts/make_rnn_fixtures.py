#!/usr/bin/env python3
"""Generate Keras 3 GRU / SimpleRNN / Bidirectional / Masking fixtures into Tests/Fixtures/rnn/.

Run from the repo root:  /work/venv/keras/bin/python scripts/make_rnn_fixtures.py
(needs keras>=3, tensorflow-cpu, h5py, numpy). Deterministic: seeded weights.

Every model is saved as NAME.keras and NAME.h5 (legacy HDF5, model.save), and
NAME-trace.json holds Keras's own output and per-step states of every recurrent layer
(per direction for Bidirectional) plus the gate vectors of a float64 NumPy reference that
is asserted to reproduce Keras (see rnn_common.py for the trace format). Every saved file
is loaded back with keras.models.load_model and must give the traced output again.
Weights are not trained: every weight (biases too) is replaced by seeded N(0, scale) values.
Also writes param-counts.json (Keras's count_params() per file) and VERSIONS.txt.
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_common as fc  # noqa: E402
import rnn_common as rc  # noqa: E402

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
import h5py  # noqa: E402
import logging  # noqa: E402

logging.getLogger("absl").setLevel(logging.ERROR)  # the legacy-.h5 save warning
tf.get_logger().setLevel(logging.ERROR)  # retracing warnings from the many small probes

L = keras.layers
OUT = os.path.join(fc.repo_root(), "Tests", "Fixtures", "rnn")
REPORT = []
COUNTS = {}
T, XU = 7, 3


def seq(name, layers, T=T, xu=XU):
    return keras.Sequential([keras.Input((T, xu))] + layers, name=name)


def fresh():
    """Reset Keras's name counters so auto names (input_layer, ...) do not depend on build order."""
    keras.backend.clear_session()


def masked_window(rows, T=T, xu=XU, phase=0.0):
    x = fc.window(T, xu, phase=phase)
    x[rows] = 0.0
    return x


def reload_check(name, path, x, expected):
    m = keras.models.load_model(path, compile=False)
    got = m.predict(x[None], verbose=0)
    got = np.concatenate([np.asarray(g).reshape(-1) for g in (got if isinstance(got, (list, tuple)) else [got])])
    assert np.allclose(got, expected, atol=1e-7), (path, got, expected)
    rel = os.path.relpath(path, fc.repo_root())
    COUNTS[rel] = int(m.count_params())


def emit(name, model, x, seed, scale=0.5, scales=None, mask_value=None):
    fc.randomize_weights(model, seed, scale=scale, scales=scales)
    paths = [os.path.join(OUT, f"{name}.keras"), os.path.join(OUT, f"{name}.h5")]
    for p in paths:
        model.save(p)
    tr = rc.make_trace(model, keras, x, keras_major=3, mask_value=mask_value)
    for p in paths:
        reload_check(name, p, x, np.array(tr["output"], dtype=np.float32))
    assert COUNTS[os.path.relpath(paths[0], fc.repo_root())] == model.count_params()
    REPORT.append(f"{name}: numpy reference agrees ({rc.summary(tr)}); params {model.count_params()}")
    rc.write_trace(tr, os.path.join(OUT, f"{name}-trace.json"))
    return tr


def main():
    fc.limit_threads()
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(17)

    # ---------------------------------------------------------------- GRU
    # reset_after=True (default): bias (2, 3hu): row 0 input side, row 1 recurrent side.
    fresh()
    m = seq("gru", [L.GRU(4, name="gru"), L.Dense(1, name="dense")])
    emit("gru", m, fc.window(T, XU), seed=301)
    # reset_after=False: bias (3hu,); r multiplies h before the product with U_h.
    fresh()
    m = seq("gru_reset_before", [L.GRU(4, reset_after=False, name="gru"), L.Dense(2, name="dense")])
    emit("gru_reset_before", m, fc.window(T, XU, phase=0.4), seed=302)
    fresh()
    m = seq("gru_stacked", [L.GRU(5, return_sequences=True, name="gru"), L.GRU(4, name="gru_1"),
                            L.Dense(2, name="dense")])
    emit("gru_stacked", m, fc.window(T, XU, phase=0.8), seed=303)
    # go_backwards: runs t = T-1 .. 0; the output (rs=False) is h after processing t = 0.
    fresh()
    m = seq("gru_backwards", [L.GRU(4, go_backwards=True, name="gru"), L.Dense(1, name="dense")])
    emit("gru_backwards", m, fc.window(T, XU, phase=1.2), seed=304)

    # ---------------------------------------------------------------- SimpleRNN
    fresh()
    m = seq("simplernn", [L.SimpleRNN(4, name="simple_rnn"), L.Dense(1, name="dense")])
    emit("simplernn", m, fc.window(T, XU), seed=311)
    fresh()
    m = seq("simplernn_relu", [L.SimpleRNN(5, activation="relu", name="simple_rnn"), L.Dense(2, name="dense")])
    tr = emit("simplernn_relu", m, fc.window(T, XU, phase=0.3), seed=312)
    hs = np.array(tr["layers"][0]["h"])
    zeros, pos = int(np.sum(hs == 0.0)), int(np.sum(hs > 0.0))
    REPORT.append(f"simplernn_relu: h entries exactly 0 (relu clipped): {zeros}, positive: {pos}")
    assert zeros > 0 and pos > 0
    fresh()
    m = seq("simplernn_stacked", [L.SimpleRNN(5, return_sequences=True, name="simple_rnn"),
                                  L.SimpleRNN(3, name="simple_rnn_1"), L.Dense(1, name="dense")])
    emit("simplernn_stacked", m, fc.window(T, XU, phase=0.6), seed=313)

    # mixed: LSTM(rs) -> GRU(rs) -> SimpleRNN -> Dense (extra: every kind in one stack)
    fresh()
    m = seq("mixed_stack", [L.LSTM(5, return_sequences=True, name="lstm"),
                            L.GRU(4, return_sequences=True, name="gru"),
                            L.SimpleRNN(3, name="simple_rnn"), L.Dense(1, name="dense")])
    emit("mixed_stack", m, fc.window(T, XU, phase=0.9), seed=314)

    # ---------------------------------------------------------------- Bidirectional
    for k, mode in enumerate(("concat", "sum", "mul", "ave")):
        name = f"bidi_{mode}"
        fresh()
        m = seq(name, [L.Bidirectional(L.LSTM(4, name="lstm"), merge_mode=mode, name="bidirectional"),
                       L.Dense(1, name="dense")])
        emit(name, m, fc.window(T, XU, phase=0.2 * k), seed=321 + k)
    # merge_mode=None: two outputs (forward h, backward h) -> functional model with two outputs.
    fresh()
    inp = keras.Input((T, XU), name="series")
    f_out, b_out = L.Bidirectional(L.LSTM(4, name="lstm"), merge_mode=None, name="bidirectional")(inp)
    m = keras.Model(inp, [f_out, b_out], name="bidi_none")
    emit("bidi_none", m, fc.window(T, XU, phase=1.0), seed=325)
    fresh()
    m = seq("bidi_gru", [L.Bidirectional(L.GRU(4, name="gru"), name="bidirectional"), L.Dense(1, name="dense")])
    emit("bidi_gru", m, fc.window(T, XU, phase=1.3), seed=326)
    fresh()
    m = seq("bidi_seq", [L.Bidirectional(L.LSTM(4, return_sequences=True, name="lstm"), name="bidirectional"),
                         L.LSTM(3, name="lstm"), L.Dense(1, name="dense")])
    emit("bidi_seq", m, fc.window(T, XU, phase=1.6), seed=327)

    # ---------------------------------------------------------------- Masking
    rows = [2, 3, 6]  # two masked rows in the middle, one at the end
    fresh()
    m = seq("mask_lstm", [L.Masking(mask_value=0.0, name="masking"), L.LSTM(4, name="lstm"),
                          L.Dense(1, name="dense")])
    emit("mask_lstm", m, masked_window(rows), seed=331, mask_value=0.0)
    # zero_output_for_mask=True with return_sequences=False: the last step is masked, so the
    # LSTM's output is all zeros (the Dense sees zeros and returns its bias) although the state
    # carried on. Surprising but what Keras 2 and 3 both do.
    fresh()
    m = seq("mask_lstm_zero_output", [L.Masking(mask_value=0.0, name="masking"),
                                      L.LSTM(4, zero_output_for_mask=True, name="lstm"), L.Dense(1, name="dense")])
    tr = emit("mask_lstm_zero_output", m, masked_window(rows, phase=0.3), seed=334, mask_value=0.0)
    bias = float(m.layers[-1].get_weights()[1][0])
    assert tr["output"] == [bias], (tr["output"], bias)
    REPORT.append(f"mask_lstm_zero_output: output {tr['output']} == Dense bias {bias}")
    fresh()
    m = seq("mask_gru", [L.Masking(mask_value=0.0, name="masking"), L.GRU(4, name="gru"),
                         L.Dense(1, name="dense")])
    emit("mask_gru", m, masked_window(rows, phase=0.5), seed=332, mask_value=0.0)
    # masked rows at the start too: 0 (start), 3 (middle), 6 (end)
    fresh()
    m = seq("mask_bidi", [L.Masking(mask_value=0.0, name="masking"),
                          L.Bidirectional(L.LSTM(4, name="lstm"), name="bidirectional"), L.Dense(1, name="dense")])
    emit("mask_bidi", m, masked_window([0, 3, 6], phase=0.7), seed=333, mask_value=0.0)

    with open(os.path.join(OUT, "param-counts.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "counts": COUNTS}, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(OUT, "VERSIONS.txt"), "w") as f:
        f.write(f"keras {keras.__version__}\n")
        f.write(f"tensorflow {tf.__version__}\n")
        f.write(f"numpy {np.__version__}\n")
        f.write(f"h5py {h5py.__version__}\n")
        f.write(f"python {sys.version.split()[0]}\n")
        f.write("generator: python scripts/make_rnn_fixtures.py\n")
    print("\n".join(REPORT))


if __name__ == "__main__":
    main()
