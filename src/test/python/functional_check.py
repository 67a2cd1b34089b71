"""Java -> Python for the Functional API: opens a model file the way a Python user would and writes
Keras's predictions for given named inputs, so that the Java side can compare them with its own.

    python functional_check.py MODEL_FILE INPUTS_NPZ OUT_NPZ [WEIGHTS_FILE] [-- MODEL_FILE ...]

Several models may be checked in one run (TensorFlow starts once), their argument groups
separated by "--"; each group's lines follow a line "== MODEL_FILE".

MODEL_FILE: a .keras or legacy .h5 (keras.models.load_model; a .h5 whose compile config Keras
cannot read is loaded again with compile=False, said in a line "compile=False after: ..."), a .json (keras.models.model_from_json;
WEIGHTS_FILE, a .weights.h5, is then loaded into it), or a SavedModel folder (tf.saved_model.load,
its serving_default signature: inputs by name, outputs output_0, output_1, ... in model output order).
INPUTS_NPZ: one array per model input, keyed by the input's name (as functional_make_models.py
writes them); extra keys are ignored. Arrays are fed with the dtype of the model's input (int32 for
token ids). For a stateful model the npz may hold further calls, "call2/<input>", "call3/<input>",
..., and "reset_before_calls" (int32: the calls preceded by reset_states() on every stateful layer):
the model is then called in that order, its state carried between calls (a SavedModel has no
reset_states(): it is loaded afresh instead, back to the states its file holds).
OUT_NPZ gets "out:<output name>" per output in model.output_names order, "out:<name>/<tensor
index>" where a name repeats (as functional_make_models.py writes them), "out:output_<i>" for a
SavedModel (its signature has no output names but the index), and "callK/out:..." for the further
calls of a stateful model. The input names and output keys are also printed, one line each
("inputs: ...", "outputs: ..."), and for a Keras model its parameter count ("params: N").
"""

import os
import sys



def jobs(argv):
    """MODEL INPUTS OUT [WEIGHTS], several separated by "--" (one TensorFlow start for them all)."""
    groups, cur = [], []
    for a in argv + ["--"]:
        if a == "--":
            if len(cur) not in (3, 4):
                sys.exit(__doc__)
            groups.append((cur[0], cur[1], cur[2], cur[3] if len(cur) == 4 else None))
            cur = []
        else:
            cur.append(a)
    return groups


JOBS = jobs(sys.argv[1:])

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402


def output_keys(names, tensor_indices):
    return [f"out:{n}/{i}" if names.count(n) > 1 else f"out:{n}" for n, i in zip(names, tensor_indices)]


class KerasModel:
    """A model Keras rebuilds from its config: .keras, .h5, or .json + weights."""

    def __init__(self, path, weights):
        if path.endswith(".json"):
            with open(path) as f:
                self.model = keras.models.model_from_json(f.read())
            if weights:
                self.model.load_weights(weights)
        else:
            if weights:
                sys.exit("a weights file goes only with a .json model")
            try:
                self.model = keras.models.load_model(path)
            except ValueError as e:
                # Keras 3.15 cannot compile some of its own legacy .h5 files (metrics saved as
                # 'keras.metrics.mse'); predictions do not need the compile config.
                if not path.endswith(".h5"):
                    raise
                print(f"compile=False after: {str(e).strip().splitlines()[0]}")
                self.model = keras.models.load_model(path, compile=False)
        m = self.model
        self.input_names = [i.name for i in m.inputs]
        self.dtypes = [i.dtype for i in m.inputs]
        self.keys = output_keys(list(m.output_names), [t._keras_history[2] for t in m.outputs])

    def __call__(self, xs):
        # predict with the whole batch at once: a stateful model's state carries across calls.
        y = self.model.predict(xs if len(xs) > 1 else xs[0], batch_size=len(xs[0]), verbose=0)
        return y if isinstance(y, (list, tuple)) else [y]

    def reset(self):
        for layer in self.model.layers:
            if getattr(layer, "stateful", False):
                layer.reset_states()


class SavedModelFolder:
    """A SavedModel's serving_default signature: named inputs, outputs output_0, output_1, ..."""

    def __init__(self, path):
        self.path = path
        self.fn = tf.saved_model.load(path).signatures["serving_default"]
        spec = self.fn.structured_input_signature[1]
        self.input_names = sorted(spec)
        self.dtypes = [spec[n].dtype.name for n in self.input_names]
        outs = list(self.fn.structured_outputs)
        # output_10 after output_9: order by the number Keras's export appends.
        self.out_names = sorted(outs, key=lambda k: (len(k), k))
        self.keys = [f"out:{k}" for k in self.out_names]

    def __call__(self, xs):
        got = self.fn(**{n: tf.constant(x) for n, x in zip(self.input_names, xs)})
        return [got[k].numpy() for k in self.out_names]

    def reset(self):
        # A signature has no reset_states(): load afresh, back to the states the file holds
        # (zero where the model was exported before any call, as jkeras and Keras export).
        self.fn = tf.saved_model.load(self.path).signatures["serving_default"]


def check(model, inputs, out_path, weights):
    m = SavedModelFolder(model) if os.path.isdir(model) else KerasModel(model, weights)
    print("inputs:", " ".join(m.input_names))
    print("outputs:", " ".join(m.keys))
    if isinstance(m, KerasModel):
        print("params:", m.model.count_params())
    data = np.load(inputs)
    missing = [n for n in m.input_names if n not in data]
    if missing:
        sys.exit(f"{inputs} has no array for input(s) {missing}; it has {sorted(data.keys())}")
    resets = set(data["reset_before_calls"].tolist()) if "reset_before_calls" in data else set()
    out = {}
    call = 1
    while True:
        prefix = "" if call == 1 else f"call{call}/"
        if call > 1 and not all(prefix + n in data for n in m.input_names):
            break
        if call in resets:
            m.reset()
        xs = [np.asarray(data[prefix + n]).astype(d) for n, d in zip(m.input_names, m.dtypes)]
        for key, y in zip(m.keys, m(xs)):
            out[prefix + key] = np.asarray(y, dtype="float32")
        call += 1
    np.savez(out_path, **out)
    print(f"wrote {len(out)} arrays to {out_path}")


for job in JOBS:
    print("==", job[0])
    check(*job)
