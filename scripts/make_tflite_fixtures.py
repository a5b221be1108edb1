#!/usr/bin/env python3
"""Convert tf.keras models with the real TFLite converter into Tests/Fixtures/tflite/*.tflite.

Run from the repo root:  python scripts/make_tflite_fixtures.py
(needs tensorflow (2.21 here), tf_keras (Keras 2: its LSTM layers convert to one fused
UNIDIRECTIONAL_SEQUENCE_LSTM op), h5py, numpy, flatbuffers; a venv outside the repo).
Deterministic: seeded weights and windows.

Each NAME gets NAME.tflite and NAME-expected.json: the TFLite interpreter's output (builtin
kernels, no XNNPACK delegate: the reference lstmscope replays) and every fused LSTM op's h per
step, in the order the op read its rows (a backward layer reads a REVERSE_V2'd window).
Float32 and float16 models also get NAME.h5, the tf.keras original, for
`compare NAME.h5 --theirs NAME.tflite`; the int8 "hybrid" ones (weights int8, activations
float, the converter's Optimize.DEFAULT without a representative dataset) too, with Keras's
output in the JSON, so the quantization error is on record. bad_*.tflite are refused files.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402
import flatbuffers  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "tflite")
L = keras.layers
NO_DELEGATE = tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES


def window(steps, features, phase):
    return np.array([[np.sin(0.5 * s + 0.7 * k + phase) for k in range(features)] for s in range(steps)],
                    dtype=np.float32)


def build(layers, steps, features, seed, scale=0.5):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    inp = keras.Input((steps, features), batch_size=1, name="x")
    out = inp
    for layer in layers:
        out = layer(out)
    model = keras.Model(inp, out)
    rng = np.random.default_rng(seed)
    model.set_weights([(rng.standard_normal(w.shape) * scale).astype(np.float32) for w in model.get_weights()])
    return model


def convert(model, weights):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if weights == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif weights == "int8":
        # Dynamic range ("hybrid"): int8 weights for tensors of ≥ 1,024 values, float activations.
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    return converter.convert()


def run(content, x):
    """The interpreter's output and each fused LSTM op's output rows (h per step, reading order)."""
    interpreter = tf.lite.Interpreter(model_content=content, experimental_op_resolver_type=NO_DELEGATE,
                                      experimental_preserve_all_tensors=True, num_threads=1)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x[None])
    interpreter.invoke()
    output = interpreter.get_tensor(interpreter.get_output_details()[0]["index"]).reshape(-1)
    layers = []
    for op in interpreter._get_ops_details():
        if op["op_name"] == "UNIDIRECTIONAL_SEQUENCE_LSTM":
            h = interpreter.get_tensor(op["outputs"][0])[0]
            layers.append({"op": int(op["index"]), "h": h.astype(float).tolist()})
    return output, layers


def with_delegate(content, x):
    interpreter = tf.lite.Interpreter(model_content=content, num_threads=1)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x[None])
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"]).reshape(-1)


def write(name, content, x, model=None, note=None):
    with open(os.path.join(OUT, f"{name}.tflite"), "wb") as f:
        f.write(content)
    output, layers = run(content, x)
    record = {"tensorflow": tf.__version__, "input": x.astype(float).tolist(),
              "output": output.astype(float).tolist(), "layers": layers}
    if model is not None:
        keras_out = model.predict(x[None], verbose=0).reshape(-1)
        record["keras_output"] = keras_out.astype(float).tolist()
        record["max_abs_vs_keras"] = float(np.max(np.abs(keras_out - output)))
    # XNNPACK (the interpreter's default CPU delegate) may take ops over with other arithmetic.
    record["max_abs_vs_xnnpack"] = float(np.max(np.abs(with_delegate(content, x) - output)))
    if note:
        record["note"] = note
    with open(os.path.join(OUT, f"{name}-expected.json"), "w") as f:
        json.dump(record, f)
        f.write("\n")
    ops = [d["op_name"] for d in tf.lite.Interpreter(model_content=content)._get_ops_details()]
    print(f"{name}: {len(content)} bytes, {ops}, vs keras {record.get('max_abs_vs_keras')}, "
          f"vs xnnpack {record['max_abs_vs_xnnpack']}")


def emit(name, layers, seed, phase, weights=("float32", "float16"), steps=7, features=3, scale=0.5):
    model = build(layers, steps, features, seed, scale)
    model.save(os.path.join(OUT, f"{name}.h5"))
    x = window(steps, features, phase)
    for w in weights:
        suffix = {"float32": "f32", "float16": "f16", "int8": "int8"}[w]
        write(f"{name}_{suffix}", convert(model, w), x, model)
    return model, x


def windows(name, steps, features, count=60, seed=900):
    """NAME-windows.npy (count, T, xu) and the interpreter's outputs for each, NAME-window-outputs.npy:
    enough windows that an ulp off in an activation would flip an int8 code somewhere (scales 0.5 to 4;
    every 10th window starts with a zero row, which the hybrid kernels skip)."""
    content = open(os.path.join(OUT, f"{name}.tflite"), "rb").read()
    rng = np.random.default_rng(seed)
    xs = np.stack([(rng.standard_normal((steps, features)) * [0.5, 1, 2, 4][k % 4]).astype(np.float32)
                   for k in range(count)])
    xs[::10, 0, :] = 0
    outputs = np.stack([run(content, x)[0] for x in xs])
    np.save(os.path.join(OUT, f"{name}-windows.npy"), xs)
    np.save(os.path.join(OUT, f"{name}-window-outputs.npy"), outputs.astype(np.float32))


def clipping():
    """clip_f32: an LSTM whose c passes 10 (gates open, c~ near 1, for 14 steps), then decays (the
    forget gate half closed): TFLite's cell_clip=10 held c at 10, so its c and h stay smaller than
    Keras's (which never clips) until the end of the window."""
    steps, features = 24, 2
    model = build([L.LSTM(3, name="lstm"), L.Dense(1, name="dense")], steps, features, 831, 0.1)
    kernel, recurrent, bias, dense_w, dense_b = model.get_weights()
    kernel[:] = 0
    kernel[0, 0:3], kernel[0, 3:6] = 4.0, 1.5
    recurrent[:] = 0
    bias[:] = np.concatenate([np.zeros(3), np.full(3, 2.0), np.full(3, 3.0), np.full(3, 1.0)]).astype(np.float32)
    model.set_weights([kernel, recurrent, bias, dense_w, dense_b])
    model.save(os.path.join(OUT, "clip.h5"))
    x = np.zeros((steps, features), dtype=np.float32)
    x[:14, 0], x[14:, 0] = 1.0, -1.0
    write("clip_f32", convert(model, "float32"), x, model,
          "c passes 10 at step 10: TFLite clips it (cell_clip=10), Keras does not, and their outputs differ")


def fused_bidirectional():
    """bidi_fused_f32: bidi_seq_f32 with its two LSTM ops, REVERSE_V2s and CONCATENATION made one
    BIDIRECTIONAL_SEQUENCE_LSTM (merge_outputs, batch-major), the fused op the converter does not
    write from Keras but older converters and hand-made graphs do. Its h per direction comes from
    the op's merged output: forward in time order, backward flipped into the order it read."""
    content = open(os.path.join(OUT, "bidi_seq_f32.tflite"), "rb").read()
    codes = None

    def edit(m):
        nonlocal codes
        g = m.subgraphs[0]
        lstm_ops = ops_of(m, schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM)
        reverse = ops_of(m, schema.BuiltinOperator.REVERSE_V2)
        concat = ops_of(m, schema.BuiltinOperator.CONCATENATION)[0]
        forward = next(op for op in lstm_ops if op.inputs[0] == g.inputs[0])
        backward = next(op for op in lstm_ops if op is not forward)
        fused = schema.OperatorT()
        code = schema.OperatorCodeT()
        code.builtinCode, code.deprecatedBuiltinCode, code.version = 52, 52, 1
        m.operatorCodes.append(code)
        fused.opcodeIndex = len(m.operatorCodes) - 1
        fw, bw = list(forward.inputs), list(backward.inputs)
        fused.inputs = ([g.inputs[0]] + fw[1:18] + bw[1:18] + [fw[18], fw[19], bw[18], bw[19]] + [-1] * 9)
        fused.outputs = [concat.outputs[0]]
        options = schema.BidirectionalSequenceLSTMOptionsT()
        options.fusedActivationFunction, options.cellClip, options.mergeOutputs = 4, 10.0, True
        options.timeMajor, options.asymmetricQuantizeInputs = False, False
        fused.builtinOptionsType = schema.BuiltinOptions.BidirectionalSequenceLSTMOptions
        fused.builtinOptions = options
        gone = [forward, backward, concat] + reverse
        for op in reverse:  # their axis constants: left without data, unread
            g.tensors[op.inputs[1]].buffer = 0
        g.operators = [fused] + [op for op in g.operators if all(op is not x for x in gone)]

    fused = rewritten(content, edit)
    x = np.array(json.load(open(os.path.join(OUT, "bidi_seq_f32-expected.json")))["input"], dtype=np.float32)
    interpreter = tf.lite.Interpreter(model_content=fused, experimental_op_resolver_type=NO_DELEGATE,
                                      experimental_preserve_all_tensors=True, num_threads=1)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x[None])
    interpreter.invoke()
    op = interpreter._get_ops_details()[0]
    merged = interpreter.get_tensor(op["outputs"][0])[0]
    hu = merged.shape[1] // 2
    with open(os.path.join(OUT, "bidi_fused_f32.tflite"), "wb") as f:
        f.write(fused)
    output = interpreter.get_tensor(interpreter.get_output_details()[0]["index"]).reshape(-1)
    original = json.load(open(os.path.join(OUT, "bidi_seq_f32-expected.json")))
    assert np.allclose(output, original["output"], atol=1e-6), "the fused op is not the two ops it replaces"
    record = {"tensorflow": tf.__version__, "input": x.astype(float).tolist(), "output": output.astype(float).tolist(),
              "layers": [{"op": 0, "direction": "forward", "h": merged[:, :hu].astype(float).tolist()},
                         {"op": 0, "direction": "backward", "h": merged[::-1, hu:].astype(float).tolist()}],
              "note": "bidi_seq_f32 with one BIDIRECTIONAL_SEQUENCE_LSTM op for its two LSTMs"}
    with open(os.path.join(OUT, "bidi_fused_f32-expected.json"), "w") as f:
        json.dump(record, f)
        f.write("\n")
    print("bidi_fused_f32:", [d["op_name"] for d in interpreter._get_ops_details()])


def rewritten(content, edit):
    """The model after `edit(ModelT)`, packed again (for options the converter does not expose
    and for the refused files)."""
    m = schema.ModelT.InitFromPackedBuf(bytearray(content), 0)
    edit(m)
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def ops_of(m, code):
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in m.operatorCodes]
    return [op for op in m.subgraphs[0].operators if codes[op.opcodeIndex] == code]


def symmetric(m):
    for code in (schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, schema.BuiltinOperator.FULLY_CONNECTED):
        for op in ops_of(m, code):
            op.builtinOptions.asymmetricQuantizeInputs = False


def main():
    os.makedirs(OUT, exist_ok=True)
    emit("lstm", [L.LSTM(4, name="lstm"), L.Dense(2, name="dense")], 801, 0.0)
    emit("stacked_softmax", [L.LSTM(4, return_sequences=True, name="lstm"), L.LSTM(3, name="lstm_1"),
                             L.Dense(2, activation="softmax", name="dense")], 802, 0.3, ("float32",))
    emit("seq_head", [L.LSTM(4, return_sequences=True, name="lstm"), L.Dense(2, name="dense")], 803, 0.6,
         ("float32",))
    emit("backwards", [L.LSTM(4, go_backwards=True, name="lstm"), L.Dense(1, activation="sigmoid", name="d")],
         804, 0.9, ("float32",))
    emit("bidi_concat", [L.Bidirectional(L.LSTM(4), name="bidi"), L.Dense(2, name="dense")], 805, 1.2)
    emit("bidi_sum", [L.Bidirectional(L.LSTM(4), merge_mode="sum", name="bidi")], 806, 1.5, ("float32",))
    emit("bidi_seq", [L.Bidirectional(L.LSTM(4, return_sequences=True), name="bidi"), L.Dense(2, name="dense")],
         807, 1.8, ("float32",))
    clipping()
    # Hybrid: the converter quantizes weights of 1,024 values or more, so 32 inputs and units.
    model, x = emit("hybrid", [L.LSTM(32, name="lstm"), L.Dense(64, activation="relu", name="dense"),
                               L.Dense(2, name="head")], 811, 0.0, ("float32", "int8"), features=32, scale=0.3)
    write("hybrid_symmetric_int8", rewritten(convert(model, "int8"), symmetric), x, model,
          "hybrid_int8 with asymmetric_quantize_inputs set to false in every op (symmetric input quantization)")
    emit("hybrid_stacked", [L.LSTM(32, return_sequences=True, name="lstm"), L.LSTM(32, name="lstm_1"),
                            L.Dense(1, name="dense")], 812, 0.4, ("int8",), features=32, scale=0.3)
    emit("hybrid_bidi", [L.Bidirectional(L.LSTM(32), name="bidi"), L.Dense(1, name="dense")], 813, 0.8,
         ("int8",), features=32, scale=0.3)
    fused_bidirectional()
    for name in ("hybrid_int8", "hybrid_symmetric_int8", "hybrid_stacked_int8"):
        windows(name, 7, 32)
    bad()


def bad():
    """Files lstmscope refuses, each for one reason."""
    def save(name, content):
        with open(os.path.join(OUT, f"bad_{name}.tflite"), "wb") as f:
            f.write(content)
    good = open(os.path.join(OUT, "lstm_f32.tflite"), "rb").read()
    save("truncated", good[:len(good) // 2])
    save("root_past_end", (len(good) + 4096).to_bytes(4, "little") + good[4:])
    save("gru_while", convert(build([L.GRU(4, name="gru")], 7, 3, 821), "float32"))
    save("unknown_op", convert(build([L.LSTM(4, name="lstm"), L.Dense(2, activation="elu")], 7, 3, 822), "float32"))
    model = build([L.LSTM(4, name="lstm"), L.Dense(2, name="dense")], 7, 3, 823)
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([window(7, 3, p)[None]] for p in np.linspace(0, 3, 10))
    save("full_int8", converter.convert())

    def huge(m):
        m.subgraphs[0].tensors[m.subgraphs[0].inputs[0]].shape = [1, 1 << 30, 3]
    save("huge_shape", rewritten(good, huge))

    def external(m):
        lstm = ops_of(m, schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM)[0]
        m.subgraphs[0].tensors[lstm.inputs[1]].externalBuffer = 1
        group = schema.ExternalBufferGroupT()
        group.name = "weights.bin"
        buffer = schema.ExternalBufferT()
        buffer.id, buffer.group, buffer.offset, buffer.length = 1, 0, 0, 48
        m.externalBufferGroups, m.externalBuffers = [group], [buffer]
    save("external_buffer", rewritten(good, external))

    def offset_past_end(m):
        lstm = ops_of(m, schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM)[0]
        buffer = m.buffers[m.subgraphs[0].tensors[lstm.inputs[1]].buffer]
        buffer.data, buffer.offset, buffer.size = None, 1 << 40, 48
    save("buffer_past_end", rewritten(good, offset_past_end))

    def cycle(m):
        ops = m.subgraphs[0].operators
        ops[0].inputs[0] = ops[-1].outputs[0]
    save("cycle", rewritten(good, cycle))

    def stray(m):
        t = schema.TensorT()
        t.name, t.shape, t.type, t.buffer = "stray", [2], schema.TensorType.FLOAT32, len(m.buffers)
        b = schema.BufferT()
        b.data = np.array([1, 2], dtype=np.float32).view(np.uint8)
        m.buffers.append(b)
        m.subgraphs[0].tensors.append(t)
    save("stray_tensor", rewritten(good, stray))

    def peephole(m):
        lstm = ops_of(m, schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM)[0]
        lstm.inputs[9] = lstm.inputs[12]  # the input gate's bias, (hu,), as a cell-to-input peephole
    save("peephole", rewritten(good, peephole))

    def clip(m):
        ops_of(m, schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM)[0].builtinOptions.cellClip = 3.0
    save("cell_clip", rewritten(good, clip))

    # From review: files that once trapped, hung or replayed other than the interpreter.
    stacked = open(os.path.join(OUT, "stacked_softmax_f32.tflite"), "rb").read()
    bidi_seq = open(os.path.join(OUT, "bidi_seq_f32.tflite"), "rb").read()
    bidi_concat = open(os.path.join(OUT, "bidi_concat_f32.tflite"), "rb").read()

    def no_beta(m):  # softmax's schema default beta is 0: the interpreter's output is uniform then
        op = ops_of(m, schema.BuiltinOperator.SOFTMAX)[0]
        op.builtinOptions, op.builtinOptionsType = None, 0
    save("softmax_no_beta", rewritten(stacked, no_beta))

    def in_place(m):  # an op writing a state tensor: the walk once looped on it forever
        g = m.subgraphs[0]
        g.operators[-1].outputs = [g.outputs[0]]
        g.tensors[g.outputs[0]].isVariable = True
    save("written_state", rewritten(stacked, in_place))

    def no_reverse_back(m):  # a backward sequence merged in reading order, not flipped back
        g = m.subgraphs[0]
        reverse = ops_of(m, schema.BuiltinOperator.REVERSE_V2)
        back = next(op for op in reverse if op.inputs[0] != g.inputs[0])
        concat = ops_of(m, schema.BuiltinOperator.CONCATENATION)[0]
        concat.inputs = [back.inputs[0] if t == back.outputs[0] else t for t in concat.inputs]
        g.operators = [op for op in g.operators if op is not back]
    save("bidi_not_flipped_back", rewritten(bidi_seq, no_reverse_back))

    def declared_shape(m):  # LSTM outputs declared (1, 3, 4) so that step 2 of 7 looks like the last
        g = m.subgraphs[0]
        for op in ops_of(m, schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM):
            g.tensors[op.outputs[0]].shape = [1, 3, 4]
    save("declared_shape", rewritten(bidi_concat, declared_shape))

    def reshape_params(m):  # a RESHAPE whose shape input (1, 2, 1) is not its declared output (1, 1, 2)
        g = m.subgraphs[0]
        softmax = ops_of(m, schema.BuiltinOperator.SOFTMAX)[0]
        b = schema.BufferT()
        b.data = np.array([1, 2, 1], dtype=np.int32).view(np.uint8)
        m.buffers.append(b)
        shape_t, out_t = schema.TensorT(), schema.TensorT()
        shape_t.name, shape_t.shape, shape_t.type, shape_t.buffer = "shape", [3], schema.TensorType.INT32, len(m.buffers) - 1
        m.buffers.append(schema.BufferT())
        out_t.name, out_t.shape, out_t.type, out_t.buffer = "reshaped", [1, 1, 2], schema.TensorType.FLOAT32, len(m.buffers) - 1
        g.tensors += [shape_t, out_t]
        code = schema.OperatorCodeT()
        code.builtinCode, code.deprecatedBuiltinCode, code.version = 22, 22, 1
        m.operatorCodes.append(code)
        op = schema.OperatorT()
        op.opcodeIndex, op.inputs, op.outputs = len(m.operatorCodes) - 1, [softmax.inputs[0], len(g.tensors) - 2], [len(g.tensors) - 1]
        softmax.inputs = [len(g.tensors) - 1]
        g.tensors[softmax.outputs[0]].shape = [1, 1, 2]
        g.operators.insert(g.operators.index(softmax), op)
    save("reshape_params", rewritten(stacked, reshape_params))

    def shared_state(m):  # two LSTMs sharing their state: TFLite's second starts where the first ended
        g = m.subgraphs[0]
        a, b = ops_of(m, schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM)[:2]
        for k in (18, 19):
            g.tensors[b.inputs[k]].isVariable = False
            g.tensors[b.inputs[k]].name = "now unused"
        b.inputs[18], b.inputs[19] = a.inputs[18], a.inputs[19]
    hybrid_stacked = open(os.path.join(OUT, "hybrid_stacked_int8.tflite"), "rb").read()
    save("shared_state", rewritten(hybrid_stacked, shared_state))

    def per_row(m):  # TFLite's hybrid LSTM reads one scale per matrix
        g = m.subgraphs[0]
        lstm = ops_of(m, schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM)[0]
        for k in range(1, 9):
            q = g.tensors[lstm.inputs[k]].quantization
            q.scale = np.repeat(q.scale[:1], 32).astype(np.float32)
            q.zeroPoint, q.quantizedDimension = np.zeros(32, dtype=np.int64), 0
    save("hybrid_lstm_per_row_scales", rewritten(open(os.path.join(OUT, "hybrid_int8.tflite"), "rb").read(), per_row))

    def int32_weights(m):
        lstm = ops_of(m, schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM)[0]
        m.subgraphs[0].tensors[lstm.inputs[1]].type = schema.TensorType.INT32
    save("int32_weights", rewritten(good, int32_weights))

    # 2,000 tensors whose names are one shared 2,000-byte string: 4 MB to decode from a 10 kB file.
    b = flatbuffers.Builder(1 << 16)
    name = b.CreateString("n" * 2000)
    b.StartObject(4)
    b.PrependUOffsetTRelativeSlot(3, name, 0)
    tensor = b.EndObject()
    b.StartVector(4, 2000, 4)
    for _ in range(2000):
        b.PrependUOffsetTRelative(tensor)
    tensors = b.EndVector()
    b.StartObject(5)
    b.PrependUOffsetTRelativeSlot(0, tensors, 0)
    sub = b.EndObject()
    b.StartVector(4, 1, 4)
    b.PrependUOffsetTRelative(sub)
    subs = b.EndVector()
    b.StartObject(5)
    b.PrependUint32Slot(0, 3, 0)
    b.PrependUOffsetTRelativeSlot(2, subs, 0)
    b.Finish(b.EndObject(), file_identifier=b"TFL3")
    save("shared_tables", bytes(b.Output()))

    def short_buffer(m):
        lstm = ops_of(m, schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM)[0]
        buffer = m.buffers[m.subgraphs[0].tensors[lstm.inputs[1]].buffer]
        buffer.data = buffer.data[:-4]
    save("short_buffer", rewritten(good, short_buffer))
    print("bad files written")


if __name__ == "__main__":
    sys.exit(main())
