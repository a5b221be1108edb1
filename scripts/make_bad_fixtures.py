#!/usr/bin/env python3
"""Write malformed / hostile model and input files into Tests/Fixtures/bad/.

Every file is derived from the good fixtures Tests/Fixtures/keras/plain.{keras,h5,npz}
(LSTM(3) -> Dense(1), xu=2, T=5). Needs only numpy, h5py and the Python stdlib
(no keras/tensorflow). Deterministic: running it twice gives identical bytes
(zip entries get a fixed 1980-01-01 timestamp, random bytes come from SHAKE-256,
HDF5 datasets are created with track_times=False).

Run from the repo root:
    /work/venv/keras/bin/python scripts/make_bad_fixtures.py

See Tests/Fixtures/bad/README.md for what each file tests and the expected behaviour.
"""

import hashlib
import io
import json
import os
import pickle
import shutil
import struct
import sys
import tempfile
import zipfile
import zlib

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "Tests", "Fixtures", "keras")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "bad")

PLAIN_KERAS = os.path.join(SRC, "plain.keras")
PLAIN_H5 = os.path.join(SRC, "plain.h5")
PLAIN_NPZ = os.path.join(SRC, "plain.npz")

# Paths inside plain.h5 (legacy format, Keras 3 Sequential named "plain").
H5_LSTM = "model_weights/lstm"
H5_LSTM_CELL = "model_weights/lstm/plain/lstm/lstm_cell"
H5_W = H5_LSTM_CELL + "/kernel"
H5_U = H5_LSTM_CELL + "/recurrent_kernel"
H5_B = H5_LSTM_CELL + "/bias"
H5_DENSE_K = "model_weights/dense/plain/dense/kernel"

# Paths inside plain.keras's model.weights.h5.
KW_CELL = "layers/lstm/cell/vars"
KW_W, KW_U, KW_B = KW_CELL + "/0", KW_CELL + "/1", KW_CELL + "/2"

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def out(name):
    return os.path.join(OUT, name)


def write_bytes(name, data):
    with open(out(name), "wb") as f:
        f.write(data)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


# ---------------------------------------------------------------- zip helpers

def read_zip(path):
    """[(ZipInfo, bytes)] in archive order."""
    with zipfile.ZipFile(path) as z:
        return [(i, z.read(i.filename)) for i in z.infolist()]


def write_zip(name, entries, compression=zipfile.ZIP_STORED):
    """entries: [(filename, bytes)]; fixed timestamps so output is reproducible."""
    with zipfile.ZipFile(out(name), "w") as z:
        for fname, data in entries:
            zi = zipfile.ZipInfo(fname, date_time=FIXED_DATE)
            zi.compress_type = compression
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            z.writestr(zi, data)


def keras_variant(name, config=None, weights=None, compression=zipfile.ZIP_STORED):
    """Rewrite plain.keras replacing config.json text and/or model.weights.h5 bytes."""
    entries = []
    for info, data in read_zip(PLAIN_KERAS):
        if info.filename == "config.json" and config is not None:
            data = config.encode("utf-8") if isinstance(config, str) else config
        elif info.filename == "model.weights.h5" and weights is not None:
            data = weights
        entries.append((info.filename, data))
    write_zip(name, entries, compression)


def plain_keras_member(member):
    with zipfile.ZipFile(PLAIN_KERAS) as z:
        return z.read(member)


def edit_keras_weights(edit):
    """Apply edit(h5py.File) to a temp copy of plain.keras's model.weights.h5; return bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "model.weights.h5")
        with open(p, "wb") as f:
            f.write(plain_keras_member("model.weights.h5"))
        with h5py.File(p, "r+") as f:
            edit(f)
        return read_bytes(p)


def plain_config():
    return json.loads(plain_keras_member("config.json").decode("utf-8"))


# ---------------------------------------------------------------- h5 helpers

def h5_variant(name, edit):
    shutil.copyfile(PLAIN_H5, out(name))
    with h5py.File(out(name), "r+") as f:
        edit(f)


def replace_dataset(f, path, data, **kw):
    del f[path]
    f.create_dataset(path, data=data, track_times=False, **kw)


# ---------------------------------------------------------------- npy / npz helpers

def plain_arrays():
    with np.load(PLAIN_NPZ) as d:
        return [d["arr_%d" % i].copy() for i in range(5)]


def npz_variant(name, arrays):
    np.savez(out(name), *arrays)


def npy_header(descr, shape):
    """A version 1.0 .npy header (magic + len + dict padded to a multiple of 64)."""
    shape_s = "(%s)" % (", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else ""))
    d = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_s)
    total = 10 + len(d) + 1
    pad = (64 - total % 64) % 64
    d = d + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode("latin1")


def deterministic_bytes(n, label):
    return hashlib.shake_256(b"lstmscope-bad-fixture:" + label.encode()).digest(n)


# ---------------------------------------------------------------- fixtures

def make_keras_container_faults():
    data = read_bytes(PLAIN_KERAS)
    write_bytes("truncated.keras", data[: int(len(data) * 0.6)])
    write_zip("not_keras.keras", [("hello.txt", b"hello, this is not a Keras model\n")])
    keras_variant("bad_config.keras",
                  config='{"class_name": "Sequential", "config": {"layers": [')
    write_bytes("empty.keras", b"")
    write_bytes("random.h5", deterministic_bytes(4096, "random.h5"))


def make_missing_recurrent_kernel():
    def h5_edit(f):
        del f[H5_U]
        names = [n for n in f[H5_LSTM].attrs["weight_names"]]
        names = [n.decode() if isinstance(n, bytes) else n for n in names]
        kept = [n for n in names if not n.endswith("/recurrent_kernel")]
        assert len(kept) == 2, kept
        # plain.h5 stores weight_names as an ASCII variable-length string array.
        f[H5_LSTM].attrs.create("weight_names", np.array(kept, dtype=object),
                                dtype=h5py.string_dtype("ascii"))
    h5_variant("no_recurrent_kernel.h5", h5_edit)

    def keras_edit(f):
        del f[KW_U]
        f.move(KW_B, KW_U)  # vars/2 -> vars/1: only two arrays remain
    keras_variant("no_recurrent_kernel.keras", weights=edit_keras_weights(keras_edit))


def make_shape_faults():
    W, U, b, Wd, bd = plain_arrays()

    npz_variant("w_not_div4.npz", [W[:, :10].copy(), U, b, Wd, bd])

    U4 = np.concatenate([U, U[-1:] * 0.5], axis=0).astype(np.float32)  # (4, 12)
    assert U4.shape == (4, 12)
    npz_variant("u_wrong.npz", [W, U4, b, Wd, bd])
    h5_variant("u_wrong.h5", lambda f: replace_dataset(f, H5_U, U4))

    b10 = b[:10].copy()
    npz_variant("b_wrong.npz", [W, U, b10, Wd, bd])

    def keras_b(f):
        replace_dataset(f, KW_B, b10)
    keras_variant("b_wrong.keras", weights=edit_keras_weights(keras_b))

    Wd4 = np.concatenate([Wd, Wd[-1:] * 0.5], axis=0).astype(np.float32)  # (4, 1)
    assert Wd4.shape == (4, 1)
    npz_variant("dense_rows_wrong.npz", [W, U, b, Wd4, bd])
    h5_variant("dense_rows_wrong.h5", lambda f: replace_dataset(f, H5_DENSE_K, Wd4))


def make_npy_faults():
    write_bytes("npy_claims_more.npy",
                npy_header("<f4", (1000000, 3)) + np.arange(12, dtype="<f4").tobytes())
    write_bytes("huge_claim.npy",
                npy_header("<f4", (100000000000, 100000)) + np.zeros(4, dtype="<f4").tobytes())
    np.save(out("input_wrong_columns.npy"),
            (np.arange(20, dtype=np.float32) * 0.1).reshape(5, 4))


def make_input_faults():
    write_bytes("input_nonnumeric.csv",
                b"x0,x1\n0.1,0.2\n0.3,0.4\n0.5,abc\n0.7,0.8\n0.9,1.0\n")
    write_bytes("input_ragged.csv", b"0.1,0.2\n0.3,0.4\n0.5,0.6,0.7\n")
    write_bytes("input_ragged.json", b"[[1,2],[3]]\n")
    write_bytes("empty.csv", b"")
    # A directory with a model-like name (git needs a file inside to keep it).
    d = out("directory.keras")
    os.makedirs(d, exist_ok=True)
    write_bytes(os.path.join("directory.keras", ".gitkeep"), b"")


def make_json_bounds():
    """JSON the loaders must refuse before parsing: too deep, or one enormous string."""
    keras_variant("deep_config.keras", config="[" * 100000 + "]" * 100000, compression=zipfile.ZIP_DEFLATED)
    config = plain_config()
    config["config"]["name"] = "x" * (2 * 1024 * 1024)
    keras_variant("long_string_config.keras", config=json.dumps(config), compression=zipfile.ZIP_DEFLATED)
    write_bytes("input_deep.json", b"[" * 1000 + b"]" * 1000)


def make_safetensors_faults():
    """safetensors files whose header lies about what the file holds."""
    header = json.dumps({"w": {"dtype": "F32", "shape": [1000, 1000], "data_offsets": [0, 4000000]}}).encode()
    write_bytes("safetensors_claims_more.safetensors", struct.pack("<Q", len(header)) + header + b"\0" * 64)
    write_bytes("safetensors_huge_header.safetensors", struct.pack("<Q", 1 << 40) + b'{"w": 1}')


def make_nonfinite():
    def keras_nan(f):
        ds = f[KW_W]
        w = ds[...]
        w[0, 0] = np.nan
        ds[...] = w
    keras_variant("nan_weights.keras", weights=edit_keras_weights(keras_nan))

    W, U, b, Wd, bd = plain_arrays()
    Wn = W.copy()
    Wn[0, 0] = np.nan
    npz_variant("nan_weights.npz", [Wn, U, b, Wd, bd])
    Ui = U.copy()
    Ui[0, 0] = np.inf
    npz_variant("inf_weights.npz", [W, Ui, b, Wd, bd])


def make_config_edits():
    cfg = plain_config()
    layers = cfg["config"]["layers"]
    idx = [l["class_name"] for l in layers].index("LSTM")
    lam = {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": {
            "name": "lambda",
            "trainable": True,
            "dtype": {"module": "keras", "class_name": "DTypePolicy",
                      "config": {"name": "float32"}, "registered_name": None},
            "function": {"class_name": "__lambda__",
                         "config": {"code": "bm90IHJlYWwgY29kZQ==",  # base64 "not real code",
                                    "defaults": None, "closure": None}},
            "arguments": {},
        },
        "registered_name": None,
        "build_config": {"input_shape": [None, 3]},
    }
    layers.insert(idx + 1, lam)
    assert [l["class_name"] for l in layers] == ["InputLayer", "LSTM", "Lambda", "Dense"]
    keras_variant("unsupported_lambda.keras", config=json.dumps(cfg))

    cfg = plain_config()
    evil = "lstm\u001b[31mRED\u0007"
    for l in cfg["config"]["layers"]:
        if l["class_name"] == "LSTM":
            l["config"]["name"] = evil

    def keras_name(f):
        # Keras records the user layer name on the vars group; keep it consistent.
        f["layers/lstm/vars"].attrs["name"] = evil
    keras_variant("escape_name.keras", config=json.dumps(cfg),
                  weights=edit_keras_weights(keras_name))


def make_external():
    def link(f):
        del f[H5_LSTM]
        f[H5_LSTM] = h5py.ExternalLink("other.h5", "/x")
    h5_variant("external_link.h5", link)

    W = plain_arrays()[0]
    assert W.nbytes == 96
    # HDF5 writes the raw data to "raw.bin" relative to the efile prefix; point that at a
    # temp dir so nothing lands in the fixtures folder. The stored file name is "raw.bin".
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copyfile(PLAIN_H5, out("external_storage.h5"))
        with h5py.File(out("external_storage.h5"), "r+") as f:
            del f[H5_W]
            ds = f.create_dataset(H5_W, shape=W.shape, dtype=W.dtype,
                                  external=[("raw.bin", 0, 96)],
                                  efile_prefix=tmp, track_times=False)
            ds[...] = W
        assert os.path.getsize(os.path.join(tmp, "raw.bin")) == 96
    assert not os.path.exists(out("raw.bin"))


def crafted_zip(entries):
    """entries: [(name, method, crc, csize, usize, payload)] -> zip bytes, with the
    declared sizes written verbatim into both local and central headers."""
    body, central = b"", b""
    for name, method, crc, csize, usize, payload in entries:
        nb = name.encode()
        off = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21,
                            crc, csize, usize, len(nb), 0) + nb + payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, 0, method,
                               0, 0x21, crc, csize, usize, len(nb), 0, 0, 0, 0,
                               0o644 << 16, off) + nb
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                       len(central), len(body), 0)
    return body + central + eocd


def raw_deflate(chunks):
    c = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    data = b"".join(c.compress(ch) for ch in chunks)
    return data + c.flush()


def make_zip_bombs():
    # zip_bomb.npz: arr_0.npy declares 2,000,000,128 bytes uncompressed (header for
    # shape (500000000,) float32 + 2e9 bytes of zeros), under 4 GiB so no zip64 needed.
    # The deflate stream actually present holds only the header + 1 MiB of zeros, so the
    # archive stays ~2 KB. The CRC is that of the full claimed content.
    n = 500_000_000
    hdr = npy_header("<f4", (n,))
    assert len(hdr) == 128
    usize = len(hdr) + 4 * n
    crc = zlib.crc32(hdr)
    block = bytes(1 << 24)
    left = 4 * n
    while left:
        k = min(left, len(block))
        crc = zlib.crc32(block if k == len(block) else block[:k], crc)
        left -= k
    payload = raw_deflate([hdr, bytes(1 << 20)])
    write_bytes("zip_bomb.npz",
                crafted_zip([("arr_0.npy", 8, crc, len(payload), usize, payload)]))

    # zip_bomb_understated.npz: the opposite lie. Headers declare 176 bytes (a (12,)
    # float32 array) but the deflate stream inflates to 1 MiB + 128. A loader must stop
    # inflating at the declared size instead of trusting the stream.
    hdr12 = npy_header("<f4", (12,))
    real = [hdr12, bytes(1 << 20)]
    payload = raw_deflate(real)
    claimed = hdr12 + bytes(48)
    write_bytes("zip_bomb_understated.npz",
                crafted_zip([("arr_0.npy", 8, zlib.crc32(claimed), len(payload),
                              len(claimed), payload)]))


def make_pickle():
    write_zip("pickle.pt", [
        ("archive/data.pkl", pickle.dumps({"state_dict": {}, "note": "harmless"}, protocol=2)),
        ("archive/version", b"3\n"),
    ])


def main():
    os.makedirs(OUT, exist_ok=True)
    make_keras_container_faults()
    make_missing_recurrent_kernel()
    make_shape_faults()
    make_npy_faults()
    make_input_faults()
    make_nonfinite()
    make_json_bounds()
    make_safetensors_faults()
    make_config_edits()
    make_external()
    make_zip_bombs()
    make_pickle()
    total = 0
    for name in sorted(os.listdir(OUT)):
        p = out(name)
        if os.path.isfile(p):
            total += os.path.getsize(p)
            print("%8d  %s" % (os.path.getsize(p), name))
        else:
            print("%8s  %s/" % ("dir", name))
    print("%8d  total" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
