"""Real Keras as the oracle for jkeras's text layers (TextVectorization, StringLookup, IntegerLookup).

    python text_check.py ids SPEC_JSON OUT_JSON
        SPEC_JSON: {"cases": [{"name", "layer" (class name), "config" (constructor arguments),
        "adapt" (data or null), "inputs" (data)}]}. Each layer is made from its config, adapted
        (when "adapt" is given) and called on "inputs"; OUT_JSON gets per case the vocabulary
        (get_vocabulary()), the output as a nested list and its shape, or the error Keras raised.
    python text_check.py make DIR
        Trains nothing: builds TextVectorization (adapted on DIR/texts.json's "adapt") ->
        Embedding -> LSTM -> Dense, saves DIR/text_model.keras, .h5, .json + .weights.h5, and
        writes Keras's predictions on DIR/texts.json's "predict" to DIR/keras_out.json.
    python text_check.py predict MODEL TEXTS_JSON OUT_JSON [WEIGHTS]
        Loads a model file (.keras; .json with WEIGHTS) as a Python user would, predicts the texts'
        "predict" entry, writes {"out": ..., "vocabulary": ...} (the first TextVectorization's).
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402


def layer_from(case):
    cls = getattr(keras.layers, case["layer"])
    cfg = dict(case["config"])
    if isinstance(cfg.get("ngrams"), list):
        cfg["ngrams"] = tuple(cfg["ngrams"])
    return cls(**cfg)


def as_data(layer, data):
    if isinstance(layer, keras.layers.IntegerLookup):
        return np.array(data, dtype="int64")
    return tf.constant(data, dtype=tf.string)


def ids(spec_path, out_path):
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    results = {}
    for case in spec["cases"]:
        r = {}
        try:
            layer = layer_from(case)
            if case.get("adapt") is not None:
                layer.adapt(as_data(layer, case["adapt"]))
            out = np.asarray(layer(as_data(layer, case["inputs"])))
            r["vocabulary"] = [v if isinstance(v, str) else int(v) for v in layer.get_vocabulary()]
            r["shape"] = list(out.shape)
            r["output"] = out.astype("float64").reshape(-1).tolist()
        except Exception as e:  # the Java side checks that it refuses the same cases
            r["error"] = f"{type(e).__name__}: {e}"
        results[case["name"]] = r
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False)


def make(d):
    with open(os.path.join(d, "texts.json"), encoding="utf-8") as f:
        texts = json.load(f)
    keras.utils.set_random_seed(3)
    tv = keras.layers.TextVectorization(max_tokens=40, output_sequence_length=10, name="vectorize")
    tv.adapt(texts["adapt"])
    inp = keras.Input(shape=(1,), dtype="string", name="text")
    x = tv(inp)
    x = keras.layers.Embedding(40, 8, mask_zero=True)(x)
    x = keras.layers.LSTM(6)(x)
    out = keras.layers.Dense(3, activation="softmax")(x)
    m = keras.Model(inp, out)
    m.save(os.path.join(d, "text_model.keras"))
    m.save(os.path.join(d, "text_model.h5"))
    with open(os.path.join(d, "text_model.json"), "w") as f:
        f.write(m.to_json())
    m.save_weights(os.path.join(d, "text_model.weights.h5"))
    pred = m.predict(tf.constant(texts["predict"]), verbose=0)
    with open(os.path.join(d, "keras_out.json"), "w", encoding="utf-8") as f:
        json.dump({"out": pred.astype("float64").tolist(), "vocabulary": tv.get_vocabulary(),
                   "ids": np.asarray(tv(tf.constant(texts["predict"]))).tolist(),
                   "params": int(m.count_params())}, f, ensure_ascii=False)


def predict(model_path, texts_path, out_path, weights=None):
    with open(texts_path, encoding="utf-8") as f:
        texts = json.load(f)
    if model_path.endswith(".json"):
        with open(model_path) as f:
            m = keras.models.model_from_json(f.read())
        m.load_weights(weights)
    else:
        m = keras.models.load_model(model_path)
    vocab = None
    for layer in m.layers:
        if isinstance(layer, keras.layers.TextVectorization):
            vocab = layer.get_vocabulary()
            break
    pred = m.predict(tf.constant(texts["predict"]), verbose=0)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"out": np.asarray(pred).astype("float64").tolist(), "vocabulary": vocab,
                   "params": int(m.count_params())}, f, ensure_ascii=False)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "ids":
        ids(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "predict":
        predict(*sys.argv[2:])
    else:
        sys.exit(__doc__)
