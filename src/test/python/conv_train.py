"""Training parity oracle for the 1D convolution layers: real Keras 3 (TensorFlow backend) trains a
small conv model (Conv1D causal + dilated, Conv1D strided + grouped, SeparableConv1D, DepthwiseConv1D,
Conv1DTranspose, MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D, Dense; loss mse) from saved
initial weights; the Java side (interop/ConvTrainingParityTest) trains the same files and compares.

    python conv_train.py OUT_DIR

Variants share the architecture, initial weights and data and differ in the optimizer:
    conv_sgd    SGD(learning_rate=0.1)
    conv_adam   Adam(learning_rate=0.01)
Both: batch_size=8, shuffle=False, epochs=3, 32 samples (4 batches).

For each variant NAME, OUT_DIR holds NAME.keras (untrained, compiled), NAME_init.weights.h5,
NAME_data.npz (x (32, 12, 4), y (32, 2)), NAME_final.npz (weights after fit in model.weights order:
w0, w1, ...) and NAME_history.json ({"history": fit's History.history, "evaluate": model.evaluate
after training}); OUT_DIR/manifest.json lists them with the SHA-256 of this script and fixture_cache.py
(a second run with both unchanged does nothing and does not import TensorFlow).
"""

import json
import os
import sys

from fixture_cache import exit_if_cached, quiet_tensorflow, script_sha256

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/interop/conv_train")
SCRIPT_SHA = script_sha256(__file__)
MANIFEST = os.path.join(OUT, "manifest.json")
exit_if_cached(MANIFEST, SCRIPT_SHA, lambda m: [f for c in m["variants"] for f in c["files"].values()], "convtrain")

quiet_tensorflow()
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers as L  # noqa: E402

assert keras.backend.backend() == "tensorflow", keras.backend.backend()

SAMPLES, T, F, OUTS = 32, 12, 4, 2
FIT = {"batch_size": 8, "epochs": 3, "shuffle": False}
VARIANTS = {
    "conv_sgd": lambda: keras.optimizers.SGD(learning_rate=0.1),
    "conv_adam": lambda: keras.optimizers.Adam(learning_rate=0.01),
}


def build():
    keras.utils.set_random_seed(17)  # the same initial weights for every variant
    x = keras.Input((T, F), name="x")
    h = L.Conv1D(6, 3, padding="causal", dilation_rate=2, activation="relu", name="causal")(x)
    h = L.Conv1D(6, 3, strides=2, groups=2, activation="tanh", name="grouped")(h)  # 5 steps
    h = L.SeparableConv1D(6, 2, depth_multiplier=2, padding="same", name="sep")(h)
    h = L.DepthwiseConv1D(2, padding="same", activation="tanh", name="dw")(h)
    h = L.MaxPooling1D(2, strides=1, padding="same", name="max")(h)
    h = L.Conv1DTranspose(4, 3, strides=2, name="tconv")(h)  # 11 steps
    h = L.AveragePooling1D(2, name="avg")(h)
    h = L.GlobalAveragePooling1D(name="gavg")(h)
    return keras.Model(x, L.Dense(OUTS, name="out")(h), name="conv_stack")


def data():
    r = np.random.default_rng(8)
    x = r.normal(size=(SAMPLES, T, F)).astype("float32")
    y = (x[:, :6, :].mean(axis=1) @ r.normal(size=(F, OUTS)) + 0.1 * r.normal(size=(SAMPLES, OUTS))).astype("float32")
    return x, y


def run(name, optimizer, x, y):
    files = {"keras": f"{name}.keras", "init_weights": f"{name}_init.weights.h5", "data": f"{name}_data.npz",
             "final": f"{name}_final.npz", "history": f"{name}_history.json"}
    p = {k: os.path.join(OUT, v) for k, v in files.items()}
    model = build()
    model.compile(optimizer=optimizer(), loss="mse")
    model.save(p["keras"])
    model.save_weights(p["init_weights"])
    np.savez(p["data"], x=x, y=y)
    h = model.fit(x, y, verbose=0, **FIT)
    np.savez(p["final"], **{f"w{i}": np.asarray(v.numpy(), dtype="float32") for i, v in enumerate(model.weights)})
    evaluation = model.evaluate(x, y, batch_size=FIT["batch_size"], verbose=0, return_dict=True)
    record = {"keras": keras.__version__, "tensorflow": tf.__version__,
              "history": {k: [float(v) for v in vs] for k, vs in h.history.items()},
              "evaluate": {k: float(v) for k, v in evaluation.items()},
              "weights": [{"key": f"w{i}", "path": v.path, "shape": list(v.shape)} for i, v in enumerate(model.weights)],
              "fit": FIT}
    with open(p["history"], "w") as f:
        json.dump(record, f, indent=1)
    print(f"convtrain: {name}: loss {[round(v, 6) for v in record['history']['loss']]}")
    return {"name": name, "files": files}


def main():
    os.makedirs(OUT, exist_ok=True)
    if os.path.exists(MANIFEST):
        os.remove(MANIFEST)
    x, y = data()
    variants = [run(name, opt, x, y) for name, opt in VARIANTS.items()]
    with open(MANIFEST, "w") as f:
        json.dump({"script_sha256": SCRIPT_SHA, "keras": keras.__version__, "tensorflow": tf.__version__,
                   "variants": variants}, f, indent=1)


main()
