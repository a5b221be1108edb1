#!/usr/bin/env python3
"""CSV windows against the same windows as .npy, read by lstmscope (issue #12, item 10).

Writes, with the standard library only, a seeded window of N rows x 1 column as .csv and .npy
and a one-input LSTM(3) -> Dense(1) as .npz, then runs in interleaved rounds:

  load:  `lstmscope trace tutorial.keras --input W` (3 inputs, so the 1-column window is read
         whole and then refused: the time is the reading alone);
  trace: `lstmscope trace model.npz --input W --format json > /dev/null` (read and replay).

Prints the median wall time and peak RSS of each and the CSV/.npy ratios. Needs a release build:
    swift build -c release --product lstmscope && scripts/bench/csv-input.py [--rows N] [--rounds R]
"""
import argparse, os, random, statistics, struct, subprocess, sys, tempfile, time, zipfile

def npy(values, rows, cols):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + struct.pack("<%df" % len(values), *values)

def run(command, out):
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen(command, stdout=sink if out else subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--lstmscope", default=".build/release/lstmscope")
    p.add_argument("--make", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.make:
        make(a.make, a.rows)
        return
    d = tempfile.mkdtemp(prefix="lstmscope-csv-bench-")
    # The files are made by a child: a big parent would count in each run's peak RSS, which
    # a child starts from.
    subprocess.run([sys.executable, __file__, "--make", d, "--rows", str(a.rows)], check=True)
    tutorial = os.path.join(os.path.dirname(__file__), "..", "..", "sample-weights", "tutorial.keras")
    cases = {"load": lambda w: [a.lstmscope, "trace", tutorial, "--input", w],
             "trace": lambda w: [a.lstmscope, "trace", os.path.join(d, "m.npz"), "--input", w, "--format", "json"]}
    for name, command in cases.items():
        results = {"csv": [], "npy": []}
        for _ in range(a.rounds):
            for kind in ("csv", "npy"):
                results[kind].append(run(command(os.path.join(d, "w." + kind)), out=name == "trace"))
        med = {k: (statistics.median(t for t, _ in v), statistics.median(m for _, m in v)) for k, v in results.items()}
        ratios = [c[0] / n[0] for c, n in zip(results["csv"], results["npy"])]
        print("%-5s %d rows: csv %.3f s %.1f MiB, npy %.3f s %.1f MiB, csv/npy %.2fx (%.2f-%.2f)"
              % (name, a.rows, med["csv"][0], med["csv"][1], med["npy"][0], med["npy"][1],
                 statistics.median(ratios), min(ratios), max(ratios)))

def make(d, rows):
    rng = random.Random(0)
    values = [rng.gauss(0, 1) for _ in range(rows)]
    with open(os.path.join(d, "w.csv"), "w") as f:
        f.write("".join("%.6g\n" % v for v in values))
    with open(os.path.join(d, "w.npy"), "wb") as f:
        f.write(npy([struct.unpack("<f", struct.pack("<f", v))[0] for v in values], rows, 1))
    weights = [(1, 12), (3, 12), (12,), (3, 1), (1,)]
    with zipfile.ZipFile(os.path.join(d, "m.npz"), "w") as z:
        for k, shape in enumerate(weights):
            n = 1
            for s in shape: n *= s
            body = npy([rng.uniform(-0.5, 0.5) for _ in range(n)], *(shape if len(shape) == 2 else (shape[0], 1)))
            if len(shape) == 1:   # a 1-D array: rewrite the header's shape
                body = body.replace(b"(%d, 1)" % shape[0], b"(%d,)  " % shape[0])
            z.writestr("arr_%d.npy" % k, body)

if __name__ == "__main__":
    main()
