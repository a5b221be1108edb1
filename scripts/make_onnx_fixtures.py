#!/usr/bin/env python3
"""Generate ONNX fixtures into Tests/Fixtures/onnx/: graphs built with onnx.helper in the
layouts exporters write, and what onnxruntime computes for them.

Run from the repo root:  python scripts/make_onnx_fixtures.py   (needs onnx, onnxruntime, numpy;
a venv outside the repo). Deterministic: seeded weights.

Each NAME.onnx has NAME-expected.json: {"onnx", "onnxruntime", "input": [[...] T rows],
"output": [... flattened], "layers": [{"name", "h": [[...] per step, time order]}]}. The per-step
h come from onnxruntime too: a copy of the graph that also outputs each recurrent node's Y (the
saved file has only the model's output).

The layouts:
  lstm_torch      x (T, 1, xu) → LSTM → Y_h → Squeeze(0) → Gemm(transB)      (torch.onnx.export)
  lstm_tf         x (1, T, xu) → Transpose(1,0,2) → LSTM → Y → Squeeze(1) → Gather(-1)
                  → MatMul → Add                                               (tf2onnx)
  lstm_reshape    x (1, T, xu) → Transpose → LSTM → Y_h → Reshape(1, hu) → MatMul → Add → Sigmoid
  lstm_reverse    direction=reverse
  lstm_stacked    LSTM → Y → Squeeze(1) → LSTM → Y_h → Squeeze(0) → Gemm
  lstm_seq_head   LSTM → Y → Squeeze(1) → MatMul → Add: an output row per step
  gru_lbr0, gru_lbr1   GRU, linear_before_reset 0 and 1
  rnn_tanh        RNN (tanh)
  lstm_activations, gru_softplus, rnn_elu   activations HardSigmoid, Softsign, Softplus, Elu
  lstm_bidi_torch direction=bidirectional → Y_h → Gather(0), Gather(1) → Concat → Gemm
                  (torch.onnx.export's bidirectional nn.LSTM with cat(h_n[-2], h_n[-1]))
  lstm_initial_state, gru_initial_state_bidi, rnn_initial_state_reverse, lstm_initial_c_layout1
                  constant initial_h / initial_c (a learned h0, c0)
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "onnx")
T, XU, HU, YU = 7, 3, 4, 2
OPSET = 17


def window(t=T, xu=XU, phase=0.0):
    return np.array([[np.sin(0.5 * s + k + phase) for k in range(xu)] for s in range(t)], dtype=np.float32)


class Graph:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, name, shape, scale=0.5):
        return self.const(name, (self.rng.standard_normal(shape) * scale).astype(np.float32))

    def node(self, op, inputs, outputs, **attrs):
        self.nodes.append(helper.make_node(op, inputs, outputs, name=f"{op.lower()}_{len(self.nodes)}", **attrs))
        return outputs[0]

    def recurrent(self, op, x, hu, xu, prefix, outputs, initial=(), **attrs):
        """An LSTM/GRU/RNN node; `initial` names the constant initial states it gets, of
        ("h", "c"), each a seeded constant of shape (directions, 1, hu) ((1, directions, hu)
        with layout=1)."""
        gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[op]
        dirs = 2 if attrs.get("direction") == "bidirectional" else 1
        w = self.weight(f"{prefix}_W", (dirs, gates * hu, xu))
        r = self.weight(f"{prefix}_R", (dirs, gates * hu, hu))
        b = self.weight(f"{prefix}_B", (dirs, 2 * gates * hu), scale=0.3)
        inputs = [x, w, r, b]
        if initial:
            shape = (1, dirs, hu) if attrs.get("layout") == 1 else (dirs, 1, hu)
            states = [self.weight(f"{prefix}_{v}0", shape, scale=0.8 if v == "h" else 1.5) if v in initial else ""
                      for v in ("h", "c")[:2 if op == "LSTM" else 1]]
            inputs += [""] + states
        return self.node(op, inputs, outputs, hidden_size=hu, **attrs)

    def model(self, x_shape, out, out_shape):
        g = helper.make_graph(
            self.nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
            [helper.make_tensor_value_info(out, TensorProto.FLOAT, out_shape)], self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="make_onnx_fixtures")
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def run(model, x, extra=()):
    """onnxruntime's outputs for x: the model's output, then each name in `extra`."""
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    for name in extra:
        probe.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(probe.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})


def run_reference(model, x, extra=()):
    """ONNX's own reference implementation (onnx.reference), for what onnxruntime refuses (layout=1)."""
    from onnx.reference import ReferenceEvaluator
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    for name in extra:
        probe.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    return ReferenceEvaluator(probe).run(None, {"x": x})


def emit(name, model, x, recurrent, layout=0):
    """Saves NAME.onnx and NAME-expected.json; `recurrent` is [(layer name, its Y output)]."""
    outputs = (run_reference if layout else run)(model, x, [y for _, y in recurrent])
    layers = []
    for (layer, _), y in zip(recurrent, outputs[1:]):
        # Y is (T, directions, 1, hu), with layout=1 (1, T, directions, hu): h at every step, in
        # time order; forward, then backward.
        y = y[0] if layout else y[:, :, 0, :]
        for d in range(y.shape[1]):
            layers.append({"name": layer, "direction": d, "h": y[:, d, :].astype(float).tolist()})
    onnx.save(model, os.path.join(OUT, f"{name}.onnx"))
    with open(os.path.join(OUT, f"{name}-expected.json"), "w") as f:
        json.dump({"onnx": onnx.__version__, "runtime": "onnx.reference" if layout else "onnxruntime " + ort.__version__,
                   "input": x.reshape(-1, x.shape[-1]).astype(float).tolist(),
                   "output": outputs[0].reshape(-1).astype(float).tolist(), "layers": layers}, f)
        f.write("\n")
    print(f"{name}: output {outputs[0].reshape(-1)}")


def squeeze(g, x, axis, out):
    return g.node("Squeeze", [x, g.const(f"{out}_axes", np.array([axis], dtype=np.int64))], [out])


def gemm_head(g, h, out):
    return g.node("Gemm", [h, g.weight("head_W", (YU, HU)), g.weight("head_b", (YU,), 0.3)], [out], transB=1)


def bad():
    """Files lstmscope must refuse, each with the reason it names (ONNXTests.badFilesAreRefused)."""
    def torch_like(seed):
        g = Graph(seed)
        g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"])
        gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
        return g

    def save(name, model):
        onnx.save(model, os.path.join(OUT, f"bad_{name}.onnx"))

    # An initial state Expand'ed from a constant to 2^30 values: folded constants are bounded.
    g = Graph(620)
    zeros = g.const("zero", np.zeros(1, dtype=np.float32))
    big = g.node("Expand", [zeros, g.const("huge", np.array([1, 1 << 15, 1 << 15], dtype=np.int64))], ["h0"])
    w, r = g.weight("lstm_W", (1, 4 * HU, XU)), g.weight("lstm_R", (1, 4 * HU, HU))
    g.node("LSTM", ["x", w, r, "", "", big], ["Y", "Y_h"], hidden_size=HU)
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    save("expand_huge", g.model([T, 1, XU], "y", [1, YU]))

    # Weights in another file: lstmscope never opens a file a model points to.
    m = torch_like(601).model([T, 1, XU], "y", [1, YU])
    w = next(t for t in m.graph.initializer if t.name == "lstm_W")
    w.data_location = TensorProto.EXTERNAL
    w.ClearField("raw_data")
    for k, v in (("location", "weights.bin"), ("offset", "0"), ("length", str(4 * 16 * XU))):
        e = w.external_data.add()
        e.key, e.value = k, v
    save("external_data", m)
    # A weight whose raw data is shorter than its dims say.
    m = torch_like(602).model([T, 1, XU], "y", [1, YU])
    w = next(t for t in m.graph.initializer if t.name == "lstm_R")
    w.raw_data = w.raw_data[:-4]
    save("short_raw_data", m)
    # Dims that claim 2^40 values.
    m = torch_like(603).model([T, 1, XU], "y", [1, YU])
    w = next(t for t in m.graph.initializer if t.name == "lstm_B")
    del w.dims[:]
    w.dims.extend([1 << 20, 1 << 20])
    save("huge_dims", m)
    # An op lstmscope does not read, on the chain.
    g = torch_like(604)
    g.nodes[-1].output[0] = "pre"
    g.node("LeakyRelu", ["pre"], ["y"])
    save("unknown_op", g.model([T, 1, XU], "y", [1, YU]))
    # A constant nothing uses.
    g = torch_like(605)
    g.weight("stray", (3, 3))
    save("unused_initializer", g.model([T, 1, XU], "y", [1, YU]))
    # An activation with parameters lstmscope has no activation for (ScaledTanh: alpha·tanh(beta·x)).
    g = Graph(621)
    g.recurrent("RNN", "x", HU, XU, "rnn", ["Y", "Y_h"], activations=["ScaledTanh"], activation_alpha=[1.7],
                activation_beta=[0.66])
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    save("scaled_tanh", g.model([T, 1, XU], "y", [1, YU]))
    # A clip that is not a positive threshold.
    g = Graph(606)
    g.recurrent("GRU", "x", HU, XU, "gru", ["Y", "Y_h"], clip=-3.0)
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    save("clip", g.model([T, 1, XU], "y", [1, YU]))
    # A cycle: the Squeeze reads the Gemm's output, which reads the Squeeze's.
    g = torch_like(608)
    g.nodes[1].input[0] = "y"
    save("cycle", g.model([T, 1, XU], "y", [1, YU]) if False else helper.make_model(
        helper.make_graph(g.nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [T, 1, XU])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, YU])], g.inits),
        opset_imports=[helper.make_opsetid("", OPSET)]))
    # From review: graphs onnxruntime runs to other numbers than a chain reading would give, or
    # that once trapped; each must be refused.
    def head_chain(seed, tail, opset=OPSET, x_shape=(T, 1, XU)):
        g = Graph(seed)
        g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"])
        h = squeeze(g, "Y_h", 0, "h_last")
        out = tail(g, h)
        m = helper.make_model(
            helper.make_graph(g.nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x_shape))],
                              [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)], g.inits),
            opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = 8
        return m
    # Softmax over an axis of one (the features moved before it by an Unsqueeze).
    save("softmax_axis_of_one", head_chain(609, lambda g, h: g.node("Softmax", [g.node(
        "Unsqueeze", [gemm_head(g, h, "z"), g.const("ax", np.array([2], dtype=np.int64))], ["z3"])], ["y"], axis=-1)))
    # A bias of higher rank than the rows it is added to.
    save("add_raises_rank", head_chain(610, lambda g, h: g.node("Add", [g.node(
        "MatMul", [h, g.weight("mw", (HU, YU))], ["p"]), g.weight("mb", (1, 1, YU))], ["y"])))
    # The output transposed: (features, T) is not what lstmscope gives.
    g = Graph(611)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"])
    seq = g.node("Squeeze", ["Y", g.const("ax12", np.array([1, 2], dtype=np.int64))], ["seq"])
    g.node("Transpose", [seq], ["y"], perm=[1, 0])
    save("output_transposed", g.model([T, 1, XU], "y", [HU, T]))
    # A Gemm with no B input (an older or damaged form): refused, never indexed.
    m = torch_like(612).model([T, 1, XU], "y", [1, YU])
    gemm = next(n for n in m.graph.node if n.op_type == "Gemm")
    del gemm.input[1:]
    save("gemm_one_input", m)
    # A batch of 5.
    g = torch_like(613)
    save("batch_5", helper.make_model(
        helper.make_graph(g.nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [T, 5, XU])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], g.inits),
        opset_imports=[helper.make_opsetid("", OPSET)]))
    # A node of another domain, and a weight stored as both raw and typed data.
    m = torch_like(614).model([T, 1, XU], "y", [1, YU])
    next(n for n in m.graph.node if n.op_type == "Gemm").domain = "com.example"
    save("foreign_domain", m)
    m = torch_like(615).model([T, 1, XU], "y", [1, YU])
    w = next(t for t in m.graph.initializer if t.name == "head_b")
    w.float_data.extend([1.0, 2.0])
    save("raw_and_typed_data", m)

    # An initial state for a batch of 2: lstmscope replays one window.
    g = Graph(622)
    w, r = g.weight("lstm_W", (1, 4 * HU, XU)), g.weight("lstm_R", (1, 4 * HU, HU))
    g.node("LSTM", ["x", w, r, "", "", g.weight("lstm_h0", (1, 2, HU))], ["Y", "Y_h"], hidden_size=HU)
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    save("initial_h_batch_2", g.model([T, 1, XU], "y", [1, YU]))
    # Peepholes, which Keras and PyTorch do not have.
    g = Graph(623)
    w, r = g.weight("lstm_W", (1, 4 * HU, XU)), g.weight("lstm_R", (1, 4 * HU, HU))
    g.node("LSTM", ["x", w, r, "", "", "", "", g.weight("lstm_P", (1, 3 * HU))], ["Y", "Y_h"], hidden_size=HU)
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    save("peepholes", g.model([T, 1, XU], "y", [1, YU]))

    # Truncated in the middle of a tensor.
    data = torch_like(607).model([T, 1, XU], "y", [1, YU]).SerializeToString()
    with open(os.path.join(OUT, "bad_truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])


def main():
    os.makedirs(OUT, exist_ok=True)
    # torch.onnx.export's nn.LSTM → Linear on the last state.
    g = Graph(501)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"])
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("lstm_torch", g.model([T, 1, XU], "y", [1, YU]), window()[:, None, :], [("lstm_0", "Y")])

    # tf2onnx: batch-first input transposed to time-major, the last step of Y gathered.
    g = Graph(502)
    g.node("Transpose", ["x"], ["x_tm"], perm=[1, 0, 2])
    g.recurrent("LSTM", "x_tm", HU, XU, "lstm", ["Y", "Y_h", "Y_c"])
    seq = squeeze(g, "Y", 1, "seq")
    last = g.node("Gather", ["seq", g.const("last", np.array(-1, dtype=np.int64))], ["last_h"], axis=0)
    prod = g.node("MatMul", [last, g.weight("head_W", (HU, YU))], ["prod"])
    g.node("Add", [prod, g.weight("head_b", (YU,), 0.3)], ["y"])
    del seq
    emit("lstm_tf", g.model([1, T, XU], "y", [1, YU]), window(phase=0.4)[None], [("lstm_1", "Y")])

    # clip (each gate's z clamped) and input_forget (f = 1 - i), as onnxruntime computes them.
    g = Graph(524)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"], clip=0.6)
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("lstm_clip", g.model([T, 1, XU], "y", [1, YU]), window(phase=6.2)[:, None, :] * 2, [("lstm_0", "Y")])
    for k, (op, extra) in enumerate((("GRU", {"linear_before_reset": 0}), ("GRU", {"linear_before_reset": 1}),
                                      ("RNN", {}))):
        g = Graph(526 + k)
        g.recurrent(op, "x", HU, XU, op.lower(), ["Y", "Y_h"], clip=0.7, **extra)
        gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
        emit(f"{op.lower()}_clip{k}", g.model([T, 1, XU], "y", [1, YU]), window(phase=7.0 + k)[:, None, :] * 2,
             [(f"{op.lower()}_0", "Y")])
    # activation_alpha/beta: Keras 3's hard_sigmoid (x/6 + 1/2) and Keras's leaky_relu (0.2).
    g = Graph(530)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"], activations=["HardSigmoid", "Tanh", "Tanh"],
                activation_alpha=[1 / 6], activation_beta=[0.5])
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("lstm_hard_sigmoid_alpha", g.model([T, 1, XU], "y", [1, YU]), window(phase=8.0)[:, None, :] * 3,
         [("lstm_0", "Y")])
    g = Graph(531)
    g.recurrent("GRU", "x", HU, XU, "gru", ["Y", "Y_h"], activations=["Sigmoid", "LeakyRelu"], activation_alpha=[0.2],
                linear_before_reset=1)
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("gru_leaky_relu", g.model([T, 1, XU], "y", [1, YU]), window(phase=8.4)[:, None, :], [("gru_0", "Y")])
    g = Graph(525)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"], input_forget=1, direction="reverse")
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("lstm_input_forget", g.model([T, 1, XU], "y", [1, YU]), window(phase=6.6)[:, None, :], [("lstm_0", "Y")])

    # layout=1 (batch first), which onnxruntime refuses: checked with onnx's reference
    # implementation. sequence_lens is the whole window, as exporters write it.
    g = Graph(521)
    lens = g.const("lens", np.array([T], dtype=np.int32))
    w, r, b = g.weight("lstm_W", (1, 4 * HU, XU)), g.weight("lstm_R", (1, 4 * HU, HU)), g.weight("lstm_B", (1, 8 * HU), 0.3)
    g.node("LSTM", ["x", w, r, b, lens], ["Y", "Y_h", "Y_c"], hidden_size=HU, layout=1)
    flat = g.node("Reshape", ["Y_h", g.const("shape", np.array([1, HU], dtype=np.int64))], ["h_flat"])
    gemm_head(g, flat, "y")
    emit("lstm_layout1", g.model([1, T, XU], "y", [1, YU]), window(phase=5.0)[None], [("lstm_0", "Y")], layout=1)
    g = Graph(522)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"], layout=1)
    seq = squeeze(g, "Y", 2, "seq")
    prod = g.node("MatMul", [seq, g.weight("head_W", (HU, YU))], ["prod"])
    g.node("Add", [prod, g.weight("head_b", (YU,), 0.3)], ["y"])
    emit("lstm_layout1_seq", g.model([1, T, XU], "y", [1, T, YU]), window(phase=5.4)[None], [("lstm_0", "Y")],
         layout=1)
    g = Graph(523)
    g.recurrent("GRU", "x", HU, XU, "gru", ["Y", "Y_h"], direction="bidirectional", layout=1, linear_before_reset=1)
    fwd = g.node("Gather", ["Y_h", g.const("fwd_index", np.array(0, dtype=np.int64))], ["h_fwd"], axis=1)
    bwd = g.node("Gather", ["Y_h", g.const("bwd_index", np.array(1, dtype=np.int64))], ["h_bwd"], axis=1)
    both = g.node("Concat", [fwd, bwd], ["h_both"], axis=1)
    g.node("Gemm", [both, g.weight("head_W", (YU, 2 * HU)), g.weight("head_b", (YU,), 0.3)], ["y"], transB=1)
    emit("gru_bidi_layout1", g.model([1, T, XU], "y", [1, YU]), window(phase=5.8)[None], [("gru_0", "Y")], layout=1)

    g = Graph(503)
    g.node("Transpose", ["x"], ["x_tm"], perm=[1, 0, 2])
    g.recurrent("LSTM", "x_tm", HU, XU, "lstm", ["Y", "Y_h", "Y_c"])
    flat = g.node("Reshape", ["Y_h", g.const("shape", np.array([1, HU], dtype=np.int64))], ["h_flat"])
    prod = g.node("MatMul", [flat, g.weight("head_W", (HU, YU))], ["prod"])
    logits = g.node("Add", [prod, g.weight("head_b", (YU,), 0.3)], ["logits"])
    g.node("Sigmoid", [logits], ["y"])
    emit("lstm_reshape", g.model([1, T, XU], "y", [1, YU]), window(phase=0.8)[None], [("lstm_1", "Y")])

    g = Graph(504)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"], direction="reverse")
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("lstm_reverse", g.model([T, 1, XU], "y", [1, YU]), window(phase=1.2)[:, None, :], [("lstm_0", "Y")])

    g = Graph(505)
    g.recurrent("LSTM", "x", 5, XU, "lstm1", ["Y1", "Y1_h", "Y1_c"])
    squeeze(g, "Y1", 1, "seq1")
    g.recurrent("LSTM", "seq1", HU, 5, "lstm2", ["Y2", "Y2_h", "Y2_c"])
    gemm_head(g, squeeze(g, "Y2_h", 0, "h_last"), "y")
    emit("lstm_stacked", g.model([T, 1, XU], "y", [1, YU]), window(phase=1.6)[:, None, :],
         [("lstm_0", "Y1"), ("lstm_2", "Y2")])

    g = Graph(506)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"])
    seq = squeeze(g, "Y", 1, "seq")
    prod = g.node("MatMul", [seq, g.weight("head_W", (HU, YU))], ["prod"])
    g.node("Add", [prod, g.weight("head_b", (YU,), 0.3)], ["y"])
    emit("lstm_seq_head", g.model([T, 1, XU], "y", [T, 1, YU]), window(phase=2.0)[:, None, :], [("lstm_0", "Y")])

    for k, lbr in enumerate((0, 1)):
        g = Graph(507 + k)
        g.recurrent("GRU", "x", HU, XU, "gru", ["Y", "Y_h"], linear_before_reset=lbr)
        gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
        emit(f"gru_lbr{lbr}", g.model([T, 1, XU], "y", [1, YU]), window(phase=2.4 + k)[:, None, :],
             [("gru_0", "Y")])

    # torch.onnx.export's bidirectional nn.LSTM, the head on cat(h_n[-2], h_n[-1]).
    g = Graph(510)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"], direction="bidirectional")
    fwd = g.node("Gather", ["Y_h", g.const("fwd_index", np.array(0, dtype=np.int64))], ["h_fwd"], axis=0)
    bwd = g.node("Gather", ["Y_h", g.const("bwd_index", np.array(1, dtype=np.int64))], ["h_bwd"], axis=0)
    both = g.node("Concat", [fwd, bwd], ["h_both"], axis=1)
    g.node("Gemm", [both, g.weight("head_W", (YU, 2 * HU)), g.weight("head_b", (YU,), 0.3)], ["y"], transB=1)
    emit("lstm_bidi_torch", g.model([T, 1, XU], "y", [1, YU]), window(phase=3.4)[:, None, :], [("lstm_0", "Y")])

    # Activations other than the defaults, each with ONNX's default alpha and beta.
    g = Graph(511)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"], activations=["HardSigmoid", "Softsign", "Softsign"])
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("lstm_activations", g.model([T, 1, XU], "y", [1, YU]), window(phase=3.8)[:, None, :], [("lstm_0", "Y")])
    g = Graph(512)
    g.recurrent("GRU", "x", HU, XU, "gru", ["Y", "Y_h"], activations=["Sigmoid", "Softplus"], linear_before_reset=1)
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("gru_softplus", g.model([T, 1, XU], "y", [1, YU]), window(phase=4.2)[:, None, :], [("gru_0", "Y")])
    g = Graph(513)
    g.recurrent("RNN", "x", HU, XU, "rnn", ["Y", "Y_h"], activations=["Elu"])
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("rnn_elu", g.model([T, 1, XU], "y", [1, YU]), window(phase=4.6)[:, None, :], [("rnn_0", "Y")])

    g = Graph(509)
    g.recurrent("RNN", "x", HU, XU, "rnn", ["Y", "Y_h"])
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("rnn_tanh", g.model([T, 1, XU], "y", [1, YU]), window(phase=3.0)[:, None, :], [("rnn_0", "Y")])

    # Constant initial states (a learned h0/c0, as torch.onnx.export writes one passed to the
    # layer): each direction starts from its own; one given alone leaves the other zeros.
    g = Graph(532)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"], initial=("h", "c"))
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("lstm_initial_state", g.model([T, 1, XU], "y", [1, YU]), window(phase=9.0)[:, None, :], [("lstm_0", "Y")])
    g = Graph(533)
    g.recurrent("GRU", "x", HU, XU, "gru", ["Y", "Y_h"], initial=("h",), direction="bidirectional",
                linear_before_reset=1)
    fwd = g.node("Gather", ["Y_h", g.const("fwd_index", np.array(0, dtype=np.int64))], ["h_fwd"], axis=0)
    bwd = g.node("Gather", ["Y_h", g.const("bwd_index", np.array(1, dtype=np.int64))], ["h_bwd"], axis=0)
    both = g.node("Concat", [fwd, bwd], ["h_both"], axis=1)
    g.node("Gemm", [both, g.weight("head_W", (YU, 2 * HU)), g.weight("head_b", (YU,), 0.3)], ["y"], transB=1)
    emit("gru_initial_state_bidi", g.model([T, 1, XU], "y", [1, YU]), window(phase=9.4)[:, None, :],
         [("gru_0", "Y")])
    g = Graph(534)
    g.recurrent("RNN", "x", HU, XU, "rnn", ["Y", "Y_h"], initial=("h",), direction="reverse")
    gemm_head(g, squeeze(g, "Y_h", 0, "h_last"), "y")
    emit("rnn_initial_state_reverse", g.model([T, 1, XU], "y", [1, YU]), window(phase=9.8)[:, None, :],
         [("rnn_0", "Y")])
    g = Graph(535)
    g.recurrent("LSTM", "x", HU, XU, "lstm", ["Y", "Y_h", "Y_c"], initial=("c",), layout=1)
    flat = g.node("Reshape", ["Y_h", g.const("shape", np.array([1, HU], dtype=np.int64))], ["h_flat"])
    gemm_head(g, flat, "y")
    emit("lstm_initial_c_layout1", g.model([1, T, XU], "y", [1, YU]), window(phase=10.2)[None], [("lstm_0", "Y")],
         layout=1)

    bad()
    with open(os.path.join(OUT, "VERSIONS.txt"), "w") as f:
        f.write(f"onnx {onnx.__version__}\nonnxruntime {ort.__version__}\nnumpy {np.__version__}\n")
        f.write(f"python {sys.version.split()[0]}\ngenerator: python scripts/make_onnx_fixtures.py\n")


if __name__ == "__main__":
    main()
