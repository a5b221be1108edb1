#!/usr/bin/env python3
"""Generate Keras 3 fixtures of the model shapes the exporters walk into Tests/Fixtures/shapes/.

Run from the repo root:  python scripts/make_shape_fixtures.py
(needs keras>=3, tensorflow-cpu, h5py, numpy; a venv outside the repo). Deterministic: seeded
weights. Each model is saved as NAME.keras and NAME.h5 with NAME-trace.json (Keras's output and
per-step states, in the format rnn_common.py describes), and every saved file is loaded back
and must give the traced output again.

The shapes: a Flatten head, TimeDistributed(Dense), a layer reading backwards above another
(its outputs in reading order feed the next layer), a masked window read backwards below
another layer (Keras hands that layer reversed outputs with the unreversed mask), stacked
Bidirectional layers, a masked Bidirectional returning sequences, and a Bidirectional flattened.
Also writes param-counts.json and VERSIONS.txt.
"""
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

logging.getLogger("absl").setLevel(logging.ERROR)
tf.get_logger().setLevel(logging.ERROR)

L = keras.layers
OUT = os.path.join(fc.repo_root(), "Tests", "Fixtures", "shapes")
REPORT = []
COUNTS = {}
T, XU = 7, 3


def seq(name, layers):
    return keras.Sequential([keras.Input((T, XU))] + layers, name=name)


def fresh():
    keras.backend.clear_session()


def masked_window(rows, phase=0.0):
    x = fc.window(T, XU, phase=phase)
    x[rows] = 0.0
    return x


def emit(name, model, x, seed, mask_value=None):
    fc.randomize_weights(model, seed, scale=0.5)
    paths = [os.path.join(OUT, f"{name}.keras"), os.path.join(OUT, f"{name}.h5")]
    for p in paths:
        model.save(p)
    tr = rc.make_trace(model, keras, x, keras_major=3, mask_value=mask_value)
    for p in paths:
        m = keras.models.load_model(p, compile=False)
        got = np.asarray(m.predict(x[None], verbose=0)).reshape(-1)
        assert np.allclose(got, np.array(tr["output"], dtype=np.float32), atol=1e-7), (p, got)
        COUNTS[os.path.relpath(p, fc.repo_root())] = int(m.count_params())
    REPORT.append(f"{name}: numpy reference agrees ({rc.summary(tr)}); params {model.count_params()}")
    rc.write_trace(tr, os.path.join(OUT, f"{name}-trace.json"))


def main():
    fc.limit_threads()
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(23)

    fresh()
    emit("flatten_head", seq("flatten_head", [L.LSTM(4, return_sequences=True, name="lstm"),
                                              L.Flatten(name="flatten"), L.Dense(2, name="dense")]),
         fc.window(T, XU), seed=401)
    fresh()
    emit("time_distributed", seq("time_distributed", [
        L.GRU(4, return_sequences=True, name="gru"),
        L.TimeDistributed(L.Dense(2, activation="tanh", name="dense"), name="time_distributed")]),
        fc.window(T, XU, phase=0.3), seed=402)
    fresh()
    emit("backwards_second", seq("backwards_second", [
        L.LSTM(5, return_sequences=True, name="lstm"),
        L.LSTM(4, go_backwards=True, return_sequences=True, name="lstm_1"),
        L.SimpleRNN(3, name="simple_rnn"), L.Dense(1, name="dense")]),
        fc.window(T, XU, phase=0.6), seed=403)
    # Rows 1, 2 and 6 masked: not symmetric, so a mask paired with the wrong rows shows.
    fresh()
    emit("mask_backwards_below", seq("mask_backwards_below", [
        L.Masking(mask_value=0.0, name="masking"),
        L.LSTM(4, go_backwards=True, return_sequences=True, name="lstm"),
        L.GRU(3, name="gru"), L.Dense(1, name="dense")]),
        masked_window([1, 2, 6], phase=0.9), seed=404, mask_value=0.0)
    fresh()
    emit("bidi_stacked", seq("bidi_stacked", [
        L.Bidirectional(L.GRU(3, return_sequences=True, name="gru"), merge_mode="sum", name="bidirectional"),
        L.Bidirectional(L.LSTM(2, name="lstm"), merge_mode="ave", name="bidirectional_1"),
        L.Dense(2, activation="softmax", name="dense")]),
        fc.window(T, XU, phase=1.2), seed=405)
    fresh()
    emit("mask_bidi_seq", seq("mask_bidi_seq", [
        L.Masking(mask_value=0.0, name="masking"),
        L.Bidirectional(L.LSTM(3, return_sequences=True, name="lstm"), name="bidirectional"),
        L.LSTM(2, name="lstm_1"), L.Dense(1, name="dense")]),
        masked_window([0, 3, 4], phase=1.5), seed=406, mask_value=0.0)
    fresh()
    emit("bidi_flatten", seq("bidi_flatten", [
        L.Bidirectional(L.SimpleRNN(3, return_sequences=True, name="simple_rnn"), merge_mode="mul",
                        name="bidirectional"),
        L.Flatten(name="flatten"), L.Dense(1, name="dense")]),
        fc.window(T, XU, phase=1.8), seed=407)

    fc.write_counts_and_versions(OUT, COUNTS, "python scripts/make_shape_fixtures.py",
                                 [("keras", keras), ("tensorflow", tf), ("numpy", np), ("h5py", h5py)])
    print("\n".join(REPORT))


if __name__ == "__main__":
    main()
