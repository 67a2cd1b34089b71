"""Training parity oracle for BatchNormalization (and ActivityRegularization's loss): real Keras 3
(TensorFlow backend) trains small sequence models from saved initial weights; the Java side
(layers/BatchNormalizationTrainingParityTest) trains the same files and compares the History, the
final weights (moving_mean and moving_variance included) and evaluate.

    python bn_train.py OUT_DIR

Variants:
    bn_stack      x (T, F) -> LSTM(6, return_sequences) -> BatchNormalization(momentum=0.9) on the
                  sequence -> LSTM(5) -> Dense(8, relu) -> BatchNormalization(momentum=0.8,
                  gamma_regularizer=l2(0.01)) -> Dense(3, softmax); sparse_categorical_crossentropy
                  + accuracy. The batch statistics depend on trained weights: the gradient through
                  them is exercised.
    bn_masked     tokens (T,) -> Embedding(12, 4, mask_zero=True) -> Dense(5) -> BatchNormalization
                  (axis -1; Keras leaves masked timesteps out of the batch statistics) ->
                  ActivityRegularization(l1=0.01, l2=0.005) -> LSTM(4) -> Dense(2); mse.
Both: SGD(learning_rate=0.1), batch_size=8, shuffle=False, epochs=3, 32 samples (4 batches).

For each variant NAME, OUT_DIR holds:
    NAME.keras            the untrained model, compiled (model.save)
    NAME_init.weights.h5  its initial weights (model.save_weights; gamma, beta and the moving
                          statistics randomized so that nothing starts at 0 / 1)
    NAME_data.npz         x (float32 or int32 token ids), y
    NAME_final.npz        the weights after fit, flat in model.weights order: w0, w1, ...
    NAME_history.json     {"history": fit's History.history, "evaluate": model.evaluate after fit
                          (return_dict=True), "weights": path and shape of each w<i>}
and OUT_DIR/manifest.json lists the variants with the SHA-256 of this script and fixture_cache.py:
a second run with both unchanged (and every file present) does nothing and does not import
TensorFlow.
"""

import json
import os
import sys

from fixture_cache import exit_if_cached, quiet_tensorflow, script_sha256

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/interop/bn_train")
SCRIPT_SHA = script_sha256(__file__)
MANIFEST = os.path.join(OUT, "manifest.json")
exit_if_cached(MANIFEST, SCRIPT_SHA, lambda m: [f for c in m["variants"] for f in c["files"].values()], "bntrain")

quiet_tensorflow()
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers as L  # noqa: E402

assert keras.backend.backend() == "tensorflow", keras.backend.backend()

SAMPLES, T, F = 32, 6, 3
FIT = {"batch_size": 8, "epochs": 3, "shuffle": False}


def bn_stack():
    x = keras.Input((T, F), name="x")
    h = L.LSTM(6, return_sequences=True, name="lstm_1")(x)
    h = L.BatchNormalization(momentum=0.9, name="bn_seq")(h)
    h = L.LSTM(5, name="lstm_2")(h)
    h = L.Dense(8, activation="relu", name="dense")(h)
    h = L.BatchNormalization(momentum=0.8, gamma_regularizer=keras.regularizers.L2(0.01), name="bn_head")(h)
    y = L.Dense(3, activation="softmax", name="out")(h)
    model = keras.Model(x, y, name="bn_stack")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    r = np.random.default_rng(7)
    xs = (1.0 + 2.0 * r.normal(size=(SAMPLES, T, F))).astype("float32")
    ys = np.argmax(xs.mean(axis=1) @ r.normal(size=(F, 3)), axis=1).astype("int32")
    return model, xs, ys


def bn_masked():
    tok = keras.Input((T,), dtype="int32", name="tokens")
    h = L.Embedding(12, 4, mask_zero=True, name="emb")(tok)
    h = L.Dense(5, name="dense")(h)
    h = L.BatchNormalization(momentum=0.7, name="bn")(h)
    h = L.ActivityRegularization(l1=0.01, l2=0.005, name="act_reg")(h)
    h = L.LSTM(4, name="lstm")(h)
    y = L.Dense(2, name="out")(h)
    model = keras.Model(tok, y, name="bn_masked")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    r = np.random.default_rng(8)
    xs = r.integers(1, 12, size=(SAMPLES, T)).astype("int32")
    for i in range(SAMPLES):
        xs[i, T - i % T:] = 0  # lengths T, T-1, ..., 1: masked timesteps at the end
    ys = r.normal(size=(SAMPLES, 2)).astype("float32")
    return model, xs, ys


VARIANTS = {"bn_stack": bn_stack, "bn_masked": bn_masked}


def randomize(model, r):
    for v in model.weights:
        name = v.path.split("/")[-1]
        shape = tuple(v.shape)
        if name == "gamma":
            v.assign(r.uniform(0.5, 1.5, size=shape).astype("float32"))
        elif name in ("beta", "moving_mean"):
            v.assign(r.normal(scale=0.5, size=shape).astype("float32"))
        elif name == "moving_variance":
            v.assign(r.uniform(0.3, 2.0, size=shape).astype("float32"))


def run(name, make):
    files = {
        "keras": f"{name}.keras",
        "init_weights": f"{name}_init.weights.h5",
        "data": f"{name}_data.npz",
        "final": f"{name}_final.npz",
        "history": f"{name}_history.json",
    }
    p = {k: os.path.join(OUT, v) for k, v in files.items()}
    keras.utils.set_random_seed(41)
    model, x, y = make()
    randomize(model, np.random.default_rng(9))
    model.save(p["keras"])
    model.save_weights(p["init_weights"])
    np.savez(p["data"], x=x, y=y)
    h = model.fit(x, y, verbose=0, **FIT)
    weights = {f"w{i}": np.asarray(v.numpy(), dtype="float32") for i, v in enumerate(model.weights)}
    np.savez(p["final"], **weights)
    evaluation = model.evaluate(x, y, batch_size=FIT["batch_size"], verbose=0, return_dict=True)
    record = {
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "history": {k: [float(v) for v in vs] for k, vs in h.history.items()},
        "evaluate": {k: float(v) for k, v in evaluation.items()},
        "weights": [{"key": f"w{i}", "path": v.path, "shape": list(v.shape)} for i, v in enumerate(model.weights)],
        "fit": FIT,
    }
    with open(p["history"], "w") as f:
        json.dump(record, f, indent=1)
    print(f"bntrain: {name}: loss {[round(v, 6) for v in record['history']['loss']]}")
    return {"name": name, "files": files}


def main():
    os.makedirs(OUT, exist_ok=True)
    if os.path.exists(MANIFEST):
        os.remove(MANIFEST)
    variants = [run(name, make) for name, make in VARIANTS.items()]
    with open(MANIFEST, "w") as f:
        json.dump({"script_sha256": SCRIPT_SHA, "keras": keras.__version__, "tensorflow": tf.__version__,
                   "variants": variants}, f, indent=1)


main()
