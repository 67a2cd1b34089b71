"""Training parity oracle for a model with MultiHeadAttention: real Keras 3 (TensorFlow backend)
trains a small masked, causal self-attention block from saved initial weights; the Java side
(layers/AttentionTrainingParityTest) trains the same files and compares.

    python attention_train.py OUT_DIR

Model: tokens (6,) int32 -> Embedding(12, 4, mask_zero=True) -> MultiHeadAttention(2, 3) on
(e, e) with use_causal_mask=True -> Add([e, attention]) -> LSTM(5) -> Dense(2); loss mse,
SGD(learning_rate=0.1), batch_size=8, shuffle=False, epochs=3, 32 samples (padded token rows).
The biases start off zero (shifted by seeded values) so that every weight matters.

OUT_DIR holds
    attention.keras               the untrained model, compiled (model.save)
    attention_init.weights.h5     its initial weights (model.save_weights)
    attention_data.npz            x (int32 ids, (32, 6)), y (float32, (32, 2))
    attention_final.npz           the weights after fit, flat in model.weights order: w0, w1, ...
    attention_history.json        {"history": fit's History.history, "weights": path and shape of each w<i>,
                                   "keras", "tensorflow"}
and manifest.json with the SHA-256 of this script and fixture_cache.py: a second run with both
unchanged (and every file present) does nothing and does not import TensorFlow.
"""

import json
import os
import sys

from fixture_cache import exit_if_cached, quiet_tensorflow, script_sha256

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/interop/attention_train")
SCRIPT_SHA = script_sha256(__file__)
MANIFEST = os.path.join(OUT, "manifest.json")
exit_if_cached(MANIFEST, SCRIPT_SHA, lambda m: list(m["files"].values()), "attntrain")

quiet_tensorflow()
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers as L  # noqa: E402

assert keras.backend.backend() == "tensorflow", keras.backend.backend()

SAMPLES, T, VOCAB = 32, 6, 12
FIT = {"batch_size": 8, "epochs": 3, "shuffle": False}


def build():
    keras.utils.set_random_seed(17)
    tok = keras.Input((T,), dtype="int32", name="tokens")
    e = L.Embedding(VOCAB, 4, mask_zero=True, name="emb")(tok)
    a = L.MultiHeadAttention(2, 3, name="mha")(e, e, use_causal_mask=True)
    h = L.LSTM(5, name="lstm")(L.Add(name="residual")([e, a]))
    model = keras.Model(tok, L.Dense(2, name="out")(h), name="attention_block")
    r = np.random.default_rng(3)
    for v in model.weights:
        if v.path.endswith("bias"):
            v.assign(v.numpy() + r.normal(scale=0.3, size=v.shape).astype("float32"))
        elif v.path.endswith("embeddings"):
            v.assign(r.normal(scale=0.5, size=v.shape).astype("float32"))  # larger than the default +-0.05
    return model


def data():
    r = np.random.default_rng(5)
    x = r.integers(1, VOCAB, size=(SAMPLES, T)).astype("int32")
    for i in range(SAMPLES):
        x[i, 1 + i % T:] = 0  # lengths 1..T
    y = r.normal(size=(SAMPLES, 2)).astype("float32")
    return x, y


def main():
    os.makedirs(OUT, exist_ok=True)
    if os.path.exists(MANIFEST):
        os.remove(MANIFEST)
    files = {"keras": "attention.keras", "init_weights": "attention_init.weights.h5", "data": "attention_data.npz",
             "final": "attention_final.npz", "history": "attention_history.json"}
    p = {k: os.path.join(OUT, v) for k, v in files.items()}
    x, y = data()
    model = build()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.save(p["keras"])
    model.save_weights(p["init_weights"])
    np.savez(p["data"], x=x, y=y)
    h = model.fit(x, y, verbose=0, **FIT)
    np.savez(p["final"], **{f"w{i}": np.asarray(v.numpy(), dtype="float32") for i, v in enumerate(model.weights)})
    record = {"keras": keras.__version__, "tensorflow": tf.__version__,
              "history": {k: [float(v) for v in vs] for k, vs in h.history.items()},
              "weights": [{"key": f"w{i}", "path": v.path, "shape": list(v.shape)} for i, v in enumerate(model.weights)],
              "fit": FIT}
    with open(p["history"], "w") as f:
        json.dump(record, f, indent=1)
    with open(MANIFEST, "w") as f:
        json.dump({"script_sha256": SCRIPT_SHA, "keras": keras.__version__, "tensorflow": tf.__version__,
                   "files": files}, f, indent=1)
    print(f"attntrain: loss {[round(v, 6) for v in record['history']['loss']]}")


main()
