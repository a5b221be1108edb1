#!/usr/bin/env python3
"""Write the "trust" fixtures for issue #12 into Tests/Fixtures/bad/.

Files that are well-formed enough to be read but make a careless loader give a silently
wrong answer (renamed / extra / ambiguous tensors, out-of-order or cyclic graphs,
duplicate or hidden zip entries, polyglots, HDF5 link tricks, hostile headers and
config values of the wrong type). See the section "Trust fixtures (issue #12)" in
Tests/Fixtures/bad/README.md for what each file tests.

Needs numpy, h5py, safetensors and Keras 3 (numpy backend; Keras's numpy backend also
imports jax and scipy). No torch / tensorflow. Run from the repo root:

    KERAS_BACKEND=numpy /tmp/kvenv/bin/python scripts/make_trust_fixtures.py [--verify]

--verify also loads every file with the reference libraries (Keras, h5py, zipfile,
numpy, safetensors) and prints what they say (the README quotes it).

Deterministic: running it twice gives byte-identical files. Zip entries get the fixed
1980-01-01 timestamp, HDF5 datasets are created with track_times=False, random values
come from seeded numpy Generators. Keras's own .keras save is NOT byte-deterministic
(config.json carries `shared_object_id` = Python id() values, metadata.json carries
`date_saved`, and the model.weights.h5 zip entry gets the wall-clock time), so every
Keras-saved archive is post-processed (normalize_keras_archive): shared_object_ids are
renumbered in order of first appearance, date_saved is set to 1980-01-01@00:00:00 and
the zip is rewritten with fixed timestamps. The renumbering keeps which objects are
shared, so Keras loads the result exactly as it loads its own save (checked by
--verify). Keras's legacy .h5 save and its model.weights.h5 are byte-deterministic
as written (keras 3.15.1, h5py 3.16.0). Mutated Keras files are derived from the bytes
of these normalised saves.
"""

import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import warnings
import zipfile
import zlib

os.environ.setdefault("KERAS_BACKEND", "numpy")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
from safetensors.numpy import save_file as st_save_file  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_bad_fixtures import (  # noqa: E402
    FIXED_DATE, OUT, PLAIN_H5, PLAIN_KERAS, ROOT, edit_keras_weights, keras_variant, out,
    plain_config, plain_keras_member, read_bytes, read_zip, write_bytes, write_zip)

TORCH = os.path.join(ROOT, "Tests", "Fixtures", "torch")
KERAS_SRC = os.path.join(ROOT, "Tests", "Fixtures", "keras")

KW_CELL = "layers/lstm/cell/vars"

# Every file this script writes (for the listing and the re-run check).
MADE = []


def made(name):
    MADE.append(name)
    return out(name)


def torch_arrays(name):
    with np.load(os.path.join(TORCH, name + ".npz")) as d:
        return {k: d[k].copy() for k in d.files}


def save_torch(name, tensors, npz=True, st=True):
    """A PyTorch-style state dict as .safetensors (format pt) and/or .npz (named keys)."""
    if st:
        st_save_file(tensors, made(name + ".safetensors"), metadata={"format": "pt"})
    if npz:
        np.savez(made(name + ".npz"), **tensors)


def safetensors_bytes(entries, data, metadata=None, raw_header=None):
    """Hand-written safetensors: entries [(name, dtype, shape, [start, end])] in the given
    order; header padded with spaces to a multiple of 8 like the Rust writer."""
    if raw_header is None:
        parts = []
        if metadata is not None:
            parts.append('"__metadata__":' + json.dumps(metadata, separators=(",", ":")))
        for name, dtype, shape, offs in entries:
            parts.append(json.dumps(name) + ":" + json.dumps(
                {"dtype": dtype, "shape": list(shape), "data_offsets": list(offs)},
                separators=(",", ":")))
        raw_header = "{" + ",".join(parts) + "}"
    h = raw_header.encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data


def f32(a):
    return np.ascontiguousarray(a, dtype="<f4").tobytes()


# ---------------------------------------------------------------- 1-5 PyTorch state dicts

def make_torch():
    lstm2 = torch_arrays("lstm2")
    noprefix = {}
    for k, v in lstm2.items():
        if k.startswith("lstm."):
            noprefix[k[len("lstm."):]] = v
        elif k.startswith("head."):
            noprefix["fc." + k[len("head."):]] = v
    assert len(noprefix) == len(lstm2) == 10
    save_torch("torch_noprefix", noprefix)

    lstm = torch_arrays("lstm")
    rng = np.random.default_rng(1202)
    ln = dict(lstm)
    ln["norm.weight"] = (1.0 + 0.1 * rng.standard_normal(4)).astype(np.float32)
    ln["norm.bias"] = (0.1 * rng.standard_normal(4)).astype(np.float32)
    save_torch("torch_extra_layernorm", ln, npz=False)

    named = torch_arrays("named")
    rng = np.random.default_rng(1203)
    two = dict(named)
    for k, shape in [("decoder.weight_ih_l0", (15, 5)), ("decoder.weight_hh_l0", (15, 5)),
                     ("decoder.bias_ih_l0", (15,)), ("decoder.bias_hh_l0", (15,))]:
        two[k] = rng.uniform(-0.4, 0.4, shape).astype(np.float32)
    save_torch("torch_two_modules", two, npz=False)

    b16 = dict(named)
    b16["encoder.bias_ih_l0"] = np.append(named["encoder.bias_ih_l0"], np.float32(0.25)).astype(np.float32)
    assert b16["encoder.bias_ih_l0"].shape == (16,)
    save_torch("torch_gru_bias16", b16, npz=False)

    rng = np.random.default_rng(1205)
    fc1_w = rng.uniform(-0.5, 0.5, (4, 4)).astype(np.float32)
    fc1_b = rng.uniform(-0.5, 0.5, (4,)).astype(np.float32)
    fc2_w = rng.uniform(-0.5, 0.5, (1, 4)).astype(np.float32)
    fc2_b = rng.uniform(-0.5, 0.5, (1,)).astype(np.float32)
    lin = {k: v for k, v in lstm.items() if k.startswith("lstm.")}
    lin["fc2.weight"], lin["fc2.bias"] = fc2_w, fc2_b
    lin["fc1.weight"], lin["fc1.bias"] = fc1_w, fc1_b
    np.savez(made("torch_two_linears.npz"), **lin)
    # safetensors.numpy.save_file sorts tensors by name (fc1 would come first), so this
    # one is written by hand: header and data both in the npz's order (fc2 before fc1).
    entries, data = [], b""
    for k, v in lin.items():
        b = f32(v)
        entries.append((k, "F32", v.shape, [len(data), len(data) + len(b)]))
        data += b
    write_bytes("torch_two_linears.safetensors", safetensors_bytes(entries, data, {"format": "pt"}))
    made("torch_two_linears.safetensors")


# ---------------------------------------------------------------- 6-9 Keras Functional

SHARED_BASE = 140000000000000


def normalize_keras_archive(src, dst):
    """Rewrite a Keras-saved .keras deterministically (see module docstring)."""
    ids = {}

    def renumber(m):
        if m.group(1) not in ids:
            ids[m.group(1)] = SHARED_BASE + 16 * len(ids)
        return '"shared_object_id": %d' % ids[m.group(1)]

    entries = []
    with zipfile.ZipFile(src) as z:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "config.json":
                data = re.sub(r'"shared_object_id": (\d+)', renumber, data.decode("utf-8")).encode("utf-8")
            elif info.filename == "metadata.json":
                meta = json.loads(data)
                meta["date_saved"] = "1980-01-01@00:00:00"
                data = json.dumps(meta).encode("utf-8")
            entries.append((info.filename, data, info.compress_type))
    with zipfile.ZipFile(dst, "w") as z:
        for fname, data, ctype in entries:
            zi = zipfile.ZipInfo(fname, date_time=FIXED_DATE)
            zi.compress_type = ctype
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            z.writestr(zi, data)


def seeded_weights(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype(np.float32)
                       for w in model.get_weights()])


def save_keras(model, name, h5=False):
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "m.keras")
        model.save(p)
        normalize_keras_archive(p, made(name + ".keras"))
        if h5:
            model.save(made(name + ".h5"))


def two_dense_model(keras):
    inp = keras.Input(shape=(5, 3), name="series")
    h = keras.layers.LSTM(4, name="lstm")(inp)
    h = keras.layers.Dense(4, activation="tanh", name="first")(h)
    h = keras.layers.Dense(4, activation="relu", name="second")(h)
    o = keras.layers.Dense(1, name="out")(h)
    m = keras.Model(inp, o, name="functional_two_dense")
    seeded_weights(m, 1206)
    return m


def two_dense_input():
    return np.random.default_rng(1216).standard_normal((5, 3)).astype(np.float32)


def keras_entries(name):
    return [(i.filename, d) for i, d in read_zip(out(name))]


def write_keras_entries(name, entries):
    write_zip(name, entries)
    made(name)


def swap_first_second(layers):
    names = [l["name"] for l in layers]
    i, j = names.index("first"), names.index("second")
    layers[i], layers[j] = layers[j], layers[i]


def make_functional():
    import keras
    keras.utils.set_random_seed(1206)

    m = two_dense_model(keras)
    save_keras(m, "functional_two_dense", h5=True)
    x = two_dense_input()
    np.save(made("functional_two_dense-input.npy"), x)
    y = np.asarray(m.predict(x[None], verbose=0)[0], dtype=np.float32)
    assert y.shape == (1,)
    np.save(made("functional_two_dense-expected.npy"), y)

    # 7: first/second swapped in the layers list; graph and weights unchanged.
    ents = keras_entries("functional_two_dense.keras")
    cfg = json.loads(dict(ents)["config.json"])
    swap_first_second(cfg["config"]["layers"])
    write_keras_entries("functional_out_of_order.keras",
                        [(n, json.dumps(cfg).encode() if n == "config.json" else d) for n, d in ents])
    shutil.copyfile(out("functional_two_dense.h5"), made("functional_out_of_order.h5"))
    with h5py.File(out("functional_out_of_order.h5"), "r+") as f:
        mc = json.loads(f.attrs["model_config"])
        swap_first_second(mc["config"]["layers"])
        f.attrs.modify("model_config", json.dumps(mc))

    # 8: "first" reads from "second": first -> second -> first is a cycle.
    cfg = json.loads(dict(ents)["config.json"])
    for l in cfg["config"]["layers"]:
        if l["name"] == "first":
            hist = l["inbound_nodes"][0]["args"][0]["config"]["keras_history"]
            assert hist == ["lstm", 0, 0], hist
            l["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = ["second", 0, 0]
    write_keras_entries("functional_cycle.keras",
                        [(n, json.dumps(cfg).encode() if n == "config.json" else d) for n, d in ents])

    # 9: two outputs; two branches merged by Concatenate.
    inp = keras.Input(shape=(5, 3), name="series")
    h = keras.layers.LSTM(4, name="lstm")(inp)
    a = keras.layers.Dense(1, name="a")(h)
    b = keras.layers.Dense(1, name="b")(h)
    m2 = keras.Model(inp, [a, b], name="functional_two_outputs")
    seeded_weights(m2, 1209)
    save_keras(m2, "functional_two_outputs")

    inp = keras.Input(shape=(5, 3), name="series")
    h = keras.layers.LSTM(4, name="lstm")(inp)
    left = keras.layers.Dense(2, name="left")(h)
    right = keras.layers.Dense(2, name="right")(h)
    c = keras.layers.Concatenate(name="concat")([left, right])
    o = keras.layers.Dense(1, name="out")(c)
    m3 = keras.Model(inp, o, name="functional_merge")
    seeded_weights(m3, 1210)
    save_keras(m3, "functional_merge")


# ---------------------------------------------------------------- 10-14 zip archives

DOS_TIME, DOS_DATE = 0, 0x21  # 1980-01-01 00:00:00


def local_header(name, method, crc, csize, usize):
    nb = name.encode()
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, DOS_TIME, DOS_DATE,
                       crc, csize, usize, len(nb), 0) + nb


def central_header(name, method, crc, csize, usize, offset):
    nb = name.encode()
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, 0, method,
                       DOS_TIME, DOS_DATE, crc, csize, usize, len(nb), 0, 0, 0, 0,
                       0o644 << 16, offset) + nb


def eocd(count, cd_size, cd_offset):
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, cd_size, cd_offset, 0)


def plain_entries():
    return [(i.filename, d) for i, d in read_zip(PLAIN_KERAS)]


def make_zips():
    # 10: a hidden local entry "model.weights.h5" (doubled LSTM kernel, same size, the
    # real entry's CRC) before the real one; the central directory skips it.
    real_w = plain_keras_member("model.weights.h5")

    def double_kernel(f):
        ds = f[KW_CELL + "/0"]
        ds[...] = ds[...] * 2
    fake_w = edit_keras_weights(double_kernel)
    assert len(fake_w) == len(real_w) and fake_w != real_w
    real_crc = zlib.crc32(real_w)
    body, central, n = b"", b"", 0
    for fname, data in plain_entries():
        if fname == "model.weights.h5":
            body += local_header(fname, 0, real_crc, len(fake_w), len(fake_w)) + fake_w
        off = len(body)
        crc = zlib.crc32(data)
        body += local_header(fname, 0, crc, len(data), len(data)) + data
        central += central_header(fname, 0, crc, len(data), len(data), off)
        n += 1
    write_bytes("zip_hidden_entry.keras", body + central + eocd(n, len(central), len(body)))
    made("zip_hidden_entry.keras")

    # 10b: the same, but the real entry's local header and directory record carry the HIDDEN
    # entry's CRC: a reader that scans local headers for the name finds the hidden weights and
    # a matching CRC (lstmscope before #12 replayed them); every zip tool reads the real entry
    # and finds its CRC wrong.
    fake_crc = zlib.crc32(fake_w)
    body, central, n = b"", b"", 0
    for fname, data in plain_entries():
        crc = zlib.crc32(data)
        if fname == "model.weights.h5":
            body += local_header(fname, 0, fake_crc, len(fake_w), len(fake_w)) + fake_w
            crc = fake_crc
        off = len(body)
        body += local_header(fname, 0, crc, len(data), len(data)) + data
        central += central_header(fname, 0, crc, len(data), len(data), off)
        n += 1
    write_bytes("zip_hidden_entry_forged_crc.keras", body + central + eocd(n, len(central), len(body)))
    made("zip_hidden_entry_forged_crc.keras")

    # 11: two config.json entries, both in the central directory.
    cfg = plain_config()
    for l in cfg["config"]["layers"]:
        if l["class_name"] == "Dense":
            assert l["config"]["activation"] == "linear"
            l["config"]["activation"] = "relu"
    ents = plain_entries()
    ents.append(("config.json", json.dumps(cfg).encode()))
    assert [e[0] for e in ents] == ["metadata.json", "config.json", "model.weights.h5", "config.json"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile: "Duplicate name: 'config.json'"
        write_keras_entries("zip_duplicate_config.keras", ents)

    # 12: the local header of model.weights.h5 says model.weights.h6.
    write_keras_entries("zip_local_mismatch.keras", plain_entries())
    data = bytearray(read_bytes(out("zip_local_mismatch.keras")))
    with zipfile.ZipFile(out("zip_local_mismatch.keras")) as z:
        off = z.getinfo("model.weights.h5").header_offset
    name_at = off + 30
    assert data[name_at:name_at + 16] == b"model.weights.h5"
    data[name_at:name_at + 16] = b"model.weights.h6"
    write_bytes("zip_local_mismatch.keras", bytes(data))

    # 13: plain.h5 with plain.keras's entries appended as a zip.
    shutil.copyfile(PLAIN_H5, made("polyglot.h5"))
    with zipfile.ZipFile(out("polyglot.h5"), "a") as z:
        for fname, d in plain_entries():
            zi = zipfile.ZipInfo(fname, date_time=FIXED_DATE)
            zi.compress_type = zipfile.ZIP_STORED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            z.writestr(zi, d)

    # 14: an honest, highly compressed npz: 64 MiB of float32 zeros.
    buf = io.BytesIO()
    np.save(buf, np.zeros(16 * 1024 * 1024, dtype=np.float32))
    zi = zipfile.ZipInfo("arr_0.npy", date_time=FIXED_DATE)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.external_attr = 0o644 << 16
    zi.create_system = 3
    with zipfile.ZipFile(made("zip_bomb_ratio.npz"), "w") as z:
        z.writestr(zi, buf.getvalue(), compresslevel=9)


# ---------------------------------------------------------------- 15-16 HDF5 link tricks

N_LINKS = 3003
BIG = 200_000


def big_dataset_values():
    return np.random.default_rng(1216).standard_normal(BIG).astype(np.float32)


def make_hdf5():
    def self_link(f):
        f["layers/lstm/cell"]["loop"] = f["layers/lstm"]  # hard link: a cycle
    keras_variant("hdf5_self_link.keras", weights=edit_keras_weights(self_link))

    # Weights no layer of config.json takes: a second Dense's group (kernel and bias).
    def extra_group(f):
        g = f.create_group("layers/dense_1/vars")
        g.create_dataset("0", data=np.full((3, 1), 0.5, np.float32), track_times=False)
        g.create_dataset("1", data=np.zeros((1,), np.float32), track_times=False)
    keras_variant("hdf5_unused_weights.keras", weights=edit_keras_weights(extra_group))
    made("hdf5_self_link.keras")
    made("hdf5_unused_weights.keras")

    big = big_dataset_values()

    def amplify(f):
        g = f[KW_CELL]
        for k in ("0", "1", "2"):
            del g[k]
        ds = g.create_dataset("0", data=big, track_times=False)
        for k in range(1, N_LINKS):
            g[str(k)] = ds
    keras_variant("hdf5_amplification.keras", weights=edit_keras_weights(amplify))
    made("hdf5_amplification.keras")

    cell = "model_weights/lstm/plain/lstm/lstm_cell"
    shutil.copyfile(PLAIN_H5, made("hdf5_amplification.h5"))
    with h5py.File(out("hdf5_amplification.h5"), "r+") as f:
        g = f[cell]
        for k in ("kernel", "recurrent_kernel", "bias"):
            del g[k]
        ds = g.create_dataset("0", data=big, track_times=False)
        for k in range(1, N_LINKS):
            g[str(k)] = ds
        names = ["plain/lstm/lstm_cell/%d" % k for k in range(N_LINKS)]
        f["model_weights/lstm"].attrs.create("weight_names", np.array(names, dtype=object),
                                             dtype=h5py.string_dtype("ascii"))

    # Weights no layer of model_config takes: a second Dense listed in layer_names.
    shutil.copyfile(PLAIN_H5, made("hdf5_unused_weights.h5"))
    with h5py.File(out("hdf5_unused_weights.h5"), "r+") as f:
        mw = f["model_weights"]
        g = mw.create_group("dense_1")
        g.create_dataset("plain/dense_1/kernel", data=np.full((3, 1), 0.5, np.float32), track_times=False)
        g.create_dataset("plain/dense_1/bias", data=np.zeros((1,), np.float32), track_times=False)
        g.attrs.create("weight_names", np.array(["plain/dense_1/kernel", "plain/dense_1/bias"], dtype=object),
                       dtype=h5py.string_dtype("ascii"))
        layers = [n.decode() if isinstance(n, bytes) else n for n in mw.attrs["layer_names"]] + ["dense_1"]
        mw.attrs.create("layer_names", np.array(layers, dtype=object), dtype=h5py.string_dtype("ascii"))


# ---------------------------------------------------------------- 17-20 npy / safetensors headers

def npy_bytes(header_dict_text, data, length_delta=0):
    total = 10 + len(header_dict_text) + 1
    pad = (64 - total % 64) % 64
    h = (header_dict_text + " " * pad + "\n").encode("latin1")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h) + length_delta) + h + data


def make_headers():
    a = np.random.default_rng(1217).standard_normal((5, 2)).astype("<f4")
    good = "{'descr': '<f4', 'fortran_order': False, 'shape': (5, 2), }"
    ref = io.BytesIO()
    np.save(ref, a)
    assert npy_bytes(good, a.tobytes()) == ref.getvalue()  # same bytes np.save writes
    write_bytes("npy_header_too_long.npy", npy_bytes(good, a.tobytes(), length_delta=16))
    write_bytes("npy_header_extra_key.npy", npy_bytes(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (5, 2), 'x': 1, }", a.tobytes()))
    write_bytes("npy_fortran_string.npy", npy_bytes(
        "{'descr': '<f4', 'fortran_order': 'False', 'shape': (5, 2), }", a.tobytes()))
    for n in ("npy_header_too_long.npy", "npy_header_extra_key.npy", "npy_fortran_string.npy"):
        made(n)

    # lstm.npz's state dict, laid out by hand so only the offsets are wrong.
    sd = torch_arrays("lstm")
    order = ["lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
             "head.weight", "head.bias"]
    meta = {"format": "pt"}

    def layout(gap_after=None, gap=0, overlap=None, overlap_bytes=0):
        entries, data = [], bytearray()
        for k in order:
            b = f32(sd[k])
            start = len(data)
            if k == overlap:
                start -= overlap_bytes
                data = data[:start]
            data += b
            entries.append((k, "F32", sd[k].shape, [start, start + len(b)]))
            if k == gap_after:
                data += b"\0" * gap
        return entries, bytes(data)

    # overlap: lstm.bias_hh_l0 starts 32 bytes (8 values) inside lstm.bias_ih_l0.
    e, d = layout(overlap="lstm.bias_hh_l0", overlap_bytes=32)
    assert e[2][3][1] - e[3][3][0] == 32
    write_bytes("safetensors_overlap.safetensors", safetensors_bytes(e, d, meta))
    # hole: 8 unused bytes between lstm.weight_hh_l0 and lstm.bias_ih_l0.
    e, d = layout(gap_after="lstm.weight_hh_l0", gap=8)
    write_bytes("safetensors_hole.safetensors", safetensors_bytes(e, d, meta))
    # duplicate key: "lstm.bias_ih_l0" twice, the second copy (negated values) right
    # after lstm.bias_hh_l0, so a reader keeping the first and one keeping the last differ.
    tensors = [(k, sd[k]) for k in order]
    tensors.insert(4, ("lstm.bias_ih_l0", -sd["lstm.bias_ih_l0"]))
    e, d = [], b""
    for k, v in tensors:
        b = f32(v)
        e.append((k, "F32", v.shape, [len(d), len(d) + len(b)]))
        d += b
    parts = ['"__metadata__":' + json.dumps(meta, separators=(",", ":"))]
    for name, dtype, shape, o in e:
        parts.append(json.dumps(name) + ":" + json.dumps(
            {"dtype": dtype, "shape": list(shape), "data_offsets": o}, separators=(",", ":")))
    raw = "{" + ",".join(parts) + "}"
    assert raw.count('"lstm.bias_ih_l0"') == 2
    write_bytes("safetensors_duplicate_key.safetensors", safetensors_bytes(None, d, raw_header=raw))
    for n in ("safetensors_overlap.safetensors", "safetensors_duplicate_key.safetensors",
              "safetensors_hole.safetensors"):
        made(n)


# ---------------------------------------------------------------- 21-23 config values

def lstm_layer(cfg):
    (l,) = [l for l in cfg["config"]["layers"] if l["class_name"] == "LSTM"]
    assert l["config"]["name"] == "lstm"
    return l


def config_variant(name, edit, weights=None):
    cfg = plain_config()
    edit(cfg)
    keras_variant(name, config=json.dumps(cfg), weights=weights)
    made(name)


def make_config_values():
    def setter(key, value):
        def edit(cfg):
            c = lstm_layer(cfg)["config"]
            assert key in c
            c[key] = value
        return edit
    config_variant("config_string_go_backwards.keras", setter("go_backwards", "false"))
    config_variant("config_string_units.keras", setter("units", "3"))
    config_variant("config_float_units.keras", setter("units", 3.5))
    config_variant("config_string_return_sequences.keras", setter("return_sequences", 0))

    def lookback(t):
        def edit(cfg):
            layers = cfg["config"]["layers"]
            assert layers[0]["class_name"] == "InputLayer"
            assert layers[0]["config"]["batch_shape"] == [None, 5, 2]
            layers[0]["config"]["batch_shape"] = [None, t, 2]
            lstm = lstm_layer(cfg)
            assert lstm["build_config"]["input_shape"] == [None, 5, 2]
            lstm["build_config"]["input_shape"] = [None, t, 2]
        return edit
    config_variant("lookback_huge.keras", lookback(1000000000000))
    config_variant("lookback_negative.keras", lookback(-1))
    config_variant("lookback_float.keras", lookback(1e30))
    config_variant("lookback_string.keras", lookback("5"))

    evil = "lstm\u202eevil\u2066x\u200b\ufeff\u2028end"

    def bidi(cfg):
        lstm_layer(cfg)["config"]["name"] = evil

    def bidi_weights(f):
        f["layers/lstm/vars"].attrs["name"] = evil
    config_variant("bidi_name.keras", bidi, weights=edit_keras_weights(bidi_weights))


# ---------------------------------------------------------------- verification

def isolated(code, timeout=300, mem_gb=6):
    """Run code in a fresh interpreter (KERAS_BACKEND=numpy) with a time and an address
    space limit; return (status, last output lines)."""
    pre = ("import resource, os; resource.setrlimit(resource.RLIMIT_AS, (%d, %d))\n"
           % (mem_gb << 30, mem_gb << 30))
    env = dict(os.environ, KERAS_BACKEND="numpy")
    try:
        r = subprocess.run([sys.executable, "-c", pre + code], capture_output=True, text=True,
                           timeout=timeout, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired:
        return "timeout after %ds" % timeout
    lines = [l for l in (r.stdout + r.stderr).splitlines()
             if l.strip() and "WARNING" not in l and "absl" not in l]
    return "rc=%d: %s" % (r.returncode, " | ".join(lines[-3:]))


def err(fn):
    try:
        r = fn()
        return "ACCEPTED: %r" % (r,)
    except Exception as e:  # noqa: BLE001
        return "%s: %s" % (type(e).__name__, e)


def verify():
    import keras
    from safetensors.numpy import load_file
    R = {}

    def pred(path, x):
        m = keras.saving.load_model(path)
        y = m.predict(x[None], verbose=0)
        return [np.asarray(t)[0] for t in y] if isinstance(y, list) else np.asarray(y)[0]

    plain_x = np.array(json.load(open(os.path.join(KERAS_SRC, "plain-trace.json")))["input"], np.float32)
    plain_y = np.array(json.load(open(os.path.join(KERAS_SRC, "plain-trace.json")))["output"], np.float32)

    # 1-5
    ref = np.array(json.load(open(os.path.join(TORCH, "lstm2-trace.json")))["output"])
    a = load_file(out("torch_noprefix.safetensors"))
    b = dict(np.load(out("torch_noprefix.npz")))
    src = torch_arrays("lstm2")
    R["torch_noprefix"] = ("keys %s; %d params; same values as lstm2: %s; lstm2 output %s"
                           % (sorted(a), sum(v.size for v in a.values()),
                              all(np.array_equal(a[k], b[k]) for k in a) and
                              all(np.array_equal(a[k], src["lstm." + k] if not k.startswith("fc.")
                                                 else src["head." + k[3:]]) for k in a),
                              ref.tolist()))
    for n in ("torch_extra_layernorm", "torch_two_modules", "torch_gru_bias16"):
        t = load_file(out(n + ".safetensors"))
        R[n] = "load_file ok: " + ", ".join("%s%s" % (k, list(v.shape)) for k, v in t.items())
    t = load_file(out("torch_two_linears.safetensors"))
    z = np.load(out("torch_two_linears.npz"))
    hdr = read_bytes(out("torch_two_linears.safetensors"))
    hl = struct.unpack("<Q", hdr[:8])[0]
    R["torch_two_linears"] = ("npz order %s; safetensors header order %s; load_file ok, equal to npz: %s"
                              % (z.files, [k for k in json.loads(hdr[8:8 + hl]) if k != "__metadata__"],
                                 all(np.array_equal(t[k], z[k]) for k in z.files)))

    # 6-9
    x = np.load(out("functional_two_dense-input.npy"))
    y = np.load(out("functional_two_dense-expected.npy"))
    ok = {}
    for n in ("functional_two_dense.keras", "functional_two_dense.h5"):
        ok[n] = float(np.abs(pred(out(n), x) - y).max())
    R["functional_two_dense"] = "expected %s; reload max|diff| %s" % (y.tolist(), ok)
    lines = []
    for n in ("functional_out_of_order.keras", "functional_out_of_order.h5"):
        m = keras.saving.load_model(out(n))
        if n.endswith(".keras"):
            listed = [l["name"] for l in json.loads(zipfile.ZipFile(out(n)).read("config.json"))["config"]["layers"]]
        else:
            with h5py.File(out(n)) as f:
                listed = [l["name"] for l in json.loads(f.attrs["model_config"])["config"]["layers"]]
        d = float(np.abs(np.asarray(m.predict(x[None], verbose=0))[0] - y).max())
        src_m = keras.saving.load_model(out("functional_two_dense.keras"))
        same = all(all(np.array_equal(p, q) for p, q in zip(m.get_layer(k).get_weights(),
                                                             src_m.get_layer(k).get_weights()))
                   for k in ("lstm", "first", "second", "out"))
        lines.append("%s: list order %s, model.layers %s, max|diff| vs expected %g, each layer's "
                     "weights equal to functional_two_dense's: %s" % (n, listed, [l.name for l in m.layers], d, same))
    with h5py.File(io.BytesIO(zipfile.ZipFile(out("functional_out_of_order.keras")).read("model.weights.h5"))) as f:
        groups = {k: f["layers/%s/vars" % k].attrs.get("name") for k in f["layers"]}
    lines.append("model.weights.h5 groups -> vars@name: %s" % groups)
    R["functional_out_of_order"] = "\n    ".join(lines)
    R["functional_cycle"] = isolated(
        "import keras\ntry:\n keras.saving.load_model('Tests/Fixtures/bad/functional_cycle.keras'); print('LOADED')\n"
        "except Exception as e: print(type(e).__name__ + ': ' + str(e)[:400])", timeout=120)
    ya, yb = pred(out("functional_two_outputs.keras"), x)
    R["functional_two_outputs"] = "Keras loads; on functional_two_dense-input.npy a=%r b=%r" % (ya.tolist(), yb.tolist())
    R["functional_merge"] = "Keras loads; on functional_two_dense-input.npy out=%r" % (
        pred(out("functional_merge.keras"), x).tolist(),)

    # 10-14
    def zl(n):
        with zipfile.ZipFile(out(n)) as z:
            return [i.filename for i in z.infolist()]
    with zipfile.ZipFile(out("zip_hidden_entry.keras")) as z:
        real = z.read("model.weights.h5") == plain_keras_member("model.weights.h5")
        bad = z.testzip()
    ul = subprocess.run(["unzip", "-l", out("zip_hidden_entry.keras")], capture_output=True, text=True).stdout
    ut = subprocess.run(["unzip", "-t", out("zip_hidden_entry.keras")], capture_output=True, text=True)
    R["zip_hidden_entry"] = ("zipfile lists %s, reads the real weights: %s, testzip: %s; unzip -l: %s; "
                             "unzip -t rc=%d %r; Keras predicts %s (plain %s)"
                             % (zl("zip_hidden_entry.keras"), real, bad, ul.strip().splitlines()[-1].strip(),
                                ut.returncode, ut.stdout.strip().splitlines()[-1],
                                pred(out("zip_hidden_entry.keras"), plain_x).tolist(), plain_y.tolist()))
    with zipfile.ZipFile(out("zip_duplicate_config.keras")) as z:
        act = json.loads(z.read("config.json"))["config"]["layers"][2]["config"]["activation"]
    R["zip_duplicate_config"] = ("zipfile lists %s; z.read('config.json') gives the last one (Dense activation %r); "
                                 "Keras loads it and predicts %s (plain %s)"
                                 % (zl("zip_duplicate_config.keras"), act,
                                    pred(out("zip_duplicate_config.keras"), plain_x).tolist(), plain_y.tolist()))
    R["zip_local_mismatch"] = "zipfile: " + err(lambda: zipfile.ZipFile(out("zip_local_mismatch.keras")).read("model.weights.h5")[:0]) + \
        "; Keras: " + err(lambda: keras.saving.load_model(out("zip_local_mismatch.keras")))
    with h5py.File(out("polyglot.h5")) as f:
        h5ok = sorted(f["model_weights"].keys())
    with tempfile.TemporaryDirectory() as tmp:
        pk = os.path.join(tmp, "polyglot.keras")
        shutil.copyfile(out("polyglot.h5"), pk)
        as_keras = pred(pk, plain_x).tolist()
    R["polyglot"] = ("h5py opens it (model_weights %s); zipfile.is_zipfile %s, lists %s, testzip %s; "
                     "Keras load_model('polyglot.h5') (legacy HDF5 path) predicts %s; the same bytes named "
                     ".keras (zip path) predict %s; plain %s"
                     % (h5ok, zipfile.is_zipfile(out("polyglot.h5")), zl("polyglot.h5"),
                        zipfile.ZipFile(out("polyglot.h5")).testzip(), pred(out("polyglot.h5"), plain_x).tolist(),
                        as_keras, plain_y.tolist()))
    with zipfile.ZipFile(out("zip_bomb_ratio.npz")) as z:
        i = z.getinfo("arr_0.npy")
    with np.load(out("zip_bomb_ratio.npz")) as d:
        arr = d["arr_0"]
    R["zip_bomb_ratio"] = ("declared %d bytes, compressed %d (%.0f:1); np.load gives %s %s, all zero %s"
                           % (i.file_size, i.compress_size, i.file_size / i.compress_size, arr.dtype,
                              arr.shape, not arr.any()))

    # 15-16
    R["hdf5_self_link"] = "Keras predicts %s (plain %s)" % (pred(out("hdf5_self_link.keras"), plain_x).tolist(),
                                                            plain_y.tolist())
    with h5py.File(io.BytesIO(zipfile.ZipFile(out("hdf5_self_link.keras")).read("model.weights.h5"))) as f:
        R["hdf5_self_link"] += "; h5py: layers/lstm/cell/loop is layers/lstm: %s" % (
            f["layers/lstm/cell/loop"] == f["layers/lstm"])
    with h5py.File(io.BytesIO(zipfile.ZipFile(out("hdf5_amplification.keras")).read("model.weights.h5"))) as f:
        g = f[KW_CELL]
        addrs = {h5py.h5o.get_info(g[k].id).addr for k in g}
        R["hdf5_amplification.keras"] = ("%d names, %d distinct object(s), shape %s; reading all = %.2f GB"
                                         % (len(g), len(addrs), g["0"].shape, len(g) * BIG * 4 / 1e9))
    R["hdf5_amplification.keras"] += "; Keras: " + isolated(
        "import keras\ntry:\n keras.saving.load_model('Tests/Fixtures/bad/hdf5_amplification.keras'); print('LOADED')\n"
        "except Exception as e: print(type(e).__name__ + ': ' + str(e)[:300])", timeout=300, mem_gb=6)
    with h5py.File(out("hdf5_amplification.h5")) as f:
        names = f["model_weights/lstm"].attrs["weight_names"]
        addrs = {h5py.h5o.get_info(f["model_weights/lstm"][n if isinstance(n, str) else n.decode()].id).addr
                 for n in names}
        R["hdf5_amplification.h5"] = ("weight_names: %d names, %d distinct object(s); reading all = %.2f GB"
                                      % (len(names), len(addrs), len(names) * BIG * 4 / 1e9))
    R["hdf5_amplification.h5"] += "; Keras (6 GB address-space limit): " + isolated(
        "import keras\ntry:\n keras.saving.load_model('Tests/Fixtures/bad/hdf5_amplification.h5'); print('LOADED')\n"
        "except BaseException as e: print(type(e).__name__ + ': ' + str(e)[:300])", timeout=300, mem_gb=6)

    # 17-20
    for n in ("npy_header_too_long", "npy_header_extra_key", "npy_fortran_string"):
        R[n] = "np.load: " + err(lambda: np.load(out(n + ".npy")).shape)
    for n in ("safetensors_overlap", "safetensors_duplicate_key", "safetensors_hole"):
        R[n] = "load_file: " + err(lambda: sorted(load_file(out(n + ".safetensors"))))

    # 21-23
    for n in ("config_string_go_backwards", "config_string_units", "config_float_units",
              "config_string_return_sequences", "lookback_huge", "lookback_negative",
              "lookback_float", "lookback_string", "bidi_name"):
        R[n] = "Keras: " + isolated(
            "import keras, numpy as np, json\nx = np.array(json.load(open('Tests/Fixtures/keras/plain-trace.json'))['input'], np.float32)\n"
            "try:\n m = keras.saving.load_model('Tests/Fixtures/bad/%s.keras')\n"
            " print('loaded; layer names', [l.name for l in m.layers])\n"
            " print('predict', np.asarray(m.predict(x[None], verbose=0)).tolist())\n"
            "except Exception as e:\n s = str(e); i = s.rfind('Exception encountered: ')\n"
            " print(type(e).__name__ + ': ' + (s[i + 23:] if i >= 0 else s)[:300])" % n, timeout=300)
    m = keras.saving.load_model(os.path.join(KERAS_SRC, "plain.keras"))
    R["config_string_go_backwards"] += "; plain.keras on the time-reversed input predicts %s" % (
        np.asarray(m.predict(plain_x[::-1][None], verbose=0))[0].tolist(),)
    R["plain reference"] = "plain-trace output %s" % plain_y.tolist()

    for k, v in R.items():
        print("== %s\n    %s" % (k, v))


def main(argv):
    os.makedirs(OUT, exist_ok=True)
    make_torch()
    make_functional()
    make_zips()
    make_hdf5()
    make_headers()
    make_config_values()
    for name in MADE:
        print("%8d  %s" % (os.path.getsize(out(name)), name))
    if "--verify" in argv:
        verify()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
