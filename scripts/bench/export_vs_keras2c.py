#!/usr/bin/env python3
"""The exported C against keras2c and lstmscope's own replay, side by side, interleaved.

Run by scripts/bench/export-vs-keras2c.sh (which makes the venv and builds lstmscope):
    python export_vs_keras2c.py --lstmscope BIN --work DIR [--keras2c-include DIR] [--rounds 5]

For each size (xu, hu) it makes one Keras model, x (T, xu) → LSTM(hu) → Dense(1), seeded:
  - keras2c (when it imports and --keras2c-include names its repository's include/ folder)
    turns it into C (malloc=False); the C is built with `cc -std=c99 -O2` and timed on the
    input keras2c embeds, after keras2c's own check that it equals Keras (1e-5);
  - `lstmscope export --to c` turns the same file into C, built with the same line and timed
    by export_bench.c, after its --selftest;
  - `lstmscope bench MODEL` times the replay.
Rounds alternate the three; the table gives medians of µs per step and of per-round ratios.
Without keras2c (no venv), the models are written as .npz with numpy and keras2c's column is
the issue's measurement (22-29 µs at LSTM(64) on 16 inputs, 0.42-0.63 µs at LSTM(5)).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

import numpy as np

SIZES = [(3, 5), (16, 64)]
STEPS = 100
HERE = os.path.dirname(os.path.abspath(__file__))


def sh(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def keras_model(xu, hu, path):
    import keras
    keras.utils.set_random_seed(1000 * xu + hu)
    inp = keras.Input((STEPS, xu), name="x")
    out = keras.layers.Dense(1, name="dense")(keras.layers.LSTM(hu, name="lstm")(inp))
    m = keras.Model(inp, out, name=f"lstm{hu}")  # Functional: keras2c hangs on Keras 3 Sequential
    m.save(path)
    return m


def npz_model(xu, hu, path):
    rng = np.random.default_rng(1000 * xu + hu)
    s = 1 / np.sqrt(hu)
    arrays = [rng.uniform(-s, s, (xu, 4 * hu)), rng.uniform(-s, s, (hu, 4 * hu)), np.zeros(4 * hu),
              rng.uniform(-s, s, (hu, 1)), np.zeros(1)]
    np.savez(path, *[a.astype(np.float32) for a in arrays])


KERAS2C_DRIVER = r"""
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include "bench_timing.h"
#include "k2c_include.h"
#include "NAME.h"
extern k2c_tensor INPUT, OUTPUT;
int k2c_test_main(void);
int main(void) {
    double rounds[7];
    int k, r, repeats = 1;
    if (k2c_test_main() != 0) { fprintf(stderr, "keras2c's own test failed\n"); return 1; }
    NAME_initialize();
    for (;;) {
        double start = now();
        for (r = 0; r < repeats; r++) NAME(&INPUT, &OUTPUT);
        if (now() - start > 0.05) break;
        repeats *= 2;
    }
    repeats *= 4;
    for (k = 0; k < 7; k++) {
        double start = now();
        for (r = 0; r < repeats; r++) NAME(&INPUT, &OUTPUT);
        rounds[k] = (now() - start) / ((double)repeats * STEPS) * 1e9;
    }
    qsort(rounds, 7, sizeof rounds[0], ascending);
    printf("%.1f ns/step\n", rounds[3]);
    NAME_terminate();
    return 0;
}
"""


def build_keras2c(model, name, work, include):
    from keras2c import k2c
    cwd = os.getcwd()
    os.chdir(work)
    try:
        k2c(model, name, num_tests=1, malloc=False, verbose=False)
    finally:
        os.chdir(cwd)
    suite = open(os.path.join(work, f"{name}_test_suite.c")).read()
    inputs = re.findall(r"^k2c_tensor (test1_\w+_input) =", suite, re.M)
    outputs = re.findall(r"^k2c_tensor (c_\w+_test1) =", suite, re.M)
    driver = KERAS2C_DRIVER.replace("NAME", name).replace("INPUT", inputs[0]).replace("OUTPUT", outputs[0])
    driver = driver.replace("STEPS", str(STEPS))
    with open(os.path.join(work, f"{name}_driver.c"), "w") as f:
        f.write(driver)
    # keras2c's test suite includes "./include/k2c_include.h": link its include/ folder there.
    link = os.path.join(work, "include")
    if not os.path.exists(link):
        os.symlink(os.path.abspath(include), link)
    sources = [os.path.join(include, f) for f in sorted(os.listdir(include)) if f.endswith(".c")]
    binary = os.path.join(work, f"{name}_bench")
    sh(["cc", "-std=c99", "-O2", "-I", include, "-Dmain=k2c_test_main", "-c", "-o",
        os.path.join(work, f"{name}_suite.o"), os.path.join(work, f"{name}_test_suite.c")])
    sh(["cc", "-std=c99", "-O2", "-I", include, "-I", work, "-I", HERE, "-o", binary, os.path.join(work, f"{name}_driver.c"),
        os.path.join(work, f"{name}_suite.o"), os.path.join(work, f"{name}.c")] + sources + ["-lm"])
    return binary


def build_export(lstmscope, model_path, work, hu):
    out = os.path.join(work, f"export{hu}")
    sh([lstmscope, "export", model_path, "--to", "c", "--out", out])
    binary = os.path.join(out, "bench")
    sh(["cc", "-std=c99", "-O2", "-o", os.path.join(out, "model"), os.path.join(out, "model.c"),
        os.path.join(out, "main.c"), "-lm"])
    sh([os.path.join(out, "model"), "--selftest"])
    sh(["cc", "-std=c99", "-O2", f"-DSTEPS={STEPS}", "-I", out, "-I", HERE, "-o", binary, os.path.join(HERE, "export_bench.c"),
        os.path.join(out, "model.c"), "-lm"])
    return binary


def ns(binary):
    return float(sh([binary]).strip().splitlines()[-1].split()[0])  # keras2c's own test talks first


def replay_ns(lstmscope, model_path):
    out = sh([lstmscope, "bench", model_path, "--steps", str(STEPS), "--time", "0.5", "--format", "json"])
    return json.loads(out)["replay"]["ns_per_step"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lstmscope", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--keras2c-include")
    p.add_argument("--rounds", type=int, default=5)
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    try:
        import keras2c  # noqa: F401
        have_keras2c = a.keras2c_include is not None
    except ImportError:
        have_keras2c = False
    if not have_keras2c:
        print("keras2c is not here (run export-vs-keras2c.sh with KERAS2C_DIR set): its column is the "
              "issue's measurement", file=sys.stderr)
    rows = []
    for xu, hu in SIZES:
        if have_keras2c:
            path = os.path.join(a.work, f"lstm{hu}.keras")
            model = keras_model(xu, hu, path)
            k2c_bin = build_keras2c(model, f"lstm{hu}_k2c", a.work, a.keras2c_include)
        else:
            path = os.path.join(a.work, f"lstm{hu}.npz")
            npz_model(xu, hu, path)
            k2c_bin = None
        exp_bin = build_export(a.lstmscope, path, a.work, hu)
        times = {"keras2c": [], "export": [], "replay": []}
        for _ in range(a.rounds):
            if k2c_bin:
                times["keras2c"].append(ns(k2c_bin))
            times["export"].append(ns(exp_bin))
            times["replay"].append(replay_ns(a.lstmscope, path))
        rows.append((xu, hu, times))
        print(f"{xu},{hu}: " + ", ".join(f"{k} {[round(v) for v in t]}" for k, t in times.items() if t),
              file=sys.stderr)
    reference = {5: "420-630", 64: "22,000-29,000"}
    print("| X, H | keras2c µs/step | exported C µs/step | lstmscope replay µs/step | C vs keras2c | C vs replay |")
    print("|---|--:|--:|--:|--:|--:|")
    for xu, hu, t in rows:
        med = {k: statistics.median(v) for k, v in t.items() if v}
        exp = med["export"]
        if "keras2c" in med:
            k2c = f"{med['keras2c'] / 1000:.2f}"
            ratio = statistics.median([k / e for k, e in zip(t["keras2c"], t["export"])])
            vs = f"{ratio:.1f}× faster"
        else:
            k2c = f"({reference[hu]} ns, the issue's)"
            vs = "-"
        replay = statistics.median([e / r for e, r in zip(t["export"], t["replay"])])
        print(f"| {xu}, {hu} | {k2c} | {exp / 1000:.2f} | {med['replay'] / 1000:.2f} | {vs} | {replay:.2f}× the time |")


if __name__ == "__main__":
    main()
