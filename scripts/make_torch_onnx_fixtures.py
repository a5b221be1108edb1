#!/usr/bin/env python3
"""Export PyTorch models with the real torch.onnx.export into Tests/Fixtures/onnx/torch_*.onnx.

Run from the repo root:  python scripts/make_torch_onnx_fixtures.py
(needs torch (2.13 CPU here; its TorchScript exporter, dynamo=False, as most deployed code calls
it), onnx, onnxruntime, safetensors, numpy; a venv outside the repo). Deterministic: seeded
weights. Each NAME gets NAME.onnx, NAME.safetensors (the state dict, for
`compare NAME.safetensors --theirs NAME.onnx`) and NAME-expected.json as the other ONNX fixture
scripts write it: onnxruntime's output and every recurrent node's h per step.
"""
import json
import os
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx_runtime_probe import run_with_states
from safetensors.torch import save_file

warnings.filterwarnings("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "onnx")
T, XU, HU = 7, 3, 4


class Head(torch.nn.Module):
    """nn.LSTM / nn.GRU / nn.RNN (batch first), then nn.Linear on the last step's output."""

    def __init__(self, kind, bidirectional, layers, learned_state=False):
        super().__init__()
        cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[kind]
        self.rnn = cls(XU, HU, num_layers=layers, batch_first=True, bidirectional=bidirectional)
        self.fc = torch.nn.Linear(2 * HU if bidirectional else HU, 2)
        # A learned initial state (h0, and c0 for an LSTM), one per layer and direction, batch 1.
        self.learned_state = learned_state
        if learned_state:
            shape = (layers * (2 if bidirectional else 1), 1, HU)
            self.h0 = torch.nn.Parameter(torch.randn(shape) * 0.8)
            if kind == "lstm":
                self.c0 = torch.nn.Parameter(torch.randn(shape) * 1.5)

    def forward(self, x):
        if not self.learned_state:
            out, _ = self.rnn(x)
        else:
            out, _ = self.rnn(x, (self.h0, self.c0) if hasattr(self, "c0") else self.h0)
        return self.fc(out[:, -1])


def emit(name, kind, seed, bidirectional=False, layers=1, learned_state=False):
    torch.manual_seed(seed)
    model = Head(kind, bidirectional, layers, learned_state).eval()
    x = torch.tensor([[[np.sin(0.5 * s + 0.7 * k + seed) for k in range(XU)] for s in range(T)]], dtype=torch.float32)
    path = os.path.join(OUT, f"{name}.onnx")
    torch.onnx.export(model, (x,), path, dynamo=False, input_names=["x"], output_names=["y"])
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(OUT, f"{name}.safetensors"))
    proto = onnx.load(path)
    output, layers_out = run_with_states(proto, x.numpy())
    with torch.no_grad():
        torch_out = model(x).numpy().reshape(-1)
    assert np.allclose(output.reshape(-1), torch_out, atol=1e-5), (name, output, torch_out)
    with open(os.path.join(OUT, f"{name}-expected.json"), "w") as f:
        json.dump({"torch": torch.__version__, "onnx": onnx.__version__, "runtime": "onnxruntime " + ort.__version__,
                   "input": x[0].numpy().astype(float).tolist(), "output": output.reshape(-1).astype(float).tolist(),
                   "torch_output": torch_out.astype(float).tolist(), "layers": layers_out}, f)
        f.write("\n")
    print(f"{name}: {[n.op_type for n in proto.graph.node]}")


def main():
    emit("torch_lstm", "lstm", 901)
    emit("torch_gru", "gru", 902)
    emit("torch_rnn", "rnn", 903)
    # out[:, -1] of a bidirectional layer: its directions merged by a Reshape into the features,
    # the backward half taken at the last time step (after one row). Keras's Bidirectional (and
    # lstmscope's reading of a torch state dict, cat(h_n[-2], h_n[-1])) differs: refused, kept
    # as bad_torch_bidi_out_last.onnx.
    emit("torch_lstm_bidi", "lstm", 904, bidirectional=True)
    os.replace(os.path.join(OUT, "torch_lstm_bidi.onnx"), os.path.join(OUT, "bad_torch_bidi_out_last.onnx"))
    for leftover in ("torch_lstm_bidi.safetensors", "torch_lstm_bidi-expected.json"):
        os.remove(os.path.join(OUT, leftover))
    emit("torch_lstm_stacked", "lstm", 905, layers=2)
    # Learned initial states: the exporter writes h0 and c0 as constants the LSTM/GRU node reads.
    # (Their .safetensors holds h0 and c0 beside the layer's weights.)
    emit("torch_lstm_h0", "lstm", 906, layers=2, learned_state=True)
    emit("torch_gru_h0", "gru", 907, learned_state=True)


if __name__ == "__main__":
    main()
