"""Training parity oracle for a multi-output Functional model: real Keras 3 (TensorFlow backend)
trains one input, two heads ("cls": Dense softmax, "reg": Dense linear) with two losses and loss
weights from saved initial weights; the Java side trains the same files and compares.

    python functional_train.py OUT_DIR

Two variants share the architecture, the initial weights and the data; they differ only in how
compile and fit are given per-output arguments:
    multi_output_dict   loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
                        loss_weights={"cls": 1.0, "reg": 0.5}, metrics={"cls": ["accuracy"]};
                        y={"cls": y_cls, "reg": y_reg}
    multi_output_list   the same as lists in output order: loss=[...], loss_weights=[1.0, 0.5],
                        metrics=[["accuracy"], []]; y=[y_cls, y_reg]
Both: SGD(learning_rate=0.1), batch_size=8, shuffle=False, epochs=3, 32 samples (4 batches).

For each variant NAME, OUT_DIR holds:
    NAME.keras                the untrained model, compiled as above (model.save)
    NAME_init.weights.h5      its initial weights (model.save_weights), the same in both variants
    NAME_data.npz             x (float32, (32, 5, 3)), y_cls (int32 class ids, (32,)), y_reg (float32, (32, 2))
    NAME_trained.weights.h5   the weights after fit
    NAME_final.npz            the weights after fit, flat in model.weights order: w0, w1, ...
    NAME_history.json         {"history": fit's History.history (every key exactly as Keras 3 names it,
                              one float per epoch), "history_keys", "evaluate" (model.evaluate on the
                              same data after training, return_dict=True), "weights" (the path and
                              shape of each w<i>), "compile", "fit", "keras", "tensorflow"}
and OUT_DIR/manifest.json lists the variants and their files with the SHA-256 of this script and
fixture_cache.py: a second run with both unchanged (and every file present) does nothing and does
not import TensorFlow.
"""

import json
import os
import sys

from fixture_cache import exit_if_cached, quiet_tensorflow, script_sha256

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/interop/functional_train")
SCRIPT_SHA = script_sha256(__file__)
MANIFEST = os.path.join(OUT, "manifest.json")
exit_if_cached(MANIFEST, SCRIPT_SHA, lambda m: [f for c in m["variants"] for f in c["files"].values()], "functrain")

quiet_tensorflow()
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers as L  # noqa: E402

assert keras.backend.backend() == "tensorflow", keras.backend.backend()

SAMPLES, T, F, CLASSES, REG = 32, 5, 3, 3, 2
FIT = {"batch_size": 8, "epochs": 3, "shuffle": False}
LEARNING_RATE = 0.1

VARIANTS = {
    "multi_output_dict": dict(
        loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
        loss_weights={"cls": 1.0, "reg": 0.5},
        metrics={"cls": ["accuracy"]}),
    "multi_output_list": dict(
        loss=["sparse_categorical_crossentropy", "mse"],
        loss_weights=[1.0, 0.5],
        metrics=[["accuracy"], []]),
}


def build():
    keras.utils.set_random_seed(31)  # the same initial weights for both variants
    x = keras.Input((T, F), name="x")
    z = L.LSTM(6, name="lstm")(x)
    cls = L.Dense(CLASSES, activation="softmax", name="cls")(z)
    reg = L.Dense(REG, name="reg")(z)
    return keras.Model(x, [cls, reg], name="two_heads")


def data():
    """Learnable targets: the class of a linear map of the mean features, and a second linear map."""
    r = np.random.default_rng(5)
    x = r.normal(size=(SAMPLES, T, F)).astype("float32")
    m = x.mean(axis=1)
    y_cls = np.argmax(m @ r.normal(size=(F, CLASSES)), axis=1).astype("int32")
    y_reg = (m @ r.normal(size=(F, REG)) + 0.1 * r.normal(size=(SAMPLES, REG))).astype("float32")
    return x, y_cls, y_reg


def targets(name, y_cls, y_reg):
    return {"cls": y_cls, "reg": y_reg} if name.endswith("dict") else [y_cls, y_reg]


def run(name, comp, x, y_cls, y_reg):
    files = {
        "keras": f"{name}.keras",
        "init_weights": f"{name}_init.weights.h5",
        "data": f"{name}_data.npz",
        "trained_weights": f"{name}_trained.weights.h5",
        "final": f"{name}_final.npz",
        "history": f"{name}_history.json",
    }
    p = {k: os.path.join(OUT, v) for k, v in files.items()}
    model = build()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE), **comp)
    model.save(p["keras"])
    model.save_weights(p["init_weights"])
    np.savez(p["data"], x=x, y_cls=y_cls, y_reg=y_reg)
    h = model.fit(x, targets(name, y_cls, y_reg), verbose=0, **FIT)
    model.save_weights(p["trained_weights"])
    weights = {f"w{i}": np.asarray(v.numpy(), dtype="float32") for i, v in enumerate(model.weights)}
    np.savez(p["final"], **weights)
    evaluation = model.evaluate(x, targets(name, y_cls, y_reg), batch_size=FIT["batch_size"], verbose=0,
                                return_dict=True)
    history = {k: [float(v) for v in vs] for k, vs in h.history.items()}
    record = {
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "history": history,
        "history_keys": list(h.history.keys()),
        "evaluate": {k: float(v) for k, v in evaluation.items()},
        "weights": [{"key": f"w{i}", "path": v.path, "shape": list(v.shape)} for i, v in enumerate(model.weights)],
        "compile": dict(optimizer=keras.optimizers.serialize(model.optimizer), **comp),
        "fit": FIT,
    }
    with open(p["history"], "w") as f:
        json.dump(record, f, indent=1)
    print(f"functrain: {name}: keys {record['history_keys']}; loss {[round(v, 6) for v in history['loss']]}")
    return {"name": name, "files": files, "history_keys": record["history_keys"]}


def main():
    os.makedirs(OUT, exist_ok=True)
    if os.path.exists(MANIFEST):
        os.remove(MANIFEST)
    x, y_cls, y_reg = data()
    variants = [run(name, comp, x, y_cls, y_reg) for name, comp in VARIANTS.items()]
    with open(MANIFEST, "w") as f:
        json.dump({"script_sha256": SCRIPT_SHA, "keras": keras.__version__, "tensorflow": tf.__version__,
                   "variants": variants}, f, indent=1)


main()
