"""Shared helpers for the GRU / SimpleRNN / Bidirectional / Masking fixtures.

Works with Keras 3 (`import keras`) and the Keras 2 API (`import tf_keras`): every
function takes the keras module it should use. Builds on fixture_common.py.

Trace format (NAME-trace.json), a superset of the LSTM fixtures' format:
  {"keras_version", "input": [[...] per step], "output": [... flattened],
   "output_shape": [...],
   (two-output models also "outputs": [[...], [...]], "output_shapes": [[...], [...]]),
   (masked models also "mask_value": 0.0, "masked_steps": [t, ...]),
   "layers": [one entry per recurrent layer; a Bidirectional gives two entries], ...}
A layer entry:
  {"name"            Keras layer name (the wrapper's name for both Bidirectional entries),
   "type"            "LSTM" | "GRU" | "SimpleRNN" (the recurrent cell kind),
   "units", "activation", "recurrent_activation" (not for SimpleRNN), "use_bias",
   "reset_after"     (GRU only),
   "go_backwards"    true when the steps run from t = T-1 down to 0,
   "return_sequences",
   "zero_output_for_mask"  the layer's flag (Bidirectional forces it to return_sequences);
                     when true the OUTPUT of a masked step is zeros (even the last output
                     of a return_sequences=False layer), while the state carries over,
   "direction", "merge_mode", "inner_name"   (Bidirectional entries only),
   "h": [[...]]      Keras's state h after every step, in PROCESSING order,
   "c": [[...]]      (LSTM only) Keras's cell state c after every step, processing order,
   "steps": [{"t", "x", <gate vectors>, ("c",) "h"} ...]  in processing order}
Step keys: LSTM  t, x, i, f, c_tilde, o, c, h
           GRU   t, x, z, r, h_tilde, h
           SimpleRNN t, x, h
           masked step: t, x, "masked": true, and the carried state (h, and c for LSTM)
`t` is always the original time index of the input row. `x` is the layer's input row at t
(for a stacked layer: the previous layer's output, as Keras computed it). `h`/`c` in steps
are Keras's values (same as the "h"/"c" arrays); the gate vectors come from the float64
NumPy reference below (rounded to float32), which is asserted to reproduce Keras's h (and c)
within 1e-6 * max(1, max|h|).
"""
import numpy as np

import fixture_common as fc

RECURRENT = ("LSTM", "GRU", "SimpleRNN")
TOL = 1e-6


def kind_of(layer):
    n = type(layer).__name__
    return n if n in RECURRENT else None


def f32list(a):
    return fc.to_list(np.asarray(a, dtype=np.float64).astype(np.float32))


# ------------------------------------------------------------------ NumPy reference
def ref_run(kind, cfg, weights, xs, mask, keras_major):
    """Run one recurrent layer (one direction) in float64 over xs (T, in) in the given order.

    `mask` is a bool array (True = step is processed) or None. Returns a list of dicts (one per
    step, in the order of xs) with the gate vectors and the state after the step; masked steps
    carry the state and have "masked": True.
    """
    act = fc.activation_fn(cfg["activation"], keras_major)
    ract = fc.activation_fn(cfg["recurrent_activation"], keras_major) if kind != "SimpleRNN" else None
    use_bias = cfg.get("use_bias", True)
    W = weights[0].astype(np.float64)
    U = weights[1].astype(np.float64)
    hu = U.shape[0]
    b = weights[2].astype(np.float64) if use_bias else None
    h = np.zeros(hu)
    c = np.zeros(hu)
    out = []
    for t in range(xs.shape[0]):
        x = xs[t].astype(np.float64)
        if mask is not None and not mask[t]:
            d = {"masked": True, "h": h.copy()}
            if kind == "LSTM":
                d["c"] = c.copy()
            out.append(d)
            continue
        if kind == "LSTM":
            z = x @ W + h @ U + (b if b is not None else 0.0)
            i = ract(z[:hu])
            f = ract(z[hu:2 * hu])
            g = act(z[2 * hu:3 * hu])
            o = ract(z[3 * hu:])
            c = f * c + i * g
            h = o * act(c)
            out.append({"i": i, "f": f, "c_tilde": g, "o": o, "c": c.copy(), "h": h.copy()})
        elif kind == "GRU":
            reset_after = cfg.get("reset_after", True)
            if b is None:
                b_in = np.zeros(3 * hu)
                b_rec = np.zeros(3 * hu)
            elif reset_after:
                assert b.shape == (2, 3 * hu), b.shape
                b_in, b_rec = b[0], b[1]
            else:
                assert b.shape == (3 * hu,), b.shape
                b_in, b_rec = b, np.zeros(3 * hu)
            xw = x @ W + b_in  # columns z | r | h
            if reset_after:
                hr = h @ U + b_rec
                zg = ract(xw[:hu] + hr[:hu])
                rg = ract(xw[hu:2 * hu] + hr[hu:2 * hu])
                hh = act(xw[2 * hu:] + rg * hr[2 * hu:])
            else:
                zg = ract(xw[:hu] + h @ U[:, :hu])
                rg = ract(xw[hu:2 * hu] + h @ U[:, hu:2 * hu])
                hh = act(xw[2 * hu:] + (rg * h) @ U[:, 2 * hu:])
            h = zg * h + (1.0 - zg) * hh
            out.append({"z": zg, "r": rg, "h_tilde": hh, "h": h.copy()})
        elif kind == "SimpleRNN":
            h = act(x @ W + h @ U + (b if b is not None else 0.0))
            out.append({"h": h.copy()})
        else:
            raise ValueError(kind)
    return out


def merge(mode, fwd, bwd):
    if mode == "concat":
        return np.concatenate([fwd, bwd], axis=-1)
    if mode == "sum":
        return fwd + bwd
    if mode == "ave":
        return (fwd + bwd) / 2
    if mode == "mul":
        return fwd * bwd
    if mode is None:
        return (fwd, bwd)
    raise ValueError(mode)


# ------------------------------------------------------------------ Keras probes
def keras_states(keras, layer, xs, mask, go_backwards):
    """Keras's own per-step state of recurrent `layer` (a copy with its config and weights).

    Returns (h, c or None, seq) with h/c the state after each step in PROCESSING order (from
    return_state on every prefix of the processing order) and seq the return_sequences output of
    the full run (processing order when go_backwards, as Keras returns it).
    """
    kind = kind_of(layer)
    cfg = dict(layer.get_config())
    cfg.update(return_sequences=True, return_state=True, go_backwards=go_backwards,
               name=layer.name + "_probe")
    for k in ("stateful", "unroll", "zero_output_for_mask"):
        cfg.pop(k, None)
    cls = type(layer)
    probe_layer = cls.from_config(cfg)
    probe_layer.zero_output_for_mask = False  # masked steps return the carried state
    T, xu = xs.shape
    inp = keras.Input((None, xu), dtype="float32")
    minp = keras.Input((None,), dtype="bool")
    probe = keras.Model([inp, minp], probe_layer(inp, mask=minp))
    probe_layer.set_weights(layer.get_weights())
    m = np.ones(T, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    full = probe.predict([xs[None], m[None]], verbose=0)
    seq = np.asarray(full[0])[0]
    hs, cs = [], []
    for k in range(1, T + 1):
        sl = slice(T - k, T) if go_backwards else slice(0, k)
        out = probe.predict([xs[None, sl], m[None, sl]], verbose=0)
        h = np.asarray(out[1])[0]
        assert np.allclose(h, seq[k - 1], atol=1e-6, rtol=1e-6), (layer.name, k, h, seq[k - 1])
        hs.append(h)
        if kind == "LSTM":
            cs.append(np.asarray(out[2])[0])
    return np.stack(hs), (np.stack(cs) if cs else None), seq


def layer_entry(keras, layer, xs, mask, keras_major, go_backwards=None, extra=None):
    """One trace entry for one direction of a recurrent layer, checked against the reference."""
    kind = kind_of(layer)
    cfg = layer.get_config()
    gb = bool(cfg.get("go_backwards", False)) if go_backwards is None else go_backwards
    T = xs.shape[0]
    order = list(range(T - 1, -1, -1)) if gb else list(range(T))
    hs, cs, seq = keras_states(keras, layer, xs, mask, gb)
    m_proc = None if mask is None else np.asarray(mask, dtype=bool)[order]
    ref = ref_run(kind, cfg, layer.get_weights(), xs[order], m_proc, keras_major)
    scale = max(1.0, float(np.max(np.abs(hs))), float(np.max(np.abs(cs))) if cs is not None else 0.0)
    dh = max(float(np.max(np.abs(r["h"] - hs[k]))) for k, r in enumerate(ref))
    dc = max(float(np.max(np.abs(r["c"] - cs[k]))) for k, r in enumerate(ref)) if cs is not None else 0.0
    assert dh <= TOL * scale and dc <= TOL * scale, (layer.name, kind, dh, dc, scale)
    steps = []
    for k, t in enumerate(order):
        r = ref[k]
        s = {"t": t, "x": f32list(xs[t])}
        if r.get("masked"):
            s["masked"] = True
        else:
            for key in {"LSTM": ("i", "f", "c_tilde", "o"), "GRU": ("z", "r", "h_tilde"), "SimpleRNN": ()}[kind]:
                s[key] = f32list(r[key])
        if kind == "LSTM":
            s["c"] = fc.to_list(cs[k])
        s["h"] = fc.to_list(hs[k])
        steps.append(s)
    e = {"name": layer.name, "type": kind, "units": int(cfg["units"]), "activation": cfg["activation"]}
    if kind != "SimpleRNN":
        e["recurrent_activation"] = cfg["recurrent_activation"]
    e["use_bias"] = bool(cfg.get("use_bias", True))
    if kind == "GRU":
        e["reset_after"] = bool(cfg.get("reset_after", True))
    e["go_backwards"] = gb
    e["return_sequences"] = bool(cfg.get("return_sequences", False))
    e["zero_output_for_mask"] = bool(getattr(layer, "zero_output_for_mask", False))
    if extra:
        e.update(extra)
    e["h"] = fc.to_list(hs)
    if cs is not None:
        e["c"] = fc.to_list(cs)
    e["steps"] = steps
    e["_dh"], e["_dc"], e["_hs"], e["_seq"], e["_order"] = dh, dc, hs, seq, order
    return e


def chain_layers(model):
    return [l for l in model.layers if type(l).__name__ != "InputLayer"]


def make_trace(model, keras, x, keras_major, mask_value=None):
    """Trace every recurrent layer of a chain model on window x (T, xu).

    Each layer's input is the previous layer's real Keras output (sub-model). Bidirectional
    layers give a forward and a backward entry; the merge of the two is checked against the
    wrapper's own output. Also replays the whole model in NumPy and checks model.predict.
    """
    x = np.asarray(x, dtype=np.float32)
    T = x.shape[0]
    pred = model.predict(x[None], verbose=0)
    outputs = [np.asarray(p)[0] for p in pred] if isinstance(pred, (list, tuple)) else [np.asarray(pred)[0]]
    for o in outputs:
        assert np.all(np.isfinite(o)), o
    mask = None
    if mask_value is not None:
        mask = ~np.all(x == mask_value, axis=-1)
    layers = []
    cur = x  # input of the current layer, from Keras
    for layer in chain_layers(model):
        cls = type(layer).__name__
        sub = keras.Model(model.inputs, layer.output)
        actual = sub.predict(x[None], verbose=0)
        if cls == "Masking":
            cur = np.asarray(actual)[0]
            continue
        if kind_of(layer):
            e = layer_entry(keras, layer, cur, mask, keras_major)
            rs = e["return_sequences"]
            a = np.asarray(actual)[0]
            out_seq = e["_seq"]  # processing order, masked steps carry the state
            if e["zero_output_for_mask"] and mask is not None:
                out_seq = np.where(mask[e["_order"]][:, None], out_seq, 0.0)
            expect = out_seq if rs else out_seq[-1]
            assert np.allclose(a, expect, atol=1e-6), (layer.name, a, expect)
            layers.append(e)
            cur = a
        elif cls == "Bidirectional":
            mode = layer.merge_mode
            rs = bool(layer.return_sequences)
            common = {"merge_mode": mode}
            fe = layer_entry(keras, layer.forward_layer, cur, mask, keras_major,
                             extra=dict(common, direction="forward", inner_name=layer.forward_layer.name))
            be = layer_entry(keras, layer.backward_layer, cur, mask, keras_major,
                             extra=dict(common, direction="backward", inner_name=layer.backward_layer.name))
            assert not fe["go_backwards"] and be["go_backwards"]
            fe["name"] = be["name"] = layer.name
            if rs:
                f_out = fe["_seq"]
                b_out = be["_seq"][::-1]  # flipped back into time order
                if mask is not None:  # Bidirectional forces zero_output_for_mask when returning sequences
                    f_out = np.where(mask[:, None], f_out, 0.0)
                    b_out = np.where(mask[:, None], b_out, 0.0)
            else:
                f_out, b_out = fe["_hs"][-1], be["_hs"][-1]
            expect = merge(mode, f_out, b_out)
            if mode is None:
                got = [np.asarray(a)[0] for a in actual]
                assert np.allclose(got[0], expect[0], atol=1e-6) and np.allclose(got[1], expect[1], atol=1e-6)
                cur = None  # two outputs: nothing is chained after it
            else:
                a = np.asarray(actual)[0]
                assert np.allclose(a, expect, atol=1e-6), (layer.name, a, expect)
                cur = a
            layers += [fe, be]
        elif cls in ("Dense", "Flatten", "TimeDistributed"):
            cur = np.asarray(actual)[0]
        else:
            raise ValueError(f"unexpected layer {cls}")
    rep = numpy_replay(model, x, keras_major, mask)
    for o, r in zip(outputs, rep):
        assert np.allclose(o, r, atol=TOL * max(1.0, float(np.max(np.abs(o))))), (o, r)
    trace = {
        "keras_version": keras.__version__,
        "input": fc.to_list(x),
        "output": fc.to_list(np.concatenate([o.reshape(-1) for o in outputs])),
        "output_shape": list(outputs[0].shape) if len(outputs) == 1 else [sum(o.size for o in outputs)],
    }
    if len(outputs) > 1:
        trace["outputs"] = [fc.to_list(o.reshape(-1)) for o in outputs]
        trace["output_shapes"] = [list(o.shape) for o in outputs]
    if mask_value is not None:
        trace["mask_value"] = float(mask_value)
        trace["masked_steps"] = [int(t) for t in np.nonzero(~mask)[0]]
    trace["layers"] = layers
    return trace


def numpy_replay(model, x, keras_major, mask):
    """The whole chain model in float64 NumPy (recurrent layers, Bidirectional merges, Dense)."""
    cur = x.astype(np.float64)
    outs = None
    for layer in chain_layers(model):
        cls = type(layer).__name__
        if cls == "Masking":
            cur = np.where(mask[:, None], cur, 0.0) if mask is not None else cur
            continue
        if kind_of(layer) or cls == "Bidirectional":
            def run(l, gb):
                cfg = l.get_config()
                T = cur.shape[0]
                order = list(range(T - 1, -1, -1)) if gb else list(range(T))
                m = None if mask is None else mask[order]
                r = ref_run(kind_of(l), cfg, l.get_weights(), cur[order], m, keras_major)
                hs = np.stack([s["h"] for s in r])
                return hs, order

            if cls == "Bidirectional":
                fh, _ = run(layer.forward_layer, False)
                bh, _ = run(layer.backward_layer, True)
                if layer.return_sequences:
                    fseq, bseq = fh, bh[::-1]
                    if mask is not None:
                        fseq = np.where(mask[:, None], fseq, 0.0)
                        bseq = np.where(mask[:, None], bseq, 0.0)
                    res = merge(layer.merge_mode, fseq, bseq)
                else:
                    res = merge(layer.merge_mode, fh[-1], bh[-1])
                if layer.merge_mode is None:
                    outs = list(res)
                    cur = None
                else:
                    cur = res
            else:
                gb = bool(layer.get_config().get("go_backwards", False))
                hs, order = run(layer, gb)
                if mask is not None and getattr(layer, "zero_output_for_mask", False):
                    hs = np.where(mask[order][:, None], hs, 0.0)  # outputs of masked steps are zeros
                cur = hs if layer.return_sequences else hs[-1]  # processing order when go_backwards
        elif cls == "Flatten":
            cur = cur.reshape(-1)
        elif cls in ("Dense", "TimeDistributed"):
            if cls == "TimeDistributed":
                layer = layer.layer  # TimeDistributed(Dense) is the Dense on every row
            k = layer.get_weights()
            z = cur @ k[0].astype(np.float64) + (k[1].astype(np.float64) if len(k) > 1 else 0.0)
            act = layer.get_config()["activation"]
            cur = fc.activation_fn(act, keras_major)(z) if act != "softmax" else _softmax(z)
        else:
            raise ValueError(cls)
    return outs if outs is not None else [cur]


def _softmax(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def write_trace(trace, path):
    fc.write_trace(trace, path)


def summary(trace):
    return ", ".join(
        f"{l['name']}{'/' + l['direction'] if 'direction' in l else ''} dh={l['_dh']:.1e}"
        + (f" dc={l['_dc']:.1e}" if l["type"] == "LSTM" else "") for l in trace["layers"])
