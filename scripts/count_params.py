"""Writes Keras's own model.count_params() for every fixture and sample model.

Run from the repo root: /path/to/venv/bin/python scripts/count_params.py
Output: Tests/Fixtures/param-counts.json  {"relative/path": count}
"""
import glob
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402

counts = {}
for path in sorted(glob.glob("sample-weights/*.keras") + glob.glob("sample-weights/*.h5")
                   + glob.glob("Tests/Fixtures/keras/*.keras") + glob.glob("Tests/Fixtures/keras/*.h5")):
    if "unsupported" in path:
        continue
    model = keras.models.load_model(path, compile=False)
    counts[path] = int(model.count_params())
with open("Tests/Fixtures/param-counts.json", "w") as f:
    json.dump({"keras_version": keras.__version__, "counts": counts}, f, indent=1, sort_keys=True)
print(len(counts), "models")
