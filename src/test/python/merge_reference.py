"""Real Keras 3 on the cases jkeras's MergeLayersTest writes: merge layers run on constant inputs.

Usage: merge_reference.py CASES.json RESULTS.json

CASES.json: {"runs": [...], "shapes": [...]}.
- A run: {"id", "layer": jkeras's serialized layer (class_name, config, build_config), "inputs": [{"shape", "data"}],
  "masks": [null or {"shape", "data"}]}. Keras loads the layer as from a file, calls it on the inputs with
  the masks attached (as a Functional model does), and reports the output, its mask, get_config(), and
  compute_output_shape of the input shapes with the batch dimension unknown.
- A shape case: {"id", "layer", "shapes": [[null, 3, 4], ...]}: the layer called on keras.Input tensors of those
  batch shapes; reports the output shape, or the error Keras raises.
"""
import json
import sys

import numpy as np
import tensorflow as tf
import keras
from keras.src import backend
from keras.src.saving import serialization_lib


def layer_from(spec):
    """A layer as Keras loads it from a file: from_config, then build_config when there is one."""
    return serialization_lib.deserialize_keras_object(spec)


def array(a, dtype):
    return np.asarray(a["data"], dtype=dtype).reshape(a["shape"])


def plain(o):
    """get_config() as JSON has it: tuples become lists."""
    return json.loads(json.dumps(o))


cases = json.load(open(sys.argv[1]))
results = {"keras": keras.__version__, "runs": {}, "shapes": {}}

for run in cases["runs"]:
    layer = layer_from(run["layer"])
    xs = [tf.constant(array(x, np.float32)) for x in run["inputs"]]
    for x, m in zip(xs, run["masks"]):
        if m is not None:
            backend.set_keras_mask(x, tf.constant(array(m, bool)))
    y = layer(xs)
    mask = backend.get_keras_mask(y)
    none_batch = [[None] + list(x["shape"][1:]) for x in run["inputs"]]
    results["runs"][run["id"]] = {
        "output": {"shape": list(y.shape), "data": np.asarray(y).ravel().tolist()},
        "mask": None if mask is None else {"shape": list(mask.shape), "data": np.asarray(mask).ravel().tolist()},
        "config": plain(layer.get_config()),
        "output_shape": list(layer_from(run["layer"]).compute_output_shape(none_batch)),
    }

for case in cases["shapes"]:
    layer = layer_from(case["layer"])
    try:
        y = layer([keras.Input(batch_shape=tuple(s)) for s in case["shapes"]])
        results["shapes"][case["id"]] = {"shape": list(y.shape)}
    except Exception as e:  # the refusal is the answer
        results["shapes"][case["id"]] = {"error": "%s: %s" % (type(e).__name__, e)}

json.dump(results, open(sys.argv[2], "w"))
