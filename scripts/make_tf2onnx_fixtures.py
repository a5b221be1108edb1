#!/usr/bin/env python3
"""Convert tf.keras models with the real tf2onnx into Tests/Fixtures/onnx/tf2onnx_*.onnx.

Run from the repo root:  python scripts/make_tf2onnx_fixtures.py
(needs tensorflow, tf_keras (Keras 2, which tf2onnx fuses into one LSTM/GRU/RNN op: a Keras 3
model converts to a Loop of the unrolled cell instead), tf2onnx, onnx, onnxruntime, h5py, numpy;
a venv outside the repo). Deterministic: seeded weights.

Each NAME gets NAME.h5 (the tf.keras original, for `compare NAME.h5 --theirs NAME.onnx`),
NAME.onnx and NAME-expected.json as make_onnx_fixtures.py writes it (onnxruntime's output and
every recurrent node's h per step).
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf2onnx  # noqa: E402
import tf_keras as keras  # noqa: E402
from onnx_runtime_probe import run_with_states  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "onnx")
T, XU = 7, 3
L = keras.layers


def window(phase):
    return np.array([[np.sin(0.5 * s + k + phase) for k in range(XU)] for s in range(T)], dtype=np.float32)


def emit(name, layers, seed, phase, batch=1):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    inp = keras.Input((T, XU), batch_size=batch, name="x")
    out = inp
    for layer in layers:
        out = layer(out)
    model = keras.Model(inp, out, name=name)
    rng = np.random.default_rng(seed)
    model.set_weights([(rng.standard_normal(w.shape) * 0.5).astype(np.float32) for w in model.get_weights()])
    model.save(os.path.join(OUT, f"{name}.h5"))
    # batch None: tf2onnx leaves the batch open and builds the initial states from Shape(x).
    spec = (tf.TensorSpec((batch, T, XU), tf.float32, name="x"),)
    proto, _ = tf2onnx.convert.from_keras(model, input_signature=spec, opset=17)
    onnx.save(proto, os.path.join(OUT, f"{name}.onnx"))
    x = window(phase)[None]
    output, layers_out = run_with_states(proto, x)
    keras_out = model.predict(x, verbose=0).reshape(-1)
    assert np.allclose(output.reshape(-1), keras_out, atol=1e-5), (name, output, keras_out)
    with open(os.path.join(OUT, f"{name}-expected.json"), "w") as f:
        json.dump({"onnx": onnx.__version__, "onnxruntime": ort.__version__, "tf2onnx": tf2onnx.__version__,
                   "input": x[0].astype(float).tolist(), "output": output.reshape(-1).astype(float).tolist(),
                   "keras_output": keras_out.astype(float).tolist(), "layers": layers_out}, f)
        f.write("\n")
    print(f"{name}: {[n.op_type for n in proto.graph.node]}")


def main():
    os.makedirs(OUT, exist_ok=True)
    emit("tf2onnx_lstm", [L.LSTM(4, name="lstm"), L.Dense(2, name="dense")], 701, 0.0)
    emit("tf2onnx_gru", [L.GRU(4, name="gru"), L.Dense(1, name="dense")], 702, 0.5)
    # tf2onnx writes SimpleRNN as a Loop of the unrolled cell, which lstmscope refuses: kept as
    # bad_tf2onnx_loop.onnx (its .h5 and expected output are not needed).
    emit("tf2onnx_simplernn", [L.SimpleRNN(4, name="rnn"), L.Dense(1, name="dense")], 703, 1.0)
    os.replace(os.path.join(OUT, "tf2onnx_simplernn.onnx"), os.path.join(OUT, "bad_tf2onnx_loop.onnx"))
    for leftover in ("tf2onnx_simplernn.h5", "tf2onnx_simplernn-expected.json"):
        os.remove(os.path.join(OUT, leftover))
    emit("tf2onnx_stacked", [L.LSTM(5, return_sequences=True, name="lstm"), L.LSTM(3, name="lstm_1"),
                             L.Dense(1, activation="sigmoid", name="dense")], 704, 1.5)
    emit("tf2onnx_bidi_concat", [L.Bidirectional(L.LSTM(4), name="bidirectional"), L.Dense(1, name="dense")],
         705, 2.0)
    emit("tf2onnx_bidi_sum", [L.Bidirectional(L.GRU(3), merge_mode="sum", name="bidirectional"),
                              L.Dense(2, name="dense")], 706, 2.5)
    emit("tf2onnx_bidi_seq", [L.Bidirectional(L.LSTM(3, return_sequences=True), name="bidirectional"),
                              L.LSTM(2, name="lstm"), L.Dense(1, name="dense")], 707, 3.0)
    emit("tf2onnx_open_batch", [L.LSTM(4, name="lstm"), L.Dense(2, name="dense")], 708, 3.5, batch=None)
    with open(os.path.join(OUT, "VERSIONS-tf2onnx.txt"), "w") as f:
        f.write(f"tensorflow {tf.__version__}\ntf_keras {keras.__version__}\ntf2onnx {tf2onnx.__version__}\n")
        f.write(f"onnx {onnx.__version__}\nonnxruntime {ort.__version__}\nnumpy {np.__version__}\n")
        f.write(f"python {sys.version.split()[0]}\ngenerator: python scripts/make_tf2onnx_fixtures.py\n")


if __name__ == "__main__":
    main()
