#!/usr/bin/env python3
"""Generate PyTorch nn.LSTM / nn.GRU / nn.RNN state-dict fixtures into Tests/Fixtures/torch/.

Run from the repo root:  /work/venv/torch/bin/python scripts/make_torch_fixtures.py
(needs torch, safetensors, numpy; no Keras/TensorFlow). Deterministic: seeded weights.

Each model is a small nn.Module: a recurrent module (batch_first=True) followed by an
nn.Linear head, e.g. attributes `lstm` and `head`, so the state-dict keys are
`lstm.weight_ih_l0`, ..., `head.weight`, `head.bias`. Saved as
  NAME.safetensors  safetensors.torch.save_file(state_dict, metadata={"format": "pt"})
  NAME.npz          np.savez(path, **{key: tensor.numpy()})  (arrays named by state-dict key)
  NAME-trace.json   torch's own per-step h (from the output sequence) and c (running the
                    module one step at a time, carrying (h, c)), the head output, and the
                    gate vectors of an independent float64 NumPy replay of PyTorch's documented
                    equations, asserted to reproduce torch's h (and c) to 1e-6.
The head input is out[:, -1] (== h_n of the last layer) for one direction, and
cat(h_n[-2], h_n[-1]) (forward final h after t = T-1, backward final h after t = 0) for
bidirectional; the trace records it as "head_input".
Also writes param-counts.json (sum of numel per file), VERSIONS.txt, and the refusal fixture
Tests/Fixtures/bad/pickled.pt (torch.save(state_dict), a real pickle-based checkpoint).
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import safetensors  # noqa: E402
from safetensors.torch import save_file, load_file  # noqa: E402

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "torch")
BAD = os.path.join(ROOT, "Tests", "Fixtures", "bad")
T, XU = 7, 3
TOL = 1e-6
REPORT = []
COUNTS = {}
CLASSES = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "RNN": torch.nn.RNN}
KIND = {"LSTM": "LSTM", "GRU": "GRU", "RNN": "SimpleRNN"}  # trace "type" (same names as the Keras traces)


def to_list(a):
    a = np.asarray(a)
    if a.ndim == 0:
        return float(a)
    return [to_list(v) for v in a]


def f32list(a):
    return to_list(np.asarray(a, dtype=np.float64).astype(np.float32))


def window(T, xu, phase=0.0):
    """Same deterministic window as fixture_common.window."""
    t = np.arange(T, dtype=np.float64)[:, None]
    j = np.arange(xu, dtype=np.float64)[None, :]
    x = np.sin(0.7 * t + 1.3 * j + phase) * 0.8 + 0.1 * np.cos(0.3 * t * (j + 1))
    return x.astype("float32")


class Net(torch.nn.Module):
    def __init__(self, cls, xu, hu, out, num_layers=1, bidirectional=False, rnn_name="lstm", head_name="head"):
        super().__init__()
        self.rnn_name, self.head_name = rnn_name, head_name
        kw = {"nonlinearity": "tanh"} if cls == "RNN" else {}
        setattr(self, rnn_name, CLASSES[cls](xu, hu, num_layers=num_layers, batch_first=True,
                                             bidirectional=bidirectional, **kw))
        setattr(self, head_name, torch.nn.Linear(hu * (2 if bidirectional else 1), out))

    def features(self, x):
        rnn = getattr(self, self.rnn_name)
        out, state = rnn(x)
        h_n = state[0] if isinstance(state, tuple) else state
        if rnn.bidirectional:
            return torch.cat([h_n[-2], h_n[-1]], dim=-1), out
        return out[:, -1], out

    def forward(self, x):
        return getattr(self, self.head_name)(self.features(x)[0])


# ------------------------------------------------------------------ NumPy replay of PyTorch's equations
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def ref_run(cls, p, xs):
    """One layer, one direction, float64, over xs (T, in) in the given order.

    p: dict with weight_ih (G*hu, in), weight_hh (G*hu, hu), bias_ih, bias_hh (G*hu,).
    """
    W_ih, W_hh = p["weight_ih"].astype(np.float64), p["weight_hh"].astype(np.float64)
    b_ih, b_hh = p["bias_ih"].astype(np.float64), p["bias_hh"].astype(np.float64)
    hu = W_hh.shape[1]
    h = np.zeros(hu)
    c = np.zeros(hu)
    out = []
    for x in xs.astype(np.float64):
        gi = W_ih @ x + b_ih
        gh = W_hh @ h + b_hh
        if cls == "LSTM":  # rows i | f | g | o
            g = gi + gh
            i, f, gg, o = sigmoid(g[:hu]), sigmoid(g[hu:2 * hu]), np.tanh(g[2 * hu:3 * hu]), sigmoid(g[3 * hu:])
            c = f * c + i * gg
            h = o * np.tanh(c)
            out.append({"i": i, "f": f, "c_tilde": gg, "o": o, "c": c.copy(), "h": h.copy()})
        elif cls == "GRU":  # rows r | z | n
            r = sigmoid(gi[:hu] + gh[:hu])
            z = sigmoid(gi[hu:2 * hu] + gh[hu:2 * hu])
            n = np.tanh(gi[2 * hu:] + r * gh[2 * hu:])
            h = (1.0 - z) * n + z * h
            out.append({"z": z, "r": r, "h_tilde": n, "h": h.copy()})
        else:  # RNN tanh
            h = np.tanh(gi + gh)
            out.append({"h": h.copy()})
    return out


# ------------------------------------------------------------------ torch probes
def single(cls, rnn, layer, suffix):
    """A one-layer, one-direction copy of `rnn`'s layer `layer` (suffix '' or '_reverse')."""
    in_size = rnn.input_size if layer == 0 else rnn.hidden_size * (2 if rnn.bidirectional else 1)
    kw = {"nonlinearity": rnn.nonlinearity} if cls == "RNN" else {}
    m = CLASSES[cls](in_size, rnn.hidden_size, num_layers=1, batch_first=True, **kw)
    sd = rnn.state_dict()
    m.load_state_dict({f"{n}_l0": sd[f"{n}_l{layer}{suffix}"] for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    params = {n: sd[f"{n}_l{layer}{suffix}"].numpy() for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    return m, params


def trace_direction(cls, rnn, layer, backward, xs, seq_from_full):
    """Entry for one layer/direction. xs: that layer's input (T, in) in time order.

    seq_from_full: torch's h for this direction from the full module's output sequence, in
    time order (for backward: h at time t = state after processing T-1 .. t).
    """
    suffix = "_reverse" if backward else ""
    m, params = single(cls, rnn, layer, suffix)
    order = list(range(T - 1, -1, -1)) if backward else list(range(T))
    with torch.no_grad():
        # torch's own sequence for this direction: run the copy over xs in processing order
        out, _ = m(torch.from_numpy(xs[order][None].copy()))
        seq = out[0].numpy()
        # step by step, carrying the state
        state = None
        hs, cs = [], []
        for t in order:
            o, state = m(torch.from_numpy(xs[None, t:t + 1].copy()), state)
            if cls == "LSTM":
                hs.append(state[0][0, 0].numpy().copy())
                cs.append(state[1][0, 0].numpy().copy())
            else:
                hs.append(state[0, 0].numpy().copy())
    hs = np.stack(hs)
    assert np.allclose(hs, seq, atol=1e-6), (layer, backward)
    assert np.allclose(seq, seq_from_full[order], atol=1e-6), (layer, backward)
    hs_full = seq_from_full[order]  # the h the issue asks for: from the module's output sequence
    ref = ref_run(cls, params, xs[order])
    scale = max(1.0, float(np.max(np.abs(hs_full))))
    dh = max(float(np.max(np.abs(r["h"] - hs_full[k]))) for k, r in enumerate(ref))
    dc = max(float(np.max(np.abs(r["c"] - cs[k]))) for k, r in enumerate(ref)) if cls == "LSTM" else 0.0
    assert dh <= TOL * scale and dc <= TOL * scale, (cls, layer, backward, dh, dc)
    steps = []
    for k, t in enumerate(order):
        s = {"t": t, "x": to_list(xs[t])}
        for key in {"LSTM": ("i", "f", "c_tilde", "o"), "GRU": ("z", "r", "h_tilde"), "RNN": ()}[cls]:
            s[key] = f32list(ref[k][key])
        if cls == "LSTM":
            s["c"] = to_list(cs[k])
        s["h"] = to_list(hs_full[k])
        steps.append(s)
    e = {"name": None, "type": KIND[cls], "torch_class": f"nn.{cls}", "layer": layer,
         "direction": "backward" if backward else "forward", "param_suffix": f"_l{layer}{suffix}",
         "input_size": int(xs.shape[1]), "units": int(rnn.hidden_size), "go_backwards": backward}
    if cls == "RNN":
        e["nonlinearity"] = rnn.nonlinearity
    e["h"] = to_list(hs_full)
    if cls == "LSTM":
        e["c"] = to_list(np.stack(cs))
    e["steps"] = steps
    return e, dh, dc


def emit(name, model, x, seed, scale=0.5):
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for _, p in model.named_parameters():
            p.copy_(torch.from_numpy((rng.standard_normal(tuple(p.shape)) * scale).astype(np.float32)))
    model.eval()
    sd = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    st_path = os.path.join(OUT, f"{name}.safetensors")
    npz_path = os.path.join(OUT, f"{name}.npz")
    save_file(sd, st_path, metadata={"format": "pt"})
    os.chmod(st_path, 0o644)  # safetensors writes 0600
    np.savez(npz_path, **{k: v.numpy() for k, v in sd.items()})
    n_params = sum(v.numel() for v in sd.values())
    assert n_params == sum(p.numel() for p in model.parameters())
    for p in (st_path, npz_path):
        COUNTS[os.path.relpath(p, ROOT)] = int(n_params)

    rnn = getattr(model, model.rnn_name)
    cls = type(rnn).__name__
    xt = torch.from_numpy(x[None])
    with torch.no_grad():
        y = model(xt)[0].numpy()
        feat, out_seq = model.features(xt)
        alt = getattr(model, model.head_name)(out_seq[:, -1])[0].numpy()
    # reload both files into a fresh module: same output
    for path in (st_path, npz_path):
        loaded = load_file(path) if path.endswith(".safetensors") else {k: torch.from_numpy(v) for k, v in np.load(path).items()}
        m2 = Net(cls, rnn.input_size, rnn.hidden_size, getattr(model, model.head_name).out_features,
                 rnn.num_layers, rnn.bidirectional, model.rnn_name, model.head_name)
        m2.load_state_dict(loaded)
        with torch.no_grad():
            assert np.array_equal(m2(xt)[0].numpy(), y), path

    # per layer: the full module's per-layer output sequences come from running the stack
    # layer by layer through one-layer copies (the last one is checked against the module's out).
    dirs = 2 if rnn.bidirectional else 1
    layers = []
    cur = x
    report = []
    with torch.no_grad():
        for layer in range(rnn.num_layers):
            seqs = []
            for d in range(dirs):
                m, _ = single(cls, rnn, layer, "_reverse" if d else "")
                order = list(range(T - 1, -1, -1)) if d else list(range(T))
                o, _ = m(torch.from_numpy(cur[order][None].copy()))
                s = o[0].numpy()
                seqs.append(s[np.argsort(order)])  # back to time order
            layer_out = np.concatenate(seqs, axis=-1)
            if layer == rnn.num_layers - 1:
                assert np.allclose(layer_out, out_seq[0].numpy(), atol=1e-6), name
            for d in range(dirs):
                e, dh, dc = trace_direction(cls, rnn, layer, bool(d), cur, seqs[d])
                e["name"] = model.rnn_name
                layers.append(e)
                report.append(f"l{layer}{'/bwd' if d else ''} dh={dh:.1e}" + (f" dc={dc:.1e}" if cls == "LSTM" else ""))
            cur = layer_out.astype(np.float32)

    # NumPy replay of the head on the traced final states
    fin = [l["h"][-1] for l in layers[-dirs:]]
    feat_np = np.concatenate(fin)
    hw = sd[f"{model.head_name}.weight"].numpy().astype(np.float64)
    hb = sd[f"{model.head_name}.bias"].numpy().astype(np.float64)
    assert np.allclose(feat_np @ hw.T + hb, y, atol=1e-6), name
    assert np.allclose(feat_np, feat[0].numpy(), atol=1e-7)

    trace = {
        "torch_version": torch.__version__.split("+")[0],
        "framework": "pytorch",
        "input": to_list(x),
        "output": to_list(y.reshape(-1)),
        "output_shape": list(y.shape),
        "rnn_module": model.rnn_name,
        "head": model.head_name,
        "head_input": ("cat(h_n[-2], h_n[-1])" if rnn.bidirectional else "out[:, -1]"),
        "num_layers": rnn.num_layers,
        "bidirectional": rnn.bidirectional,
    }
    if rnn.bidirectional:
        # The common idiom head(out[:, -1]) differs for bidirectional modules: its backward half
        # is the backward h after processing only x[T-1]. Recorded for reference.
        trace["output_if_head_on_out_last_step"] = to_list(alt.reshape(-1))
    trace["layers"] = layers
    with open(os.path.join(OUT, f"{name}-trace.json"), "w") as f:
        json.dump(trace, f, separators=(",", ":"))
        f.write("\n")
    keys = ", ".join(f"{k} {tuple(v.shape)}" for k, v in sd.items())
    REPORT.append(f"{name}: numpy replay agrees ({', '.join(report)}); params {n_params}; keys: {keys}")
    return model


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    emit("lstm", Net("LSTM", XU, 4, 1), window(T, XU), seed=501)
    emit("lstm2", Net("LSTM", XU, 5, 2, num_layers=2), window(T, XU, phase=0.4), seed=502)
    emit("gru", Net("GRU", XU, 4, 1, rnn_name="gru"), window(T, XU, phase=0.8), seed=503)
    emit("rnn", Net("RNN", XU, 4, 1, rnn_name="rnn"), window(T, XU, phase=1.2), seed=504)
    emit("lstm_bidi", Net("LSTM", XU, 4, 1, bidirectional=True), window(T, XU, phase=1.6), seed=505)
    # extra: other module names (encoder / fc) so the head is not always called "head"
    m = emit("named", Net("GRU", XU, 5, 2, rnn_name="encoder", head_name="fc"), window(T, XU, phase=2.0), seed=506)

    # The refusal fixture: a real torch.save checkpoint (zip + pickle). Never unpickle it.
    os.makedirs(BAD, exist_ok=True)
    lstm = Net("LSTM", XU, 4, 1)
    lstm.load_state_dict(load_file(os.path.join(OUT, "lstm.safetensors")))
    torch.save(lstm.state_dict(), os.path.join(BAD, "pickled.pt"))
    del m

    with open(os.path.join(OUT, "param-counts.json"), "w") as f:
        json.dump({"torch_version": torch.__version__.split("+")[0], "counts": COUNTS}, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(OUT, "VERSIONS.txt"), "w") as f:
        f.write(f"torch {torch.__version__}\n")
        f.write(f"safetensors {safetensors.__version__}\n")
        f.write(f"numpy {np.__version__}\n")
        f.write(f"python {sys.version.split()[0]}\n")
        f.write("generator: python scripts/make_torch_fixtures.py (in a venv with torch, safetensors, numpy)\n")
    print("\n".join(REPORT))


if __name__ == "__main__":
    main()
