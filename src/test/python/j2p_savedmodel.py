"""SavedModel defects, checked against Keras 3 itself (JUnit: io.jkeras.interop.SavedModelDefectsTest).

Usage: j2p_savedmodel.py WORK JKERAS_KERAS3_NAMES_DIR JKERAS_EMBEDDING_DIR

1. Makes a Keras stateful model with a fixed batch size of 2 and exports it (WORK/keras_stateful),
   with 6 input samples and Keras's predictions of two successive predict calls (batch_size=2,
   no reset in between: state carries across batches and calls).
2. Checks that a jkeras export made with Keras 3 naming answers as Keras 3's does: signatures
   'serve' and 'serving_default' with output key 'output_0', TFSMLayer(call_endpoint="serve")
   returning {'output_0': ...}.
3. Checks that a jkeras Embedding export declares int32 ids and takes an int32 numpy array.
Writes WORK/python.json with what it found.
"""
import json
import os
import sys

import numpy as np
import keras
import tensorflow as tf

work, named_dir, embedding_dir = sys.argv[1:4]
found = {}

# 1. Keras's own stateful export.
keras.utils.set_random_seed(3)
m = keras.Sequential([keras.Input(batch_shape=(2, 5, 3)), keras.layers.LSTM(4, stateful=True), keras.layers.Dense(2)])
x = np.random.RandomState(0).randn(6, 5, 3).astype(np.float32)
m.export(os.path.join(work, "keras_stateful"), verbose=False)  # exported with zero state
first = m.predict(x, batch_size=2, verbose=0)
second = m.predict(x, batch_size=2, verbose=0)  # Keras does not reset between predict calls
np.save(os.path.join(work, "stateful_x.npy"), x)
np.save(os.path.join(work, "stateful_first.npy"), first)
np.save(os.path.join(work, "stateful_second.npy"), second)
found["keras_second_call_differs"] = float(np.abs(first - second).max())

# 2. Keras 3 names.
loaded = tf.saved_model.load(named_dir)
found["named_signatures"] = sorted(loaded.signatures.keys())
found["named_outputs"] = {k: sorted(f.structured_outputs.keys()) for k, f in loaded.signatures.items()}
xs = np.load(os.path.join(named_dir, "..", "named_x.npy")).astype(np.float32)
want = np.load(os.path.join(named_dir, "..", "named_y.npy"))
# As on Keras 3 exports: the serve endpoint returns the tensor, signatures a dict by output key.
out = keras.layers.TFSMLayer(named_dir, call_endpoint="serve")(xs)
found["tfsm_serve_returns"] = "dict" if isinstance(out, dict) else "tensor"
found["tfsm_serve_err"] = float(np.abs(np.asarray(out) - want).max())
out = loaded.serve(xs)  # a numpy array, as Keras 3 users call it
found["serve_err"] = float(np.abs(np.asarray(out) - want).max())
out = keras.layers.TFSMLayer(named_dir, call_endpoint="serving_default")(xs)
found["tfsm_serving_default_keys"] = sorted(out.keys())
found["tfsm_serving_default_err"] = float(np.abs(np.asarray(out["output_0"]) - want).max())

# 3. int32 ids into the Embedding export.
sig = tf.saved_model.load(embedding_dir).signatures["serving_default"]
(key, spec), = sig.structured_input_signature[1].items()
found["embedding_input_dtype"] = spec.dtype.name
ids = np.load(os.path.join(embedding_dir, "..", "ids_x.npy")).astype(np.int32)
out = keras.layers.TFSMLayer(embedding_dir, call_endpoint="serving_default")(ids)
want = np.load(os.path.join(embedding_dir, "..", "ids_y.npy"))
found["embedding_tfsm_err"] = float(np.abs(np.asarray(next(iter(out.values()))) - want).max())

with open(os.path.join(work, "python.json"), "w") as f:
    json.dump(found, f, indent=1)
print(json.dumps(found))
