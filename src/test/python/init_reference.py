"""Fresh weights and fresh-weight training outcomes from real Keras 3, for jkeras's initializer tests.

Usage: init_reference.py OUTDIR

Writes OUTDIR/manifest.json and .npy files:
- "layers": for each model (a Keras JSON that jkeras also builds), every weight of the fresh model
  for several seeds, concatenated over seeds (seed axis first).
- "initializers": samples of each initializer on one shape, several seeds.
- "tasks": small training tasks (data .npy, model JSON, compile/fit settings) and the final loss
  Keras reaches from fresh random weights for each seed.
"""
import json
import os
import sys

import numpy as np
import keras

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
SEEDS = [1, 2, 3, 4, 5]
manifest = {"keras": keras.__version__, "backend": keras.backend.backend(), "seeds": SEEDS,
            "layers": [], "initializers": [], "tasks": []}


def save(name, arr):
    path = os.path.join(out, name + ".npy")
    np.save(path, np.asarray(arr))
    return path


# ---- fresh layer weights ----
def layer_models():
    L = keras.layers
    yield "dense", [keras.Input((200,)), L.Dense(300)]
    yield "dense_initializers", [keras.Input((200,)), L.Dense(300, kernel_initializer="he_normal",
                                                              bias_initializer="random_normal")]
    yield "lstm", [keras.Input((10, 32)), L.LSTM(64)]
    yield "lstm_no_forget_bias", [keras.Input((10, 32)), L.LSTM(48, unit_forget_bias=False,
                                                               bias_initializer="random_uniform")]
    yield "gru", [keras.Input((10, 24)), L.GRU(48)]
    yield "gru_v1", [keras.Input((10, 24)), L.GRU(48, reset_after=False)]
    yield "simple_rnn", [keras.Input((10, 32)), L.SimpleRNN(64)]
    yield "embedding", [keras.Input((7,), dtype="int32"), L.Embedding(1000, 32)]
    yield "bidirectional", [keras.Input((10, 16)), L.Bidirectional(L.LSTM(32))]
    yield "lecun_vs", [keras.Input((120,)), L.Dense(250, kernel_initializer="lecun_uniform"),
                       L.Dense(90, kernel_initializer=keras.initializers.VarianceScaling(
                           scale=2.0, mode="fan_out", distribution="uniform"))]
    # Rank-3 kernels: fans multiplied by the receptive field (kernel_size).
    yield "conv1d", [keras.Input((40, 24)), L.Conv1D(64, 5, kernel_initializer="glorot_uniform")]
    yield "conv1d_he_groups", [keras.Input((40, 24)), L.Conv1D(48, 3, groups=4, kernel_initializer="he_normal",
                                                                bias_initializer="random_normal")]
    yield "separable_conv1d", [keras.Input((40, 24)), L.SeparableConv1D(48, 3, depth_multiplier=2)]
    yield "depthwise_conv1d", [keras.Input((40, 24)), L.DepthwiseConv1D(4, depth_multiplier=3)]
    yield "conv1d_transpose", [keras.Input((40, 24)), L.Conv1DTranspose(32, 4, strides=2)]


for name, layers in layer_models():
    per_seed = []
    for s in SEEDS:
        keras.utils.set_random_seed(s)
        m = keras.Sequential(layers if s == SEEDS[0] else
                             [keras.Input(layers[0].shape[1:], dtype=layers[0].dtype)] +
                             [type(l).from_config(l.get_config()) for l in layers[1:]], name=name)
        if s == SEEDS[0]:
            config = m.to_json()
        per_seed.append([w.numpy() for w in m.weights])
    files = [save(f"layer_{name}_w{i}", np.stack([ws[i] for ws in per_seed])) for i in range(len(per_seed[0]))]
    manifest["layers"].append({"name": name, "config": config, "weights": files,
                               "weight_names": [w.path for w in m.weights]})

# ---- initializers, sampled directly ----
INITS = {
    "glorot_uniform": ("glorot_uniform", [300, 400]),
    "glorot_normal": ("glorot_normal", [300, 400]),
    "he_uniform": ("he_uniform", [300, 400]),
    "he_normal": ("he_normal", [300, 400]),
    "lecun_uniform": ("lecun_uniform", [300, 400]),
    "lecun_normal": ("lecun_normal", [300, 400]),
    "glorot_uniform_rank3": ("glorot_uniform", [5, 40, 60]),
    "random_uniform": ("random_uniform", [300, 400]),
    "random_normal": ("random_normal", [300, 400]),
    "truncated_normal": ("truncated_normal", [300, 400]),
    "orthogonal": ("orthogonal", [64, 256]),
    "vs_fan_out_uniform": ({"class_name": "VarianceScaling",
                            "config": {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"}}, [300, 400]),
    "vs_fan_avg_untruncated": ({"class_name": "VarianceScaling",
                                "config": {"scale": 0.5, "mode": "fan_avg",
                                           "distribution": "untruncated_normal"}}, [300, 400]),
}
for name, (ident, shape) in INITS.items():
    init = keras.initializers.get(ident)
    sample = np.stack([np.asarray(type(init).from_config({**init.get_config(), "seed": s})(shape))
                       for s in SEEDS[:2]])
    manifest["initializers"].append({"name": name, "initializer": ident, "shape": shape,
                                     "samples": save(f"init_{name}", sample.astype(np.float32))})

# ---- training outcomes from fresh weights ----
rng = np.random.default_rng(0)


def task(name, layers, x, y, compile_args, fit_args):
    xs, ys = save(f"task_{name}_x", x), save(f"task_{name}_y", y)
    losses, config = [], None
    for s in SEEDS:
        keras.utils.set_random_seed(s)
        m = keras.Sequential([keras.Input(x.shape[1:])] + [type(l).from_config(l.get_config()) for l in layers],
                             name=name)
        config = m.to_json()
        m.compile(**compile_args)
        h = m.fit(x, y, verbose=0, **fit_args)
        losses.append(float(h.history["loss"][-1]))
    manifest["tasks"].append({"name": name, "config": config, "x": xs, "y": ys, "compile": compile_args,
                              "fit": fit_args, "keras_final_loss": losses})


L = keras.layers
# An LSTM regression: the target is the mean of the first feature over time.
x = rng.random((256, 50, 8), dtype=np.float32)
y = x[:, :, 0].mean(axis=1, keepdims=True).astype(np.float32)
task("lstm_regression", [L.LSTM(32), L.Dense(1)], x, y,
     {"optimizer": "adam", "loss": "mse"}, {"epochs": 3, "batch_size": 32, "shuffle": False})

# The alphabet tutorial, one char -> next, batches of 5.
letters = np.arange(26)
x = (letters[:-1] / 26.0).reshape(25, 1, 1).astype(np.float32)
y = np.eye(26, dtype=np.float32)[letters[1:]]
task("alphabet_one_char", [L.LSTM(32), L.Dense(26, activation="softmax")], x, y,
     {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 0.01}}, "loss": "categorical_crossentropy"},
     {"epochs": 100, "batch_size": 5, "shuffle": False})

# A small classifier on three Gaussian blobs in 10 dimensions.
centers = rng.normal(size=(3, 10)) * 1.5
labels = rng.integers(0, 3, 300)
x = (centers[labels] + rng.normal(size=(300, 10))).astype(np.float32)
y = np.eye(3, dtype=np.float32)[labels]
task("blobs_classifier", [L.Dense(16, activation="relu"), L.Dense(3, activation="softmax")], x, y,
     {"optimizer": "sgd", "loss": "categorical_crossentropy"}, {"epochs": 10, "batch_size": 16, "shuffle": False})

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print("init_reference: wrote", len(manifest["layers"]), "layer models,", len(manifest["initializers"]),
      "initializers,", len(manifest["tasks"]), "tasks to", out)
