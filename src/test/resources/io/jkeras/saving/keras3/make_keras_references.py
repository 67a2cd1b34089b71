"""Generates the Keras-made reference files in this folder (run with Keras 3, any backend):

    KERAS_BACKEND=jax python make_keras_references.py

Each model gets random (seeded) weights, including non-zero biases, and is saved three ways:
<name>.keras (model.save), <name>_legacy.h5 (model.save to .h5, Keras 3's legacy HDF5 writer) and
<name>.weights.h5 (model.save_weights); <name>_input.npy / <name>_expected.npy hold a batch of
inputs and Keras's own model.predict outputs for them.
"""
import numpy as np
import keras

keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)


def randomize(model):
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])


def save(name, model, x):
    randomize(model)
    model.save(f"{name}.keras")
    model.save(f"{name}_legacy.h5")
    model.save_weights(f"{name}.weights.h5")
    np.save(f"{name}_input.npy", x.astype("float32"))
    np.save(f"{name}_expected.npy", model.predict(x, verbose=0).astype("float32"))


# Recurrent wrappers and cells: Bidirectional(LSTM), GRU (reset_after), SimpleRNN, TimeDistributed(Dense),
# Flatten, Dense without bias; compiled so that config.json carries a compile_config.
mixed = keras.Sequential([
    keras.Input((5, 3)),
    keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True)),
    keras.layers.GRU(3, return_sequences=True),
    keras.layers.SimpleRNN(2, return_sequences=True),
    keras.layers.TimeDistributed(keras.layers.Dense(2)),
    keras.layers.Flatten(),
    keras.layers.Dense(2, use_bias=False),
    keras.layers.Dense(1, activation="sigmoid"),
], name="mixed")
mixed.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
save("mixed", mixed, rng.normal(size=(4, 5, 3)))

# Embedding with mask_zero feeding a GRU (reset_after=False) and a Bidirectional sum of SimpleRNNs.
emb = keras.Sequential([
    keras.Input((6,)),
    keras.layers.Embedding(10, 4, mask_zero=True),
    keras.layers.GRU(3, return_sequences=True, reset_after=False),
    keras.layers.Bidirectional(keras.layers.SimpleRNN(2), merge_mode="sum"),
    keras.layers.Dense(3, activation="softmax"),
], name="emb")
x = rng.integers(1, 10, size=(4, 6))
x[0, 4:] = 0
x[2, 2:] = 0
save("emb", emb, x)
