"""Optimizer state across Keras 3 and jkeras (driven by OptimizerStateTest).

  opt_state.py keras DIR   Keras builds each case's model, saves it compiled and untrained
                           (init_C.keras), trains K epochs and saves (k_C.keras, k_C.h5, its
                           optimizer variables in kstate_C.npz), then trains M more: kpm_C.npz
                           holds the weights of K+M continuous epochs.
  opt_state.py resume DIR CASE...
                           Keras opens what jkeras saved after K epochs (j_k_C.keras) and untrained
                           (j_init_C.keras), fails on any "Skipping variable loading" warning,
                           checks the step count and trains M more epochs: resumed_C.npz.
"""
import os
import sys
import warnings

import numpy as np
import keras

K, M, BATCH = 3, 2, 8

CASES = {
    "adam": lambda: keras.optimizers.Adam(0.01),
    "sgd_momentum": lambda: keras.optimizers.SGD(0.05, momentum=0.9),
    "rmsprop": lambda: keras.optimizers.RMSprop(0.01),
    "rmsprop_centered": lambda: keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": lambda: keras.optimizers.Adagrad(0.1),
    "adadelta": lambda: keras.optimizers.Adadelta(1.0),
    "adamax": lambda: keras.optimizers.Adamax(0.01),
    "nadam": lambda: keras.optimizers.Nadam(0.01),
    "ftrl": lambda: keras.optimizers.Ftrl(0.1),
    "adam_lstm": lambda: keras.optimizers.Adam(0.01),
    "adam_bidir": lambda: keras.optimizers.Adam(0.01),
}


def data(case):
    r = np.random.RandomState(0)
    if case.endswith("_lstm"):
        x = r.normal(size=(32, 5, 3)).astype("float32")
    elif case.endswith("_bidir"):
        x = r.randint(0, 10, size=(32, 6)).astype("int32")
    else:
        x = r.normal(size=(32, 4)).astype("float32")
    y = r.normal(size=(32, 2)).astype("float32")
    return x, y


def model(case):
    keras.utils.set_random_seed(1)
    if case.endswith("_lstm"):
        layers = [keras.Input((5, 3)), keras.layers.LSTM(4), keras.layers.Dense(2)]
    elif case.endswith("_bidir"):
        # Embedding, then a Bidirectional layer: forward before backward in trainable_variables.
        layers = [keras.Input((6,), dtype="int32"), keras.layers.Embedding(10, 3),
                  keras.layers.Bidirectional(keras.layers.GRU(2)), keras.layers.Dense(2)]
    else:
        layers = [keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(2)]
    m = keras.Sequential(layers)
    m.compile(CASES[case](), "mse", jit_compile=False)
    m.run_eagerly = True  # a few steps on tiny models: tracing a tf.function would cost more
    return m


def fit(m, x, y, epochs):
    m.fit(x, y, epochs=epochs, batch_size=BATCH, shuffle=False, verbose=0)


def save_arrays(path, arrays):
    np.savez(path, **{str(i): np.asarray(a, dtype="float32") for i, a in enumerate(arrays)})


def keras_side(d):
    for case in CASES:
        x, y = data(case)
        np.savez(os.path.join(d, "data_%s.npz" % case), x=x.astype("float32"), y=y)
        m = model(case)
        m.save(os.path.join(d, "init_%s.keras" % case))
        fit(m, x, y, K)
        m.save(os.path.join(d, "k_%s.keras" % case))
        m.save(os.path.join(d, "k_%s.h5" % case))
        save_arrays(os.path.join(d, "kstate_%s.npz" % case), [v.numpy() for v in m.optimizer.variables])
        fit(m, x, y, M)
        save_arrays(os.path.join(d, "kpm_%s.npz" % case), [w.numpy() for w in m.weights])
    print("opt_state keras: %d cases" % len(CASES))


def load_checked(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = keras.models.load_model(path)
    for w in caught:
        text = str(w.message)
        print("warning from load_model(%s): %s" % (os.path.basename(path), text))
        if "Skipping variable loading" in text:
            raise SystemExit("FAIL: %s: %s" % (path, text))
    return m


def resume_side(d, cases):
    steps = K * ((32 + BATCH - 1) // BATCH)
    for case in cases:
        x, y = data(case)
        m0 = load_checked(os.path.join(d, "j_init_%s.keras" % case))
        if int(m0.optimizer.iterations.numpy()) != 0:
            raise SystemExit("FAIL: %s: untrained model has iterations %s" % (case, m0.optimizer.iterations.numpy()))
        m = load_checked(os.path.join(d, "j_k_%s.keras" % case))
        it = int(m.optimizer.iterations.numpy())
        if it != steps:
            raise SystemExit("FAIL: %s: iterations %d after loading, expected %d" % (case, it, steps))
        m.run_eagerly = True
        fit(m, x, y, M)
        save_arrays(os.path.join(d, "resumed_%s.npz" % case), [w.numpy() for w in m.weights])
        print("opt_state resume %s: iterations %d, resumed %d epochs" % (case, it, M))


if __name__ == "__main__":
    mode, d = sys.argv[1], sys.argv[2]
    os.makedirs(d, exist_ok=True)
    keras_side(d) if mode == "keras" else resume_side(d, sys.argv[3:])
