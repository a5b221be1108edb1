"""onnxruntime's numbers for an ONNX fixture: the output, and every recurrent node's h per step.

Shared by make_tf2onnx_fixtures.py and make_torch_onnx_fixtures.py (the converter differs, the
reference does not).
"""
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper


def run_with_states(proto, x):
    """The model's output for x (onnxruntime, one thread) and, per recurrent node and direction,
    its h at every step: Y is (T, directions, 1, hu), forward then backward, in time order."""
    recurrent = [n for n in proto.graph.node if n.op_type in ("LSTM", "GRU", "RNN")]
    probe = onnx.ModelProto()
    probe.CopyFrom(proto)
    for n in recurrent:
        probe.graph.output.append(helper.make_tensor_value_info(n.output[0], TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(probe.SerializeToString(), options, providers=["CPUExecutionProvider"])
    outputs = session.run(None, {"x": x})
    layers = [{"name": n.name, "direction": d, "h": y[:, d, 0, :].astype(float).tolist()}
              for n, y in zip(recurrent, outputs[1:]) for d in range(y.shape[1])]
    return outputs[0], layers
