"""jkeras SavedModels of a Functional model with two inputs and two outputs, read by TensorFlow and
Keras 3 (JUnit: io.jkeras.interop.MultiIoSavedModelTest).

Usage: j2p_multi_io.py WORK

WORK holds jkeras's exports "default" (output keys by layer name) and "keras3" (Keras 3's
output_0, output_1), the inputs seq.npy (int ids) and feats.npy, and jkeras's predictions
zout.npy and aux.npy. Checks, for each export:
  - the signatures' input and output keys, next to those of Keras 3's own model.export() of the
    same architecture (Input names "seq" and "feats");
  - serving_default called with named inputs, serve called with the list of inputs (as on Keras
    3 exports), and keras.layers.TFSMLayer(call_endpoint="serve"): the largest difference from
    jkeras's predictions.
Writes WORK/python.json.
"""
import json
import os
import sys

import numpy as np
import keras
import tensorflow as tf

work = sys.argv[1]
seq = np.load(os.path.join(work, "seq.npy")).astype(np.int32)
feats = np.load(os.path.join(work, "feats.npy")).astype(np.float32)
want = {"zout": np.load(os.path.join(work, "zout.npy")), "aux": np.load(os.path.join(work, "aux.npy"))}
found = {}


def keys(loaded):
    return {name: {"inputs": sorted(f.structured_input_signature[1].keys()),
                   "input_dtypes": {k: s.dtype.name for k, s in f.structured_input_signature[1].items()},
                   "outputs": sorted(f.structured_outputs.keys())}
            for name, f in loaded.signatures.items()}


def err(a, b):
    return float(np.abs(np.asarray(a) - np.asarray(b)).max())


# Keras 3's own export of the same architecture: the names it gives.
s_in = keras.Input((6,), name="seq", dtype="int32")
f_in = keras.Input((3,), name="feats")
s = keras.layers.LSTM(5)(keras.layers.Embedding(10, 4)(s_in))
f = keras.layers.Dense(5, activation="tanh")(f_in)
zout = keras.layers.Dense(2, name="zout")(keras.layers.Concatenate()([s, f]))
aux = keras.layers.Dense(1, activation="sigmoid", name="aux")(f)
reference = keras.Model([s_in, f_in], [zout, aux])
reference.export(os.path.join(work, "keras_own"), verbose=False)
found["keras_own"] = keys(tf.saved_model.load(os.path.join(work, "keras_own")))

for name, by in (("default", ["zout", "aux"]), ("keras3", ["output_0", "output_1"])):
    d = os.path.join(work, name)
    loaded = tf.saved_model.load(d)
    r = {"signatures": keys(loaded)}
    out = loaded.signatures["serving_default"](seq=tf.constant(seq), feats=tf.constant(feats))
    r["serving_default_err"] = max(err(out[by[0]], want["zout"]), err(out[by[1]], want["aux"]))
    out = loaded.signatures["serve"](feats=tf.constant(feats), seq=tf.constant(seq))
    r["serve_signature_err"] = max(err(out[by[0]], want["zout"]), err(out[by[1]], want["aux"]))
    out = loaded.serve([seq, feats])  # Keras 3's endpoint: the inputs as a list, in the model's order
    r["serve_returns"] = type(out).__name__
    r["serve_err"] = max(err(out[0], want["zout"]), err(out[1], want["aux"]))
    out = keras.layers.TFSMLayer(d, call_endpoint="serve")([seq, feats])
    r["tfsm_serve_err"] = max(err(out[0], want["zout"]), err(out[1], want["aux"]))
    found[name] = r

with open(os.path.join(work, "python.json"), "w") as fh:
    json.dump(found, fh, indent=1)
print(json.dumps(found))
