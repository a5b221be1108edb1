#!/usr/bin/env python3
"""Print the on-disk layout of Keras model files (.keras zip or .h5).

Usage: python scripts/dump_layout.py FILE [FILE...] [--config]
For .keras: zip member list, metadata.json, a compact config.json summary
(--config prints the full config.json), and the tree of model.weights.h5.
For .h5: root attributes and the full group/dataset tree with attributes.
Needs only h5py and numpy.
"""
import io
import json
import sys
import zipfile

import h5py
import numpy as np


def fmt_attr(v):
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, np.ndarray):
        v = [x.decode() if isinstance(x, bytes) else x for x in v.tolist()]
    s = repr(v)
    return s if len(s) < 200 else s[:200] + f"... ({len(s)} chars)"


def tree(f, out, skip_attrs=("model_config", "training_config")):
    out.append("/  attrs: " + ", ".join(
        f"{k}={fmt_attr(v)}" if k not in skip_attrs else f"{k}=<json {len(f.attrs[k])} chars>"
        for k, v in f.attrs.items()))

    def visit(name, obj):
        depth = name.count("/") + 1
        ind = "  " * depth
        base = name.split("/")[-1]
        if isinstance(obj, h5py.Dataset):
            line = f"{ind}{base}  dataset shape={obj.shape} dtype={obj.dtype}"
        else:
            line = f"{ind}{base}/"
        if obj.attrs:
            line += "  attrs: " + ", ".join(f"{k}={fmt_attr(v)}" for k, v in obj.attrs.items())
        out.append(line)

    f.visititems(visit)


def config_summary(cfg, out, ind="  "):
    out.append(f"{ind}top: class_name={cfg.get('class_name')!r} module={cfg.get('module')!r} "
               f"registered_name={cfg.get('registered_name')!r} keys={list(cfg.keys())}")
    c = cfg["config"]
    out.append(f"{ind}top.config keys={list(c.keys())}")
    for layer in c.get("layers", []):
        lc = layer["config"]
        out.append(f"{ind}- class_name={layer.get('class_name')!r} module={layer.get('module')!r} "
                   f"registered_name={layer.get('registered_name')!r} layer-keys={list(layer.keys())}")
        out.append(f"{ind}  config keys={list(lc.keys())}")
        interesting = {k: lc[k] for k in ("name", "units", "filters", "activation", "recurrent_activation",
                                          "use_bias", "return_sequences", "return_state", "batch_shape",
                                          "batch_input_shape", "dtype") if k in lc}
        out.append(f"{ind}  {json.dumps(interesting)}")
        if "build_config" in layer:
            out.append(f"{ind}  build_config={json.dumps(layer['build_config'])}")


def dump(path, full_config=False):
    out = [f"===== {path}"]
    if path.endswith(".keras"):
        with zipfile.ZipFile(path) as z:
            out.append("zip members: " + ", ".join(f"{i.filename} ({i.file_size} B, "
                                                   f"{'stored' if i.compress_type == 0 else 'deflated'})"
                                                   for i in z.infolist()))
            out.append("metadata.json: " + z.read("metadata.json").decode())
            cfg = json.loads(z.read("config.json"))
            out.append("config.json summary:")
            config_summary(cfg, out)
            if full_config:
                out.append(json.dumps(cfg, indent=1))
            data = z.read("model.weights.h5")
        with h5py.File(io.BytesIO(data), "r") as f:
            out.append("model.weights.h5 tree:")
            tree(f, out)
    else:
        with h5py.File(path, "r") as f:
            tree(f, out)
            if "model_config" in f.attrs:
                mc = f.attrs["model_config"]
                cfg = json.loads(mc.decode() if isinstance(mc, bytes) else mc)
                out.append("model_config attr summary:")
                config_summary(cfg, out)
                if full_config:
                    out.append(json.dumps(cfg, indent=1))
    print("\n".join(out))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    for p in args:
        dump(p, full_config="--config" in sys.argv)
