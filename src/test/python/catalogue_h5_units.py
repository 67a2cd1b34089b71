"""Copies a Keras full-model .h5 and sets every recurrent layer's `units` in its model_config to
argv[3] (the issue 15 finding: a size that overflows TensorFlow's shape arithmetic). Weights are
left as they are: the file is valid except for that field. Used by the Java catalogue test."""
import json
import shutil
import sys

import h5py

src, dst, units = sys.argv[1], sys.argv[2], int(sys.argv[3])
shutil.copyfile(src, dst)


def edit(node):
    if isinstance(node, dict):
        if node.get("class_name") in ("LSTM", "GRU", "SimpleRNN") and isinstance(node.get("config"), dict):
            node["config"]["units"] = units
        for v in node.values():
            edit(v)
    elif isinstance(node, list):
        for v in node:
            edit(v)


with h5py.File(dst, "r+") as f:
    raw = f.attrs["model_config"]
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    config = json.loads(text)
    edit(config)
    out = json.dumps(config)
    f.attrs["model_config"] = out.encode("utf-8") if isinstance(raw, bytes) else out
print("wrote", dst)
