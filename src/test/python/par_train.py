"""Training parity oracle: Keras 3 (TensorFlow backend) trains small recurrent models from saved
initial weights; jkeras's TrainingParityTest trains the same files and compares.

Usage: par_train.py OUT_DIR TAG CASE [CASE ...]

A case is MODEL-LOSS-OPTIMIZER (e.g. lstm8-mse-adam). For each (MODEL, LOSS) the script writes,
once, the initial model (MODEL-LOSS.keras, uncompiled) and its data (MODEL-LOSS_x.npy float32,
MODEL-LOSS_y.npy). For each case it writes CASE.json (the optimizer's Keras config, the loss, the
fit arguments, the per-epoch history and TAG) and CASE_final.npz (the weights after training, in
model.weights order as w0, w1, ...); Embedding cases with an adaptive optimizer also
dense_history and CASE_final_dense.npz (see _apply_dense). TAG (a hash of this script) lets the caller reuse results.
"""
import json
import os
import sys

out, tag, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(out, exist_ok=True)

import numpy as np  # noqa: E402
import keras  # noqa: E402

EPOCHS = 5
BATCH = 10  # 60 samples, split 0.2: 48 to train in batches 10,10,10,10,8; 12 to validate in 10,2
SAMPLES = 60
SPLIT = 0.2
FEATURES = 3
CLASSES = 3
VOCAB = 12

# (layer, timesteps): jkeras's fused LSTM path applies from 6 timesteps, so one LSTM below, one above.
MODELS = {
    "lstm4": ("lstm", 4),
    "lstm8": ("lstm", 8),
    "gru6": ("gru", 6),
    "embbilstm7": ("emb", 7),
}

# Learning rates large enough that 5 epochs move the weights visibly.
OPTIMIZERS = {
    "sgd": lambda: keras.optimizers.SGD(learning_rate=0.1),
    "momentum": lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
    "nesterov": lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    "adam": lambda: keras.optimizers.Adam(learning_rate=0.01),
    "rmsprop": lambda: keras.optimizers.RMSprop(learning_rate=0.01),
    "rmspropcm": lambda: keras.optimizers.RMSprop(learning_rate=0.005, momentum=0.5, centered=True),
    "adagrad": lambda: keras.optimizers.Adagrad(learning_rate=0.1),
    "adamax": lambda: keras.optimizers.Adamax(learning_rate=0.01),
    "adadelta": lambda: keras.optimizers.Adadelta(learning_rate=1.0),
    "nadam": lambda: keras.optimizers.Nadam(learning_rate=0.01),
    "ftrl": lambda: keras.optimizers.Ftrl(learning_rate=0.1),
}

LOSSES = {"mse": "mse", "cce": "categorical_crossentropy"}
METRICS = {"mse": ["mae"], "cce": ["accuracy"]}  # checks jkeras's per-epoch metric averaging too

# An optimizer name ending in "decay" (momentumdecay) trains with this schedule: the rate halves
# every epoch after the first, so the learning rate changes while momentum is carried.
DECAY = "decay"


def halve_after_first_epoch(epoch, lr):
    return lr if epoch == 0 else lr * 0.5


def data(model_name, loss):
    kind, steps = MODELS[model_name]
    rng = np.random.default_rng(7 + steps + (100 if loss == "cce" else 0))
    if kind == "emb":
        ids = rng.integers(1, VOCAB, size=(SAMPLES, steps))
        feats = np.eye(VOCAB)[ids][..., :FEATURES] - 0.2 * np.eye(VOCAB)[ids][..., FEATURES:2 * FEATURES]
        x = ids.astype(np.int32)
    else:
        feats = rng.normal(size=(SAMPLES, steps, FEATURES))
        x = feats.astype(np.float32)
    # A target the model can learn: a weighted mean over time of a linear map of the features.
    w = rng.normal(size=(FEATURES, CLASSES))
    t = np.linspace(0.5, 1.5, steps)[None, :, None]
    z = (feats @ w * t).mean(axis=1) + 0.1 * rng.normal(size=(SAMPLES, CLASSES))
    if loss == "mse":
        y = z.astype(np.float32)
    else:
        y = np.eye(CLASSES, dtype=np.float32)[np.argmax(z, axis=1)]
    return x, y


def build(model_name, loss):
    kind, steps = MODELS[model_name]
    layers = []
    if kind == "emb":
        layers += [keras.Input((steps,), dtype="int32"), keras.layers.Embedding(VOCAB, 6),
                   keras.layers.Bidirectional(keras.layers.LSTM(5))]
    elif kind == "lstm":
        layers += [keras.Input((steps, FEATURES)), keras.layers.LSTM(8)]
    else:
        layers += [keras.Input((steps, FEATURES)), keras.layers.GRU(8)]
    layers.append(keras.layers.Dense(CLASSES, activation="softmax" if loss == "cce" else None))
    return keras.Sequential(layers, name=f"{model_name}_{loss}")


def initial(model_name, loss):
    base = os.path.join(out, f"{model_name}-{loss}")
    stamp = base + ".tag"  # files from another version of this script are made again
    if not os.path.exists(stamp) or open(stamp).read() != tag:
        keras.utils.set_random_seed(11)
        build(model_name, loss).save(base + ".keras")
        x, y = data(model_name, loss)
        np.save(base + "_x.npy", x.astype(np.float32))
        np.save(base + "_y.npy", y)
        with open(stamp, "w") as f:
            f.write(tag)
    x = np.load(base + "_x.npy")
    if MODELS[model_name][0] == "emb":
        x = x.astype(np.int32)  # ids, fed as a Python user feeds them
    return base + ".keras", x, np.load(base + "_y.npy")


# Keras 3 on TensorFlow hands an Embedding's gradient to the optimizer as tf.IndexedSlices with one
# row per lookup, duplicates not summed, and its optimizers square those rows one by one (Adam's v,
# RMSprop's velocity, Adagrad's accumulator get the sum of squares, not the square of the sum). On
# JAX and torch (and in tf.keras 2, which deduplicated) the gradient is dense. jkeras's gradient is
# dense, so Embedding models are also trained a second time with the gradient made dense, the
# other backends' semantics; the test compares with both.
_apply_gradients = keras.optimizers.Optimizer.apply_gradients
_densify = False


def _apply_dense(self, grads_and_vars):
    import tensorflow as tf
    if _densify:
        grads_and_vars = [(tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g, v)
                          for g, v in grads_and_vars]
    return _apply_gradients(self, grads_and_vars)


keras.optimizers.Optimizer.apply_gradients = _apply_dense
LINEAR = ("sgd", "momentum", "nesterov")  # updates linear in the gradient: duplicates do not matter


def fit(path, x, y, optimizer, loss, schedule):
    model = keras.models.load_model(path)
    model.compile(optimizer=optimizer, loss=LOSSES[loss], metrics=METRICS[loss])
    callbacks = [keras.callbacks.LearningRateScheduler(halve_after_first_epoch)] if schedule else []
    h = model.fit(x, y, epochs=EPOCHS, batch_size=BATCH, shuffle=False, validation_split=SPLIT, verbose=0,
                  callbacks=callbacks)
    weights = {f"w{i}": np.asarray(w, dtype=np.float32) for i, w in enumerate(model.get_weights())}
    return {k: [float(v) for v in vs] for k, vs in h.history.items()}, weights


for case in cases:
    model_name, loss, opt_name = case.split("-")
    schedule = opt_name.endswith(DECAY)
    opt_name = opt_name[:-len(DECAY)] if schedule else opt_name
    path, x, y = initial(model_name, loss)
    optimizer = OPTIMIZERS[opt_name]()
    config = keras.optimizers.serialize(optimizer)  # before fit: a schedule changes learning_rate
    _densify = False
    history, weights = fit(path, x, y, optimizer, loss, schedule)
    np.savez(os.path.join(out, case + "_final.npz"), **weights)
    record = {
        "tag": tag,
        "keras": keras.__version__,
        "optimizer": config,
        "loss": LOSSES[loss],
        "metrics": METRICS[loss],
        "epochs": EPOCHS,
        "batch_size": BATCH,
        "validation_split": SPLIT,
        "schedule": "halve_after_first_epoch" if schedule else None,
        "history": history,
    }
    if MODELS[model_name][0] == "emb" and opt_name not in LINEAR:
        _densify = True
        record["dense_history"], weights = fit(path, x, y, OPTIMIZERS[opt_name](), loss, schedule)
        np.savez(os.path.join(out, case + "_final_dense.npz"), **weights)
    with open(os.path.join(out, case + ".json"), "w") as f:
        json.dump(record, f)
    print(case, "loss", history["loss"][-1], "val_loss", history["val_loss"][-1], flush=True)
